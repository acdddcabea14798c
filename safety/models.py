"""What trust and safety keeps beside the forums' moderation log.

- ``WatchedWord``: words or patterns administrators list; every text people write is
  screened against them (``safety.screening``).
- ``Flag``: a text a watched word flagged for a moderator to look at, whatever it is
  (a post, a story, a profile, a request, an opportunity).
- ``Appeal``: a person asks, once, for a moderator's action on their post, thread or
  account to be looked at again by a different moderator.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone


class WatchedWord(models.Model):
    class Action(models.TextChoices):
        BLOCK = "block", "Block: refuse the text"
        APPROVE = "approve", "Hold for a moderator's approval"
        FLAG = "flag", "Flag for a moderator, publish meanwhile"

    pattern = models.CharField(
        max_length=200,
        unique=True,
        help_text="A word or phrase, matched as whole words whatever the case; "
        "* stands for any letters (spam*). Or a regular expression, if ticked below.",
    )
    is_regex = models.BooleanField("a regular expression", default=False)
    action = models.CharField(max_length=10, choices=Action.choices)
    note = models.CharField(max_length=200, blank=True, help_text="Why it is listed.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "pattern"]

    def __str__(self) -> str:
        return f"{self.pattern} ({self.get_action_display()})"


class FlagQuerySet(models.QuerySet):
    def seen_by(self, user, *, boards) -> FlagQuerySet:
        """The flags a moderator who moderates ``boards`` may look at, excerpt and all: on a
        forum post or thread, of those boards; on anything whose audience the site knows
        (a story, an opportunity: ``sociable.notifications.anchors``), what they may see;
        on anything else (a profile's fields, a conversation's messages), administrators'
        alone. One condition, so a queue of them stays one query."""
        from django.apps import apps

        from sociable import registry

        if user.is_superuser:
            return self

        def of(label: str) -> Q:
            app_label, model = label.lower().split(".")
            return Q(content_type__app_label=app_label, content_type__model=model)

        post, thread = apps.get_model("forums.Post"), apps.get_model("forums.Thread")
        seen = of("forums.Post") & Q(
            object_id__in=post.objects.filter(thread__board__in=boards).values("pk")
        ) | of("forums.Thread") & Q(
            object_id__in=thread.objects.filter(board__in=boards).values("pk")
        )
        for label, visible_to in registry.notification_anchors.items():
            seen |= of(label) & Q(object_id__in=visible_to(user).values("pk"))
        return self.filter(seen)


class Flag(models.Model):
    """Something someone wrote that a watched word flagged (or held) for a moderator."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting"
        ACTED = "acted", "Acted on"
        DISMISSED = "dismissed", "Nothing wrong"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    field = models.CharField(max_length=50, help_text="Which of its texts: body, title, bio…")
    excerpt = models.CharField(max_length=300)
    word = models.ForeignKey(WatchedWord, on_delete=models.SET_NULL, null=True, related_name="+")
    matched = models.CharField(max_length=200, help_text="The words that matched, as written.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(status="open"), name="flag_queue"),
            models.Index(fields=["content_type", "object_id"], name="flag_content"),
        ]

    def __str__(self) -> str:
        return f"Flag on {self.content_type.model} {self.object_id}: {self.matched}"


class Appeal(models.Model):
    """One appeal against one logged action (``entry``): decided by a moderator other than
    the one who acted, the outcome logged in the forums' log and told to the person."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a moderator"
        UPHELD = "upheld", "Upheld: the action was undone"
        REFUSED = "refused", "Turned down: the action stands"

    entry = models.OneToOneField(
        "forums.ModerationLog", on_delete=models.PROTECT, related_name="appeal"
    )
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeals"
    )
    statement = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(status="open"), name="appeal_queue"),
        ]

    def __str__(self) -> str:
        return f"Appeal by {self.appellant} against {self.entry}"
