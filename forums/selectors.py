"""Reads behind the board list, thread list and thread pages: fixed queries at any size."""

from __future__ import annotations

import re

from django.contrib.postgres.expressions import ArraySubquery
from django.db import router
from django.db.models import (
    BooleanField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from profiles.visibility import group_sql
from sociable.accounts.models import Organisation, User
from sociable.links import by_pk
from sociable.queries import Columns, count_of, fetch

from .links import post_links, profile_link
from .models import (
    SEQ_WIDTH,
    Board,
    ModerationLog,
    Post,
    Reaction,
    Suspension,
    Thread,
)

POSTS_PER_PAGE = 50
# A story's comments come twenty to a page: the story is most of its page, and most
# readers come for it and read the first comments only.
COMMENTS_PER_PAGE = 20
# The threads any list shows: none a moderator hid or deleted (merged ones have no posts).
LISTED = Q(hidden_at__isnull=True, deleted_at__isnull=True)
THREADS_PER_PAGE = 25


# What a board or thread page needs to know about its reader (``for_reader``), as SQL: each
# takes the reader's pk, then the values named.
_FOLLOWING = "EXISTS (SELECT 1 FROM forums_subscription s WHERE s.user_id = %s AND s.{fk} = {pk})"
_SUSPENSION = (  # SuspensionQuerySet.active(); then: now
    "SELECT x.id FROM forums_suspension x WHERE x.user_id = %s AND x.until > %s"
    " AND x.lifted_at IS NULL ORDER BY x.until DESC LIMIT 1"
)
_READ_AT = "SELECT r.read_at FROM forums_readmarker r WHERE r.user_id = %s AND r.thread_id = {pk}"
_OWN_WAITING_THREADS = (
    "EXISTS (SELECT 1 FROM forums_thread t WHERE t.author_id = %s AND t.post_count = 0"
    " AND t.board_id = {pk})"
)
_OWN_WAITING_POSTS = (  # then: the pending status
    "EXISTS (SELECT 1 FROM forums_post p WHERE p.author_id = %s AND p.status = %s"
    " AND p.thread_id = {pk})"
)
_OWN_REACTIONS = (  # as "<post pk>_<kind>", what the thread page's reaction marks are keyed by
    "ARRAY(SELECT r.post_id || '_' || r.kind FROM forums_reaction r"
    " JOIN forums_post p ON p.id = r.post_id WHERE r.user_id = %s AND p.thread_id = {pk})"
)
_UNREAD = (  # threads with activity since the reader last read them; then: the reader's pk
    "NOT EXISTS (SELECT 1 FROM forums_readmarker r WHERE r.user_id = %s"
    " AND r.thread_id = {pk} AND r.read_at >= forums_thread.last_activity_at)"
    # never a thread they muted, or one in a board they muted (forums.mutes)
    " AND NOT EXISTS (SELECT 1 FROM forums_mute m WHERE m.user_id = %s"
    " AND (m.thread_id = {pk} OR m.board_id = forums_thread.board_id))"
)
_MUTED = "EXISTS (SELECT 1 FROM forums_mute m WHERE m.user_id = %s AND m.{fk} = {pk})"


def _about_reader(template: str, user, model, output_field, *values) -> RawSQL:
    """One of the SQL expressions above for rows of ``model``: constant SQL, with the
    reader's pk and ``values`` as parameters."""
    names = {"fk": f"{model._meta.model_name}_id", "pk": f"{model._meta.db_table}.id"}
    return RawSQL(template.format(**names), (user.pk, *values), output_field)  # noqa: S611


def for_reader(boards: QuerySet, user) -> QuerySet:
    """Boards with what their page needs to know about the reader, in the same query:
    whether they follow or muted it, their suspension if any and whether they have threads
    in it waiting for a moderator (a thread's page reads the same of its thread:
    ``thread_for_page``).

    Written as SQL rather than ``Exists``/``Subquery`` (as is ``unread_threads``): every
    board and thread page asks this, and building and compiling the ORM's four correlated
    subqueries took ~2 ms of a thread page's ~8, ten times what the database took to run
    them; these take ~0.2 ms.
    """
    if not user.is_authenticated:
        return boards

    def sql(template: str, output_field, *values) -> RawSQL:
        return _about_reader(template, user, Board, output_field, *values)

    return boards.annotate(
        following=sql(_FOLLOWING, BooleanField()),
        muted=sql(_MUTED, BooleanField()),
        suspension_id=sql(_SUSPENSION, IntegerField(), timezone.now()),
        own_waiting=sql(_OWN_WAITING_THREADS, BooleanField()),
    )


# A thread's page (and a story's comments) reads its thread by hand, with its board and what
# ``for_reader`` says of the reader (docs/decisions/0019, decision 15): the same facts' SQL,
# asked of the thread read as ``t``, without Django building and compiling a queryset of two
# tables' columns and six expressions. Prepared: one plan for every thread.
_PAGE_THREAD = Columns.whole(Thread, "t")
_PAGE_BOARD = Columns.whole(Board, "b")
_THREAD_READER = {  # for_reader's facts of a thread, each with its values after the reader's
    "following": (_FOLLOWING, lambda now: ()),
    "muted": (_MUTED, lambda now: ()),
    "suspension_id": (_SUSPENSION, lambda now: (now,)),
    "read_at": (_READ_AT, lambda now: ()),
    "own_waiting": (_OWN_WAITING_POSTS, lambda now: (Post.Status.PENDING.value,)),
    "own_reactions": (_OWN_REACTIONS, lambda now: ()),
}
_THREAD_PAGE = """
    SELECT {thread}, {board}{reader}
    FROM forums_thread t JOIN forums_board b ON b.id = t.board_id
    WHERE t.id = %s
"""  # noqa: S608 (column names of ours, not anyone's input)
_THREAD_FOR_READER = _THREAD_PAGE.format(
    thread=_PAGE_THREAD.sql,
    board=_PAGE_BOARD.sql,
    reader="".join(
        f", ({sql.format(fk='thread_id', pk='t.id').replace('forums_thread.', 't.')})"
        for sql, _ in _THREAD_READER.values()
    ),
)
_THREAD_FOR_VISITOR = _THREAD_PAGE.format(thread=_PAGE_THREAD.sql, board=_PAGE_BOARD.sql, reader="")


def thread_for_page(user, pk: int) -> Thread | None:
    """The thread ``pk`` with its board and, for someone signed in, what ``for_reader``
    says of them; whoever may read it (the caller checks). One query."""
    signed_in = user.is_authenticated
    params: list = []
    if signed_in:
        now = timezone.now()
        for _, values in _THREAD_READER.values():
            params += [user.pk, *values(now)]
    sql = _THREAD_FOR_READER if signed_in else _THREAD_FOR_VISITOR
    rows = fetch(sql, [*params, pk], prepare=True, using=router.db_for_read(Thread))
    if not rows:
        return None
    thread, thread.board = Columns.make_each(rows[0], _PAGE_THREAD, _PAGE_BOARD)
    if signed_in:
        facts = rows[0][_PAGE_THREAD.width + _PAGE_BOARD.width :]
        for name, value in zip(_THREAD_READER, facts, strict=True):
            setattr(thread, name, value)
    return thread


def suspension_of_reader(obj: Board | Thread) -> Suspension | None:
    """The reader's suspension, from a board or thread read ``for_reader`` (a query only
    for someone suspended)."""
    pk = getattr(obj, "suspension_id", None)
    return Suspension.objects.filter(pk=pk).first() if pk else None


def tag_names(thread: Thread) -> list[str]:
    return sorted(thread.tags.names())


def boards_with_stats(boards):
    """Each board with its thread count, latest activity and its THREADS_PER_PAGE latest
    threads (``latest_threads``: what its first page lists, to say whether it has news)."""
    listed = Thread.objects.filter(post_count__gt=0).filter(LISTED)
    latest = listed.filter(board=OuterRef("pk")).order_by("-last_activity_at")
    boards = boards.annotate(
        latest_threads=ArraySubquery(latest.values("pk")[:THREADS_PER_PAGE]),
        thread_count=count_of(listed, "board"),
        latest_at=Subquery(latest.values("last_activity_at")[:1]),
        latest_title=Subquery(latest.values("title")[:1]),
        latest_id=Subquery(latest.values("pk")[:1]),
        latest_slug=Subquery(latest.values("slug")[:1]),
    ).select_related("group")
    return boards.order_by("position", "name")


def thread_list(user, board, *, moderator: bool = False):
    """A board's threads; one whose opening post awaits approval only for its author and
    moderators (``post_count`` counts published posts); one a moderator hid only for
    moderators; never one deleted or merged into another."""
    threads = board.threads.select_related("author__organisation").order_by(
        "-is_pinned", "-last_activity_at", "-pk"
    )
    threads = threads.filter(deleted_at__isnull=True, merged_into__isnull=True)
    if not moderator:
        threads = threads.filter(Q(post_count__gt=0) | Q(author_id=getattr(user, "pk", None)))
        threads = threads.filter(hidden_at__isnull=True)
    return threads


def why_hidden(thread, user):
    """For a hidden thread's author, the log entry that hid it (what an appeal is about);
    None for anyone else and any thread not hidden (no query)."""
    if not thread.hidden_at or not user.is_authenticated or thread.author_id != user.pk:
        return None
    return (
        ModerationLog.objects.filter(thread=thread, action=ModerationLog.Action.HIDE_THREAD)
        .order_by("-created_at", "-pk")
        .first()
    )


def unread_threads(user, thread_ids) -> set[int]:
    """Which of these threads have activity since ``user`` last read them."""
    if not user.is_authenticated:
        return set()
    unread = _about_reader(_UNREAD, user, Thread, BooleanField(), user.pk)
    return set(Thread.objects.filter(unread, pk__in=thread_ids).values_list("pk", flat=True))


def visible_posts(thread, user, *, moderator: bool):
    """The posts of ``thread`` its reader sees: a moderator all of them, anyone else those
    published and their own waiting for a moderator (never one whose author is gone)."""
    posts = thread.posts.all()
    if not moderator:
        shown = Q(status=Post.Status.PUBLISHED)
        if getattr(user, "pk", None) is not None:
            shown |= Q(status=Post.Status.PENDING, author_id=user.pk)
        posts = posts.filter(shown)
    return posts


def posts_per_page(thread) -> int:
    """How many posts a page of ``thread`` shows: fewer under a story."""
    return COMMENTS_PER_PAGE if thread.for_story else POSTS_PER_PAGE


# A page of a thread, hand-written (docs/decisions/0019, decision 15): every thread page
# and story with comments reads one, and Django took longer to build and compile it as a
# queryset, with its three joins and three counts, than PostgreSQL took to run it. The page's
# rows first, by the (thread, path) index alone, then only those get their authors and
# counts: annotated and offset in one query, PostgreSQL would work out the counts for every
# row it skips (10,000 of them on page 200). Prepared: one plan for every thread and page.
_PAGE_POST = Columns(
    Post, "p", "thread", "author", "parent", "path", "depth", "body_html", "status",
    "created_at", "edited_at", "deleted_at", "hidden_at", "hidden_reason",
)  # fmt: skip
_PAGE_AUTHOR = Columns(User, "u", "name", "username", "organisation")
_PAGE_ORGANISATION = Columns(Organisation, "o", "name", "short_name")
_PAGE_PARENT = Columns(Post, "pp", "author")
_PAGE_PARENT_AUTHOR = Columns(User, "pu", "name", "username")
_PAGE_COLUMNS = (_PAGE_POST, _PAGE_AUTHOR, _PAGE_ORGANISATION, _PAGE_PARENT, _PAGE_PARENT_AUTHOR)
_REACTION_COUNTS = ", ".join(
    f"(SELECT count(*) FROM forums_reaction r WHERE r.post_id = p.id AND r.kind = '{kind}')"  # noqa: S608
    for kind in Reaction.Kind.values
)
_PAGE_OF_POSTS = f"""
    SELECT {", ".join(columns.sql for columns in _PAGE_COLUMNS)}, {_REACTION_COUNTS},
        (SELECT count(*) FROM forums_postrevision v WHERE v.post_id = p.id),
        EXISTS (SELECT 1 FROM profiles_profile pr WHERE pr.user_id = u.id
            AND pr.archived_at IS NULL AND u.is_active AND {{linkable}})
    FROM (
        SELECT q.id FROM forums_post q WHERE q.thread_id = %s {{visible}}
        ORDER BY q.path OFFSET %s LIMIT {{size}}
    ) page
    JOIN forums_post p ON p.id = page.id
    LEFT JOIN accounts_user u ON u.id = p.author_id
    LEFT JOIN accounts_organisation o ON o.id = u.organisation_id
    LEFT JOIN forums_post pp ON pp.id = p.parent_id
    LEFT JOIN accounts_user pu ON pu.id = pp.author_id
    ORDER BY p.path
"""  # noqa: S608 (column names and constants of ours, not anyone's input)
# What a reader who moderates nothing sees of a thread (``visible_posts``): its published
# posts and their own waiting for a moderator (then: the reader's pk).
_PAGE_VISIBLE = (
    f"AND (q.status = '{Post.Status.PUBLISHED.value}'"
    f" OR (q.status = '{Post.Status.PENDING.value}' AND q.author_id = %s))"
)


def page_of_posts(thread, user, *, moderator: bool, page: int) -> list[Post]:
    """One page of a thread in tree order (the posts ``visible_posts`` finds), each with its
    author and their organisation, whether ``user`` may open the author's profile
    (``author_linkable``: it is active and its audience takes them in), the post it answers
    and its author, its reactions' counts by kind (``thanks_count``...) and
    ``revision_count``; its addresses (``links``, ``author_link``, ``parent_link``); nested
    (``nest``). One query."""
    size = posts_per_page(thread)
    linkable, linkable_params = group_sql(user, "profile", profile="pr", user="u")
    visible = "" if moderator else _PAGE_VISIBLE
    sql = _PAGE_OF_POSTS.format(linkable=linkable, visible=visible, size=int(size))
    own = [] if moderator else [getattr(user, "pk", None)]
    params = [*linkable_params, thread.pk, *own, (page - 1) * size]
    rows = fetch(sql, params, prepare=True, using=router.db_for_read(Post))
    page_posts = []
    for row in rows:
        post, author, organisation, parent, parent_author = Columns.make_each(row, *_PAGE_COLUMNS)
        if author is not None:
            author.organisation = organisation
        post.author = author
        if parent is not None:
            parent.author = parent_author
        post.parent = parent
        *counts, post.revision_count, post.author_linkable = row[-2 - len(Reaction.Kind.values) :]
        for kind, count in zip(Reaction.Kind.values, counts, strict=True):
            setattr(post, f"{kind}_count", count)
        page_posts.append(post)
    on_page = {post.pk for post in page_posts}
    links, permalink = post_links(), by_pk("forums:post-permalink")
    for post in page_posts:
        post.links = links(post)
        post.author_link = profile_link(post.author.username) if post.author else ""
        if post.parent_id:
            # The post it answers: here on the page, or on the page its permalink finds.
            post.parent_link = (
                f"#post-{post.parent_id}"
                if post.parent_id in on_page
                else permalink(post.parent_id)
            )
    nest(page_posts)
    return page_posts


def nest(posts: list[Post]) -> None:
    """Say how a page of posts (in path order) nests as lists: each reply in a list inside
    the post whose branch it is on, when that post is on the page.

    ``replies_follow``: a list of replies to this post opens after it. ``lists_ending``:
    after this post (and its ``</li>``), this many lists of replies end, each with the post
    they belong to. A reply stored beside its parent below ``MAX_DEPTH`` nests beside it;
    the page says in words whom every reply answers.
    """
    if not posts:
        return
    branch: list[str] = []  # the paths of the posts whose replies' list is open, outermost first
    levels = []
    for post in posts:
        while branch and not post.path.startswith(branch[-1] + "."):
            branch.pop()
        levels.append(len(branch))
        branch.append(post.path)
    for post, level, next_level in zip(posts, levels, [*levels[1:], 0], strict=True):
        post.replies_follow = next_level > level
        post.lists_ending = range(max(level - next_level, 0))


# Markdown's punctuation, escaped in a name so that it reads as written.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>#!|~])")


def quote(post: Post) -> str:
    """The Markdown a reply quoting ``post`` starts with: who wrote it, then what they wrote."""
    name = post.author.display_name if post.author else "A former member"
    name = _MARKDOWN_PUNCTUATION.sub(r"\\\1", name)
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in post.body.splitlines())
    return f"{name} wrote:\n\n{quoted}\n\n"


def post_count(thread, user, *, moderator: bool) -> int:
    """How many posts of ``thread`` the reader sees, from a thread read ``for_reader``.

    ``post_count`` counts a thread's published posts (the services keep it), all that
    most readers see; moderators, and readers with posts waiting for a moderator, see
    more, counted.
    """
    if moderator or getattr(thread, "own_waiting", False):
        return visible_posts(thread, user, moderator=moderator).count()
    return thread.post_count


def page_of(post: Post, user, *, moderator: bool) -> int:
    """Which page of its thread ``post`` is on (for permalinks)."""
    before = visible_posts(post.thread, user, moderator=moderator).filter(path__lt=post.path)
    return before.count() // posts_per_page(post.thread) + 1


# Home's read of new threads: hand-written SQL with the audience rule's own SQL, as are
# groups.selectors.next_events_for and came_true_for (docs/decisions/0011).
_HOME_BOARD = Columns(Board, "b", "name", "slug")
_HOME_THREAD = Columns(Thread, "t", "board", "title", "slug", "created_at")
# For each board followed, its newest threads read newest first from the (board, created_at)
# index, never more than a page of them, whatever their dates: how recent is checked after.
# Prepared (sociable.queries.fetch), with its constants written in: given the date, the limit
# or the opening post's path and status as parameters, PostgreSQL's one plan for every visit
# would sort all of a busy board's threads (85 ms at M). With only the person and their
# audience as parameters, that plan reads a page of threads a board.
_OPENING = f"{1:0{SEQ_WIDTH}d}"
_NEW_THREADS = f"""
    SELECT {_HOME_THREAD.sql}, {_HOME_BOARD.sql}
    FROM forums_subscription s
    JOIN forums_board b ON b.id = s.board_id
    CROSS JOIN LATERAL (
        SELECT {_HOME_THREAD.sql} FROM forums_thread t
        WHERE t.board_id = b.id AND t.post_count > 0
        AND t.hidden_at IS NULL AND t.deleted_at IS NULL
        AND t.author_id IS DISTINCT FROM %s
        AND NOT EXISTS (SELECT 1 FROM forums_mute m WHERE m.thread_id = t.id
                        AND m.user_id = s.user_id)
        AND EXISTS (
            SELECT 1 FROM forums_post p WHERE p.thread_id = t.id AND p.path = '{_OPENING}'
            AND p.status = '{Post.Status.PUBLISHED.value}'
            AND p.hidden_at IS NULL AND p.deleted_at IS NULL
        )
        ORDER BY t.created_at DESC, t.id DESC
        LIMIT {{limit}}
    ) t
    WHERE s.user_id = %s AND {{visible}}
    AND NOT EXISTS (SELECT 1 FROM forums_mute mb WHERE mb.board_id = b.id
                    AND mb.user_id = s.user_id)
    ORDER BY t.created_at DESC, t.id DESC
    LIMIT {{limit}}
"""  # noqa: S608 (column names and constants of ours, not anyone's input)


def new_threads_followed(user, *, since, limit: int = 8) -> list[Thread]:
    """Threads others started since ``since`` in boards ``user`` follows and may still see,
    newest first, with their board (one query, of the columns home shows).

    Only threads whose opening post anyone on the board can read: published, neither hidden
    by a moderator nor deleted (a thread waiting for approval has no published opening).
    """
    visible, visible_params = Board.objects.visible_sql(user, "b")
    rows = fetch(
        _NEW_THREADS.format(visible=visible, limit=int(limit)),
        [user.pk, user.pk, *visible_params],
        prepare=True,
    )
    threads = []
    for row in rows:
        thread = _HOME_THREAD.make(row)
        if thread.created_at < since:
            break  # newest first: the rest are older still
        thread.board = _HOME_BOARD.make(row, _HOME_THREAD.width)
        threads.append(thread)
    return threads
