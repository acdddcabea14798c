"""Build iCalendar (RFC 5545) files of OWLS events for calendar apps.

One VEVENT per event, its UID stable across downloads (``event-<pk>@sociable``)
so that a re-imported or refreshed file updates the entry instead of adding a
second one; SEQUENCE goes up with every change, so clients take a cancellation
(STATUS:CANCELLED) over the copy they have. Times are written in UTC ("Z"), which
every client reads without a VTIMEZONE block. The icalendar package escapes text
and folds long lines (for properties it knows as text); we drop the control
characters RFC 5545 forbids in text (``sociable.text``), whatever is stored.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, vDuration, vText
from icalendar import Event as VEvent

from sociable.text import strip_invisible

from .models import Event

PRODID = "-//Sociable//OWLS//EN"
TIMEZONE = "Europe/London"
REFRESH = timedelta(hours=1)


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@sociable"


def clean_text(value: str) -> str:
    """Normalise line breaks to \\n and drop the other control characters except tab."""
    return strip_invisible(value.replace("\r\n", "\n").replace("\r", "\n"))


def event_summary(event: Event, *, waitlisted: bool = False) -> str:
    summary = clean_text(event.title)
    if event.cancelled_at is not None:
        return f"Cancelled: {summary}"
    if waitlisted:
        return f"{summary} (waiting list)"
    return summary


def event_description(event: Event, url: str) -> str:
    """Return the description as plain text, then the group, the online link and the URL."""
    parts = [clean_text(event.description).strip()] if event.description.strip() else []
    details = [f"Group: {clean_text(event.group.name)}"]
    if event.location and event.online_url:
        details.append(f"Join online: {clean_text(event.online_url)}")
    details.append(f"Details and replies: {url}")
    parts.append("\n".join(details))
    return "\n\n".join(parts)


def build_vevent(
    event: Event, *, site_url: str, stamp: datetime, waitlisted: bool = False
) -> VEvent:
    url = site_url.rstrip("/") + event.get_absolute_url()
    vevent = VEvent()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.starts_at.astimezone(UTC))
    vevent.add("dtend", event.ends_at.astimezone(UTC))
    vevent.add("summary", event_summary(event, waitlisted=waitlisted))
    vevent.add("description", event_description(event, url))
    location = clean_text(event.location).strip() or clean_text(event.online_url)
    if location:
        vevent.add("location", location)
    vevent.add("url", url)
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.cancelled_at is not None else "CONFIRMED")
    if event.updated_at is not None:
        vevent.add("last-modified", event.updated_at.astimezone(UTC))
    categories = dict.fromkeys([event.group.get_kind_display(), event.get_kind_display()])
    vevent.add("categories", list(categories))
    return vevent


def build_calendar(
    events: Iterable[Event],
    *,
    name: str,
    site_url: str,
    waitlisted: Collection[int] = (),
) -> bytes:
    """Return an iCalendar file of ``events`` (their ``group`` already loaded).

    ``waitlisted`` holds the pks of events the reader is on the waiting list for.
    """
    stamp = datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # icalendar types these as unknown, which it neither escapes nor folds: say they are text.
    name = " ".join(clean_text(name).split())
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    calendar.add("x-wr-timezone", vText(TIMEZONE))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for event in events:
        calendar.add_component(
            build_vevent(event, site_url=site_url, stamp=stamp, waitlisted=event.pk in waitlisted)
        )
    return calendar.to_ical()
