"""What the conversation pages read: a fixed number of queries whatever the numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from .forms import AcceptForm, AfterwardsForm, DeclineForm, MessageForm, SuggestForm
from .models import Conversation, Message
from .services import latest_times

Status = Conversation.Status
PAST = 20  # the most recent past requests the page lists
QUEUE = 50  # the oldest queued requests it lists


@dataclass
class Section:
    key: str
    heading: str
    empty: str
    conversations: list = field(default_factory=list)


def _rows():
    return Conversation.objects.select_related("asker", "asked", "skill")


def sections(user) -> list[Section]:
    """Your conversations: to answer, your queue, asked and waiting, coming up, past."""
    now = timezone.now()
    mine = _rows().of(user)
    return [
        Section(
            "to-answer",
            "To answer",
            "Nothing waits for your answer.",
            list(mine.filter(status=Status.WAITING, waiting_on=user).order_by("created_at")),
        ),
        Section(
            "queue",
            "Your queue",
            "Nothing waits in your queue.",
            list(mine.filter(status=Status.QUEUED, asked=user).order_by("created_at")[:QUEUE]),
        ),
        Section(
            "asked",
            "Waiting for the other person",
            "You are not waiting for anyone.",
            list(
                mine.filter(status__in=Conversation.OPEN)
                .exclude(waiting_on=user)
                .exclude(status=Status.QUEUED, asked=user)
                .order_by("created_at")
            ),
        ),
        Section(
            "coming-up",
            "Coming up",
            "Nothing booked.",
            list(mine.filter(status=Status.ACCEPTED, starts_at__gte=now).order_by("starts_at")),
        ),
        Section(
            "past",
            "Past",
            "Nothing yet.",
            list(
                mine.filter(
                    Q(status=Status.ACCEPTED, starts_at__lt=now)
                    | Q(status__in=[Status.DECLINED, Status.WITHDRAWN, Status.CANCELLED])
                ).order_by("-updated_at")[:PAST]
            ),
        ),
    ]


def detail_context(conversation: Conversation, user) -> dict:
    """What the request's page shows ``user`` (one of its two people), and which answers
    they may give now, each with its form."""
    conversation = (
        Conversation.objects.filter(pk=conversation.pk)
        .select_related("asker", "asked", "skill", "waiting_on")
        .prefetch_related(
            "times", Prefetch("messages", queryset=Message.objects.select_related("author"))
        )
        .get()
    )
    now = timezone.now()
    waiting = conversation.status == Status.WAITING and conversation.waiting_on_id == user.pk
    times = latest_times(conversation) if waiting else []
    booked = conversation.status == Status.ACCEPTED
    is_asked = user.pk == conversation.asked_id
    forms = {
        "AcceptForm": AcceptForm(times=times) if times else None,
        "SuggestForm": SuggestForm() if waiting else None,
        "DeclineForm": (
            DeclineForm() if is_asked and conversation.status in Conversation.OPEN else None
        ),
        "MessageForm": (
            MessageForm()
            if conversation.other(user) is not None
            and conversation.status not in (Status.DECLINED, Status.WITHDRAWN)
            else None
        ),
        "AfterwardsForm": (AfterwardsForm() if booked and conversation.starts_at <= now else None),
    }
    return {
        "conversation": conversation,
        "other": conversation.other(user),
        "is_asker": user.pk == conversation.asker_id,
        "is_asked": is_asked,
        "forms": forms,
        "can_withdraw": user.pk == conversation.asker_id
        and conversation.status in Conversation.OPEN,
        "can_cancel": booked and conversation.starts_at > now,
        "can_open": is_asked and conversation.status == Status.QUEUED,
        "booked": booked,
        "times": list(conversation.times.all()),
    }
