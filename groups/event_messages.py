"""An organiser writes to everyone going to an event, or waiting for a place, or both.

Members are told through ``notify``, so their own settings decide how (in the site, by
email at once, or in the digest); guests, who have no settings, by email to their address,
with their cancel link. At most ``MESSAGES_PER_HOUR`` messages an event in any hour, counted
under the event's row lock; each one sent is logged.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from sociable.accounts.models import User

from . import guest_mail, notifications
from .guests import within_limit
from .models import RSVP, Event, Guest

logger = logging.getLogger(__name__)

MESSAGES_PER_HOUR = 3
MAX_SUBJECT = 120
MAX_BODY = 500  # what a notification holds (``Notification.body``)
WHO = {
    "going": [RSVP.Status.GOING],
    "waiting": [RSVP.Status.WAITLISTED],
    "both": [RSVP.Status.GOING, RSVP.Status.WAITLISTED],
}


def recipients(event: Event, who: str) -> tuple[list[User], list[Guest]]:
    """The members and the guests a message to ``who`` reaches."""
    statuses = WHO[who]
    members = [rsvp.user for rsvp in event.rsvps.filter(status__in=statuses).select_related("user")]
    return members, list(event.guests.filter(status__in=statuses))


def counts(event: Event) -> dict[str, int]:
    """How many are going and waiting, members and guests together (two queries)."""
    found = {"going": 0, "waitlisted": 0}
    for rows in (event.rsvps, event.guests):
        statuses = rows.filter(status__in=found).values("status").annotate(n=Count("pk"))
        for row in statuses.order_by():
            found[row["status"]] += row["n"]
    return {"going": found["going"], "waiting": found["waitlisted"]}


@transaction.atomic
def message_event(
    *,
    event: Event,
    by: User,
    subject: str,
    body: str,
    who: str,
    now: datetime | None = None,
) -> int:
    """Send the organiser's message to ``who`` ("going", "waiting" or "both"); return how
    many people it went to (the sender, if going, is not sent their own message)."""
    now = now or timezone.now()
    subject, body = " ".join(subject.split())[:MAX_SUBJECT], body.strip()[:MAX_BODY]
    if who not in WHO:
        raise ValidationError({"who": "Choose who the message is for."})
    if not subject or not body:
        raise ValidationError("Write a subject and a message.")
    # One organiser at a time per event: the count of messages cannot be passed by two at once.
    event = Event.objects.select_for_update().select_related("group").get(pk=event.pk)
    limit = f"event-message:{event.pk}"
    if not within_limit(limit, most=MESSAGES_PER_HOUR, per=timedelta(hours=1), now=now):
        raise ValidationError(
            f"This event has had {MESSAGES_PER_HOUR} messages in the last hour, the most we "
            "allow. Please wait a little before sending another."
        )
    members, guests = recipients(event, who)
    told = notifications.organisers_message(
        event,
        members,
        by=by,
        subject=subject,
        body=body,
        key=f"event-message:{event.pk}:{now:%Y%m%d%H%M%S%f}",
    )
    for guest in guests:
        guest_mail.queue(guest, "message", subject=subject, body=body)
    logger.info(
        "Organiser %s messaged event %s (%s): %d members, %d guests",
        by.pk,
        event.pk,
        who,
        len(told),
        len(guests),
    )
    return len(told) + len(guests)
