"""The demo's notifications: its history, delivered before anyone signs in.

Seeding goes through the services, which queue notifications and emails as
they would for real. Here the queued work runs at once with email switched
off; notifications about posts take the post's own time; and everything older
than two days counts as read, so each demo person's bell shows recent news.
"""

from __future__ import annotations

from datetime import timedelta

from django.test.utils import override_settings
from django.utils import timezone

from forums.models import Post
from sociable.accounts.models import User

from .models import Notification
from .services import recount_unread
from .worker import run_due_tasks

DUMMY_EMAIL = "django.core.mail.backends.dummy.EmailBackend"


def seed() -> int:
    with override_settings(EMAIL_BACKEND=DUMMY_EMAIL):
        ran = run_due_tasks()
    about_posts = list(Notification.objects.filter(key__startswith="post:"))
    posted = dict(
        Post.objects.filter(pk__in={int(n.key.split(":")[1]) for n in about_posts}).values_list(
            "pk", "created_at"
        )
    )
    for notification in about_posts:
        notification.created_at = posted.get(int(notification.key.split(":")[1]), timezone.now())
    Notification.objects.bulk_update(about_posts, ["created_at"])
    Notification.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=2), read_at__isnull=True
    ).update(read_at=timezone.now())
    for user in User.objects.filter(notifications__isnull=False).distinct():
        recount_unread(user)
    return ran
