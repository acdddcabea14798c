"""Asking for a conversation: who may ask whom, for what, when, and how often."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conversations import services
from conversations.models import Conversation, Openness
from sociable.notifications.models import Notification
from tests.accounts.factories import UserFactory, staff_of
from tests.conversations.factories import ask, open_profile, set_openness, soon

pytestmark = pytest.mark.django_db

Status = Conversation.Status


@pytest.fixture
def ben(council):
    return open_profile(staff_of(council, name="Ben Ade"), kinds=("chat", "mentoring"))


def test_asking_sends_the_request_and_tells_the_person_asked(ben, staff_member):
    conversation = ask(staff_member, ben)

    assert conversation.status == Status.WAITING
    assert conversation.waiting_on == ben.user
    assert [t.starts_at for t in conversation.times.all()] == [soon(3), soon(4)]
    told = Notification.objects.get(recipient=ben.user)
    assert told.title == "Amara Okafor asks for a chat"
    assert told.url == conversation.get_absolute_url()
    assert not Notification.objects.filter(recipient=staff_member).exists()


def test_nobody_asks_themselves(ben):
    with pytest.raises(PermissionDenied, match="cannot ask yourself"):
        ask(ben.user, ben)


def test_only_what_they_are_open_to_may_be_asked(ben, staff_member):
    with pytest.raises(PermissionDenied, match="not said they are open"):
        ask(staff_member, ben, kind="shadowing")
    assert not Conversation.objects.exists()


def test_who_may_ask_is_theirs_to_say(ben, staff_member, other_staff, community_member):
    set_openness(ben.user, who_may_ask="organisation")
    with pytest.raises(PermissionDenied, match="staff of my organisation only"):
        ask(other_staff, ben)
    assert ask(staff_member, ben).status == Status.WAITING  # the same organisation

    set_openness(ben.user, who_may_ask="staff")
    with pytest.raises(PermissionDenied, match="staff of any partner organisation only"):
        ask(community_member, ben)
    set_openness(ben.user, who_may_ask="community")
    assert ask(community_member, ben).status == Status.WAITING


def test_a_pause_stops_requests_and_times_inside_a_pause_to_come(ben, staff_member):
    today = timezone.localdate()
    set_openness(ben.user, paused_from=today - timedelta(days=1), paused_until=today + timedelta(1))
    with pytest.raises(PermissionDenied, match="taking a break"):
        ask(staff_member, ben)

    set_openness(ben.user, paused_from=today + timedelta(days=4), paused_until=today + timedelta(9))
    with pytest.raises(ValidationError, match="choose a time outside it"):
        ask(staff_member, ben, times=[soon(3), soon(5)])
    assert ask(staff_member, ben, times=[soon(3), soon(10)]).status == Status.WAITING


@pytest.mark.parametrize(
    "times, message",
    [
        ([timezone.now() - timedelta(hours=2)], "in the future"),
        ([timezone.now() + timedelta(minutes=20)], "at least an hour"),
        ([timezone.now() + timedelta(days=400)], "within the next year"),
        ([timezone.now() + timedelta(days=n) for n in (1, 2, 3, 4)], "at most 3"),
    ],
)
def test_times_must_be_sensible(ben, staff_member, times, message):
    with pytest.raises(ValidationError, match=message):
        ask(staff_member, ben, times=times)
    assert not Conversation.objects.exists()


def test_no_times_asks_them_to_suggest_one(ben, staff_member):
    conversation = ask(staff_member, ben, times=[])

    assert services.latest_times(conversation) == []
    assert conversation.waiting_on == ben.user


def test_the_same_form_sent_twice_asks_once(ben, staff_member):
    key = "6f1c1f5e-0000-4000-8000-000000000001"
    first = ask(staff_member, ben, form_key=key)
    second = ask(staff_member, ben, form_key=key)

    assert first == second
    assert Conversation.objects.count() == 1
    assert Notification.objects.filter(recipient=ben.user).count() == 1


def test_ten_open_requests_at_once_is_the_most(council, staff_member):
    people = [open_profile(staff_of(council, name=f"Open {n}")) for n in range(11)]
    for profile in people[:10]:
        ask(staff_member, profile)

    with pytest.raises(ValidationError, match="10 requests waiting"):
        ask(staff_member, people[10])
    assert Conversation.objects.count() == 10


def test_new_community_accounts_get_tighter_limits(council):
    newcomer = UserFactory(name="New Person")
    people = [open_profile(staff_of(council, name=f"Open {n}"), kinds=("chat",)) for n in range(4)]
    for profile in people:
        set_openness(profile.user, who_may_ask="community")
    for profile in people[:3]:
        ask(newcomer, profile)

    with pytest.raises(ValidationError, match="3 requests waiting"):
        ask(newcomer, people[3])


def test_twenty_a_week_is_the_most_even_when_answered(council, staff_member):
    people = [open_profile(staff_of(council, name=f"Open {n}")) for n in range(21)]
    for profile in people[:20]:
        services.withdraw(conversation=ask(staff_member, profile), by=staff_member)

    with pytest.raises(ValidationError, match="asked 20 people this week"):
        ask(staff_member, people[20])


@pytest.mark.parametrize("when_full", [Openness.WhenFull.QUEUE, Openness.WhenFull.REFUSE])
def test_over_their_monthly_limit_requests_queue_or_are_refused(
    ben, staff_member, other_staff, community_member, when_full
):
    set_openness(ben.user, per_month=1, when_full=when_full, who_may_ask="community")
    ask(staff_member, ben)

    if when_full == Openness.WhenFull.QUEUE:
        queued = ask(other_staff, ben)
        assert queued.status == Status.QUEUED
        assert (
            "waiting in your queue"
            in Notification.objects.filter(recipient=ben.user).latest("pk").title
        )
        services.open_from_queue(conversation=queued, by=ben.user)
        queued.refresh_from_db()
        assert queued.status == Status.WAITING
    else:
        with pytest.raises(PermissionDenied, match="as many requests like this"):
            ask(other_staff, ben)
        assert Conversation.objects.count() == 1
    # Another kind is counted apart.
    set_openness(ben.user, "mentoring", per_month=1, who_may_ask="community")
    assert ask(community_member, ben, kind="mentoring").status == Status.WAITING


def test_a_pause_must_end_after_it_starts(ben):
    with pytest.raises(ValidationError):
        services.set_openness(
            user=ben.user, kind="chat", is_open=True, per_month=None, who_may_ask="staff",
            when_full="queue", paused_from=date(2027, 3, 1), paused_until=date(2027, 2, 1),
        )  # fmt: skip


def test_one_open_request_to_a_person_at_a_time(ben, staff_member):
    first = ask(staff_member, ben)
    with pytest.raises(ValidationError, match="asked Ben Ade already"):
        ask(staff_member, ben, kind="mentoring")

    services.withdraw(conversation=first, by=staff_member)
    assert ask(staff_member, ben, kind="mentoring").status == Status.WAITING
