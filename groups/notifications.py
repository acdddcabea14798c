"""What groups tell people: join requests, decisions, event changes, places and reminders.

Each function names who hears about a happening; ``notify`` applies the
audience rule (the group's: notifications are anchored to the group, registered in
``contributions``), each person's channel, and once-only delivery.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from profiles.visibility import knows_name
from sociable.links import reverse
from sociable.notifications.kinds import NotificationKind
from sociable.notifications.services import notify

from .models import RSVP, Event, Group, Membership, Suggestion

JOIN_REQUEST = NotificationKind("join_request", "Requests to join a group you organise", order=40)
# Shared with the forums, which tell people of their posts approved (forums may import groups).
APPROVAL = NotificationKind(
    "approval", "Decisions on your join requests and posts waiting for approval", order=50
)
EVENT_CHANGED = NotificationKind("event_changed", "Changes to events you are going to", order=60)
EVENT_MESSAGE = NotificationKind(
    "event_message", "Messages from the organisers of events you are going to", order=65
)
EVENT_CANCELLED = NotificationKind(
    "event_cancelled", "Cancelled events you were going to", order=70
)
PROMOTED = NotificationKind("promoted", "A place for you from a waiting list", order=80)
REMINDER = NotificationKind(
    "reminder", "Reminders the day before an event you are going to", order=90
)
SUGGESTION = NotificationKind("suggestion", "Suggestions you backed coming true", order=100)
INVITATION = NotificationKind(
    "invitation", "Invitations to sessions teaching what you want to learn", order=110
)
KINDS = [
    JOIN_REQUEST,
    APPROVAL,
    EVENT_CHANGED,
    EVENT_MESSAGE,
    EVENT_CANCELLED,
    PROMOTED,
    REMINDER,
    SUGGESTION,
    INVITATION,
]


def _when(event: Event) -> str:
    return timezone.localtime(event.starts_at).strftime("%A %-d %B at %H:%M")


def _organisers(group: Group):
    return [
        m.user
        for m in group.memberships.filter(
            role=Membership.Role.ORGANISER, status=Membership.Status.ACTIVE
        ).select_related("user")
    ]


def _attendees(event: Event):
    return [
        r.user
        for r in event.rsvps.filter(
            status__in=[RSVP.Status.GOING, RSVP.Status.WAITLISTED]
        ).select_related("user")
    ]


def join_requested(membership: Membership) -> None:
    group, person = membership.group, membership.user
    notify(
        kind=JOIN_REQUEST,
        recipients=_organisers(group),
        actor=person,
        title=f"{person.display_name} asked to join {group.name}",
        body=membership.request_message,
        url=reverse("groups:member-list", args=[group.slug]),
        anchor=group,
        key=f"join:{membership.pk}:{membership.created_at:%Y%m%d%H%M%S}",
    )


def membership_decided(membership: Membership) -> None:
    group = membership.group
    approved = membership.status == Membership.Status.ACTIVE
    notify(
        kind=APPROVAL,
        recipients=[membership.user],
        title=(
            f"You are now a member of {group.name}"
            if approved
            else f"Your request to join {group.name} was not accepted"
        ),
        body=membership.decision_message,
        url=group.get_absolute_url(),
        anchor=group,
        key=f"decided:{membership.pk}:{membership.decided_at:%Y%m%d%H%M%S}",
    )


def event_changed(event: Event) -> None:
    notify(
        kind=EVENT_CHANGED,
        recipients=_attendees(event),
        title=f"{event.title} has changed: now {_when(event)}",
        url=event.get_absolute_url(),
        anchor=event.group,
        key=f"event:{event.pk}:changed:{event.sequence}",
    )


def going_or_waiting(sessions: list[Event]) -> list:
    """Everyone going to or waiting for any of ``sessions``, each once."""
    return [
        r.user
        for r in RSVP.objects.filter(
            event__in=sessions, status__in=[RSVP.Status.GOING, RSVP.Status.WAITLISTED]
        )
        .select_related("user")
        .distinct("user_id")
        .order_by("user_id")
    ]


def series_changed(sessions: list[Event], series) -> None:
    """Tell everyone going to (or waiting for) any of ``sessions``, once, that they changed."""
    first = sessions[0]
    recipients = going_or_waiting(sessions)
    day = timezone.localtime(first.starts_at).strftime("%-d %B")
    notify(
        kind=EVENT_CHANGED,
        recipients=recipients,
        title=f"{first.title}: the sessions from {day} have changed, now from {_when(first)}",
        url=series.get_absolute_url(),
        anchor=first.group,
        key=f"series:{series.pk}:changed:{series.sequence}:{first.pk}",
    )


def series_cancelled(sessions: list[Event], recipients, reason: str) -> None:
    """Tell ``recipients`` (going to or waiting for any of ``sessions``) once that the
    sessions are cancelled, and why."""
    first, count = sessions[0], len(sessions)
    day = timezone.localtime(first.starts_at).strftime("%-d %B")
    notify(
        kind=EVENT_CANCELLED,
        recipients=recipients,
        title=(
            f"Cancelled: {first.title} on {_when(first)}"
            if count == 1
            else f"Cancelled: {first.title}, the {count} sessions from {day}"
        ),
        body=reason,
        url=first.series.get_absolute_url() if count > 1 else first.get_absolute_url(),
        anchor=first.group,
        key=f"series:{first.series_id}:cancelled:{first.pk}",
    )


def event_cancelled(event: Event) -> None:
    notify(
        kind=EVENT_CANCELLED,
        recipients=_attendees(event),
        title=f"Cancelled: {event.title} on {_when(event)}",
        body=event.cancel_reason,
        url=event.get_absolute_url(),
        anchor=event.group,
        key=f"event:{event.pk}:cancelled",
    )


def promoted_from_waitlist(rsvp: RSVP) -> None:
    event = rsvp.event
    notify(
        kind=PROMOTED,
        recipients=[rsvp.user],
        title=f"A place came up: you are going to {event.title} on {_when(event)}",
        url=event.get_absolute_url(),
        anchor=event.group,
        key=f"promoted:{rsvp.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
    )


def organisers_message(event: Event, recipients, *, by, subject: str, body: str, key: str):
    """Tell members going to (or waiting for) ``event`` what its organiser ``by`` wrote."""
    return notify(
        kind=EVENT_MESSAGE,
        recipients=recipients,
        actor=by,
        title=f"{event.title}: {subject}",
        body=body,
        url=event.get_absolute_url(),
        anchor=event.group,
        key=key,
    )


def suggestion_fulfilled(suggestion: Suggestion) -> None:
    group = suggestion.fulfilled_group
    notify(
        kind=SUGGESTION,
        recipients=list(suggestion.backers.all()),
        title=f"Your suggestion came true: “{suggestion.title}” is now {group.name}",
        url=group.get_absolute_url(),
        anchor=group,
        key=f"suggestion:{suggestion.pk}",
    )


def invitation_key(event: Event) -> str:
    """What makes an invitation to ``event`` once per person."""
    return f"invite:{event.pk}"


def invite_learners(event: Event, learners, *, by) -> int:
    """Tell people who want to learn the session's skill about it (once per session).

    Learners whom the organiser's profile reaches are told who invites them; the others that
    an organiser of the group does (``profiles.visibility.knows_name``), in the site and in
    the email alike.
    """
    learners = list(learners)
    knowing = {person.pk for person in learners if knows_name(person, by)}
    told = 0
    for knows, who in ((True, by.display_name), (False, f"An organiser of {event.group.name}")):
        told += len(
            notify(
                kind=INVITATION,
                recipients=[person for person in learners if (person.pk in knowing) == knows],
                actor=by,
                title=(
                    f"{who} invites you to {event.title} on {_when(event)}: "
                    f"a session on {event.skill.name}, which you want to learn"
                ),
                url=event.get_absolute_url(),
                anchor=event.group,
                key=invitation_key(event),
            )
        )
    return told


def remind_attendees(day: date) -> int:
    """Remind everyone going to an event that starts on ``day`` (UK time)."""
    start = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    events = Event.objects.filter(
        starts_at__gte=start, starts_at__lt=start + timedelta(days=1), cancelled_at__isnull=True
    ).select_related("group")
    told = 0
    for event in events:
        going = [
            r.user for r in event.rsvps.filter(status=RSVP.Status.GOING).select_related("user")
        ]
        told += len(
            notify(
                kind=REMINDER,
                recipients=going,
                title=f"Tomorrow: {event.title}, {_when(event)}",
                url=event.get_absolute_url(),
                anchor=event.group,
                key=f"reminder:{event.pk}:{day.isoformat()}",
            )
        )
    return told
