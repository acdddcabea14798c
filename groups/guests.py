"""Guests: people without an account who come to an event whose organisers allow it.

A guest gives a name, an email address and answers to the event's questions, and confirms
by the link emailed to that address (double opt-in): until then they hold nothing. Confirming
takes a place, or a place on the waiting list, from the same places and the same waiting list
as members (``services.going_count``, ``services.queue_order``), under the same lock on the
event's row. Every email to a guest carries their cancel link; the token in both links is
their only key.

Nobody but the organisers sees who the guests are. Their data goes 30 days after the event,
and a sign-up nobody confirmed after 7 days (``erase_guests``, a daily job).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache  # the security store (sociable.cache): never dropped
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from . import guest_mail, organisers
from .models import Event, Guest, new_token
from .services import fill_places, going_count, waitlist_position

logger = logging.getLogger(__name__)

GuestStatus = Guest.Status
ON_THE_LISTS = (GuestStatus.GOING, GuestStatus.WAITLISTED)
KEPT_AFTER_THE_EVENT = timedelta(days=30)
KEPT_UNCONFIRMED = timedelta(days=7)
# Emails the guest form may send one address in an hour, whoever fills it in: the form
# answers the same whether it sent one or not, so nobody can flood someone's inbox.
EMAILS_PER_ADDRESS_PER_HOUR = 3


# --- limits --------------------------------------------------------------------------------


def within_limit(name: str, *, most: int, per: timedelta, now: datetime | None = None) -> bool:
    """Count one more of ``name`` and say whether it is within ``most`` in any ``per``.

    Kept in the security store (``CACHES["default"]``, PostgreSQL: a flood of pages cannot
    evict it), under a hash of the name: no address or email is stored in the clear.
    """
    now = now or timezone.now()
    key = "groups:limit:" + hashlib.sha256(name.encode()).hexdigest()
    since = (now - per).timestamp()
    history = [moment for moment in cache.get(key, []) if moment > since]
    if len(history) >= most:
        return False
    cache.set(key, [*history, now.timestamp()], int(per.total_seconds()))
    return True


# --- signing up ----------------------------------------------------------------------------


def closed_to_guests(event: Event, now: datetime | None = None) -> str | None:
    """Why guests cannot sign up to ``event`` now, or None when they can."""
    now = now or timezone.now()
    group = event.group
    if not event.guests_allowed or not group.is_visible_to(None) or group.closed_at:
        return "This event does not take guests."
    if event.is_cancelled:
        return "This event has been cancelled."
    if event.ends_at < now:
        return "This event has already happened."
    if event.rsvp_deadline is not None and now > event.rsvp_deadline:
        return "Replies to this event have closed."
    return None


def sign_up_guest(
    *, event: Event, name: str, email: str, answers: dict, now: datetime | None = None
) -> Guest:
    """Ask ``email`` to confirm a place at ``event``: an unconfirmed guest, made or brought
    up to date, and an email with the confirmation link.

    An address already going or waiting is changed in nothing (whoever typed it may not
    own it) and is sent a note saying so, with its cancel link. Whoever fills in the form
    is told the same either way: to check their email.
    """
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _sign_up(event, name.strip(), email.strip(), answers, now)
        except IntegrityError:
            # Two first sign-ups of one address raced to insert; the other won. Again,
            # now that its row exists.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _sign_up(event: Event, name: str, email: str, answers: dict, now: datetime | None) -> Guest:
    now = now or timezone.now()
    event = Event.objects.select_related("group").get(pk=event.pk)
    if reason := closed_to_guests(event, now):
        raise ValidationError(reason)
    guest = Guest.objects.select_for_update().filter(event=event, email__iexact=email).first()
    guest = guest or Guest(event=event, email=email)
    if guest.status in ON_THE_LISTS:
        what = "already"
    else:
        if guest.status == GuestStatus.CANCELLED:  # signing up again: the old links end
            guest.token, guest.confirmed_at, guest.queued_at = new_token(), None, None
        guest.status = GuestStatus.PENDING
        guest.name = name
        guest.answers = organisers.clean_answers(event, answers)
        guest.full_clean()
        guest.save()
        what = "confirm"
    address = f"guest-email:{email.lower()}"
    if within_limit(address, most=EMAILS_PER_ADDRESS_PER_HOUR, per=timedelta(hours=1), now=now):
        guest_mail.queue(guest, what)
    else:
        logger.info("Guest form: not emailing an address again within the hour (%s)", what)
    return guest


# --- confirming and cancelling -------------------------------------------------------------


def get_guest(token: str) -> Guest:
    """The guest whose link this is (with their event and group); 404 for any other."""
    guest = Guest.objects.select_related("event__group").filter(token=token).first()
    if guest is None:
        raise Http404("No such link")
    return guest


@dataclass(frozen=True)
class GuestReply:
    guest: Guest
    position: int | None  # place on the waiting list, 1 = next


def _locked(guest: Guest) -> tuple[Event, Guest]:
    """Lock the guest's event (as every change to its places does), and read the guest
    again under the lock."""
    event = Event.objects.select_for_update().select_related("group").get(pk=guest.event_id)
    guest = Guest.objects.filter(pk=guest.pk).first()
    if guest is None:
        raise ValidationError("This link has expired: sign up again on the event's page.")
    guest.event = event
    return event, guest


@transaction.atomic
def confirm_guest(*, guest: Guest, now: datetime | None = None) -> GuestReply:
    """Confirm a guest's sign-up: a place if one is free, else the end of the waiting list.

    Confirming again answers as the first time did. Safe under any number of simultaneous
    calls, with members' replies: the event's row is locked while places are counted.
    """
    event, guest = _locked(guest)
    if guest.status in ON_THE_LISTS:
        return GuestReply(guest, waitlist_position(guest))
    if guest.status == GuestStatus.CANCELLED:
        raise ValidationError(
            "You cancelled this place. To come after all, sign up again on the event's page."
        )
    if reason := closed_to_guests(event, now):
        raise ValidationError(reason)
    now = now or timezone.now()
    if event.capacity is None or going_count(event) < event.capacity:
        guest.status, guest.queued_at = GuestStatus.GOING, None
    else:
        guest.status, guest.queued_at = GuestStatus.WAITLISTED, timezone.now()
    guest.confirmed_at = now
    guest.save(update_fields=["status", "queued_at", "confirmed_at", "updated_at"])
    guest_mail.queue(guest, "confirmed")
    return GuestReply(guest, waitlist_position(guest))


@transaction.atomic
def cancel_guest(*, guest: Guest, now: datetime | None = None) -> Guest:
    """The guest is not coming (or no longer wants to confirm): their place, if they had
    one, goes to the next on the waiting list."""
    event, guest = _locked(guest)
    if guest.status == GuestStatus.CANCELLED:
        return guest
    if event.ends_at < (now or timezone.now()):
        raise ValidationError("This event has already happened.")
    was_going = guest.status == GuestStatus.GOING
    guest.status, guest.queued_at = GuestStatus.CANCELLED, None
    guest.save(update_fields=["status", "queued_at", "updated_at"])
    if was_going and not event.is_cancelled:
        fill_places(event)
    return guest


@transaction.atomic
def address_refused(*, guest_id: int, what: str) -> str:
    """The mail server refused a guest's address for good: leave them holding nothing.

    An unconfirmed sign-up is deleted (nobody can confirm it). A place given from the
    waiting list, which they cannot hear of, goes to the next in line. A guest who
    confirmed from that address keeps their place when a later email is refused: they
    read mail there once, and may still come.
    """
    guest = Guest.objects.filter(pk=guest_id).first()
    if guest is None:
        return "gone"
    event, guest = _locked(guest)
    if guest.status == GuestStatus.PENDING:
        guest.delete()
        return "refused: sign-up deleted"
    if what == "promoted" and guest.status == GuestStatus.GOING:
        guest.status, guest.queued_at = GuestStatus.CANCELLED, None
        guest.save(update_fields=["status", "queued_at", "updated_at"])
        fill_places(event)
        return "refused: place given to the next"
    return "refused: nothing changed"


def remind_guests(day: date) -> int:
    """Email a reminder to each guest going to an event that starts on ``day`` (UK time),
    as members are reminded (``notifications.remind_attendees``); return how many."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    going = Guest.objects.filter(
        status=GuestStatus.GOING,
        event__starts_at__gte=start,
        event__starts_at__lt=start + timedelta(days=1),
        event__cancelled_at__isnull=True,
    )
    reminded = 0
    for guest in going:
        guest_mail.queue(guest, "reminder")
        reminded += 1
    return reminded


# --- erasure -------------------------------------------------------------------------------


def erase_guests(*, now: datetime | None = None) -> int:
    """Delete guests 30 days after their event ended, and sign-ups not confirmed (or
    cancelled) within 7 days; return how many went."""
    now = now or timezone.now()
    ended = Q(event__ends_at__lt=now - KEPT_AFTER_THE_EVENT)
    unconfirmed = Q(status=GuestStatus.PENDING, updated_at__lt=now - KEPT_UNCONFIRMED)
    cancelled = Q(status=GuestStatus.CANCELLED, updated_at__lt=now - KEPT_UNCONFIRMED)
    deleted, _ = Guest.objects.filter(ended | unconfirmed | cancelled).delete()
    return deleted
