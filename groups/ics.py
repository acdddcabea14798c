"""Build iCalendar (RFC 5545) files of OWLS events for calendar apps.

One VEVENT per event, its UID stable across downloads (``event-<pk>@sociable``)
so that a re-imported or refreshed file updates the entry instead of adding a
second one; SEQUENCE goes up with every change, so clients take a cancellation
(STATUS:CANCELLED) over the copy they have. Times are written in UTC ("Z"), which
every client reads without a VTIMEZONE block.

A group's calendar sends a series as calendar apps keep one (``series_sessions``): one
VEVENT with the rule (RRULE) in UK time (DTSTART;TZID=Europe/London, with its VTIMEZONE,
so 18:00 stays 18:00 across the clock changes), its cancelled sessions as EXDATE, and each
session changed on its own as a VEVENT of the same UID with RECURRENCE-ID, the rule's
time for it. A person's own calendar keeps one VEVENT per session they reply to.

The icalendar package escapes text and folds long lines (for properties it knows as
text); we drop the control characters RFC 5545 forbids in text (``sociable.text``),
whatever is stored.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard, vDuration, vText
from icalendar import Event as VEvent

from sociable.text import strip_invisible

from .models import Event, EventSeries
from .recurrence import LONDON, Rule

PRODID = "-//Sociable//OWLS//EN"
TIMEZONE = "Europe/London"
REFRESH = timedelta(hours=1)


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@sociable"


def series_uid(series: EventSeries) -> str:
    return f"series-{series.pk}@sociable"


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


def london_timezone() -> Timezone:
    """Europe/London as calendar apps define it (Outlook, Google): two rules, GMT from the
    last Sunday of October and BST from the last Sunday of March, true for any year."""
    zone = Timezone()
    zone.add("tzid", TIMEZONE)
    # Each rule's first moment is a wall-clock time: a VTIMEZONE's own DTSTARTs have no zone.
    gmt_from, bst_from = datetime(1996, 10, 27, 2), datetime(1981, 3, 29, 1)  # noqa: DTZ001
    for kind, name, first, before, after in (
        (TimezoneStandard, "GMT", gmt_from, timedelta(hours=1), timedelta(0)),
        (TimezoneDaylight, "BST", bst_from, timedelta(0), timedelta(hours=1)),
    ):
        part = kind()
        part.add("tzname", name)
        part.add("dtstart", first)
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        part.add("rrule", {"freq": "YEARLY", "bymonth": first.month, "byday": "-1SU"})
        zone.add_component(part)
    return zone


def build_series(
    series: EventSeries, sessions: list[Event], *, site_url: str, stamp: datetime
) -> list[VEvent]:
    """The VEVENTs of a series: the rule, then each session changed on its own.

    ``sessions`` are all the series' sessions (their ``group`` loaded), in order."""
    kept = [s for s in sessions if not s.detached and s.cancelled_at is None]
    template = (kept or sessions)[0]
    master = build_vevent(template, site_url=site_url, stamp=stamp)
    for name in ("uid", "dtstart", "dtend", "url", "sequence", "status", "summary"):
        master.pop(name, None)
    uid, url = series_uid(series), site_url.rstrip("/") + series.get_absolute_url()
    start = series.starts_at.astimezone(LONDON)
    master.add("uid", uid)
    master.add("dtstart", start)
    master.add("dtend", start + (template.ends_at - template.starts_at))
    master.add("rrule", Rule.of(series).rrule_value())
    cancelled = [s.original_start.astimezone(LONDON) for s in sessions if s.cancelled_at]
    if cancelled:
        master.add("exdate", cancelled)
    master.add("summary", clean_text(template.title))
    master.add("url", url)
    master.add("sequence", series.sequence + max(s.sequence for s in sessions))
    master.add("status", "CONFIRMED")
    components = [master]
    for session in sessions:
        if session.detached and session.cancelled_at is None:
            moved = build_vevent(session, site_url=site_url, stamp=stamp)
            moved.pop("uid")
            moved.add("uid", uid)
            moved.add("recurrence-id", session.original_start.astimezone(LONDON))
            for name in ("dtstart", "dtend"):
                value = getattr(session, "starts_at" if name == "dtstart" else "ends_at")
                moved.pop(name)
                moved.add(name, value.astimezone(LONDON))
            components.append(moved)
    return components


def build_calendar(
    events: Iterable[Event],
    *,
    name: str,
    site_url: str,
    waitlisted: Collection[int] = (),
    series_sessions: dict[int, list[Event]] | None = None,
) -> bytes:
    """Return an iCalendar file of ``events`` (their ``group`` already loaded).

    ``waitlisted`` holds the pks of events the reader is on the waiting list for.
    ``series_sessions``, by series pk, holds every session of the series among ``events``
    (with ``series`` loaded): each such series is sent once, as its rule (``build_series``).
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
    sent: set[int] = set()
    for event in events:
        if series_sessions is not None and event.series_id in series_sessions:
            if event.series_id not in sent:
                sent.add(event.series_id)
                sessions = series_sessions[event.series_id]
                for component in build_series(
                    sessions[0].series, sessions, site_url=site_url, stamp=stamp
                ):
                    calendar.add_component(component)
            continue
        calendar.add_component(
            build_vevent(event, site_url=site_url, stamp=stamp, waitlisted=event.pk in waitlisted)
        )
    if sent:
        calendar.add_component(london_timezone())
    return calendar.to_ical()
