"""The moderation queue puts illegal content first, says how long each thing has waited and
when it is due, and also lists watched-word flags and appeals, in a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums.models import Board, ModerationLog, Post, Report, place_in_tree
from forums.moderation import how_long
from forums.services import reply, report_post, start_thread
from safety.models import Appeal, Flag
from sociable.accounts.models import User
from tests.accounts.factories import UserFactory, add_totp, staff_of

pytestmark = pytest.mark.django_db

QUEUE = reverse("forums:moderation-queue")


def make_moderator(name: str, *, boards=()):
    user = UserFactory(name=name, is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    add_totp(user)
    user.moderated_boards.set(boards)
    return user


@pytest.fixture
def board(db):
    return Board.objects.create(name="Open discussion", slug="open", audience="public")


@pytest.fixture
def moderator(board):
    return make_moderator("Priya Shah", boards=[board])


@pytest.fixture
def thread(board, staff_member):
    thread, _ = start_thread(board=board, author=staff_member, title="Bins", body="When?")
    return thread


def reported(thread, author, reporter, *, reason: str, hours_ago: float) -> Post:
    """A post with one report made ``hours_ago``."""
    post = reply(thread=thread, author=author, body=f"A {reason} post")
    report = report_post(post=post, reporter=reporter, reason=reason)
    Report.objects.filter(pk=report.pk).update(
        created_at=timezone.now() - timedelta(hours=hours_ago)
    )
    return post


def position(page: str, post: Post) -> int:
    return page.index(f'id="post-{post.pk}"')


# --- order, age and targets --------------------------------------------------------------------


def test_illegal_content_comes_first_then_reports_oldest_first_then_approvals(
    client_as, moderator, thread, council, community_member
):
    author = staff_of(council)
    old_spam = reported(thread, author, staff_of(council), reason="spam", hours_ago=50)
    illegal = reported(thread, author, staff_of(council), reason="illegal", hours_ago=26)
    new_spam = reported(thread, author, staff_of(council), reason="abusive", hours_ago=3)
    pending = reply(thread=thread, author=community_member, body="My first post!")

    response = client_as(moderator).get(QUEUE)

    queue = response.context["queue"]
    assert [p.pk for p in queue.illegal] == [illegal.pk]
    assert [p.pk for p in queue.reported] == [old_spam.pk, new_spam.pk]
    assert [p.pk for p in queue.pending] == [pending.pk]
    page = response.content.decode()
    assert (
        position(page, illegal)
        < position(page, old_spam)
        < position(page, new_spam)
        < position(page, pending)
    )
    assert "Posts reported as illegal content come first: act on them within 24 hours" in page
    assert "Act on other reports, and on posts waiting for approval, within 72 hours" in page
    # 26 hours against a target of 24: overdue; 50 hours against 72: not yet.
    assert page.count("Overdue by") == 1
    assert "Overdue by 2 hours</strong> First reported as illegal <time" in page
    assert ">26 hours ago</time>" in page
    reported_at = Report.objects.get(post=new_spam).created_at.replace(microsecond=0)
    assert f'Reported <time datetime="{reported_at.isoformat()}">3 hours ago</time>' in page
    assert re.search(r"Sent <time datetime=\"[^\"]+\">less than a minute ago</time>", page)


def test_a_post_also_reported_as_illegal_moves_to_the_top_timed_from_that_report(
    client_as, moderator, thread, council
):
    author = staff_of(council)
    post = reported(thread, author, staff_of(council), reason="spam", hours_ago=10)
    report = report_post(post=post, reporter=staff_of(council), reason="illegal")
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(hours=5))

    queue = client_as(moderator).get(QUEUE).context["queue"]

    assert [p.pk for p in queue.illegal] == [post.pk]
    assert queue.reported == []
    assert queue.illegal[0].age == "5 hours"
    assert queue.illegal[0].overdue_by == ""


def test_the_target_times_come_from_the_settings(settings, client_as, moderator, thread, council):
    settings.FORUMS_ILLEGAL_TARGET_HOURS = 12
    settings.FORUMS_QUEUE_TARGET_HOURS = 48
    reported(thread, staff_of(council), staff_of(council), reason="illegal", hours_ago=13.5)

    page = client_as(moderator).get(QUEUE).content.decode()

    assert "act on them within 12 hours" in page
    assert "within 48 hours" in page
    assert "Overdue by 1 hour</strong>" in page


def test_auto_hidden_posts_come_after_other_reports(
    settings, client_as, moderator, thread, council, community_member
):
    settings.FORUMS_APPROVE_FIRST_POSTS = 0
    hidden = reply(thread=thread, author=community_member, body="Buy cheap watches")
    for person in [staff_of(council) for _ in range(3)]:
        report_post(post=hidden, reporter=person, reason="spam")
    shown = reported(thread, staff_of(council), staff_of(council), reason="spam", hours_ago=1)

    response = client_as(moderator).get(QUEUE)

    queue = response.context["queue"]
    assert [p.pk for p in queue.auto_hidden] == [hidden.pk]
    assert [p.pk for p in queue.reported] == [shown.pk]
    page = response.content.decode()
    assert position(page, shown) < position(page, hidden)


def test_a_post_with_many_reports_shows_every_count_but_a_short_list(
    client_as, moderator, thread, council, staff_member
):
    post = reply(thread=thread, author=staff_member, body="Buy now")
    people = User.objects.bulk_create(
        User(username=f"reporter-{i}", email=f"reporter-{i}@example.com", name=f"Reporter {i}")
        for i in range(31)
    )
    Report.objects.bulk_create(Report(post=post, reporter=p, reason="spam") for p in people[:30])
    claimed = report_post(post=post, reporter=people[30], reason="abusive")
    Report.objects.filter(pk=claimed.pk).update(claimed_by=moderator)

    response = client_as(moderator).get(QUEUE)

    [shown] = response.context["queue"].reported
    assert shown.reason_counts == [("Spam or advertising", 30), ("Abusive or harassing", 1)]
    assert len(shown.open_reports) == 21  # 20 of each reason at most
    page = response.content.decode()
    assert "Spam or advertising: 30" in page
    assert "You are looking at this" in page


def test_a_hidden_post_reported_as_illegal_comes_first_and_can_stay_hidden(
    settings, client_as, moderator, thread, council, community_member
):
    settings.FORUMS_APPROVE_FIRST_POSTS = 0
    hidden = reply(thread=thread, author=community_member, body="Stolen goods for sale")
    for reason in ["spam", "spam", "illegal"]:
        report_post(post=hidden, reporter=staff_of(council), reason=reason)

    response = client_as(moderator).get(QUEUE)

    queue = response.context["queue"]
    assert [p.pk for p in queue.illegal] == [hidden.pk]
    assert queue.auto_hidden == []
    assert "Keep hidden<span" in response.content.decode()


@pytest.mark.parametrize(
    ("waited", "words"),
    [
        (timedelta(seconds=30), "less than a minute"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=59), "59 minutes"),
        (timedelta(hours=1, minutes=59), "1 hour"),
        (timedelta(hours=26), "26 hours"),
        (timedelta(hours=48), "2 days"),
        (timedelta(days=9, hours=23), "9 days"),
    ],
)
def test_how_long_things_have_waited_is_said_plainly(waited, words):
    assert how_long(waited) == words


# --- watched-word flags and appeals ------------------------------------------------------------


def test_open_flags_are_listed_for_the_boards_a_moderator_moderates(
    client_as, moderator, thread, council, staff_member
):
    elsewhere = Board.objects.create(name="Staff room", slug="staff-room", audience="staff")
    other_thread, other_post = start_thread(
        board=elsewhere, author=staff_member, title="Rota", body="Who?"
    )
    post = reply(thread=thread, author=staff_member, body="<b>cheap</b> watches")
    post_type = ContentType.objects.get_for_model(Post)

    def flag(content_type, object_id, excerpt, **fields):
        return Flag.objects.create(
            content_type=content_type,
            object_id=object_id,
            author=staff_member,
            field="body",
            excerpt=excerpt,
            matched="cheap",
            **fields,
        )

    mine = flag(post_type, post.pk, "<b>cheap</b> watches")
    theirs = flag(post_type, other_post.pk, "cheap rota")
    profile = flag(ContentType.objects.get_for_model(User), staff_member.pk, "cheap bio")
    done = flag(post_type, post.pk, "cheap again", status=Flag.Status.DISMISSED)

    response = client_as(moderator).get(QUEUE)

    # A profile's fields have audiences of their own: its flags are administrators' alone.
    assert [f.pk for f in response.context["queue"].flags] == [mine.pk]
    page = response.content.decode()
    assert reverse("safety:flag", args=[mine.pk]) in page
    for unseen in (profile, theirs, done):
        assert reverse("safety:flag", args=[unseen.pk]) not in page
    assert "“&lt;b&gt;cheap&lt;/b&gt; watches”" in page
    assert "<b>cheap</b>" not in page.split('id="flags"')[1]
    assert "Flagged by watched words (1)" in page
    administrator = UserFactory(name="Helen Admin", is_staff=True, is_superuser=True)
    add_totp(administrator)
    seen = client_as(administrator).get(QUEUE).context["queue"].flags
    assert [f.pk for f in seen] == [mine.pk, theirs.pk, profile.pk]


def test_a_moderator_sees_open_appeals_against_other_moderators_actions_only(
    client_as, moderator, thread, staff_member, council
):
    colleague = make_moderator("Sam Lee")
    post = reply(thread=thread, author=staff_member, body="Hello")

    def appeal(by_moderator, action=ModerationLog.Action.HIDE, **fields):
        entry = ModerationLog.objects.create(
            moderator=by_moderator, action=action, post=post, thread=thread, subject=staff_member
        )
        return Appeal.objects.create(
            entry=entry, appellant=staff_member, statement="Please look again", **fields
        )

    against_colleague = appeal(colleague)
    against_me = appeal(moderator)
    decided = appeal(colleague, status=Appeal.Status.REFUSED)
    against_sociable = appeal(None, action=ModerationLog.Action.AUTO_HIDE)

    response = client_as(moderator).get(QUEUE)

    shown = [a.pk for a in response.context["queue"].appeals]
    assert shown == [against_colleague.pk, against_sociable.pk]
    page = response.content.decode()
    assert reverse("safety:appeal", args=[against_colleague.pk]) in page
    assert reverse("safety:appeal", args=[against_me.pk]) not in page
    assert reverse("safety:appeal", args=[decided.pk]) not in page
    assert "Appeal by Amara Okafor against “Hid a post”" in page
    assert "Appeals for you to decide (2)" in page


def test_an_empty_queue_says_nothing_is_waiting(client_as, moderator):
    page = client_as(moderator).get(QUEUE).content.decode()

    assert "No posts reported as illegal content are waiting." in page
    assert "No flagged texts are waiting." in page
    assert "No appeals are waiting for you." in page


# --- the query budget ----------------------------------------------------------------------------


def test_the_queue_runs_the_same_few_queries_with_10000_reports(
    client_as, moderator, thread, council, staff_member, django_assert_max_num_queries
):
    client = client_as(moderator)
    reporters = User.objects.bulk_create(
        User(username=f"reporter-{i}", email=f"reporter-{i}@example.com", name=f"Reporter {i}")
        for i in range(40)
    )
    posts = Post.objects.bulk_create(
        Post(
            thread=thread,
            author=staff_member,
            path=place_in_tree(100 + i)[0],
            body=f"Post {i}",
            body_html=f"<p>Post {i}</p>",
            board=thread.board,
            audience=thread.board.audience,
        )
        for i in range(250)
    )

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(QUEUE)
        assert response.status_code == 200
        return len(context.captured_queries)

    for i, reason in enumerate(["illegal", "spam", "abusive"]):
        report_post(post=posts[i], reporter=reporters[i], reason=reason)
    few = queries()
    Report.objects.all().delete()
    Report.objects.bulk_create(
        Report(post=post, reporter=reporter, reason="illegal" if i % 2 and not r else "spam")
        for i, post in enumerate(posts)
        for r, reporter in enumerate(reporters)
    )
    assert Report.objects.count() == 10_000

    many = queries()
    with django_assert_max_num_queries(10):
        response = client.get(QUEUE)

    assert few == many
    queue = response.context["queue"]
    assert len(queue.illegal) == len(queue.reported) == 100  # QUEUE_SIZE each
    assert queue.waiting["illegal"] == queue.waiting["reported"] == 125
    page = response.content.decode()
    assert "Reported as illegal content (125)" in page
    assert queue.illegal[0].reason_counts == [("Spam or advertising", 39), ("Illegal", 1)]
    assert page.count("Showing the 100 that have waited longest.") == 2
