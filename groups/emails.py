"""Emails about groups and events, sent after the change commits.

Nobody is emailed about something they cannot see: every recipient is checked
against the group's audience. (The notifications issue replaces these with
in-site notifications and per-person email preferences.)
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string

from .models import RSVP, Event, Group, Membership, Suggestion


def _send(template: str, recipients: Iterable, group: Group, **context) -> None:
    people = [u for u in recipients if u.email and u.is_active and group.is_visible_to(u)]
    if not people:
        return
    site = getattr(settings, "SOCIABLE_SITE_URL", "http://127.0.0.1:8000")
    messages = []
    for person in people:
        text = render_to_string(
            f"groups/emails/{template}.txt",
            {"person": person, "group": group, "site": site, **context},
        ).strip()
        subject, _, body = text.partition("\n")
        messages.append(
            (
                f"[Sociable] {subject.strip()}",
                body.strip() + "\n",
                settings.DEFAULT_FROM_EMAIL,
                [person.email],
            )
        )
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))


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
    _send("join_requested", _organisers(membership.group), membership.group, membership=membership)


def membership_decided(membership: Membership) -> None:
    _send("membership_decided", [membership.user], membership.group, membership=membership)


def event_changed(event: Event) -> None:
    _send("event_changed", _attendees(event), event.group, event=event)


def event_cancelled(event: Event) -> None:
    _send("event_cancelled", _attendees(event), event.group, event=event)


def promoted_from_waitlist(rsvp: RSVP) -> None:
    _send("promoted", [rsvp.user], rsvp.event.group, event=rsvp.event)


def suggestion_fulfilled(suggestion: Suggestion) -> None:
    _send(
        "suggestion_fulfilled",
        suggestion.backers.all(),
        suggestion.fulfilled_group,
        suggestion=suggestion,
    )
