"""Answering a request: accept a time, suggest another, decline kindly, withdraw, call off,
and afterwards say whether it happened."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conversations import services
from conversations.models import Conversation, Reason
from sociable.notifications.models import Notification
from tests.accounts.factories import staff_of
from tests.conversations.factories import ask, open_profile, soon

pytestmark = pytest.mark.django_db

Status = Conversation.Status


@pytest.fixture
def ben(council):
    return open_profile(staff_of(council, name="Ben Ade"))


@pytest.fixture
def request_(ben, staff_member):
    return ask(staff_member, ben)


def _told(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("title", flat=True)
    )


def test_accepting_books_the_time_chosen_and_tells_the_asker(request_, ben, staff_member):
    chosen = request_.times.get(starts_at=soon(4))
    services.accept(conversation=request_, by=ben.user, time_id=chosen.pk)

    request_.refresh_from_db()
    assert request_.status == Status.ACCEPTED
    assert request_.starts_at == soon(4)
    assert request_.ends_at - request_.starts_at == timedelta(minutes=45)
    assert request_.waiting_on is None
    assert _told(staff_member)[-1].startswith("Ben Ade accepted: ")


def test_only_the_one_whose_turn_it_is_accepts_and_only_a_time_offered(
    request_, ben, staff_member, other_staff
):
    first = request_.times.first()
    with pytest.raises(ValidationError, match="other person's turn"):
        services.accept(conversation=request_, by=staff_member, time_id=first.pk)
    with pytest.raises(PermissionDenied):
        services.accept(conversation=request_, by=other_staff, time_id=first.pk)
    with pytest.raises(ValidationError, match="Choose one of the times"):
        services.accept(conversation=request_, by=ben.user, time_id=first.pk + 1000)
    request_.refresh_from_db()
    assert request_.status == Status.WAITING


def test_suggesting_another_time_passes_the_turn_and_the_asker_accepts_it(
    request_, ben, staff_member
):
    services.suggest(conversation=request_, by=ben.user, starts_at=soon(6, 14))
    request_.refresh_from_db()
    assert request_.waiting_on == staff_member
    offered = services.latest_times(request_)
    assert [t.starts_at for t in offered] == [soon(6, 14)]
    # The asker's own first times are no longer theirs to accept.
    with pytest.raises(ValidationError, match="Choose one of the times"):
        services.accept(conversation=request_, by=staff_member, time_id=request_.times.first().pk)

    services.accept(conversation=request_, by=staff_member, time_id=offered[0].pk)
    request_.refresh_from_db()
    assert (request_.status, request_.starts_at) == (Status.ACCEPTED, soon(6, 14))
    assert _told(ben.user)[-1].startswith("Amara Okafor accepted")


def test_declining_kindly_with_a_reason_or_none(request_, ben, staff_member):
    with pytest.raises(PermissionDenied):
        services.decline(conversation=request_, by=staff_member)
    with pytest.raises(ValidationError):
        services.decline(conversation=request_, by=ben.user, reason="you smell")

    services.decline(conversation=request_, by=ben.user, reason=Reason.BUSY)
    request_.refresh_from_db()
    assert request_.status == Status.DECLINED
    told = Notification.objects.filter(recipient=staff_member).latest("pk")
    assert told.title == "Ben Ade can't take up your request this time"
    assert told.body == Reason.BUSY.label
    with pytest.raises(ValidationError, match="declined"):
        services.accept(conversation=request_, by=ben.user, time_id=request_.times.first().pk)
    with pytest.raises(ValidationError, match="declined"):  # a no is an answer: no pressing
        services.send_message(conversation=request_, by=staff_member, body="Please?")


def test_withdrawing_is_the_askers_until_it_is_accepted(request_, ben, staff_member):
    with pytest.raises(PermissionDenied):
        services.withdraw(conversation=request_, by=ben.user)
    services.withdraw(conversation=request_, by=staff_member)
    request_.refresh_from_db()
    assert request_.status == Status.WITHDRAWN


def test_calling_off_a_booked_time_moves_the_calendar_sequence_on(request_, ben, staff_member):
    services.accept(conversation=request_, by=ben.user, time_id=request_.times.first().pk)
    services.cancel(conversation=request_, by=staff_member)

    request_.refresh_from_db()
    assert (request_.status, request_.sequence) == (Status.CANCELLED, 1)
    assert _told(ben.user)[-1].startswith("Amara Okafor called off")
    with pytest.raises(ValidationError):
        services.cancel(conversation=request_, by=ben.user)


def test_messages_go_to_the_other_person_only(request_, ben, staff_member, other_staff):
    services.send_message(conversation=request_, by=ben.user, body="Shall we meet at the cafe?")

    assert _told(staff_member)[-1] == "A message from Ben Ade"
    with pytest.raises(PermissionDenied):
        services.send_message(conversation=request_, by=other_staff, body="Hello")
    with pytest.raises(ValidationError, match="Write something"):
        services.send_message(conversation=request_, by=ben.user, body="   ")
    assert request_.messages.count() == 1


def test_afterwards_either_says_whether_it_happened_and_the_asker_thanks(
    request_, ben, staff_member
):
    services.accept(conversation=request_, by=ben.user, time_id=request_.times.first().pk)
    with pytest.raises(ValidationError, match="once it has taken place"):
        services.record_afterwards(conversation=request_, by=ben.user, happened=True)

    later = request_.times.first().starts_at + timedelta(hours=2)
    with pytest.raises(ValidationError, match="Only the person who asked"):
        services.record_afterwards(
            conversation=request_, by=ben.user, happened=True, thanks="Thanks!", now=later
        )
    services.record_afterwards(
        conversation=request_, by=staff_member, happened=True, thanks="That helped a lot.",
        now=later,
    )  # fmt: skip
    request_.refresh_from_db()
    assert request_.happened is True and request_.thanks == "That helped a lot."
    assert _told(ben.user)[-1] == "Amara Okafor says thank you"
    assert not request_.thanks_shown

    with pytest.raises(PermissionDenied):
        services.show_thanks(conversation=request_, by=staff_member, shown=True)
    services.show_thanks(conversation=request_, by=ben.user, shown=True)
    request_.refresh_from_db()
    assert request_.thanks_shown


def test_a_time_that_has_passed_cannot_be_accepted(ben, staff_member):
    conversation = ask(staff_member, ben, times=[timezone.now() + timedelta(hours=2)])
    later = timezone.now() + timedelta(hours=3)

    with pytest.raises(ValidationError, match="That time has passed"):
        services.accept(
            conversation=conversation, by=ben.user, time_id=conversation.times.get().pk, now=later
        )


def test_the_day_before_both_are_reminded_and_the_day_after_asked_how_it_went(
    request_, ben, staff_member
):
    from conversations.tasks import remind_and_ask_afterwards

    tomorrow = (timezone.localtime() + timedelta(days=1)).replace(hour=11, minute=0)
    services.accept(conversation=request_, by=ben.user, time_id=request_.times.first().pk)
    conversation = ask(staff_member, ben, times=[tomorrow], about="Dashboards")
    services.accept(conversation=conversation, by=ben.user, time_id=conversation.times.get().pk)
    yesterday = timezone.now() - timedelta(days=1)
    Conversation.objects.filter(pk=request_.pk).update(
        starts_at=yesterday, ends_at=yesterday + timedelta(hours=1)
    )

    assert remind_and_ask_afterwards.call() == 4
    assert remind_and_ask_afterwards.call() == 0  # once each
    assert "Tomorrow: Chat with Ben Ade" in _told(staff_member)
    assert "Did your conversation with Amara Okafor happen?" in _told(ben.user)
