"""Series of sessions: made, changed from one session on, and replied to as a whole.

A series makes all its sessions when it is made (``recurrence.MAX_SESSIONS`` at most), each
an ``Event`` with its own places, replies and waiting list. A session changed on its own is
``detached`` (calendar apps get it apart from the rule); "this and all following" ends the
series before the session and starts a new one from it, as Outlook and Google do, so that
calendar apps see two rules that are each true.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sociable.accounts.models import User
from sociable.markdown import render_markdown

from . import notifications, organisers, services
from .models import RSVP, Event, EventSeries, Group
from .recurrence import Rule, is_last_of_month, shifted, wall_clock, week_of_month

# The fields every session of a series shares, and "this and all following" changes.
SHARED = (
    "title",
    "kind",
    "description",
    "location",
    "online_url",
    "capacity",
    "skill",
    "teacher",
    "guests_allowed",
    "questions",
)


@transaction.atomic
def create_series(
    *,
    group: Group,
    created_by: User,
    frequency: str,
    until=None,
    count: int | None = None,
    monthly_last: bool = False,
    **fields,
) -> EventSeries:
    """Make a series and every one of its sessions, as ``fields`` describe the first. A
    monthly series keeps the first session's weekday of the month (the last such one, when
    ``monthly_last``)."""
    first = Event(group=group, created_by=created_by, **fields)
    first.description_html = render_markdown(first.description)
    first.full_clean(exclude=["series"])
    monthly_week = None
    if frequency == EventSeries.Frequency.MONTHLY:
        monthly_week = -1 if monthly_last else week_of_month(wall_clock(first.starts_at))
    rule = Rule(frequency, first.starts_at, until, count, monthly_week)
    starts = rule.starts()
    series = EventSeries.objects.create(
        group=group,
        frequency=frequency,
        monthly_week=monthly_week,
        starts_at=first.starts_at,
        until=until,
        count=count,
        created_by=created_by,
    )
    Event.objects.bulk_create(_sessions(first, series, starts))
    return series


def _sessions(template: Event, series: EventSeries, starts: list[datetime]) -> list[Event]:
    length = template.ends_at - template.starts_at
    notice = template.starts_at - template.rsvp_deadline if template.rsvp_deadline else None
    shared = {name: getattr(template, name) for name in SHARED}
    return [
        Event(
            group_id=template.group_id,
            created_by_id=template.created_by_id,
            description_html=template.description_html,
            series=series,
            original_start=start,
            starts_at=start,
            ends_at=start + length,
            rsvp_deadline=start - notice if notice is not None else None,
            **shared,
        )
        for start in starts
    ]


def monthly_week_for(moment: datetime, *, last: bool) -> int | None:
    """The week of the month a monthly series keeps: the last such weekday when asked and
    true of ``moment``, else its number (a fifth weekday is always the last)."""
    local = wall_clock(moment)
    return -1 if last and is_last_of_month(local) else week_of_month(local)


def change_one(*, event: Event, **fields) -> Event:
    """Change one session alone: it leaves the rule's shape (calendar apps get it apart)."""
    return services.update_event(event=event, detached=event.series_id is not None, **fields)


@transaction.atomic
def change_following(*, event: Event, **fields) -> EventSeries:
    """Change ``event`` and every later session of its series, as ``fields`` say.

    A new start moves every following session by the same wall-clock step from where the
    rule put ``event``. The series
    ends before ``event`` and a new one, of the same rule, begins with it (or, from the
    first session, the series itself changes). Sessions changed on their own are brought
    back into line, and a cancelled session stays cancelled. Everyone going to any of them
    is told once.
    """
    old = EventSeries.objects.select_for_update().get(pk=event.series_id)
    following = list(
        old.occurrences.select_for_update()
        .filter(original_start__gte=event.original_start)
        .order_by("original_start", "pk")
    )
    earlier = old.occurrences.filter(original_start__lt=event.original_start).exists()
    new_start, new_end = fields.pop("starts_at"), fields.pop("ends_at")
    if new_start != event.starts_at and new_start < timezone.now():
        raise ValidationError({"starts_at": "A session cannot be moved into the past."})
    # From where the rule put it: a session moved on its own and saved as it stands takes
    # the following ones to its new time (what the form showed is what they all become).
    step = wall_clock(new_start) - wall_clock(event.original_start)
    deadline = fields.pop("rsvp_deadline", None)
    notice = new_start - deadline if deadline else None
    monthly_week = (
        monthly_week_for(new_start, last=old.monthly_week == -1)
        if old.frequency == EventSeries.Frequency.MONTHLY
        else None
    )
    # The new rule's sessions, one for each following session, in order.
    anchor = shifted(event.original_start, step)
    rule = Rule(old.frequency, anchor, None, len(following), monthly_week)
    starts = rule.starts() if len(following) > 1 else [anchor]
    if earlier:
        last_kept = wall_clock(event.original_start).date() - timedelta(days=1)
        old.until, old.count = last_kept, None
        old.sequence += 1
        old.save(update_fields=["until", "count", "sequence"])
        series = EventSeries.objects.create(
            group_id=old.group_id,
            frequency=old.frequency,
            monthly_week=monthly_week,
            starts_at=starts[0],
            count=len(following),
            created_by=old.created_by,
        )
    else:
        series = old
        series.starts_at, series.monthly_week = starts[0], monthly_week
        series.sequence += 1
        series.save(update_fields=["starts_at", "monthly_week", "sequence"])
    length = new_end - new_start
    description_html = render_markdown(fields.get("description", event.description))
    for session, start in zip(following, starts, strict=True):
        _check_capacity(session, fields.get("capacity", session.capacity))
        for name, value in fields.items():
            setattr(session, name, value)
        session.description_html = description_html
        session.series, session.original_start, session.detached = series, start, False
        session.starts_at, session.ends_at = start, start + length
        session.rsvp_deadline = start - notice if notice is not None else None
        session.sequence += 1
        session.full_clean()
        session.save()
        services.fill_places(session)
        services.tell_guests(session, "changed")
    notifications.series_changed(following, series)
    return series


def _check_capacity(session: Event, capacity: int | None) -> None:
    if capacity is None:
        return
    going = services.going_count(session)
    if capacity < going:
        when = timezone.localtime(session.starts_at).strftime("%-d %B")
        raise ValidationError(
            {
                "capacity": f"{going} people are already going on {when}: "
                "the capacity cannot be lower."
            }
        )


@transaction.atomic
def cancel_following(*, event: Event, reason: str = "") -> list[Event]:
    """Cancel ``event`` and every later session of its series not yet cancelled, saying why.
    Everyone going to any of them is told once (guests, who sign up to one session, by
    each session's email). Returns the sessions cancelled."""
    sessions = list(
        Event.objects.select_for_update()
        .filter(
            series_id=event.series_id,
            original_start__gte=event.original_start,
            cancelled_at__isnull=True,
        )
        .order_by("original_start", "pk")
    )
    recipients = notifications.going_or_waiting(sessions)  # before their replies change
    for session in sessions:
        services.cancel_event(event=session, reason=reason, tell=False)
    if sessions:
        notifications.series_cancelled(sessions, recipients, reason)
    return sessions


@dataclass(frozen=True)
class SeriesReply:
    going: int = 0
    waiting: int = 0
    not_going: int = 0
    skipped: int = 0  # sessions whose replies have closed


def reply_to_series(
    *, series: EventSeries, user: User, going: bool, answers: dict[str, str] | None = None
) -> SeriesReply:
    """Say you are going (or not) to every coming session of the series at once, with
    ``answers`` to the sessions' questions (each session keeps those to its own).

    Each session is replied to as one would reply to it alone (its own places and waiting
    list, in its own locked transaction); sessions cancelled, closed to replies or started
    are passed over. Saying you are not going deletes your answers, as for one session.
    """
    counts = {"going": 0, "waiting": 0, "not_going": 0, "skipped": 0}
    sessions = series.occurrences.filter(
        cancelled_at__isnull=True, starts_at__gt=timezone.now()
    ).order_by("starts_at", "pk")
    for session in sessions:
        try:
            result = services.rsvp_to_event(event=session, user=user, going=going)
        except ValidationError:
            counts["skipped"] += 1
            continue
        if session.questions or result.rsvp.answers:
            organisers.set_answers(rsvp=result.rsvp, answers=(answers or {}) if going else {})
        status = result.rsvp.status
        key = {RSVP.Status.GOING: "going", RSVP.Status.WAITLISTED: "waiting"}.get(
            status, "not_going"
        )
        counts[key] += 1
    return SeriesReply(**counts)
