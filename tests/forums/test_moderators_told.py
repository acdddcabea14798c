"""Moderators hear of new reports and of posts waiting for approval, on the boards they
moderate and can see: in the site, and by email or in the digest as they choose."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from forums.models import Board, Suspension
from forums.services import reply, report_post, start_thread
from groups.services import add_member
from sociable.accounts.models import User
from sociable.notifications.models import Channel, Notification
from sociable.notifications.services import set_preferences
from tests.accounts.factories import UserFactory, add_totp, staff_of
from tests.forums.factories import group_board
from tests.groups.factories import make_group
from tests.helpers import run_tasks

pytestmark = pytest.mark.django_db


def make_moderator(name: str, *, two_factor: bool = True, boards=()):
    user = UserFactory(name=name, is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    if two_factor:
        add_totp(user)
    user.moderated_boards.set(boards)
    return user


def told(kind: str) -> dict[str, Notification]:
    notes = Notification.objects.filter(kind=kind).select_related("recipient")
    return {n.recipient.name: n for n in notes}


@pytest.fixture
def board(db):
    return Board.objects.create(name="Open discussion", slug="open", audience="public")


@pytest.fixture
def moderator(board):
    return make_moderator("Priya Shah", boards=[board])


@pytest.fixture
def post(board, staff_member, other_staff):
    thread, _ = start_thread(board=board, author=staff_member, title="Bins", body="When?")
    return reply(thread=thread, author=other_staff, body="Tuesdays, I think.")


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what the code leaves for after its transaction commits, as a request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- reports ---------------------------------------------------------------------------------


def test_a_report_tells_the_boards_moderators_once_however_many_reports_come(
    council, moderator, post, after_commit
):
    everywhere = make_moderator("Sam Lee")  # named for no board: moderates them all
    with after_commit():
        report_post(post=post, reporter=staff_of(council), reason="spam")
    with after_commit():
        report_post(post=post, reporter=staff_of(council), reason="abusive")

    notes = told("mod_report")
    assert set(notes) == {"Priya Shah", "Sam Lee"}
    note = notes["Priya Shah"]
    assert note.title == "A post in “Bins” on Open discussion was reported"
    assert note.body == "Reason: Spam or advertising."
    assert note.url == reverse("forums:moderate-post", args=[post.pk])
    assert note.channel == Channel.DIGEST  # ordinary reports: the daily digest by default
    everywhere.refresh_from_db()
    assert everywhere.unread_notifications == 1


def test_an_illegal_report_tells_moderators_by_email_at_once_as_well(
    council, moderator, post, after_commit
):
    with after_commit():
        report_post(post=post, reporter=staff_of(council), reason="spam")
    with after_commit():
        report_post(post=post, reporter=staff_of(council), reason="illegal")
    with after_commit():
        report_post(post=post, reporter=staff_of(council), reason="illegal")

    assert list(told("mod_report")) == ["Priya Shah"]
    run_tasks()
    # The illegal report's email goes at once; the other report waits for the digest.
    [email] = [m for m in mail.outbox if m.to == [moderator.email]]
    assert "was reported as illegal content" in email.subject
    urgent = told("mod_illegal")
    assert list(urgent) == ["Priya Shah"]
    assert urgent["Priya Shah"].channel == Channel.EMAIL
    assert urgent["Priya Shah"].title == (
        "A post in “Bins” on Open discussion was reported as illegal content"
    )


def test_a_later_ordinary_report_adds_nothing_to_an_illegal_one(
    council, moderator, post, after_commit
):
    with after_commit():
        report_post(post=post, reporter=staff_of(council), reason="illegal")
    with after_commit():
        report_post(post=post, reporter=staff_of(council), reason="spam")

    assert list(told("mod_illegal")) == ["Priya Shah"]
    assert told("mod_report") == {}


def test_moderators_hear_as_their_settings_say(council, moderator, post, after_commit):
    set_preferences(user=moderator, channels={"mod_report": Channel.EMAIL, "mod_illegal": "site"})
    with after_commit():
        report_post(post=post, reporter=staff_of(council), reason="spam")
    with after_commit():
        report_post(post=post, reporter=staff_of(council), reason="illegal")

    assert told("mod_report")["Priya Shah"].channel == Channel.EMAIL
    assert told("mod_illegal")["Priya Shah"].channel == Channel.SITE


def test_the_reporter_and_the_author_are_never_told_even_as_moderators(
    board, staff_member, council, moderator, after_commit
):
    author = make_moderator("Ana Costa", boards=[board])
    reporter = make_moderator("Ben Ode", boards=[board])
    thread, post = start_thread(board=board, author=author, title="Rota", body="Who is on?")
    with after_commit():
        report_post(post=post, reporter=reporter, reason="spam")
    with after_commit():  # a later report by someone else tells nobody new
        report_post(post=post, reporter=staff_of(council), reason="off_topic")

    assert set(told("mod_report")) == {"Priya Shah"}


def test_only_moderators_who_can_act_on_the_board_are_told(
    board, council, moderator, post, after_commit
):
    other_board = Board.objects.create(name="Staff room", slug="staff-room", audience="staff")
    make_moderator("Elsewhere", boards=[other_board])
    make_moderator("No two-factor", two_factor=False)
    left = make_moderator("Left", boards=[board])
    User.objects.filter(pk=left.pk).update(is_active=False)
    suspended = make_moderator("Suspended", boards=[board])
    Suspension.objects.create(
        user=suspended, until=timezone.now() + timedelta(days=1), reason="Rude"
    )
    ended = make_moderator("Suspension over", boards=[board])
    Suspension.objects.create(
        user=ended, until=timezone.now() - timedelta(days=1), reason="Long ago"
    )
    no_role = UserFactory(name="Staff, not a moderator", is_staff=True)
    add_totp(no_role)
    not_staff = make_moderator("Not staff")
    User.objects.filter(pk=not_staff.pk).update(is_staff=False)

    with after_commit():
        report_post(post=post, reporter=staff_of(council), reason="illegal")

    assert set(told("mod_illegal")) == {"Priya Shah", "Suspension over"}


def test_moderators_who_cannot_see_a_groups_board_are_not_told(staff_member, council, after_commit):
    group = make_group(staff_member, name="Carers' network", audience="community")
    board = group_board(group, audience="members")
    outsider = make_moderator("Outsider", boards=[board])
    insider = make_moderator("Insider", boards=[board])
    add_member(group=group, user=insider)
    thread, post = start_thread(board=board, author=staff_member, title="Respite", body="Help?")
    member = staff_of(council)
    add_member(group=group, user=member)

    with after_commit():
        report_post(post=post, reporter=member, reason="illegal")

    assert set(told("mod_illegal")) == {"Insider"}
    assert outsider.notifications.count() == 0


# --- posts waiting for approval ----------------------------------------------------------------


def test_a_post_waiting_for_approval_tells_the_boards_moderators(
    board, staff_member, community_member, moderator, after_commit
):
    thread, _ = start_thread(board=board, author=staff_member, title="Parks", body="Ideas?")
    with after_commit():
        pending = reply(thread=thread, author=community_member, body="My first post!")

    assert pending.status == "pending"
    notes = told("mod_approval")
    assert list(notes) == ["Priya Shah"]
    assert notes["Priya Shah"].title == (
        "A post in “Parks” on Open discussion is waiting for approval"
    )
    assert notes["Priya Shah"].channel == Channel.DIGEST


def test_a_published_post_tells_no_moderator(board, staff_member, moderator, after_commit):
    with after_commit():
        start_thread(board=board, author=staff_member, title="Parks", body="Ideas?")

    assert told("mod_approval") == {}
