"""What people are told about, and how each person wants to hear it.

A notification is anchored to the thing whose audience governs it (a forum
board, a group: whatever an app registers in ``anchors``). It is only created
for people who can see that anchor, and every list and email checks the anchor
again (``visible_to``), so a change of audience after the fact still tells
nobody about something they cannot see. Its kind is a name an app registers
(``kinds``), so this module names no app.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Channel(models.TextChoices):
    SITE = "site", "In the site only"
    EMAIL = "email", "Email me at once"
    DIGEST = "digest", "One email a day (daily digest)"


class EmailStatus(models.TextChoices):
    """What became of a notification's email (at once or in a digest)."""

    SENT = "sent", "Sent: handed to the mail service"
    DELIVERED = "delivered", "Delivered (the mail service's receipt)"
    FAILED = "failed", "Not delivered (the mail service's receipt)"
    NOT_SENT = "not_sent", "Not sent: the person can no longer see it"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        """The user's own notifications whose subject they can still see."""
        from .anchors import visible_anchors

        return self.filter(visible_anchors(user), recipient_id=user.pk)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20)  # a name in sociable.notifications.kinds
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=300)
    body = models.CharField(max_length=500, blank=True)  # e.g. the message with a join request
    url = models.CharField(max_length=500)
    # The thing whose audience decides who may hear about this, if any: a row of a model an
    # app registers (sociable.notifications.anchors), which deletes this when it goes.
    anchor_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # the index "notification_anchor" leads with it
    )
    anchor_id = models.PositiveBigIntegerField(null=True, blank=True)
    anchor = GenericForeignKey("anchor_type", "anchor_id")
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
                condition=Q(anchor_type__isnull=True, anchor_id__isnull=True)
                | Q(anchor_type__isnull=False, anchor_id__isnull=False),
                name="notification_anchor_whole",
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
            # A deleted anchor's notifications, found to delete them with it.
            models.Index(
                fields=["anchor_type", "anchor_id"],
                name="notification_anchor",
                condition=Q(anchor_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        """What its kind is called on the settings page."""
        from .kinds import label

        return label(self.kind)


class Preference(models.Model):
    """How one person wants to hear about one kind of thing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20)  # a name in sociable.notifications.kinds
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
