"""A person's conversations: their part of the download, and what deleting their account
does to them. The other person keeps each request, with "a former member" in their place:
booked ones that have not happened are called off (their calendar told), open ones are
withdrawn or declined, and the leaver's messages and notes go."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from sociable.accounts.models import User

from . import services
from .models import Conversation, Message, Report
from .notifications import name

Status = Conversation.Status


def export(user: User) -> dict:
    conversations = (
        Conversation.objects.of(user)
        .select_related("asker", "asked", "skill")
        .prefetch_related("times", "messages")
        .order_by("created_at", "pk")
    )
    return {
        "conversations": [
            {
                "you_asked": c.asker_id == user.pk,
                "with": name(c.other(user)),
                "kind": c.kind,
                "about": c.skill.name if c.skill else c.about,
                "how": c.way,
                "note": c.note,
                "status": c.status,
                "starts_at": c.starts_at,
                "times_suggested": [t.starts_at for t in c.times.all()],
                "messages_you_wrote": [
                    {"at": m.created_at, "body": m.body}
                    for m in c.messages.all()
                    if m.author_id == user.pk
                ],
                "happened": c.happened,
                "thanks": c.thanks,
                "asked_at": c.created_at,
            }
            for c in conversations
        ],
        "conversation_reports_you_made": [
            {
                "request_asked_at": r.conversation.created_at,
                "reason": r.reason,
                "details": r.details,
                "at": r.created_at,
                "status": r.status,
            }
            for r in Report.objects.filter(reporter=user).select_related("conversation")
        ],  # fmt: skip
    }


def _upcoming(user: User):
    return Conversation.objects.of(user).filter(
        status=Status.ACCEPTED, starts_at__gt=timezone.now()
    )


def leave_conversations(leaving, result) -> None:
    user = leaving.user
    for conversation in _upcoming(user):
        services.cancel(conversation=conversation, by=user)
    for conversation in Conversation.objects.of(user).filter(status__in=Conversation.OPEN):
        if conversation.asker_id == user.pk:
            services.withdraw(conversation=conversation, by=user)
        else:
            services.decline(conversation=conversation, by=user)
    Message.objects.filter(author=user).delete()
    Conversation.objects.filter(asker=user).update(note="", thanks="", thanks_shown=False)
    Conversation.objects.filter(Q(asker=user) | Q(asked=user)).update(form_key=None)
