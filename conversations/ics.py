"""Calendar invitations (iCalendar, RFC 5545 with iTIP, RFC 5546) for a conversation agreed.

One VEVENT whose UID is the request's for good (``conversation-<pk>@<site>``), so a change
or a cancellation replaces the entry a calendar holds: METHOD:REQUEST while it is booked,
METHOD:CANCEL (STATUS:CANCELLED) once called off, each with the next SEQUENCE. The site
is the ORGANIZER and both people are ATTENDEEs who have accepted (they agreed the time on
the site), so calendars add it without asking them to reply.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parseaddr

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from sociable.links import site_address
from sociable.text import strip_invisible

from . import wording
from .models import Conversation, Way

PRODID = "-//Sociable//Conversations//EN"


def uid(conversation: Conversation) -> str:
    host = site_address().split("//", 1)[-1].split("/", 1)[0].split(":")[0]
    return f"conversation-{conversation.pk}@{host or 'sociable.invalid'}"


def _clean(value: str) -> str:
    return " ".join(strip_invisible(value).split())


def _person(user) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(_clean(user.display_name))
    address.params["role"] = vText("REQ-PARTICIPANT")
    address.params["partstat"] = vText("ACCEPTED")
    address.params["rsvp"] = vText("FALSE")
    return address


def summary(conversation: Conversation, viewer) -> str:
    other = conversation.other(viewer)
    who = _clean(other.display_name) if other is not None else "a former member"
    if conversation.kind == "shadowing" and viewer.pk == conversation.asked_id:
        return f"{who} shadows you"
    return wording.CALENDAR[conversation.kind].format(other=who)


def invitation(conversation: Conversation, viewer, *, stamp: datetime | None = None) -> bytes:
    """The calendar invitation ``viewer`` (one of the two) receives for ``conversation``:
    REQUEST while booked, CANCEL once called off."""
    cancelled = conversation.status == Conversation.Status.CANCELLED
    url = site_address() + conversation.get_absolute_url()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid(conversation))
    event.add("sequence", conversation.sequence)
    event.add("dtstamp", stamp or datetime.now(UTC))
    event.add("dtstart", conversation.starts_at.astimezone(UTC))
    event.add("dtend", conversation.ends_at.astimezone(UTC))
    event.add("summary", summary(conversation, viewer))
    about = _clean(conversation.skill.name if conversation.skill else conversation.about)
    lines = [f"About: {about}"] if about else []
    lines += [
        f"How: {conversation.get_way_display()}",
        f"Messages and changes: {url}",
    ]
    event.add("description", "\n".join(lines))
    if conversation.way == Way.IN_PERSON:
        event.add("location", "In person: agree the place in your messages")
    else:
        event.add("location", conversation.get_way_display())
    event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organiser = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    organiser.params["cn"] = vText("Sociable")
    event.add("organizer", organiser)
    for person in (conversation.asker, conversation.asked):
        if person is not None:
            event.add("attendee", _person(person))
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical()
