"""Emails to guests: people without an account, known to the site only by an address.

``notify`` tells accounts, through their settings; a guest has neither, so these go straight
to the address, from the task worker as every email does (queued in the transaction that
decides to send them). Every one of them carries the guest's cancel link.

When the mail server refuses the address outright (a 5xx answer to it: no such mailbox), the
guest is not left holding anything (``guests.address_refused``): an unconfirmed sign-up is
deleted, and a place given from the waiting list goes to the next in line. A temporary
refusal (4xx, the server away) is tried again later, as notifications are.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from sociable.links import reverse, site_address
from sociable.notifications.tasks import MAIL_ERRORS, _retry

from .models import Event, Guest

logger = logging.getLogger(__name__)

GuestStatus = Guest.Status
ON_THE_LISTS = (GuestStatus.GOING, GuestStatus.WAITLISTED)

# Each email: its subject, and the statuses the guest must still have when it is sent (a
# guest who cancelled before the worker got to it is sent nothing more).
EMAILS = {
    "confirm": ("Confirm your place: {title}", (GuestStatus.PENDING,)),
    "already": ("You are already on the list: {title}", ON_THE_LISTS),
    "confirmed": ("Your reply: {title}", ON_THE_LISTS),
    "promoted": ("A place came up: you are going to {title}", (GuestStatus.GOING,)),
    "changed": ("Changed: {title}", ON_THE_LISTS),
    "cancelled": ("Cancelled: {title}", ON_THE_LISTS),
    "message": ("{title}: {subject}", ON_THE_LISTS),
    "reminder": ("Tomorrow: {title}", (GuestStatus.GOING,)),
}


def queue(guest: Guest, what: str, **extra: str) -> None:
    """Send ``guest`` the email ``what`` (a key of ``EMAILS``) from the worker."""
    if what not in EMAILS:
        raise ValueError(f"Not an email to guests: {what!r}")
    send_guest_email.enqueue(guest.pk, what, extra or None)


def guest_links(guest: Guest) -> dict[str, str]:
    """The guest's own addresses (the token is the key) and the event's page."""
    site = site_address()
    event = guest.event
    return {
        "confirm_url": site + reverse("groups:guest-confirm", args=[guest.token]),
        "cancel_url": site + reverse("groups:guest-cancel", args=[guest.token]),
        "event_url": site + reverse("groups:event-detail", args=[event.group.slug, event.pk]),
    }


def when(event: Event) -> str:
    return timezone.localtime(event.starts_at).strftime("%A %-d %B %Y at %H:%M")


def one_line(text: str) -> str:
    """A header's text on one line (a line break would end the header)."""
    return " ".join(text.split())


def guest_email(guest: Guest, what: str, extra: dict | None = None) -> EmailMessage:
    from .services import waitlist_position

    extra = extra or {}
    event = guest.event
    links = guest_links(guest)
    subject = EMAILS[what][0].format(title=event.title, subject=extra.get("subject", ""))
    if what == "confirmed" and guest.status == GuestStatus.GOING:
        subject = f"You are going: {event.title}"
    elif what == "confirmed":
        subject = f"You are on the waiting list: {event.title}"
    body = render_to_string(
        f"groups/email/guest_{what}.txt",
        {
            "guest": guest,
            "event": event,
            "group": event.group,
            "when": when(event),
            "position": waitlist_position(guest),
            "extra": extra,
            **links,
        },
    )
    return EmailMessage(
        subject=one_line(f"[Sociable] {subject}")[:250],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[guest.email],
        headers={
            # Mail programs show this as a button: it leads to the cancel page (a GET that
            # only asks; the guest cancels with its button).
            "List-Unsubscribe": f"<{links['cancel_url']}>",
            "Auto-Submitted": "auto-generated",
        },
    )


def refused_for_good(error: smtplib.SMTPRecipientsRefused) -> bool:
    """Whether the server refused the address for good (5xx), not for now (4xx)."""
    return bool(error.recipients) and all(code >= 500 for code, _ in error.recipients.values())


@task()
def send_guest_email(guest_id: int, what: str, extra: dict | None = None, attempt: int = 1) -> str:
    """Send one email to a guest, if it still applies to them."""
    guest = Guest.objects.select_related("event__group").filter(pk=guest_id).first()
    if guest is None:
        return "gone"
    if guest.status not in EMAILS[what][1]:
        return "no longer applies"
    try:
        guest_email(guest, what, extra).send()
    except smtplib.SMTPRecipientsRefused as error:
        if not refused_for_good(error):
            _retry(send_guest_email, guest_id, what, extra, attempt=attempt)
            raise
        from .guests import address_refused

        logger.warning("The mail server refused guest %s's address (%s)", guest_id, what)
        return address_refused(guest_id=guest_id, what=what)
    except MAIL_ERRORS:
        _retry(send_guest_email, guest_id, what, extra, attempt=attempt)
        raise
    return "sent"
