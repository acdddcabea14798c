"""The emails notifications send: one at once, or a day's worth in a digest.

Every email says why it came and carries a one-click unsubscribe link, both in
the body and as RFC 8058 List-Unsubscribe headers that mail programs show as a
button. The Message-ID is fixed per notification (or per digest), so a mail
server that sees the same message twice can tell.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from sociable.accounts.models import User
from sociable.links import reverse

from .kinds import label
from .models import Notification
from .services import DIGEST, unsubscribe_token


def delivery_id(message: EmailMessage, address: str) -> str:
    """The mail service's id for the message it took for ``address``, if it gives one.

    Backends that learn an id (GOV.UK Notify's, sociable/notifications/notify.py) leave
    them on the message as ``delivery_ids``, by address; SMTP gives none.
    """
    return getattr(message, "delivery_ids", {}).get(address, "")


def site_url(path: str = "") -> str:
    return settings.SOCIABLE_SITE_URL.rstrip("/") + path


def _message_id(name: str) -> str:
    domain = settings.SOCIABLE_SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":")[0]
    return f"<{name}@{domain or 'sociable.invalid'}>"


def _message(*, user: User, subject: str, body: str, scope: str, message_id: str) -> EmailMessage:
    unsubscribe = site_url(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user, scope)])
    )
    body = render_to_string(
        "notifications/emails/footer.txt",
        {
            "body": body,
            "unsubscribe": unsubscribe,
            "settings_url": site_url(reverse("notifications:preferences")),
            "scope_label": "the daily digest" if scope == DIGEST else label(scope).lower(),
        },
    )
    return EmailMessage(
        subject=f"[Sociable] {subject}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": _message_id(message_id),
            "Auto-Submitted": "auto-generated",
        },
    )


def notification_email(notification: Notification) -> EmailMessage:
    user = notification.recipient
    body = render_to_string(
        "notifications/emails/notification.txt",
        {"person": user, "notification": notification, "link": site_url(notification.url)},
    )
    return _message(
        user=user,
        subject=notification.title,
        body=body,
        scope=notification.kind,
        message_id=f"notification-{notification.pk}",
    )


def digest_email(user: User, notifications: Sequence[Notification]) -> EmailMessage:
    body = render_to_string(
        "notifications/emails/digest.txt",
        {
            "person": user,
            "items": [(n, site_url(n.url)) for n in notifications],
            "all_url": site_url(reverse("notifications:list")),
        },
    )
    count = len(notifications)
    return _message(
        user=user,
        subject=f"Your daily digest: {count} new thing{'s' if count != 1 else ''}",
        body=body,
        scope=DIGEST,
        message_id=f"digest-{user.pk}-{notifications[0].pk}",
    )
