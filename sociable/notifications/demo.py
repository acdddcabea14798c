"""The demo's notifications: its history, delivered before anyone signs in.

Seeding goes through the services, which queue notifications and emails as
they would for real. Here the queued work runs at once with email switched
off (``deliver``); the apps may then date what they caused (the forums give
notifications about posts the post's own time); and everything older than two
days counts as read (``settle``), so each demo person's bell shows recent news.
"""

from __future__ import annotations

from datetime import timedelta

from django.test.utils import override_settings
from django.utils import timezone

from sociable.accounts.models import User

from .models import Notification
from .services import recount_unread
from .worker import run_due_tasks

DUMMY_EMAIL = "django.core.mail.backends.dummy.EmailBackend"


def deliver() -> int:
    """Run the queued notification work at once, with email switched off."""
    with override_settings(EMAIL_BACKEND=DUMMY_EMAIL):
        return run_due_tasks()


def settle() -> None:
    """Count everything older than two days as read, and each bell again."""
    Notification.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=2), read_at__isnull=True
    ).update(read_at=timezone.now())
    for user in User.objects.filter(notifications__isnull=False).distinct():
        recount_unread(user)
