"""A person's notifications: their part of the download, and what deleting their account does
to other people's notifications (``sociable.personal_data`` runs it, through the registry).

Other people's notifications caused by the person lose their name and any message (such as
the message with a request to join a group); the person's own go with their account.
"""

from __future__ import annotations

import re

from sociable.accounts.models import User
from sociable.registry import Leaving

from .models import Notification
from .services import preferences_for


def export(user: User) -> dict:
    """The person's notifications and how they chose to hear of each kind."""
    return _notifications(user)


def _notifications(user: User) -> dict:
    notifications = Notification.objects.filter(recipient=user).order_by("created_at", "pk")
    return {
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "channel": n.channel,
                "created_at": n.created_at,
                "read_at": n.read_at,
                "emailed_at": n.emailed_at,
                "email_status": n.email_status,
            }
            for n in notifications
        ],
        "notification_preferences": preferences_for(user),
    }


def _without_names(text: str, names: list[str]) -> str:
    for name in names:  # whole words only: "Al" must not eat into "Walking"
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", Leaving.FORMER_MEMBER, text)
    return text


def unname_notifications(leaving, result) -> None:
    """Take the person's name and words out of notifications they caused others."""
    caused = list(Notification.objects.filter(actor=leaving.user).only("title", "body"))
    for notification in caused:
        notification.title = _without_names(notification.title, leaving.names)[:300]
        notification.body = ""  # e.g. the message with a request to join a group
    Notification.objects.bulk_update(caused, ["title", "body"])
