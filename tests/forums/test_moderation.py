"""Moderators keep the discussions safe, and every action they take is in the log."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums.models import Board, ModerationLog, Post, Report, Suspension
from forums.services import (
    approve_post,
    claim_report,
    hide_post,
    reply,
    report_post,
    start_thread,
)
from tests.accounts.factories import UserFactory, add_totp, staff_of

pytestmark = pytest.mark.django_db


def make_moderator(name: str, *, two_factor: bool = True, boards=()):
    user = UserFactory(name=name, is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    if two_factor:
        add_totp(user)
    user.moderated_boards.set(boards)
    return user


@pytest.fixture
def moderator(db):
    return make_moderator("Priya Shah")


@pytest.fixture
def board(db):
    return Board.objects.create(name="Open discussion", slug="open", audience="public")


@pytest.fixture
def thread(board, staff_member):
    thread, _ = start_thread(
        board=board, author=staff_member, title="Bins", body="When are the bins collected?"
    )
    return thread


@pytest.fixture
def post(thread, other_staff):
    return reply(thread=thread, author=other_staff, body="Tuesdays, I think.")


def new_entry(before: int) -> ModerationLog:
    """The one log entry written since there were ``before``."""
    assert ModerationLog.objects.count() == before + 1
    entry = ModerationLog.objects.order_by("-pk").first()
    assert timezone.now() - entry.created_at < timedelta(minutes=1)
    return entry


def reporters(council, count: int):
    return [staff_of(council) for _ in range(count)]


# --- acting on posts -----------------------------------------------------------------------


def test_hiding_a_post_shows_the_reason_in_its_place_and_is_logged(
    client_as, moderator, post, other_staff, staff_member
):
    before = ModerationLog.objects.count()

    response = client_as(moderator).post(
        reverse("forums:moderate-post", args=[post.pk]),
        {"action": "hide", "reason": "Shares a phone number"},
    )

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.hidden_at is not None and post.hidden_reason == "Shares a phone number"
    entry = new_entry(before)
    assert (entry.moderator, entry.action, entry.reason) == (moderator, "hide", post.hidden_reason)
    assert (entry.post, entry.subject) == (post, other_staff)
    page = client_as(staff_member).get(post.thread.get_absolute_url()).content.decode()
    assert "Hidden by a moderator: Shares a phone number" in page
    assert "Tuesdays, I think." not in page


def test_hiding_needs_a_reason_and_changes_nothing_without_one(client_as, moderator, post):
    response = client_as(moderator).post(
        reverse("forums:moderate-post", args=[post.pk]), {"action": "hide", "reason": "  "}
    )

    assert response.status_code == 200
    assert "Give a reason: people will see it." in response.content.decode()
    assert response.context["form"].errors
    post.refresh_from_db()
    assert post.hidden_at is None
    assert not ModerationLog.objects.exists()


def test_hiding_a_reported_post_also_resolves_its_reports(client_as, moderator, post, council):
    report_post(post=post, reporter=staff_of(council), reason="spam")

    client_as(moderator).post(
        reverse("forums:moderate-post", args=[post.pk]), {"action": "hide", "reason": "Advert"}
    )

    assert post.reports.get().status == Report.Status.RESOLVED
    assert list(ModerationLog.objects.order_by("pk").values_list("action", flat=True)) == [
        "hide",
        "resolve",
    ]


def test_showing_a_hidden_post_again_is_logged(client_as, moderator, post):
    hide_post(post=post, moderator=moderator, reason="Checking")
    before = ModerationLog.objects.count()

    client_as(moderator).post(
        reverse("forums:moderate-post", args=[post.pk]),
        {"action": "unhide", "reason": "It was fine"},
    )

    post.refresh_from_db()
    assert post.hidden_at is None and post.hidden_reason == ""
    entry = new_entry(before)
    assert (entry.action, entry.reason, entry.moderator) == ("unhide", "It was fine", moderator)


def test_dismissing_reports_keeps_the_post_and_is_logged(client_as, moderator, post, council):
    for person in reporters(council, 2):
        report_post(post=post, reporter=person, reason="off_topic")
    before = ModerationLog.objects.count()

    response = client_as(moderator).post(
        reverse("forums:moderate-post", args=[post.pk]), {"action": "dismiss", "from": "queue"}
    )

    assert response["Location"] == reverse("forums:moderation-queue")
    assert set(post.reports.values_list("status", flat=True)) == {"dismissed"}
    post.refresh_from_db()
    assert post.hidden_at is None
    entry = new_entry(before)
    assert (entry.action, entry.moderator, entry.post) == ("dismiss", moderator, post)


def test_the_same_action_sent_twice_is_done_and_logged_once(client_as, moderator, post):
    client = client_as(moderator)
    url = reverse("forums:moderate-post", args=[post.pk])

    client.post(url, {"action": "hide", "reason": "Spam"})
    again = client.post(url, {"action": "hide", "reason": "Spam"})

    assert "already hidden for that reason" in again.content.decode()
    assert ModerationLog.objects.count() == 1


def test_the_post_page_shows_its_reports_and_earlier_versions(client_as, moderator, post, council):
    from forums.services import edit_post

    edit_post(post=post, editor=post.author, body="Wednesdays, actually.")
    report_post(post=post, reporter=staff_of(council), reason="abusive", details="Rude to me")

    response = client_as(moderator).get(reverse("forums:moderate-post", args=[post.pk]))

    page = response.content.decode()
    assert "forums/moderation/post.html" in [t.name for t in response.templates]
    assert "Tuesdays, I think." in page  # the earlier version
    assert "Wednesdays, actually." in page
    assert "Abusive or harassing" in page and "Rude to me" in page
    assert 'Dismiss reports<span class="govuk-visually-hidden"> on the post by' in page


# --- reports ---------------------------------------------------------------------------------


def test_three_people_reporting_a_new_members_post_hide_it(
    settings, council, thread, community_member
):
    settings.FORUMS_APPROVE_FIRST_POSTS = 0
    post = reply(thread=thread, author=community_member, body="Buy cheap watches")

    for person in reporters(council, 3):
        report_post(post=post, reporter=person, reason="spam")

    post.refresh_from_db()
    assert post.hidden_at is not None
    entry = ModerationLog.objects.get()
    assert (entry.action, entry.moderator, entry.post) == ("auto_hide", None, post)


def test_a_post_hidden_by_reports_says_so_until_a_moderator_decides(
    settings, client_as, council, thread, community_member, moderator
):
    settings.FORUMS_APPROVE_FIRST_POSTS = 0
    post = reply(thread=thread, author=community_member, body="Buy cheap watches")
    for person in reporters(council, 3):
        client_as(person).post(reverse("forums:post-report", args=[post.pk]), {"reason": "spam"})

    reader = client_as(staff_of(council, name="Dev Patel"))

    hidden = reader.get(thread.get_absolute_url()).content.decode()
    hide_post(post=Post.objects.get(pk=post.pk), moderator=moderator, reason="Advertising")
    decided = reader.get(thread.get_absolute_url()).content.decode()

    assert "Buy cheap watches" not in hidden
    assert "Hidden by a moderator" not in hidden  # no moderator has acted yet
    assert (
        "Hidden automatically because several people reported it. A moderator will review it."
        in hidden
    )
    assert "Hidden by a moderator: Advertising" in decided
    assert "Hidden automatically" not in decided


def test_one_person_reporting_three_times_does_not_hide_a_post(
    settings, council, thread, community_member
):
    settings.FORUMS_APPROVE_FIRST_POSTS = 0
    post = reply(thread=thread, author=community_member, body="Buy cheap watches")
    person = staff_of(council)

    for reason in ["spam", "abusive", "other"]:
        report_post(post=post, reporter=person, reason=reason)

    post.refresh_from_db()
    assert post.hidden_at is None
    assert post.reports.count() == 1
    assert not ModerationLog.objects.exists()


def test_a_staff_members_post_is_not_hidden_by_reports(council, post):
    for person in reporters(council, 3):
        report_post(post=post, reporter=person, reason="spam")

    post.refresh_from_db()
    assert post.hidden_at is None
    assert post.reports.count() == 3


def test_claiming_stops_a_second_moderator_from_working_on_the_same_post(
    client_as, moderator, post, council
):
    first, second = reporters(council, 2)
    report = report_post(post=post, reporter=first, reason="spam")
    other_report = report_post(post=post, reporter=second, reason="abusive")
    colleague = make_moderator("Sam Lee")

    claimed = client_as(moderator).post(reverse("forums:report-claim", args=[report.pk]))
    refused = client_as(colleague).post(
        reverse("forums:report-claim", args=[other_report.pk]), follow=True
    )

    assert claimed.status_code == 302
    assert "Priya Shah is already looking at this." in refused.content.decode()
    report.refresh_from_db()
    other_report.refresh_from_db()
    assert report.claimed_by == moderator and other_report.claimed_by is None
    entry = ModerationLog.objects.get()
    assert (entry.action, entry.moderator, entry.post) == ("claim", moderator, post)


# --- the queue -------------------------------------------------------------------------------


def test_the_queue_groups_reports_by_post_and_lists_what_waits(
    client_as, moderator, post, council, community_member, thread
):
    first, second = reporters(council, 2)
    claim_report(
        report=report_post(post=post, reporter=first, reason="spam", details="Selling things"),
        moderator=make_moderator("Sam Lee"),
    )
    report_post(post=post, reporter=second, reason="spam")
    pending = reply(thread=thread, author=community_member, body="My first post!")

    response = client_as(moderator).get(reverse("forums:moderation-queue"))

    queue = response.context["queue"]
    assert [p.pk for p in queue.reported] == [post.pk]
    assert [p.pk for p in queue.pending] == [pending.pk]
    page = response.content.decode()
    assert "Spam or advertising: 2" in page
    assert "Selling things" in page
    assert "Sam Lee is already looking at this" in page
    assert "My first post!" in page
    assert 'Approve<span class="govuk-visually-hidden"> the post by Jordan Reid</span>' in page


def test_the_queue_shows_posts_hidden_after_reports(
    settings, client_as, moderator, council, thread, community_member
):
    settings.FORUMS_APPROVE_FIRST_POSTS = 0
    post = reply(thread=thread, author=community_member, body="Buy cheap watches")
    for person in reporters(council, 3):
        report_post(post=post, reporter=person, reason="spam")

    response = client_as(moderator).get(reverse("forums:moderation-queue"))

    assert [p.pk for p in response.context["queue"].auto_hidden] == [post.pk]
    assert response.context["queue"].reported == []
    assert "Keep hidden" in response.content.decode()


def test_the_queue_takes_the_same_queries_for_3_or_30_reports(
    client_as, moderator, thread, council
):
    client = client_as(moderator)
    people = reporters(council, 30)
    posts = [reply(thread=thread, author=people[i], body=f"Reply {i}") for i in range(10)]

    def report(count: int) -> None:
        for i in range(count):
            report_post(post=posts[i % 10], reporter=people[(i + 1 + i // 10) % 30], reason="spam")

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("forums:moderation-queue"))
        assert response.status_code == 200
        return len(context.captured_queries)

    report(3)
    claim_report(report=Report.objects.first(), moderator=moderator)
    few = queries()
    Report.objects.all().delete()
    report(30)
    claim_report(report=Report.objects.first(), moderator=moderator)
    many = queries()

    assert Report.objects.count() == 30
    assert len(client.get(reverse("forums:moderation-queue")).context["queue"].reported) == 10
    assert few == many
    assert many <= 10


# --- threads ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "field", "value"),
    [("lock", "is_locked", True), ("pin", "is_pinned", True)],
)
def test_locking_and_pinning_a_thread_are_logged(
    client_as, moderator, thread, action, field, value
):
    client = client_as(moderator)
    url = reverse("forums:moderate-thread", args=[thread.pk])

    client.post(url, {"action": action, "reason": "Answered"})
    thread.refresh_from_db()
    entry = new_entry(0)
    client.post(url, {"action": f"un{action}"})
    undone = thread.__class__.objects.get(pk=thread.pk)

    assert getattr(thread, field) is value
    assert (entry.action, entry.reason, entry.moderator, entry.thread) == (
        action,
        "Answered",
        moderator,
        thread,
    )
    assert getattr(undone, field) is not value
    assert new_entry(1).action == f"un{action}"


def test_a_locked_thread_takes_no_replies(client_as, moderator, thread, other_staff):
    client_as(moderator).post(
        reverse("forums:moderate-thread", args=[thread.pk]), {"action": "lock"}
    )

    response = client_as(other_staff).post(
        reverse("forums:reply", args=[thread.pk, thread.slug]), {"body": "One more thing"}
    )

    assert "This thread is locked" in response.content.decode()
    assert not thread.posts.filter(author=other_staff).exists()


def test_moving_a_thread_to_another_board_is_logged(client_as, moderator, thread, board):
    archive = Board.objects.create(name="Archive", slug="archive", audience="public")

    response = client_as(moderator).post(
        reverse("forums:moderate-thread", args=[thread.pk]),
        {"action": "move", "move-board": archive.pk, "move-reason": "Old news"},
    )

    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.board == archive
    entry = new_entry(0)
    assert (entry.action, entry.reason, entry.detail) == (
        "move",
        "Old news",
        "from Open discussion to Archive",
    )


def test_a_thread_moves_only_to_a_board_its_moderator_moderates(client_as, thread, board):
    elsewhere = Board.objects.create(name="Elsewhere", slug="elsewhere", audience="public")
    moderator = make_moderator("Kim Ward", boards=[board])

    response = client_as(moderator).post(
        reverse("forums:moderate-thread", args=[thread.pk]),
        {"action": "move", "move-board": elsewhere.pk},
    )

    assert response.status_code == 200
    assert response.context["move_form"].errors["board"]
    thread.refresh_from_db()
    assert thread.board == board
    assert not ModerationLog.objects.exists()


# --- suspensions -----------------------------------------------------------------------------


def uk_time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_suspended_person_can_read_but_not_write(client_as, moderator, thread, staff_member):
    until = timezone.now() + timedelta(days=3)
    before = ModerationLog.objects.count()

    response = client_as(moderator).post(
        reverse("forums:suspend", args=[staff_member.pk]),
        {"until": uk_time(until), "reason": "Cooling off"},
    )

    assert response.status_code == 302
    suspension = Suspension.objects.get(user=staff_member)
    assert (suspension.reason, suspension.created_by) == ("Cooling off", moderator)
    entry = new_entry(before)
    assert (entry.action, entry.subject, entry.reason) == ("suspend", staff_member, "Cooling off")
    shown = timezone.localtime(suspension.until).strftime("%d %B %Y, %H:%M")
    client = client_as(staff_member)
    assert client.get(thread.get_absolute_url()).status_code == 200
    with pytest.raises(PermissionDenied, match=shown):
        reply(thread=thread, author=staff_member, body="Let me explain")
    with pytest.raises(PermissionDenied, match="suspended"):
        start_thread(board=thread.board, author=staff_member, title="Again", body="Hello")
    refused = client.post(
        reverse("forums:reply", args=[thread.pk, thread.slug]), {"body": "Let me explain"}
    )
    assert f"Your account is suspended until {shown}" in refused.content.decode()
    assert thread.posts.count() == 1


def test_the_suspended_see_why_on_boards_and_threads_while_it_lasts(
    client_as, moderator, thread, staff_member
):
    banner = "Your account is suspended until"
    client = client_as(staff_member)

    def shown() -> list[bool]:
        pages = [thread.get_absolute_url(), thread.board.get_absolute_url()]
        return [banner in client.get(url).content.decode() for url in pages]

    Suspension.objects.create(
        user=staff_member, until=timezone.now() - timedelta(minutes=1), reason="Old"
    )
    assert shown() == [False, False]
    Suspension.objects.create(
        user=staff_member,
        until=timezone.now() + timedelta(days=2),
        reason="Lifted",
        lifted_at=timezone.now(),
    )
    assert shown() == [False, False]
    Suspension.objects.create(
        user=staff_member, until=timezone.now() + timedelta(days=1), reason="Heated"
    )
    Suspension.objects.create(
        user=staff_member, until=timezone.now() + timedelta(days=3), reason="Repeated"
    )
    assert shown() == [True, True]
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Reason: Repeated" in page  # the one that ends last
    assert banner not in client_as(moderator).get(thread.get_absolute_url()).content.decode()


def test_a_suspension_must_end_in_the_future_and_give_a_reason(client_as, moderator, staff_member):
    url = reverse("forums:suspend", args=[staff_member.pk])

    past = client_as(moderator).post(
        url, {"until": uk_time(timezone.now() - timedelta(hours=1)), "reason": "Spam"}
    )
    no_reason = client_as(moderator).post(
        url, {"until": uk_time(timezone.now() + timedelta(days=1)), "reason": ""}
    )

    assert "Choose a time in the future." in past.content.decode()
    assert "Give a reason: the person will see it." in no_reason.content.decode()
    assert past.context["form"].errors and no_reason.context["form"].errors
    assert not Suspension.objects.exists()
    assert not ModerationLog.objects.exists()


def test_lifting_a_suspension_lets_the_person_write_again(
    client_as, moderator, thread, staff_member
):
    from forums.services import suspend

    suspension = suspend(
        user=staff_member,
        moderator=moderator,
        until=timezone.now() + timedelta(days=1),
        reason="Heated",
    )
    client = client_as(moderator)
    page = client.get(reverse("forums:suspend", args=[staff_member.pk])).content.decode()

    client.post(reverse("forums:suspension-lift", args=[suspension.pk]))

    assert 'Lift<span class="govuk-visually-hidden"> the suspension until' in page
    suspension.refresh_from_db()
    assert suspension.lifted_at is not None
    entry = new_entry(1)
    assert (entry.action, entry.subject, entry.moderator) == ("lift", staff_member, moderator)
    assert reply(thread=thread, author=staff_member, body="Thanks").status == "published"


# --- first posts -----------------------------------------------------------------------------


def test_a_community_members_first_post_waits_for_approval(
    client, client_as, moderator, thread, community_member, other_staff
):
    post = reply(thread=thread, author=community_member, body="Hello from Jordan")
    url = thread.get_absolute_url()

    def sees(viewer) -> bool:
        return "Hello from Jordan" in viewer.get(url).content.decode()

    assert post.status == Post.Status.PENDING
    assert not sees(client) and not sees(client_as(other_staff))
    assert client_as(other_staff).get(post.get_absolute_url()).status_code == 404
    assert sees(client_as(community_member)) and sees(client_as(moderator))

    client_as(moderator).post(
        reverse("forums:moderate-post", args=[post.pk]), {"action": "approve"}
    )

    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert sees(client) and sees(client_as(other_staff))
    entry = new_entry(0)
    assert (entry.action, entry.moderator, entry.subject) == (
        "approve",
        moderator,
        community_member,
    )


# --- who may moderate ------------------------------------------------------------------------


def test_a_moderator_limited_to_one_board_cannot_moderate_others(
    client_as, board, staff_member, other_staff
):
    elsewhere = Board.objects.create(name="Elsewhere", slug="elsewhere", audience="public")
    staff_room = Board.objects.create(name="Staff room", slug="staff-room", audience="staff")
    posts = {}
    for each in (board, elsewhere, staff_room):
        _, posts[each.slug] = start_thread(board=each, author=staff_member, title="Hi", body="Hi")
    client = client_as(make_moderator("Kim Ward", boards=[board]))

    def status(slug: str) -> int:
        return client.get(reverse("forums:moderate-post", args=[posts[slug].pk])).status_code

    assert status("open") == 200
    assert status("elsewhere") == 403  # a board they can see
    assert status("staff-room") == 404  # a board they cannot see
    thread_url = reverse("forums:moderate-thread", args=[posts["elsewhere"].thread_id])
    assert client.get(thread_url).status_code == 403


def test_the_queue_only_shows_the_boards_someone_moderates(client_as, board, post, council):
    elsewhere = Board.objects.create(name="Elsewhere", slug="elsewhere", audience="public")
    _, hidden_from_them = start_thread(
        board=elsewhere, author=post.author, title="Other", body="Other board"
    )
    first, second = reporters(council, 2)
    report_post(post=post, reporter=first, reason="spam")
    report_post(post=hidden_from_them, reporter=second, reason="spam")

    response = client_as(make_moderator("Kim Ward", boards=[board])).get(
        reverse("forums:moderation-queue")
    )

    assert [p.pk for p in response.context["queue"].reported] == [post.pk]


def test_a_moderator_without_two_factor_is_sent_to_set_it_up(client_as, post):
    client = client_as(make_moderator("Kim Ward", two_factor=False))

    for url in [
        reverse("forums:moderation-queue"),
        reverse("forums:moderate-post", args=[post.pk]),
        reverse("forums:moderation-log"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")


def test_people_who_are_not_moderators_are_refused(client_as, staff_member, post, board):
    staff_room = Board.objects.create(name="Staff room", slug="staff-room", audience="staff")
    _, staff_post = start_thread(board=staff_room, author=staff_member, title="Hi", body="Hi")
    community = UserFactory()
    client = client_as(community)

    assert client.get(reverse("forums:moderation-queue")).status_code == 403
    assert client.get(reverse("forums:moderation-log")).status_code == 403
    assert client.get(reverse("forums:suspend", args=[staff_member.pk])).status_code == 403
    assert client.get(reverse("forums:moderate-post", args=[post.pk])).status_code == 403
    assert client.get(reverse("forums:moderate-post", args=[staff_post.pk])).status_code == 404
    hide = client.post(
        reverse("forums:moderate-post", args=[post.pk]), {"action": "hide", "reason": "x"}
    )
    assert hide.status_code == 403
    post.refresh_from_db()
    assert post.hidden_at is None


def test_the_moderators_role_needs_staff_status_too(client_as, post):
    """A moderator is in the Moderators group *and* has staff status, as for the admin."""
    in_group_only = make_moderator("Kim Ward")
    in_group_only.is_staff = False
    in_group_only.save(update_fields=["is_staff"])
    client = client_as(in_group_only)

    assert client.get(reverse("forums:moderation-queue")).status_code == 403
    assert client.get(reverse("forums:moderate-post", args=[post.pk])).status_code == 403
    assert "Moderate" not in client.get(post.thread.get_absolute_url()).content.decode()


def test_signed_out_visitors_are_asked_to_sign_in(client):
    response = client.get(reverse("forums:moderation-queue"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- the log ---------------------------------------------------------------------------------


def test_the_log_cannot_be_changed_or_deleted_even_directly(moderator, post):
    hide_post(post=post, moderator=moderator, reason="Spam")
    entry = ModerationLog.objects.get()

    with pytest.raises(DatabaseError), transaction.atomic():
        ModerationLog.objects.filter(pk=entry.pk).update(reason="Nothing to see")
    with pytest.raises(DatabaseError), transaction.atomic():
        ModerationLog.objects.filter(pk=entry.pk).delete()

    assert ModerationLog.objects.get().reason == "Spam"


def test_the_log_page_lists_actions_newest_first_and_filters_them(
    client_as, moderator, post, thread
):
    hide_post(post=post, moderator=moderator, reason="Spam")
    approve_post(post=post, moderator=moderator)  # already published: not logged
    client = client_as(moderator)
    client.post(reverse("forums:moderate-thread", args=[thread.pk]), {"action": "lock"})

    everything = client.get(reverse("forums:moderation-log"))
    locks = client.get(reverse("forums:moderation-log"), {"action": "lock"})

    assert [e.action for e in everything.context["page"]] == ["lock", "hide"]
    assert [e.action for e in locks.context["page"]] == ["lock"]
    assert "Spam" in everything.content.decode()


def test_a_thread_awaiting_approval_stays_hidden_when_its_author_is_gone(
    client, client_as, board, community_member, staff_member
):
    thread, opening = start_thread(
        board=board, author=community_member, title="My first thread", body="Hello all"
    )
    assert opening.status == Post.Status.PENDING  # a community member's first post waits
    address = thread.get_absolute_url()
    assert client_as(community_member).get(address).status_code == 200  # its author sees it
    assert client_as(staff_member).get(address).status_code == 404

    community_member.delete()  # the thread and its post stay, with no author

    assert client.get(address).status_code == 404  # not to visitors, whose pk is None too
    assert client_as(staff_member).get(address).status_code == 404


def test_a_reply_awaiting_approval_stays_hidden_when_its_author_is_gone(
    client, client_as, thread, community_member, staff_member
):
    waiting = reply(thread=thread, author=community_member, body="Buy cheap watches here")
    assert waiting.status == Post.Status.PENDING  # a community member's first post waits
    address = thread.get_absolute_url()
    assert "cheap watches" in client_as(community_member).get(address).content.decode()

    community_member.delete()  # the reply stays, with no author

    for reader in (client, client_as(staff_member)):  # a visitor's pk is None too
        page = reader.get(address)
        assert page.status_code == 200
        assert "When are the bins collected?" in page.content.decode()
        assert "cheap watches" not in page.content.decode()
