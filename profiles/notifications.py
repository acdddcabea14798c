"""What profiles tell people: that their profile may need checking (``tasks``)."""

from sociable.notifications.kinds import NotificationKind

STALE_PROFILE = NotificationKind(
    "stale_profile", "Reminders to check your profile is still right", order=120
)
KINDS = [STALE_PROFILE]
