"""The kinds of notification trust and safety sends (registered in ``contributions``).

``MODERATION`` tells a person what a moderator did to their post, thread or account, and
what became of their appeal. Every kind shows in the site whatever a person chooses, so
this one cannot be silenced entirely: they may choose how the email comes (at once, in the
digest, or not at all) but the notice is always there in the site, as the law's "statement
of reasons" asks. ``APPEAL`` tells the moderators who may decide an appeal that one is
waiting.
"""

from __future__ import annotations

from forums.permissions import is_moderator
from sociable.notifications.kinds import NotificationKind
from sociable.notifications.models import Channel

MODERATION = NotificationKind(
    "moderation",
    "A moderator acts on your posts, threads or account (always shown in the site too)",
    default=Channel.EMAIL,
    order=55,
)
APPEAL = NotificationKind(
    "appeal",
    "Appeals waiting for a moderator",
    default=Channel.EMAIL,
    order=95,
    offered_to=is_moderator,
)
KINDS = [MODERATION, APPEAL]
