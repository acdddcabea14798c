"""What people are told about, and how each person wants to hear it.

A notification is anchored to the thing whose audience governs it: a forum
board or a group. It is only created for people who can see that anchor, and
every list and email checks the anchor again (``visible_to``), so a change of
audience after the fact still tells nobody about something they cannot see.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Kind(models.TextChoices):
    MENTION = "mention", "Someone mentions you in a discussion"
    REPLY = "reply", "Replies to your posts"
    FOLLOWED = "followed", "New posts in threads and boards you follow"
    JOIN_REQUEST = "join_request", "Requests to join a group you organise"
    APPROVAL = "approval", "Decisions on your join requests and posts waiting for approval"
    EVENT_CHANGED = "event_changed", "Changes to events you are going to"
    EVENT_CANCELLED = "event_cancelled", "Cancelled events you were going to"
    PROMOTED = "promoted", "A place for you from a waiting list"
    REMINDER = "reminder", "Reminders the day before an event you are going to"
    SUGGESTION = "suggestion", "Suggestions you backed coming true"
    INVITATION = "invitation", "Invitations to sessions teaching what you want to learn"
    STALE_PROFILE = "stale_profile", "Reminders to check your profile is still right"


class Channel(models.TextChoices):
    SITE = "site", "In the site only"
    EMAIL = "email", "Email me at once"
    DIGEST = "digest", "One email a day (daily digest)"


# What a person gets until they choose: urgent and personal things by email at once,
# busy things once a day.
DEFAULT_CHANNELS: dict[str, str] = {
    Kind.MENTION: Channel.EMAIL,
    Kind.REPLY: Channel.EMAIL,
    Kind.FOLLOWED: Channel.DIGEST,
    Kind.JOIN_REQUEST: Channel.EMAIL,
    Kind.APPROVAL: Channel.EMAIL,
    Kind.EVENT_CHANGED: Channel.EMAIL,
    Kind.EVENT_CANCELLED: Channel.EMAIL,
    Kind.PROMOTED: Channel.EMAIL,
    Kind.REMINDER: Channel.EMAIL,
    Kind.SUGGESTION: Channel.EMAIL,
    Kind.INVITATION: Channel.EMAIL,
    Kind.STALE_PROFILE: Channel.EMAIL,
}


class EmailStatus(models.TextChoices):
    """What became of a notification's email (at once or in a digest)."""

    SENT = "sent", "Sent: handed to the mail service"
    DELIVERED = "delivered", "Delivered (the mail service's receipt)"
    FAILED = "failed", "Not delivered (the mail service's receipt)"
    NOT_SENT = "not_sent", "Not sent: the person can no longer see it"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        """The user's own notifications whose subject they can still see."""
        Board = apps.get_model("forums", "Board")
        Group = apps.get_model("groups", "Group")
        return self.filter(
            Q(board__isnull=True) | Q(board__in=Board.objects.visible_to(user)),
            Q(group__isnull=True) | Q(group__in=Group.objects.visible_to(user)),
            recipient=user,
        )

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=300)
    body = models.CharField(max_length=500, blank=True)  # e.g. the message with a join request
    url = models.CharField(max_length=500)
    # The thing whose audience decides who may hear about this (at most one of them).
    board = models.ForeignKey("forums.Board", on_delete=models.CASCADE, null=True, blank=True)
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, null=True, blank=True)
    # What happened, e.g. "post:42" or "reminder:event:7:2026-11-24": one notification a
    # person per happening, however often the code that notices it runs.
    key = models.CharField(max_length=100)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Email: when sent (at once or in a digest), or when decided not to send.
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, blank=True)
    # The mail service's id for the email that carried this (GOV.UK Notify's notification id;
    # one digest carries several), so its delivery receipt can find it. Empty for SMTP.
    email_delivery_id = models.CharField(max_length=100, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
            models.CheckConstraint(
                condition=Q(board__isnull=True) | Q(group__isnull=True),
                name="notification_one_anchor",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            models.Index(
                fields=["recipient"],
                name="notification_digest_due",
                condition=Q(channel="digest", emailed_at__isnull=True),
            ),
            models.Index(
                fields=["email_delivery_id"],
                name="notification_delivery",
                condition=~Q(email_delivery_id=""),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """How one person wants to hear about one kind of thing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} → {self.channel}"


class ScheduledRun(models.Model):
    """A daily job that has been started for a day: on any number of nodes, once."""

    job = models.CharField(max_length=50)
    day = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="scheduled_run_once"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"


class TaskLease(models.Model):
    """A worker's hold on a background task it is running, renewed while the worker lives.

    A task whose lease has not been renewed for ``TASK_LEASE_SECONDS`` was left running by a
    worker that died (killed, out of memory, its machine gone): any worker queues it again
    (sociable/notifications/worker.py). The work itself must tolerate a second run, as the
    email tasks do by locking their notifications.
    """

    task = models.OneToOneField(
        "django_tasks_database.DBTaskResult",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="lease",
    )
    worker_id = models.CharField(max_length=64)
    renewed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.task_id} held by {self.worker_id}"
