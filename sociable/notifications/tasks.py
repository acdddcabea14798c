"""Background work for notifications: emails at once, and the daily digest.

Each email task locks its notifications, sends, and marks them sent in one
transaction, so a task that runs twice (a retry, or two workers) sends once.
When the mail server fails, the task records nothing as sent, queues itself
again after a growing delay, and fails this attempt so the failure is visible.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from sociable.accounts.models import User

from .email import delivery_id, digest_email, notification_email
from .models import Channel, EmailStatus, Notification

logger = logging.getLogger(__name__)

# Seconds to wait before each retry: 1 min, 5 min, 30 min, 2 h, 6 h; then give up.
DEFAULT_RETRY_DELAYS = [60, 300, 1800, 7200, 21600]
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def _retry(task_, *args, attempt: int) -> bool:
    delays = getattr(settings, "NOTIFICATIONS_RETRY_DELAYS", DEFAULT_RETRY_DELAYS)
    if attempt > len(delays):
        logger.error("Giving up on %s%r after %d attempts", task_.name, args, attempt)
        return False
    run_after = timezone.now() + timedelta(seconds=delays[attempt - 1])
    task_.using(run_after=run_after).enqueue(*args, attempt=attempt + 1)
    return True


@task()
def send_notification_email(notification_id: int, attempt: int = 1) -> str:
    try:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(of=("self",))
                .select_related("recipient")
                .filter(pk=notification_id)
                .first()
            )
            if notification is None:
                return "gone"
            if notification.emailed_at is not None:
                return "already sent"
            person = notification.recipient
            still_visible = Notification.objects.visible_to(person).filter(pk=notification.pk)
            if not (person.is_active and person.email and still_visible.exists()):
                outcome = "not sent: the person can no longer see it"
                notification.email_status = EmailStatus.NOT_SENT
            else:
                message = notification_email(notification)
                message.send()
                outcome = "sent"
                notification.email_status = EmailStatus.SENT
                notification.email_delivery_id = delivery_id(message, person.email)
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at", "email_status", "email_delivery_id"])
            return outcome
    except MAIL_ERRORS:
        _retry(send_notification_email, notification_id, attempt=attempt)
        raise


@task()
def send_digests() -> int:
    """Queue one digest for each person with digest notifications waiting."""
    people = (
        Notification.objects.filter(channel=Channel.DIGEST, emailed_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    count = 0
    for user_id in people:
        send_digest.enqueue(user_id)
        count += 1
    return count


@task()
def send_digest(user_id: int, attempt: int = 1) -> str:
    try:
        with transaction.atomic():
            person = User.objects.filter(pk=user_id).first()
            if person is None:
                return "gone"
            due = list(
                Notification.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(recipient=person, channel=Channel.DIGEST, emailed_at__isnull=True)
                .order_by("created_at", "pk")
            )
            if not due:
                return "nothing due"
            visible_ids = set(
                Notification.objects.visible_to(person)
                .filter(pk__in=[n.pk for n in due])
                .values_list("pk", flat=True)
            )
            items = [n for n in due if n.pk in visible_ids]
            outcome = "nothing visible"
            sent: list[int] = []
            now = timezone.now()
            if items and person.is_active and person.email:
                message = digest_email(person, items)
                message.send()
                outcome = f"sent {len(items)}"
                sent = [n.pk for n in items]
                Notification.objects.filter(pk__in=sent).update(
                    emailed_at=now,
                    email_status=EmailStatus.SENT,
                    email_delivery_id=delivery_id(message, person.email),
                )
            Notification.objects.filter(pk__in=[n.pk for n in due if n.pk not in sent]).update(
                emailed_at=now, email_status=EmailStatus.NOT_SENT
            )
            return outcome
    except MAIL_ERRORS:
        _retry(send_digest, user_id, attempt=attempt)
        raise
