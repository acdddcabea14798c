"""What conversations tell people: a request, an answer, a time suggested, a message.

Every notification is anchored to the request itself (registered in ``contributions``):
only its two people ever hear of it. A time agreed or called off also sends both people
a calendar invitation (``tasks.send_invitations``), once the change is committed.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from sociable.notifications.kinds import NotificationKind
from sociable.notifications.services import notify

from . import wording
from .models import Conversation

REQUESTS = NotificationKind(
    "conversation", "Requests for a conversation, answers and messages", order=30
)
CALENDAR = NotificationKind(
    "conversation_cal", "Calendar invitations for conversations you agree", order=31
)
KINDS = [REQUESTS, CALENDAR]


def when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%A %-d %B at %H:%M")


def name(user) -> str:
    return user.display_name if user is not None else "A former member"


def tell(
    conversation: Conversation, recipient, *, title: str, key: str, body: str = "", by=None
) -> int:
    """Tell one of the two people of ``conversation``, once per ``key`` (none if they have
    left); return how many were told."""
    if recipient is None:
        return 0
    return len(
        notify(
            kind=REQUESTS,
            recipients=[recipient],
            actor=by,
            title=title,
            body=body,
            url=conversation.get_absolute_url(),
            anchor=conversation,
            key=f"conversation:{conversation.pk}:{key}",
        )
    )


def asked(conversation: Conversation) -> None:
    queued = conversation.status == Conversation.Status.QUEUED
    asks = wording.ASKED[conversation.kind].format(other=name(conversation.asker))
    tell(
        conversation,
        conversation.asked,
        by=conversation.asker,
        title=f"{asks}: waiting in your queue" if queued else asks,
        body=conversation.about,
        key="asked",
    )


def accepted(conversation: Conversation, *, by) -> None:
    tell(
        conversation,
        conversation.other(by),
        by=by,
        title=f"{name(by)} accepted: {when(conversation.starts_at)}",
        key=f"accepted:{conversation.sequence}",
    )
    _invite(conversation)


def suggested(conversation: Conversation, *, by, starts_at: datetime) -> None:
    tell(
        conversation,
        conversation.other(by),
        by=by,
        title=f"{name(by)} suggests {when(starts_at)}",
        key=f"suggested:{starts_at:%Y%m%d%H%M}",
    )


def declined(conversation: Conversation) -> None:
    tell(
        conversation,
        conversation.asker,
        by=conversation.asked,
        title=f"{name(conversation.asked)} can't take up your request this time",
        body=conversation.get_reason_display() if conversation.reason else "",
        key="declined",
    )


def cancelled(conversation: Conversation, *, by) -> None:
    tell(
        conversation,
        conversation.other(by),
        by=by,
        title=f"{name(by)} called off {when(conversation.starts_at)}",
        key=f"cancelled:{conversation.sequence}",
    )
    _invite(conversation)


def messaged(conversation: Conversation, *, by) -> None:
    tell(
        conversation,
        conversation.other(by),
        by=by,
        title=f"A message from {name(by)}",
        key=f"message:{conversation.messages.filter(author=by).count()}",
    )


def thanked(conversation: Conversation) -> None:
    tell(
        conversation,
        conversation.asked,
        by=conversation.asker,
        title=f"{name(conversation.asker)} says thank you",
        body=conversation.thanks,
        key="thanks",
    )


def _invite(conversation: Conversation) -> None:
    from .tasks import send_invitations

    pk, sequence = conversation.pk, conversation.sequence
    transaction.on_commit(lambda: send_invitations.enqueue(pk, sequence))


def introduced(conversation: Conversation) -> int:
    """Both people of a coffee roulette introduction: whom they meet, and that either may
    suggest a time."""
    told = 0
    for person in (conversation.asker, conversation.asked):
        if person is None or conversation.other(person) is None:
            continue
        told += tell(
            conversation,
            person,
            title=f"Coffee roulette: meet {name(conversation.other(person))}",
            body="Suggest a time for a coffee or a call; or skip this one, no need to say why.",
            key=f"introduced:{person.pk}",
        )
    return told
