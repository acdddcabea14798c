"""Conversations: one person asks another for an hour's chat, to shadow them, or to be
mentored; the other accepts a time, suggests another, or declines kindly.

A request is private to its two people. Either may leave the site: their side becomes
"a former member" (``SET_NULL``), and the other keeps the entry.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from profiles.models import Skill
from sociable.audience import Audience
from sociable.links import reverse


class Kind(models.TextChoices):
    CHAT = "chat", "A chat"
    SHADOWING = "shadowing", "To shadow them"
    MENTORING = "mentoring", "To be mentored"
    BUDDY = "buddy", "A buddy for a new starter"


# How long each kind takes in a calendar: a chat over a coffee, a working day, a first
# mentoring session.
LENGTH = {
    Kind.CHAT: timedelta(minutes=45),
    Kind.SHADOWING: timedelta(hours=7),
    Kind.MENTORING: timedelta(hours=1),
    Kind.BUDDY: timedelta(minutes=45),  # a first coffee together
}


class Way(models.TextChoices):
    IN_PERSON = "in_person", "In person, over a coffee or tea"
    ONLINE = "online", "Online"
    PHONE = "phone", "By phone"


class Reason(models.TextChoices):
    """The kind, pre-written reasons someone may decline with (or none)."""

    BUSY = "busy", "I have too much on just now. Do ask again in a month or two."
    NOT_RIGHT = "not_right", "I'm not the right person for this, sorry."
    SOMEONE_ELSE = "someone_else", "Someone else could help you more: try the directory."
    NOT_TAKING = "not_taking", "I'm not taking requests like this at the moment."


class Openness(models.Model):
    """How open one person is to one kind of request, beyond the profile's "open to" flag:
    how many a month, who may ask, what happens to requests over the limit, and a pause.
    A person with no row takes the defaults (``Openness.defaults``)."""

    class WhenFull(models.TextChoices):
        QUEUE = "queue", "Keep them waiting for me to open when I have time"
        REFUSE = "refuse", "Say kindly that I have no room this month"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="openness"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    per_month = models.PositiveSmallIntegerField(
        "how many a month you are happy with",
        null=True,
        blank=True,
        help_text="Leave empty for no limit.",
    )
    who_may_ask = models.CharField(
        "who may ask",
        max_length=20,
        choices=[
            (Audience.ORGANISATION, "Staff of my organisation"),
            (Audience.STAFF, "Staff of any partner organisation"),
            (Audience.COMMUNITY, "Anyone signed in, including community members"),
        ],
        default=Audience.STAFF,
    )
    when_full = models.CharField(
        "when you have had as many as you are happy with this month",
        max_length=10,
        choices=WhenFull.choices,
        default=WhenFull.QUEUE,
    )
    paused_from = models.DateField("pause from", null=True, blank=True)
    paused_until = models.DateField(
        "pause until", null=True, blank=True, help_text="No new requests until after this day."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="openness_once_per_kind"),
            models.CheckConstraint(
                condition=Q(paused_from__isnull=True)
                | Q(paused_until__isnull=True)
                | Q(paused_until__gte=models.F("paused_from")),
                name="openness_pause_ends_after_it_starts",
            ),
        ]
        verbose_name_plural = "openness"

    def __str__(self) -> str:
        return f"{self.user} ({self.kind})"

    @classmethod
    def defaults(cls, user, kind: str) -> Openness:
        return cls(user=user, kind=kind)

    def paused_on(self, day) -> bool:
        """Whether the pause covers ``day`` (a pause with no start starts at once)."""
        if self.paused_until is None:
            return False
        return (self.paused_from is None or self.paused_from <= day) and day <= self.paused_until


class ConversationQuerySet(models.QuerySet):
    def of(self, user) -> ConversationQuerySet:
        """The requests ``user`` made or was asked: nobody else's."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(Q(asker_id=user.pk) | Q(asked_id=user.pk))

    def open(self) -> ConversationQuerySet:
        return self.filter(status__in=Conversation.OPEN)

    def counted_against(self, asked, since) -> ConversationQuerySet:
        """Requests that use up a place in ``asked``'s month: asked since ``since`` and not
        refused, withdrawn or waiting in the queue."""
        return self.filter(asked=asked, created_at__gte=since).exclude(
            status__in=[Conversation.Status.QUEUED, Conversation.Status.WITHDRAWN]
        )


class Conversation(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for an answer"
        QUEUED = "queued", "Waiting in the queue"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CANCELLED = "cancelled", "Cancelled"

    OPEN = [Status.WAITING, Status.QUEUED]

    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="conversations_asked",
    )
    asked = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="conversations_to_answer",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CHAT)
    skill = models.ForeignKey(Skill, on_delete=models.SET_NULL, null=True, blank=True)
    about = models.CharField("what about", max_length=200, blank=True)
    way = models.CharField("how", max_length=12, choices=Way.choices, default=Way.IN_PERSON)
    note = models.TextField("a note", max_length=1000, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.WAITING)
    # Whose turn it is to answer: the person asked, or the asker after a suggested time.
    waiting_on = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    # The calendar entry's version (RFC 5545 SEQUENCE): up with each change to it.
    sequence = models.PositiveIntegerField(default=0)
    invited_sequence = models.IntegerField(
        null=True, blank=True, help_text="The last SEQUENCE both were sent an invitation for."
    )
    # Afterwards: did it happen (either may say), and the asker's thanks, which the person
    # thanked may show on their profile.
    happened = models.BooleanField(null=True, blank=True)
    thanks = models.TextField("a thank-you note", max_length=500, blank=True)
    thanks_shown = models.BooleanField("show it on my profile", default=False)
    # A key the asking form carries, so that sending it twice asks once.
    form_key = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["asker", "form_key"], name="conversation_asked_once_per_form"
            ),
            models.CheckConstraint(
                condition=~Q(asker=models.F("asked")), name="conversation_not_with_yourself"
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted")
                | Q(starts_at__isnull=False, ends_at__gt=models.F("starts_at")),
                name="conversation_accepted_has_a_time",
            ),
        ]
        indexes = [
            models.Index(fields=["asked", "status"], name="conversation_asked_status"),
            models.Index(fields=["asker", "created_at"], name="conversation_asker_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.pk})"

    def get_absolute_url(self) -> str:
        return reverse("conversations:detail", args=[self.pk])

    def other(self, user):
        """The other person in it (None when they have left)."""
        return self.asked if user.pk == self.asker_id else self.asker


class ProposedTime(models.Model):
    """A time one of the two suggested; the other accepts one of the latest suggestions."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="times")
    starts_at = models.DateTimeField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Suggestions come in rounds, turn about: the asker's first times are round 1.
    round = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "starts_at"], name="proposed_time_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class Message(models.Model):
    """A short private message inside a request, between its two people."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Message {self.pk}"


class RouletteMember(models.Model):
    """Someone who has opted in to coffee roulette: once a month or a fortnight, an
    introduction to someone from another team or organisation."""

    class Every(models.TextChoices):
        MONTH = "month", "Once a month"
        FORTNIGHT = "fortnight", "Once a fortnight"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roulette"
    )
    every = models.CharField("how often", max_length=10, choices=Every.choices, default=Every.MONTH)
    skip_until = models.DateField(null=True, blank=True, help_text="Skip the rounds until then.")
    joined_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.every})"


class Introduction(models.Model):
    """Two people paired in one round of coffee roulette; the chat it proposes is a
    conversation like any other, waiting for one of them to suggest a time."""

    round = models.DateField()
    first = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    second = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    conversation = models.OneToOneField(
        Conversation, on_delete=models.SET_NULL, null=True, blank=True, related_name="introduction"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "first"], name="introduced_once_a_round_1"),
            models.UniqueConstraint(fields=["round", "second"], name="introduced_once_a_round_2"),
        ]
        indexes = [models.Index(fields=["round"], name="introduction_round")]

    def __str__(self) -> str:
        return f"{self.round}: {self.first_id} and {self.second_id}"


class Report(models.Model):
    """One of the two people reporting a request as abusive: the only way a moderator ever
    sees a request, and then only this one."""

    class Reason(models.TextChoices):
        ABUSIVE = "abusive", "Abusive or harassing"
        UNWELCOME = "unwelcome", "Unwelcome or inappropriate"
        SPAM = "spam", "Spam or selling"
        ILLEGAL = "illegal", "Illegal"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Acted on"
        DISMISSED = "dismissed", "Dismissed"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reported = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.CharField("what happened", max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "reporter"],
                condition=Q(status="open"),
                name="conversation_reported_once_while_open",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} on request {self.conversation_id}"
