"""Posting in the forums, through the services and through the pages people use.

Replies form a tree; deep replies stop indenting and say whom they answer; permalinks find
their page; refusals say why and change nothing; edits keep their history; deletions leave
a placeholder; reactions toggle; mentions respect the audience; long posts, previews,
quotes, rate limits, following, unread markers and first posts waiting for approval.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from forums import services
from forums.models import (
    MAX_DEPTH,
    SEQ_WIDTH,
    Board,
    Mention,
    Post,
    PostRevision,
    Reaction,
    Subscription,
    Thread,
)
from forums.selectors import POSTS_PER_PAGE
from tests.accounts.factories import UserFactory, staff_of

pytestmark = pytest.mark.django_db

POST_ID = re.compile(r'<li class="sociable-post sociable-post--depth-(\d)" id="post-(\d+)">')


@pytest.fixture
def board(db):
    return Board.objects.create(name="Staff room", slug="staff-room", audience="staff")


@pytest.fixture
def open_board(db):
    return Board.objects.create(name="Open discussion", slug="open", audience="public")


@pytest.fixture
def thread(board, staff_member):
    thread, _ = services.start_thread(
        board=board, author=staff_member, title="Weeknotes: are you writing them?",
        body="A few lines every Friday. Are you writing them?",
    )  # fmt: skip
    return thread


def opening(thread: Thread) -> Post:
    return thread.posts.get(parent=None, path=f"{1:0{SEQ_WIDTH}d}")


def posts_on(response) -> list[tuple[int, int]]:
    """(post id, depth) of each post on a thread page, in page order."""
    return [(int(pk), int(depth)) for depth, pk in POST_ID.findall(response.content.decode())]


def reply_url(thread: Thread) -> str:
    return reverse("forums:reply", args=[thread.pk, thread.slug])


def bulk_thread(board: Board, author, count: int) -> tuple[Thread, list[Post]]:
    """A thread of ``count`` posts at the top level, made in one insert (paths as services)."""
    thread = Thread.objects.create(
        board=board, author=author, title="A long thread", slug=slugify("A long thread")
    )
    posts = Post.objects.bulk_create(
        Post(thread=thread, author=author, path=f"{seq:0{SEQ_WIDTH}d}", depth=0,
             body=f"Post number {seq}", body_html=f"<p>Post number {seq}</p>")
        for seq in range(1, count + 1)
    )  # fmt: skip
    Thread.objects.filter(pk=thread.pk).update(post_count=count, next_seq=count + 1)
    thread.refresh_from_db()
    return thread, posts


# --- the tree -------------------------------------------------------------------------------


def test_replies_show_as_a_tree_in_path_order(client_as, thread, staff_member, other_staff):
    first = opening(thread)
    answer = services.reply(thread=thread, author=other_staff, parent=first, body="Yes, weekly.")
    to_thread = services.reply(thread=thread, author=other_staff, body="Not yet, but I will.")
    answer_reply = services.reply(
        thread=thread, author=staff_member, parent=answer, body="What do you put in yours?"
    )

    page = client_as(staff_member).get(thread.get_absolute_url())

    assert posts_on(page) == [
        (first.pk, 0),
        (answer.pk, 1),
        (answer_reply.pk, 2),
        (to_thread.pk, 0),
    ]
    assert answer_reply.path == f"{first.path}.{answer.path.split('.')[-1]}.0000004"
    thread.refresh_from_db()
    assert thread.post_count == 4 and thread.next_seq == 5


class _PostNesting(HTMLParser):
    """For each post on a page, the post whose list item its own sits in (None: the top)."""

    def __init__(self):
        super().__init__()
        self.open: list[str | None] = []  # the <li>/<ol> open now: a post's id, or None
        self.inside: dict[int, int | None] = {}

    def handle_starttag(self, tag, attrs):
        if tag not in ("li", "ol"):
            return
        found = re.fullmatch(r"post-(\d+)", dict(attrs).get("id") or "")
        if tag == "li" and found and "sociable-post" in (dict(attrs).get("class") or ""):
            around = next((pk for pk in reversed(self.open) if pk), None)
            self.inside[int(found.group(1))] = around
            self.open.append(int(found.group(1)))
        else:
            self.open.append(None)

    def handle_endtag(self, tag):
        if tag in ("li", "ol"):
            self.open.pop()


def nesting(response) -> dict[int, int | None]:
    parser = _PostNesting()
    parser.feed(response.content.decode())
    assert parser.open == []  # every list and item it opened, it closed
    return parser.inside


def test_each_reply_is_in_a_list_inside_the_post_it_answers_and_says_so(
    client_as, thread, staff_member, other_staff
):
    first = opening(thread)
    answer = services.reply(thread=thread, author=other_staff, parent=first, body="Yes, weekly.")
    to_thread = services.reply(thread=thread, author=other_staff, body="Not yet, but I will.")
    answer_reply = services.reply(
        thread=thread, author=staff_member, parent=answer, body="What do you put in yours?"
    )
    second_answer = services.reply(
        thread=thread, author=other_staff, parent=first, body="Every other week."
    )

    page = client_as(staff_member).get(thread.get_absolute_url())

    assert nesting(page) == {
        first.pk: None,
        answer.pk: first.pk,
        answer_reply.pk: answer.pk,
        second_answer.pk: first.pk,
        to_thread.pk: None,
    }
    html = page.content.decode()
    # Said in words too, in the line that names the post (its article's label).
    assert (
        f'<a class="govuk-link" href="#post-{answer.pk}">Reply to Tom Whitaker’s post</a>' in html
    )
    assert html.count("Reply to Amara Okafor’s post") == 2
    assert html.count("’s post</a>") == 3  # not the opening post, nor the reply to the thread


def test_a_reply_to_a_post_on_an_earlier_page_links_to_it_there(
    client_as, board, staff_member, other_staff
):
    thread, posts = bulk_thread(board, staff_member, POSTS_PER_PAGE)
    late = services.reply(thread=thread, author=other_staff, parent=posts[-1], body="Back to it")

    page = client_as(staff_member).get(thread.get_absolute_url(), {"page": 2})

    assert nesting(page) == {late.pk: None}  # its parent is on page 1
    permalink = reverse("forums:post-permalink", args=[posts[-1].pk])
    assert f'href="{permalink}">Reply to Amara Okafor’s post</a>' in page.content.decode()


def test_replying_below_depth_four_flattens_and_the_page_says_whom_it_replies_to(
    client_as, thread, staff_member, other_staff
):
    chain = [opening(thread)]
    for n in range(7):
        author = other_staff if n % 2 == 0 else staff_member
        chain.append(
            services.reply(
                thread=thread,
                author=author,
                parent=chain[-1],
                body=f"Reply number {n + 1} in the chain",
            )
        )
    after = services.reply(thread=thread, author=staff_member, body="A reply to the thread.")

    page = client_as(staff_member).get(thread.get_absolute_url())

    assert [post.depth for post in chain] == [0, 1, 2, 3, 4, 4, 4, 4]
    deepest = chain[MAX_DEPTH]
    for above, post in zip(chain[MAX_DEPTH:], chain[MAX_DEPTH + 1 :], strict=False):
        assert post.path.rsplit(".", 1)[0] == deepest.path.rsplit(".", 1)[0]  # beside it
        assert post.parent_id == above.pk  # but still answering the post above
    assert posts_on(page) == [(post.pk, post.depth) for post in [*chain, after]]
    html = page.content.decode()
    assert html.count("’s post</a>") == len(chain) - 1
    parent_link = f'<a class="govuk-link" href="#post-{chain[-2].pk}">'
    assert f"{parent_link}Reply to Amara Okafor’s post</a>" in html
    # Flattened posts sit beside the deepest, in the same list: their words say whom.
    inside = nesting(page)
    assert {inside[post.pk] for post in chain[MAX_DEPTH:]} == {chain[MAX_DEPTH - 1].pk}


def test_a_permalink_goes_to_the_page_of_a_300_post_thread_the_post_is_on(
    board, staff_member, client_as
):
    thread, posts = bulk_thread(board, staff_member, 300)
    client = client_as(staff_member)

    for index in (0, 49, 50, 175, 299):
        post = posts[index]
        response = client.get(reverse("forums:post-permalink", args=[post.pk]))
        page = index // POSTS_PER_PAGE + 1
        assert response.status_code == 302
        assert response["Location"] == f"{thread.get_absolute_url()}?page={page}#post-{post.pk}"

    landing = client.get(reverse("forums:post-permalink", args=[posts[175].pk]), follow=True)
    assert f'id="post-{posts[175].pk}"' in landing.content.decode()
    assert "Page 4 of 6" in landing.content.decode()


# --- refusals -------------------------------------------------------------------------------


def test_nobody_can_post_to_a_locked_thread(client_as, thread, other_staff):
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)

    page = client_as(other_staff).post(reply_url(thread), {"body": "Can I still reply?"})

    assert page.status_code == 200
    assert "This thread is locked: nobody can reply to it." in page.content.decode()
    assert thread.posts.count() == 1
    thread.refresh_from_db()
    assert thread.post_count == 1


def test_nobody_can_reply_to_a_hidden_post(client_as, thread, staff_member, other_staff):
    hidden = services.reply(thread=thread, author=staff_member, body="A phone number")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=hidden.created_at, hidden_reason="Data")

    page = client_as(other_staff).post(reply_url(thread), {"body": "Reply", "parent": hidden.pk})

    assert "That post is no longer there to reply to." in page.content.decode()
    assert "A phone number" not in page.content.decode()
    assert thread.posts.count() == 2


def test_a_reply_cannot_hang_from_a_post_in_another_thread(
    client_as, board, thread, staff_member, other_staff
):
    elsewhere, stranger = services.start_thread(
        board=board, author=staff_member, title="Another thread", body="Elsewhere"
    )

    page = client_as(other_staff).post(reply_url(thread), {"body": "Hi", "parent": stranger.pk})
    with pytest.raises(ValidationError, match="You can only reply to a post in this thread."):
        services.reply(thread=thread, author=other_staff, parent=stranger, body="Hi")

    assert page.status_code == 404
    assert Post.objects.count() == 2
    assert Thread.objects.get(pk=thread.pk).post_count == 1


def test_nobody_can_edit_someone_elses_post(client_as, thread, other_staff):
    post = opening(thread)
    url = reverse("forums:post-edit", args=[post.pk])

    client = client_as(other_staff)
    shown = client.get(url)
    sent = client.post(url, {"body": "Changed by someone else"})
    with pytest.raises(PermissionDenied, match="You can only edit your own posts."):
        services.edit_post(post=post, editor=other_staff, body="Changed by someone else")

    assert shown.status_code == sent.status_code == 403
    assert "You cannot do that" in sent.content.decode()
    post.refresh_from_db()
    assert post.body == "A few lines every Friday. Are you writing them?"
    assert post.edited_at is None and not PostRevision.objects.exists()


# --- editing, deleting, reacting ------------------------------------------------------------


def test_editing_keeps_the_history_and_shows_edited(client_as, thread, staff_member):
    post = opening(thread)
    client = client_as(staff_member)

    response = client.post(
        reverse("forums:post-edit", args=[post.pk]), {"body": "A few lines every **Friday**."}
    )
    client.post(reverse("forums:post-edit", args=[post.pk]), {"body": "Every Friday, please."})

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Every Friday, please." and post.edited_at is not None
    assert list(post.revisions.order_by("edited_at").values_list("body", flat=True)) == [
        "A few lines every Friday. Are you writing them?",
        "A few lines every **Friday**.",
    ]
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "· edited" in page and "Every Friday, please." in page


def test_deleting_leaves_a_placeholder_and_the_replies_stay(
    client_as, thread, staff_member, other_staff
):
    mine = services.reply(thread=thread, author=staff_member, body="Something I regret")
    answer = services.reply(
        thread=thread, author=other_staff, parent=mine, body="An answer that stays"
    )
    client = client_as(staff_member)

    response = client.post(reverse("forums:post-delete", args=[mine.pk]))

    assert response.status_code == 302
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "This post was deleted by its author." in page
    assert "Something I regret" not in page
    assert "An answer that stays" in page
    assert Post.objects.filter(pk__in=[mine.pk, answer.pk]).count() == 2


def test_deleting_someone_elses_post_is_refused(client_as, thread, other_staff):
    post = opening(thread)

    response = client_as(other_staff).post(reverse("forums:post-delete", args=[post.pk]))

    assert response.status_code == 403
    post.refresh_from_db()
    assert post.deleted_at is None


def test_reactions_toggle_and_are_counted(client_as, thread, staff_member, other_staff):
    post = opening(thread)
    url = reverse("forums:post-react", args=[post.pk])
    third = staff_of(staff_member.organisation, name="Mei Chen")

    client_as(other_staff).post(url, {"kind": "thanks"})
    client_as(third).post(url, {"kind": "thanks"})
    client_as(third).post(url, {"kind": "helpful"})
    two = client_as(staff_member).get(thread.get_absolute_url()).content.decode()
    client_as(third).post(url, {"kind": "thanks"})  # again: takes it back
    one = client_as(staff_member).get(thread.get_absolute_url()).content.decode()

    assert "2 people said thanks · 1 found it helpful" in two
    assert "1 person said thanks · 1 found it helpful" in one
    assert Reaction.objects.filter(post=post, kind="thanks").count() == 1
    assert services.react(post=post, user=other_staff, kind="thanks") is False
    assert services.react(post=post, user=other_staff, kind="thanks") is True


def reaction_buttons(response, post: Post) -> dict[str, str]:
    """The reaction buttons of ``post`` on a thread page: {kind: aria-pressed}."""
    html = response.content.decode()
    form = html.split(f'action="{reverse("forums:post-react", args=[post.pk])}"')[1]
    form = form.split("</form>")[0]
    assert "<!--sociable" not in form
    buttons = re.findall(r'value="(\w+)" aria-pressed="(true|false)">(.*?)</button>', form)
    for _, pressed, text in buttons:
        assert ("✓" in text) == (pressed == "true")  # seen, not only heard
    return {kind: pressed for kind, pressed, _ in buttons}


def test_the_reactions_you_gave_are_pressed_for_you_alone(
    settings, client_as, thread, staff_member, other_staff
):
    settings.PAGE_CACHE_SECONDS = 30  # the posts are rendered once and shared by readers
    post = opening(thread)
    url = reverse("forums:post-react", args=[post.pk])
    colleague = staff_of(other_staff.organisation, name="Mei Chen")
    client_as(other_staff).post(url, {"kind": "thanks"})

    reactor = reaction_buttons(client_as(other_staff).get(thread.get_absolute_url()), post)
    others = reaction_buttons(client_as(colleague).get(thread.get_absolute_url()), post)
    client_as(other_staff).post(url, {"kind": "thanks"})  # again: takes it back
    after = reaction_buttons(client_as(other_staff).get(thread.get_absolute_url()), post)

    assert reactor == {"thanks": "true", "helpful": "false"}
    assert others == {"thanks": "false", "helpful": "false"}
    assert after == {"thanks": "false", "helpful": "false"}


def test_an_unknown_reaction_is_refused(client_as, thread, other_staff):
    response = client_as(other_staff).post(
        reverse("forums:post-react", args=[opening(thread).pk]), {"kind": "angry"}
    )

    assert response.status_code == 404
    assert not Reaction.objects.exists()


def test_mentions_are_recorded_only_for_people_who_can_see_the_thread(
    thread, staff_member, other_staff
):
    colleague = staff_of(staff_member.organisation, name="Gareth Lloyd", username="gareth-lloyd")
    resident = UserFactory(name="Jordan Reid", username="jordan-reid")
    body = "Thanks @gareth-lloyd, and @jordan-reid too, and @nobody-at-all, email a@b.example"

    post = services.reply(thread=thread, author=other_staff, body=body)

    assert set(Mention.objects.filter(post=post).values_list("user__username", flat=True)) == {
        colleague.username
    }
    assert resident.mentions.count() == 0


# --- writing a reply ------------------------------------------------------------------------


def test_a_post_over_20000_characters_is_refused_and_what_was_typed_is_kept(
    client_as, thread, other_staff
):
    typed = "Weeknotes. " * 1819  # 20,009 characters

    page = client_as(other_staff).post(reply_url(thread), {"body": typed})
    with pytest.raises(ValidationError, match="at most 20,000 characters; this one has 20,00"):
        services.reply(thread=thread, author=other_staff, body="x" * 20_001)

    html = page.content.decode()
    assert page.status_code == 200
    assert "Posts can be at most 20,000 characters" in html
    assert escape(typed.strip()) in html  # back in the box, nothing lost
    assert thread.posts.count() == 1


def test_the_preview_shows_the_rendered_markdown_without_saving(client_as, thread, other_staff):
    body = "**Bold** idea:\n\n- one\n- two\n\n> quoted"

    page = client_as(other_staff).post(reply_url(thread), {"body": body, "preview": "1"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Preview" in html and "<strong>Bold</strong>" in html
    assert "<li>one</li>" in html and "<blockquote>" in html
    assert escape(body) in html  # still in the box to carry on writing
    assert thread.posts.count() == 1


def test_quoting_fills_the_box_with_who_wrote_it_and_the_quoted_lines(
    client_as, thread, staff_member, other_staff
):
    post = services.reply(thread=thread, author=staff_member, body="Line one\n\nLine two")

    page = client_as(other_staff).get(reply_url(thread), {"to": post.pk, "quote": "1"})

    html = page.content.decode()
    assert "Amara Okafor wrote:\n\n&gt; Line one\n&gt;\n&gt; Line two\n" in html
    assert f'name="parent" value="{post.pk}"' in html


def test_a_quote_says_whom_it_quotes_when_posted(client_as, thread, staff_member, other_staff):
    staff_member.name = "Amara *Ama* Okafor"
    staff_member.save(update_fields=["name"])
    post = services.reply(thread=thread, author=staff_member, body="Bring cake.")
    client = client_as(other_staff)

    body = client.get(reply_url(thread), {"to": post.pk, "quote": "1"}).context["form"]["body"]
    client.post(reply_url(thread), {"parent": post.pk, "body": body.value() + "Agreed!"})

    reply = thread.posts.get(author=other_staff)
    assert reply.body_html == (
        "<p>Amara *Ama* Okafor wrote:</p>\n<blockquote>\n<p>Bring cake.</p>\n</blockquote>\n"
        "<p>Agreed!</p>\n"
    )


def test_a_hidden_or_deleted_post_cannot_be_quoted_or_answered(
    client_as, thread, staff_member, other_staff
):
    hidden = services.reply(thread=thread, author=staff_member, body="My phone is 07700 900123")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now(), hidden_reason="Privacy")
    deleted = services.delete_post(
        post=services.reply(thread=thread, author=staff_member, body="Oops"), user=staff_member
    )
    client = client_as(other_staff)

    for post in (hidden, deleted):
        page = client.get(reply_url(thread), {"to": post.pk, "quote": "1"})
        assert page.status_code == 404
        assert "07700" not in page.content.decode()


@override_settings(FORUMS_POSTS_PER_10_MINUTES=20)
def test_the_21st_post_in_ten_minutes_is_refused(client_as, thread, other_staff):
    for n in range(20):
        services.reply(thread=thread, author=other_staff, body=f"Post number {n + 1}")

    page = client_as(other_staff).post(reply_url(thread), {"body": "One more"})

    assert "You have posted 20 times in the last 10 minutes" in page.content.decode()
    assert thread.posts.filter(author=other_staff).count() == 20


@override_settings(FORUMS_NEW_MEMBER_POSTS_PER_10_MINUTES=3)
def test_new_community_members_may_post_three_times_in_ten_minutes(
    client_as, open_board, staff_member, community_member
):
    thread, _ = services.start_thread(
        board=open_board, author=staff_member, title="Can residents join the choir?", body="Yes."
    )
    for n in range(3):
        services.reply(thread=thread, author=community_member, body=f"Question {n + 1}")

    page = client_as(community_member).post(reply_url(thread), {"body": "A fourth question"})

    html = page.content.decode()
    assert "You have posted 3 times in the last 10 minutes, the most we allow for new" in html
    assert thread.posts.filter(author=community_member).count() == 3


def test_a_community_members_first_post_waits_for_a_moderator(
    client_as, client, open_board, staff_member, community_member, other_staff
):
    thread, _ = services.start_thread(
        board=open_board,
        author=staff_member,
        title="Can residents join the choir?",
        body="Ask away.",
    )

    author = client_as(community_member)

    response = author.post(reply_url(thread), {"body": "Is there a waiting list?"})

    post = thread.posts.get(author=community_member)
    assert post.status == Post.Status.PENDING
    thread.refresh_from_db()
    assert thread.post_count == 1
    own = author.get(response["Location"], follow=True).content.decode()
    assert "A moderator will check your post" in own
    assert "Is there a waiting list?" in own and "Waiting for a moderator" in own
    for viewer in (client, client_as(other_staff)):
        page = viewer.get(thread.get_absolute_url()).content.decode()
        assert "Is there a waiting list?" not in page

    services.approve_post(post=post, moderator=staff_member)
    later = services.reply(thread=thread, author=community_member, body="Thank you!")

    assert "Is there a waiting list?" in client.get(thread.get_absolute_url()).content.decode()
    assert later.status == Post.Status.PUBLISHED  # approved once: trusted after that


# --- following and unread -------------------------------------------------------------------


def test_following_a_thread_and_a_board(client_as, board, thread, other_staff):
    client = client_as(other_staff)

    client.post(reverse("forums:follow", args=["thread", thread.pk]))
    client.post(reverse("forums:follow", args=["board", board.pk]))
    page = client.get(thread.get_absolute_url()).content.decode()
    board_page = client.get(board.get_absolute_url()).content.decode()

    assert Subscription.objects.filter(user=other_staff, thread=thread).exists()
    assert Subscription.objects.filter(user=other_staff, board=board).exists()
    assert "Stop following" in page and "Stop following this board" in board_page

    client.post(reverse("forums:follow", args=["thread", thread.pk]), {"follow": "no"})
    assert not Subscription.objects.filter(user=other_staff, thread=thread).exists()


def test_replying_follows_the_thread(thread, other_staff):
    services.reply(thread=thread, author=other_staff, body="Count me in")

    assert Subscription.objects.filter(user=other_staff, thread=thread).exists()


def test_new_activity_since_you_read_a_thread_shows_new(
    client_as, board, thread, staff_member, other_staff
):
    reader = client_as(staff_member)
    new = '<strong class="govuk-tag govuk-tag--blue">New</strong>'

    unread_at_first = reader.get(board.get_absolute_url()).content.decode()
    reader.get(thread.get_absolute_url())  # reads it
    after_reading = reader.get(board.get_absolute_url()).content.decode()
    list_after_reading = reader.get(reverse("forums:board-list")).content.decode()
    services.reply(thread=thread, author=other_staff, body="Something new")
    after_reply = reader.get(board.get_absolute_url()).content.decode()
    list_after_reply = reader.get(reverse("forums:board-list")).content.decode()
    reader.get(thread.get_absolute_url())
    read_again = reader.get(board.get_absolute_url()).content.decode()

    assert new in unread_at_first
    assert new not in after_reading and new not in list_after_reading
    assert new in after_reply and new in list_after_reply
    assert new not in read_again


def test_a_board_is_new_to_you_when_a_thread_on_its_first_page_is(
    client_as, board, staff_member, other_staff, settings
):
    """What is new on the board's first page (its THREADS_PER_PAGE latest threads) marks it:
    telling whether anything older is unread would mean reading every thread it has."""
    from forums.selectors import THREADS_PER_PAGE

    settings.FORUMS_POSTS_PER_10_MINUTES = 100
    reader = client_as(staff_member)
    new = '<strong class="govuk-tag govuk-tag--blue">New</strong>'
    threads = [
        services.start_thread(board=board, author=other_staff, title=f"Topic {n}", body="Hi")[0]
        for n in range(THREADS_PER_PAGE + 1)
    ]
    for thread in threads[1:]:  # all but the oldest, now off the first page
        services.mark_read(user=staff_member, thread=thread)

    old_news = reader.get(reverse("forums:board-list")).content.decode()
    services.reply(thread=threads[-1], author=other_staff, body="Something new")
    fresh_news = reader.get(reverse("forums:board-list")).content.decode()

    assert new not in old_news
    assert new in fresh_news


def test_a_mention_that_ends_a_sentence_is_recorded(thread, staff_member, other_staff):
    colleague = staff_of(staff_member.organisation, name="Gareth Lloyd", username="gareth-lloyd")

    post = services.reply(thread=thread, author=other_staff, body="Over to @gareth-lloyd.")

    assert Mention.objects.filter(post=post, user=colleague).exists()
