"""A conversation agreed reaches both calendars: an iCalendar REQUEST by email, through a
real SMTP server on loopback, parsed by a real iCalendar parser; calling it off sends a
CANCEL with the same UID and the next SEQUENCE."""

from __future__ import annotations

import email
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import override_settings
from icalendar import Calendar

from conversations import services
from conversations.models import Conversation
from sociable.notifications.services import set_preferences
from tests.accounts.factories import staff_of
from tests.conversations.factories import ask, open_profile, soon
from tests.notifications.servers import Relay, free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def relay():
    handler = Relay()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=controller.port,
        EMAIL_TIMEOUT=5,
    ):
        yield handler
    controller.stop()


def run_due_tasks() -> None:
    """One run of the real worker: every task that is due, then exit."""
    call_command("db_worker", "--batch", "--interval=0", "--no-startup-delay", "--no-reload",
                 verbosity=0)  # fmt: skip


def _calendars(relay, address: str) -> list[tuple[Message, Calendar]]:
    """Each email to ``address`` with its text/calendar part, parsed."""
    found = []
    for recipients, raw in relay.delivered:
        if address not in recipients:
            continue
        message = email.message_from_string(raw)
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                found.append((part, Calendar.from_ical(part.get_payload(decode=True))))
    return found


def _event(calendar: Calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def test_both_people_get_a_request_then_a_cancel_for_one_entry(relay, council, staff_member):
    ben = open_profile(staff_of(council, name="Ben Ade"))
    conversation = ask(staff_member, ben, about="Power BI")
    services.accept(conversation=conversation, by=ben.user, time_id=conversation.times.first().pk)
    run_due_tasks()

    invites = {a: _calendars(relay, a) for a in (staff_member.email, ben.user.email)}
    assert all(len(found) == 1 for found in invites.values())
    part, calendar = invites[ben.user.email][0]
    assert part.get_param("method") == "REQUEST"
    assert calendar["method"] == "REQUEST"
    event = _event(calendar)
    uid = str(event["uid"])
    assert uid.startswith(f"conversation-{conversation.pk}@")
    assert event["sequence"] == 0 and event["status"] == "CONFIRMED"
    assert event.decoded("dtstart") == soon(3)
    assert str(event["summary"]) == "Chat with Amara Okafor"
    attendees = sorted(str(a) for a in event.get("attendee"))
    assert attendees == sorted([f"mailto:{staff_member.email}", f"mailto:{ben.user.email}"])
    assert "Power BI" in str(event["description"])
    asker_event = _event(invites[staff_member.email][0][1])
    assert str(asker_event["summary"]) == "Chat with Ben Ade"
    assert str(asker_event["uid"]) == uid

    run_due_tasks()  # nothing new: sent once
    assert len(_calendars(relay, ben.user.email)) == 1

    services.cancel(conversation=conversation, by=staff_member)
    run_due_tasks()
    ((_, cancelled),) = _calendars(relay, ben.user.email)[1:]
    assert cancelled["method"] == "CANCEL"
    event = _event(cancelled)
    assert (str(event["uid"]), event["sequence"], event["status"]) == (uid, 1, "CANCELLED")


def test_people_who_chose_no_calendar_emails_get_none(relay, council, staff_member):
    ben = open_profile(staff_of(council, name="Ben Ade"))
    set_preferences(user=ben.user, channels={"conversation_cal": "site"})
    conversation = ask(staff_member, ben)
    services.accept(conversation=conversation, by=ben.user, time_id=conversation.times.first().pk)
    run_due_tasks()

    assert _calendars(relay, ben.user.email) == []
    assert len(_calendars(relay, staff_member.email)) == 1
    assert Conversation.objects.get().invited_sequence == 0
