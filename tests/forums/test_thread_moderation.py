"""Moderators hide, show again, delete, retitle, merge and split whole threads, each logged."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forums import search, selectors
from forums.models import OPENING_PATH, Board, ModerationLog, Post, Thread
from forums.notifications import tell_about_post
from forums.services import follow, reply, start_thread
from sociable.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.forums.test_moderation import make_moderator

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    return make_moderator("Priya Shah")


@pytest.fixture
def board(db):
    return Board.objects.create(name="Open discussion", slug="open", audience="public")


@pytest.fixture
def thread(board, staff_member):
    thread, _ = start_thread(
        board=board, author=staff_member, title="Kingfishers", body="Seen by the canal lock"
    )
    return thread


def act(client, thread, action, **data):
    return client.post(reverse("forums:thread-action", args=[thread.pk, action]), data)


def entries(action) -> list[ModerationLog]:
    return list(ModerationLog.objects.filter(action=action))


def board_page(client, board) -> str:
    return client.get(reverse("forums:board-detail", args=[board.slug])).content.decode()


def found_in_search(client, words: str) -> str:
    return client.get(reverse("forums:search"), {"q": words}).content.decode()


# --- hide and show again ------------------------------------------------------------------


def test_hiding_a_thread_needs_a_reason_and_keeps_what_was_typed(client_as, moderator, thread):
    response = act(client_as(moderator), thread, "hide", reason="   ")

    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    thread.refresh_from_db()
    assert thread.hidden_at is None
    assert not entries("hide_thread")


def test_a_hidden_thread_is_logged_once_even_if_the_form_is_sent_twice(
    client_as, moderator, thread, staff_member
):
    client = client_as(moderator)

    first = act(client, thread, "hide", reason="Shares a neighbour's address")
    again = act(client, thread, "hide", reason="Shares a neighbour's address")

    assert first.status_code == 302
    assert "already hidden" in again.content.decode()
    thread.refresh_from_db()
    assert thread.hidden_reason == "Shares a neighbour's address"
    [entry] = entries("hide_thread")
    assert (entry.moderator, entry.subject, entry.thread, entry.reason) == (
        moderator,
        staff_member,
        thread,
        "Shares a neighbour's address",
    )


def test_only_its_author_and_moderators_can_open_a_hidden_thread(
    client_as, moderator, thread, staff_member, other_staff
):
    url = thread.get_absolute_url()
    assert Client().get(url).status_code == 200  # (kept in the page cache)
    act(client_as(moderator), thread, "hide", reason="Off-topic for this board")

    author_sees = client_as(staff_member).get(url)

    assert author_sees.status_code == 200
    page = author_sees.content.decode()
    assert "A moderator has hidden your thread" in page
    assert "Off-topic for this board" in page
    assert author_sees.context["hidden_entry"] == entries("hide_thread")[0]
    assert 'id="reply"' not in page  # no reply form
    assert client_as(moderator).get(url).status_code == 200
    assert client_as(other_staff).get(url).status_code == 404
    assert Client().get(url).status_code == 404
    opening = thread.posts.get()
    assert Client().get(opening.get_absolute_url()).status_code == 404


def test_nobody_can_reply_to_a_hidden_thread(client_as, moderator, thread, staff_member):
    act(client_as(moderator), thread, "hide", reason="Under review")
    reply_url = reverse("forums:reply", args=[thread.pk, thread.slug])

    response = client_as(staff_member).post(reply_url, {"body": "But it was a kingfisher"})

    assert response.status_code == 200
    assert "nobody can reply" in response.content.decode()
    assert "But it was a kingfisher" in response.content.decode()  # what was typed stays
    assert thread.posts.count() == 1


@pytest.mark.parametrize("how", ["hide", "delete", "merge"])
def test_a_thread_taken_away_takes_no_reply_and_tells_nobody_of_one_already_written(
    client_as, moderator, board, thread, staff_member, other_staff, how
):
    """Whatever reaches the service (a form sent before the thread went, a task queued
    before it), nothing is added to a thread taken away and nobody hears of its posts."""
    follow(user=other_staff, thread=thread)
    earlier = reply(thread=thread, author=staff_member, body="Two of them, by the weir")
    other, _ = start_thread(board=board, author=other_staff, title="Herons", body="By the weir")
    data = {"reason": "Gone"} | ({"into": str(other.pk)} if how == "merge" else {})
    act(client_as(moderator), thread, how, **data)
    thread.refresh_from_db()
    earlier.refresh_from_db()

    with pytest.raises(ValidationError):
        reply(thread=thread, author=staff_member, body="One more")
    if how != "merge":  # merged, it lives on in Herons, whose readers may hear of it
        assert tell_about_post(earlier) == 0
        assert not Notification.objects.filter(recipient=other_staff, key=f"post:{earlier.pk}")


def test_a_hidden_thread_is_out_of_lists_feeds_and_searches_but_for_moderators(
    client_as, moderator, board, thread, other_staff, staff_member
):
    start_thread(board=board, author=staff_member, title="Herons", body="Kingfisher cousins")
    reply(thread=thread, author=other_staff, body="Kingfisher again this morning")
    readers = {"anyone": Client(), "staff": client_as(other_staff)}
    for client in readers.values():  # cached before the thread is hidden
        assert "Kingfishers" in board_page(client, board)

    act(client_as(moderator), thread, "hide", reason="Under review")

    for client in readers.values():
        assert "Kingfishers" not in board_page(client, board)
        assert "Herons" in board_page(client, board)
        listing = client.get(reverse("forums:board-list")).content.decode()
        assert "Kingfishers" not in listing
        assert "this morning" not in found_in_search(client, "kingfisher")
        assert "Herons" in found_in_search(client, "kingfisher")
    feed = Client().get(reverse("forums:board-feed", args=[board.slug])).content.decode()
    assert "Kingfishers" not in feed and "Herons" in feed
    assert search.search_posts(AnonymousUser(), "kingfisher").pks() == [
        Post.objects.get(thread__title="Herons").pk
    ]
    assert [t.title for t in selectors.thread_list(other_staff, board)] == ["Herons"]
    moderators_board = board_page(client_as(moderator), board)
    assert "Kingfishers" in moderators_board and "Hidden" in moderators_board


def test_a_hidden_thread_is_out_of_the_home_page_of_those_who_follow_its_board(
    moderator, board, thread, other_staff
):
    from django.utils import timezone

    from forums.services import follow

    follow(user=other_staff, board=board)
    since = timezone.now() - timezone.timedelta(days=1)
    assert [t.pk for t in selectors.new_threads_followed(other_staff, since=since)] == [thread.pk]

    Thread.objects.filter(pk=thread.pk).update(hidden_at=timezone.now(), hidden_reason="x")

    assert selectors.new_threads_followed(other_staff, since=since) == []


def test_a_thread_shown_again_is_listed_again_and_logged(
    client_as, moderator, board, thread, other_staff
):
    client = client_as(moderator)
    act(client, thread, "hide", reason="Under review")

    response = act(client, thread, "show", reason="Checked: fine")
    again = act(client, thread, "show")

    assert response.status_code == 302
    assert "not hidden" in again.content.decode()
    assert "Kingfishers" in board_page(client_as(other_staff), board)
    [entry] = entries("unhide_thread")
    assert entry.reason == "Checked: fine"


def test_while_a_thread_is_hidden_nothing_in_it_changes_or_tells_anyone(
    client_as, moderator, board, thread, staff_member, community_member
):
    waiting = reply(thread=thread, author=community_member, body="First post, to be approved")
    client = client_as(moderator)
    act(client, thread, "hide", reason="Under review")
    opening = thread.posts.get(path=OPENING_PATH)

    edit = client_as(staff_member).post(
        reverse("forums:post-edit", args=[opening.pk]), {"body": "Now with @someone"}
    )
    approve = client.post(reverse("forums:moderate-post", args=[waiting.pk]), {"action": "approve"})
    split = client.post(reverse("forums:post-split", args=[waiting.pk]), {"title": "Elsewhere"})

    assert edit.status_code == 302
    opening.refresh_from_db()
    assert opening.body == "Seen by the canal lock"
    assert "show the thread again first" in approve.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Post.Status.PENDING
    assert "show it again" in split.content.decode()
    assert not Thread.objects.filter(title="Elsewhere").exists()


def test_a_storys_comments_are_not_moderated_as_a_whole_thread(client_as, moderator, board):
    story = Thread.objects.create(board=board, title="A story", slug="a-story", for_story=True)

    page = client_as(moderator).get(reverse("forums:moderate-thread", args=[story.pk]))
    response = act(client_as(moderator), story, "hide", reason="No")

    assert reverse("forums:thread-action", args=[story.pk, "hide"]) not in page.content.decode()
    assert "moderated post by post" in response.content.decode()
    story.refresh_from_db()
    assert story.hidden_at is None


# --- delete -------------------------------------------------------------------------------


def test_a_deleted_thread_is_gone_for_everyone_and_moderators_find_it_in_the_log(
    client_as, moderator, board, thread, staff_member
):
    client = client_as(moderator)
    assert act(client, thread, "delete").status_code == 200  # a reason is needed
    thread.refresh_from_db()
    assert thread.deleted_at is None

    act(client, thread, "delete", reason="Spam")
    again = act(client, thread, "delete", reason="Spam")

    assert "already been deleted" in again.content.decode()
    for who in (Client(), client_as(staff_member), client):
        assert who.get(thread.get_absolute_url()).status_code == 404
    assert "Kingfishers" not in board_page(client, board)
    log = client.get(reverse("forums:moderation-log")).content.decode()
    assert "Kingfishers" in log and "Deleted a thread" in log
    assert client.get(reverse("forums:moderate-thread", args=[thread.pk])).status_code == 200
    [entry] = entries("delete_thread")
    assert (entry.reason, entry.subject) == ("Spam", staff_member)


# --- retitle ------------------------------------------------------------------------------


def test_a_retitled_thread_keeps_its_old_address(client_as, moderator, thread, staff_member):
    old_url = thread.get_absolute_url()

    response = act(
        client_as(moderator), thread, "retitle", title="Kingfishers on the canal", reason="Clearer"
    )

    assert response.status_code == 302
    thread.refresh_from_db()
    assert (thread.title, thread.slug) == ("Kingfishers on the canal", "kingfishers-on-the-canal")
    moved = Client().get(old_url)
    assert moved.status_code == 301 and moved["Location"] == thread.get_absolute_url()
    [entry] = entries("retitle")
    assert (entry.detail, entry.reason, entry.subject) == ("Kingfishers", "Clearer", staff_member)


@pytest.mark.parametrize(
    ("title", "message"),
    [("  ", "Give the thread a title"), ("x" * 151, "at most 150"), ("Kingfishers", "already")],
)
def test_a_new_title_is_checked_as_a_thread_title_is(client_as, moderator, thread, title, message):
    response = act(client_as(moderator), thread, "retitle", title=title, reason="Tidy")

    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'value="Tidy"' in response.content.decode()
    thread.refresh_from_db()
    assert thread.title == "Kingfishers"
    assert not entries("retitle")


# --- merge --------------------------------------------------------------------------------


def _tree(thread) -> list[tuple[str, int, str]]:
    return [(p.path, p.depth, p.body) for p in thread.posts.order_by("path")]


def test_merging_moves_the_posts_to_the_end_of_the_other_thread_keeping_their_tree(
    client_as, moderator, board, thread, staff_member, other_staff
):
    target, target_opening = start_thread(
        board=board, author=other_staff, title="Birds by the canal", body="Post your sightings"
    )
    reply(thread=target, author=staff_member, body="A heron", parent=target_opening)
    opening = thread.posts.get()
    answer = reply(thread=thread, author=other_staff, body="Where exactly?", parent=opening)
    reply(thread=thread, author=staff_member, body="By the lock", parent=answer)
    reply(thread=thread, author=other_staff, body="Lovely")

    response = act(
        client_as(moderator),
        thread,
        "merge",
        into=f"http://testserver{target.get_absolute_url()}",
        reason="Same topic",
    )

    assert response.status_code == 302
    target.refresh_from_db()
    thread.refresh_from_db()
    assert _tree(target) == [
        ("0000001", 0, "Post your sightings"),
        ("0000001.0000002", 1, "A heron"),
        ("0000003", 0, "Seen by the canal lock"),
        ("0000003.0000004", 1, "Where exactly?"),
        ("0000003.0000004.0000005", 2, "By the lock"),
        ("0000006", 0, "Lovely"),
    ]
    assert (target.post_count, target.next_seq) == (6, 7)
    assert target.last_activity_at >= thread.last_activity_at
    assert (thread.merged_into, thread.post_count, thread.posts.count()) == (target, 0, 0)
    assert Post.objects.get(body="By the lock").parent == Post.objects.get(body="Where exactly?")
    # The old thread leads to the new one, and is listed no more.
    assert Client().get(thread.get_absolute_url())["Location"] == target.get_absolute_url()
    assert "Kingfishers" not in board_page(Client(), board)
    [entry] = entries("merge")
    assert (entry.thread, entry.subject, entry.reason) == (thread, staff_member, "Same topic")
    # Sent twice: nothing more happens.
    again = act(client_as(moderator), thread, "merge", into=str(target.pk))
    assert again.status_code == 200
    assert len(entries("merge")) == 1
    target.refresh_from_db()
    assert target.post_count == 6


@pytest.mark.parametrize(
    "into", ["itself", "story", "unmoderated", "nonsense", "missing", "hidden", "from hidden"]
)
def test_a_thread_is_merged_only_into_another_thread_the_moderator_moderates(
    client_as, board, thread, other_staff, into
):
    elsewhere = Board.objects.create(name="Elsewhere", slug="elsewhere", audience="public")
    other, _ = start_thread(board=elsewhere, author=other_staff, title="Other", body="Other")
    story = Thread.objects.create(board=board, title="A story", slug="a-story", for_story=True)
    moderator = make_moderator("Kim Ward", boards=[board])
    hidden, _ = start_thread(board=board, author=other_staff, title="Hidden", body="Hidden")
    visible, _ = start_thread(board=board, author=other_staff, title="Seen", body="Seen")
    Thread.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now(), hidden_reason="Abuse")
    if into == "from hidden":  # its hidden posts would be shown in the other
        Thread.objects.filter(pk=thread.pk).update(hidden_at=timezone.now(), hidden_reason="x")
    target = {
        "hidden": str(hidden.pk),
        "from hidden": str(visible.pk),
        "itself": str(thread.pk),
        "story": str(story.pk),
        "unmoderated": str(other.pk),
        "nonsense": "the canal one",
        "missing": "999999",
    }[into]

    response = act(client_as(moderator), thread, "merge", into=target)

    assert response.status_code == 200
    assert response.context["form"].errors["into"]
    thread.refresh_from_db()
    assert thread.merged_into is None
    assert not entries("merge")


def test_a_merged_threads_address_leads_only_those_who_may_read_the_other_thread(
    client_as, moderator, board, thread, staff_member, community_member
):
    staff_room = Board.objects.create(name="Staff room", slug="staff-room", audience="staff")
    target, _ = start_thread(board=staff_room, author=staff_member, title="Rota", body="Who?")
    act(client_as(moderator), thread, "merge", into=str(target.pk), reason="Staff business")

    assert client_as(staff_member).get(thread.get_absolute_url()).url == target.get_absolute_url()
    response = client_as(community_member).get(thread.get_absolute_url())
    assert response.status_code == 404 and "rota" not in response.get("Location", "")


# --- split --------------------------------------------------------------------------------


def test_splitting_makes_a_post_and_its_replies_a_thread_of_their_own(
    client_as, moderator, board, thread, staff_member, other_staff
):
    opening = thread.posts.get()
    stays = reply(thread=thread, author=other_staff, body="Nice!", parent=opening)
    aside = reply(thread=thread, author=other_staff, body="Anyone seen otters?", parent=opening)
    answer = reply(thread=thread, author=staff_member, body="Yes, at the weir", parent=aside)
    reply(thread=thread, author=other_staff, body="When?", parent=answer)
    url = reverse("forums:post-split", args=[aside.pk])

    refused = client_as(moderator).post(url, {"title": " "})
    response = client_as(moderator).post(url, {"title": "Otters", "reason": "A new topic"})
    again = client_as(moderator).post(url, {"title": "Otters"})

    assert "Give the thread a title" in refused.content.decode()
    assert response.status_code == 302
    assert "already opens its thread" in again.content.decode()
    new = Thread.objects.get(title="Otters")
    thread.refresh_from_db()
    assert _tree(new) == [
        (OPENING_PATH, 0, "Anyone seen otters?"),
        ("0000001.0000002", 1, "Yes, at the weir"),
        ("0000001.0000002.0000003", 2, "When?"),
    ]
    aside.refresh_from_db()
    assert aside.is_opening
    assert (new.board, new.author, new.post_count, new.next_seq) == (board, other_staff, 3, 4)
    assert _tree(thread) == [
        (OPENING_PATH, 0, "Seen by the canal lock"),
        (stays.path, 1, "Nice!"),
    ]
    assert thread.post_count == 2
    [entry] = entries("split")
    assert (entry.thread, entry.post, entry.subject, entry.reason) == (
        thread,
        aside,
        staff_member,
        "A new topic",
    )
    assert Client().get(new.get_absolute_url()).status_code == 200


def test_an_opening_post_is_not_split(client_as, moderator, thread):
    url = reverse("forums:post-split", args=[thread.posts.get().pk])

    response = client_as(moderator).post(url, {"title": "Again"})

    assert response.status_code == 200
    assert not Thread.objects.filter(title="Again").exists()


# --- who may ------------------------------------------------------------------------------


def test_only_the_boards_moderators_act_on_its_threads(client_as, board, thread, other_staff):
    members_only = Board.objects.create(
        name="Staff room", slug="staff-room", audience="organisation",
        audience_organisation=other_staff.organisation,
    )  # fmt: skip
    hidden_away, _ = start_thread(
        board=members_only, author=other_staff, title="Rota", body="Who is in?"
    )
    elsewhere = make_moderator("Kim Ward", boards=[Board.objects.create(name="B", slug="b")])
    no_two_factor = make_moderator("Sam Lee", two_factor=False)
    outsider = UserFactory(name="Alex Moss")

    assert act(client_as(other_staff), thread, "hide", reason="x").status_code == 403
    assert act(client_as(elsewhere), thread, "hide", reason="x").status_code == 403
    assert act(client_as(outsider), hidden_away, "hide", reason="x").status_code == 404
    assert act(client_as(no_two_factor), thread, "hide", reason="x").status_code == 302
    assert act(client_as(make_moderator("Jo")), thread, "vanish").status_code == 404
    thread.refresh_from_db()
    assert thread.hidden_at is None
    assert not entries("hide_thread")


def test_the_moderation_pages_for_a_thread_offer_each_action(client_as, moderator, thread):
    client = client_as(moderator)

    page = client.get(reverse("forums:moderate-thread", args=[thread.pk])).content.decode()

    for action in ("hide", "retitle", "merge", "delete"):
        url = reverse("forums:thread-action", args=[thread.pk, action])
        assert url in page
        assert client.get(url).status_code == 200
    split = reverse("forums:post-split", args=[reply(thread=thread, author=moderator, body="x").pk])
    assert client.get(split).status_code == 200


# --- the search keeps its indexes -----------------------------------------------------------


def test_search_leaves_out_hidden_threads_and_still_reads_its_indexes(poster_board_posts):
    from django.db import connection

    board, poster, hidden = poster_board_posts
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE forums_post")
        cursor.execute("ANALYZE forums_thread")
        cursor.execute("SET LOCAL enable_seqscan = off")
    found = search.search_posts(AnonymousUser(), "lapwing")
    plan = found.explain()
    print(plan)  # (pytest -s shows the plan, to compare with test_search_and_feeds')

    assert "thread_title_search" in plan
    assert "post_text_public" in plan
    assert len(found.pks()) == 4
    assert hidden.posts.get().pk not in found.pks()


@pytest.fixture
def poster_board_posts(board, staff_member):
    from django.utils import timezone

    threads = [
        start_thread(board=board, author=staff_member, title=f"Lapwing {n}", body="lapwing")[0]
        for n in range(5)
    ]
    filler, _ = start_thread(board=board, author=staff_member, title="Filler", body="Filler")
    Thread.objects.bulk_create(
        Thread(board=board, author=staff_member, title=f"Topic {n}", slug=f"topic-{n}")
        for n in range(2_000)
    )
    Post.objects.bulk_create(
        Post(
            thread=filler,
            author=staff_member,
            path=f"{n:07d}",
            body=f"Nothing much {n}",
            body_html=f"<p>Nothing much {n}</p>",
        )
        for n in range(2, 2_000)
    )
    Thread.objects.filter(pk=threads[0].pk).update(hidden_at=timezone.now(), hidden_reason="x")
    return board, staff_member, threads[0]


# --- a moderator edits a post's text --------------------------------------------------------


def test_a_moderator_edits_a_post_with_a_reason_keeping_its_earlier_text(
    client_as, moderator, thread, other_staff
):
    post = reply(thread=thread, author=other_staff, body="Call me on 07700 900123")
    url = reverse("forums:post-moderator-edit", args=[post.pk])
    client = client_as(moderator)

    no_reason = client.post(url, {"body": "Call me (number removed)"})
    unchanged = client.post(url, {"body": post.body, "reason": "Personal data"})
    done = client.post(url, {"body": "Call me (number removed)", "reason": "Personal data"})
    again = client.post(url, {"body": "Call me (number removed)", "reason": "Personal data"})

    assert "Give a reason" in no_reason.content.decode()
    assert "Call me (number removed)" in no_reason.content.decode()  # what was typed stays
    assert "as it was" in unchanged.content.decode()
    assert done.status_code == 302
    assert "as it was" in again.content.decode()
    post.refresh_from_db()
    assert post.body == "Call me (number removed)"
    assert [r.body for r in post.revisions.all()] == ["Call me on 07700 900123"]
    [entry] = entries("edit_post")
    assert (entry.post, entry.subject, entry.reason) == (post, other_staff, "Personal data")
    page = Client().get(thread.get_absolute_url()).content.decode()
    assert "07700" not in page


def test_only_a_boards_moderators_edit_its_posts(client_as, thread, other_staff, staff_member):
    post = reply(thread=thread, author=other_staff, body="Mine")
    url = reverse("forums:post-moderator-edit", args=[post.pk])

    response = client_as(staff_member).post(url, {"body": "Changed", "reason": "Because"})

    assert response.status_code == 403
    post.refresh_from_db()
    assert post.body == "Mine"
