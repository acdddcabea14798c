"""The kinds of notification, each registered by the app that sends it.

A kind is what a person chooses how to hear about on the settings page ("Replies to your
posts": in the site, by email at once, or in the daily digest). The notifications app names
none: each app registers its own in its ``contributions.py``, and the settings page, the
emails and the unsubscribe links read them from ``sociable.registry.notification_kinds``.
A kind is stored by its name, so a new kind needs no migration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sociable import registry

from .models import Channel


@dataclass(frozen=True)
class NotificationKind:
    """One kind of thing people are told about, and how they hear of it until they choose."""

    name: str  # what is stored, e.g. "mention"; at most 20 characters
    label: str  # the settings page's question, e.g. "Someone mentions you in a discussion"
    default: str = Channel.EMAIL  # urgent and personal things by email at once
    order: int = 100  # where it comes on the settings page
    # Whom the settings page asks (None: everyone), e.g. moderators for their kinds: the
    # rest never hear of it, so nothing needs choosing.
    offered_to: Callable[[object], bool] | None = None

    def is_offered_to(self, user) -> bool:
        return self.offered_to is None or self.offered_to(user)

    def __post_init__(self):
        if not 0 < len(self.name) <= 20 or self.default not in Channel.values:
            raise ValueError(f"Not a kind of notification: {self!r}")


def register(kind: NotificationKind) -> NotificationKind:
    """Let ``kind`` be sent, and chosen on the settings page (from an app's contributions)."""
    return registry.notification_kinds.add(kind.name, kind)


def all_kinds() -> list[NotificationKind]:
    """Every registered kind, in the settings page's order."""
    return sorted((kind for _, kind in registry.notification_kinds.items()), key=_order)


def offered_to(user) -> list[NotificationKind]:
    """The kinds the settings page asks ``user`` about."""
    return [kind for kind in all_kinds() if kind.is_offered_to(user)]


def _order(kind: NotificationKind) -> int:
    return kind.order


def names() -> list[str]:
    return [kind.name for kind in all_kinds()]


def get(name: str) -> NotificationKind:
    """The kind registered as ``name``; KeyError if no app registers it."""
    return registry.notification_kinds[name]


def label(name: str) -> str:
    """What a kind is called, or its bare name if the app that sent it has gone."""
    return get(name).label if name in registry.notification_kinds else name
