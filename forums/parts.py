"""The forums' rows that pages show, and the parts of the forums' pages shared between
the people who see them alike (``sociable.parts``)."""

from django.core.paginator import Paginator

from sociable import registry
from sociable.content import content
from sociable.links import reverse
from sociable.parts import Part, render_part, shared
from sociable.search import sections_part

from . import permissions, search, selectors
from .forms import PostForm
from .models import Reaction

# Not content: who follows what, how far each person has read, the moderation log.
content(
    "forums.Board",
    "forums.Thread",
    "forums.Post",
    "forums.PostRevision",
    "forums.Reaction",
    "forums.Mention",
    "forums.Report",
    "forums.Suspension",
    # A thread's tags (taggit's own tables).
    "taggit.Tag",
    "taggit.TaggedItem",
)


def moderated_boards(user) -> frozenset[int]:
    """The viewer fact "moderated_boards": the boards they moderate, beyond their audience
    (none for everyone but moderators)."""
    if not permissions.is_moderator(user):
        return frozenset()
    return frozenset(permissions.moderated_boards(user).values_list("pk", flat=True))


registry.viewer_facts.add("moderated_boards", moderated_boards)

# A board's, a thread's and a post's page show their authors' names and profiles.
ENDS_ON = ("forums", "taggit", "groups", "profiles", "accounts")


@shared(varies=("audience", "groups", "moderated_boards"), ends_on=ENDS_ON)
def board_table(viewer) -> Part:
    """The boards the viewer may read, with each one's latest threads (a fact: which are
    new to the viewer is theirs)."""
    boards = list(selectors.boards_with_stats(permissions.visible_boards(viewer)))
    context = {"boards": boards, "signed_in": viewer.signed_in}
    latest = {board.pk: board.latest_threads for board in boards}
    return render_part(
        "forums/partials/_board_table.html", context, facts={"latest_threads": latest}
    )


def _own_waiting(viewer, item, *args, **kwargs) -> bool:
    # Their own posts waiting for a moderator are on the page: theirs alone.
    return bool(getattr(item, "own_waiting", False))


@shared(varies=("audience",), ends_on=ENDS_ON, private=_own_waiting)
def thread_table(viewer, board, page: str, moderator: bool) -> Part:
    """A page of a board's threads (``page`` as asked for: the paginator decides)."""
    threads = selectors.thread_list(viewer, board, moderator=moderator)
    page = Paginator(threads, selectors.THREADS_PER_PAGE).get_page(page)
    context = {"page": page, "query_string": "", "signed_in": viewer.signed_in}
    return render_part("forums/partials/_thread_table.html", context)


@shared(varies=("audience",), ends_on=ENDS_ON, private=_own_waiting)
def thread_posts(viewer, thread, page: int, total: int, moderator: bool) -> Part:
    """A page of a thread's posts and the reply form; owned by the posts' authors."""
    page = Paginator(range(total), selectors.posts_per_page(thread)).get_page(page)
    posts = selectors.page_of_posts(thread, viewer, moderator=moderator, page=page.number)
    return render_part(
        "forums/partials/_thread_posts.html",
        {
            "thread": thread,
            "posts": posts,
            "page": page,
            "query_string": "",
            "moderator": moderator,
            "signed_in": viewer.signed_in,
            "viewer_id": viewer.pk,
            "reply_form": PostForm(),
            "reply_url": reverse("forums:reply", args=[thread.pk, thread.slug or "thread"]),
            "reactions": Reaction.Kind.choices,
            "tag_names": selectors.tag_names(thread),
        },
        owners={post.author_id for post in posts if post.author_id},
    )


@shared(
    varies=("audience", "groups"),
    ends_on=ENDS_ON,
    # A moderator also finds what is on the boards they moderate: theirs alone.
    private=lambda viewer, q: permissions.is_moderator(viewer),
)
def search_discussions(viewer, q: str) -> Part:
    """The one search's discussions section (``registry.search_parts``)."""
    return sections_part(q, [search.discussions_section(viewer, q)])
