"""Background work for conversations: calendar invitations, reminders, and asking afterwards
whether it happened."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from sociable.links import reverse, site_address
from sociable.notifications.models import Channel
from sociable.notifications.services import preferences_for, unsubscribe_token
from sociable.notifications.tasks import MAIL_ERRORS, _retry

from . import ics, notifications
from .models import Conversation
from .notifications import CALENDAR, name, when

logger = logging.getLogger(__name__)


def invitation_email(conversation: Conversation, person) -> EmailMultiAlternatives:
    """The email carrying ``person``'s calendar invitation, as Outlook and Google Calendar
    take one: a text/calendar alternative with its METHOD, and the same as an .ics file."""
    cancelled = conversation.status == Conversation.Status.CANCELLED
    invite = ics.invitation(conversation, person)
    method = "CANCEL" if cancelled else "REQUEST"
    unsubscribe = site_address() + reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(person, CALENDAR.name)]
    )
    body = render_to_string(
        "conversations/emails/invitation.txt",
        {
            "person": person,
            "other": name(conversation.other(person)),
            "summary": ics.summary(conversation, person),
            "when": when(conversation.starts_at),
            "cancelled": cancelled,
            "link": site_address() + conversation.get_absolute_url(),
            "unsubscribe": unsubscribe,
        },
    )
    subject = ics.summary(conversation, person) + f", {when(conversation.starts_at)}"
    message = EmailMultiAlternatives(
        subject=f"[Sociable] {'Cancelled: ' if cancelled else ''}{subject}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(invite.decode(), f"text/calendar; method={method}")
    message.attach("invite.ics", invite, "application/ics")
    return message


@task()
def send_invitations(conversation_id: int, sequence: int, attempt: int = 1) -> str:
    """Send both people the invitation for ``sequence`` of the conversation, once, to those
    who take calendar invitations by email (``CALENDAR``)."""
    try:
        with transaction.atomic():
            conversation = (
                Conversation.objects.select_for_update(of=("self",))
                .select_related("asker", "asked", "skill")
                .filter(pk=conversation_id)
                .first()
            )
            if conversation is None or conversation.starts_at is None:
                return "gone"
            if (conversation.invited_sequence or -1) >= sequence:
                return "already sent"
            sent = 0
            for person in (conversation.asker, conversation.asked):
                wanted = person is not None and person.is_active and person.email
                if wanted and preferences_for(person)[CALENDAR.name] == Channel.EMAIL:
                    invitation_email(conversation, person).send()
                    sent += 1
            conversation.invited_sequence = conversation.sequence
            conversation.save(update_fields=["invited_sequence"])
            return f"sent {sent}"
    except MAIL_ERRORS:
        _retry(send_invitations, conversation_id, sequence, attempt=attempt)
        raise


@task()
def remind_and_ask_afterwards() -> int:
    """Remind both people of tomorrow's conversations, and ask of yesterday's whether it
    happened; each once (the notifications' keys)."""
    today = timezone.localdate()
    told = 0
    booked = Conversation.objects.filter(status=Conversation.Status.ACCEPTED).select_related(
        "asker", "asked"
    )
    for conversation in booked.filter(starts_at__date=today + timedelta(days=1)):
        for person in (conversation.asker, conversation.asked):
            title = f"Tomorrow: {ics.summary(conversation, person)}"
            told += _remind(conversation, person, title, f"reminder:{conversation.sequence}")
    for conversation in booked.filter(
        starts_at__date=today - timedelta(days=1), happened__isnull=True
    ):
        for person in (conversation.asker, conversation.asked):
            title = f"Did your conversation with {name(conversation.other(person))} happen?"
            told += _remind(conversation, person, title, "afterwards")
    return told


def _remind(conversation: Conversation, person, title: str, key: str) -> int:
    if person is None:
        return 0
    return notifications.tell(conversation, person, title=title, key=f"{key}:{person.pk}")


@task()
def tell_introduced(introduction_ids: list[int]) -> int:
    """Tell both people of each coffee roulette introduction (``roulette.run_round``)."""
    from .models import Introduction

    told = 0
    for introduction in Introduction.objects.filter(pk__in=introduction_ids).select_related(
        "conversation__asker", "conversation__asked"
    ):
        if introduction.conversation is not None:
            told += notifications.introduced(introduction.conversation)
    return told


@task()
def run_roulette() -> int:
    """Today's round of coffee roulette, if today is a round's day."""
    from .roulette import run_round

    return len(run_round(timezone.localdate()))
