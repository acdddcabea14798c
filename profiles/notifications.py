"""What profiles tell people: that their profile may need checking (``tasks``), and of
the notes left about profiles (``corrections``)."""

from sociable.notifications.kinds import NotificationKind

STALE_PROFILE = NotificationKind(
    "stale_profile", "Reminders to check your profile is still right", order=120
)
CORRECTION_NOTE = NotificationKind(
    "correction_note", "Someone suggests a correction to your profile", order=116
)


def _administers_people(user) -> bool:
    from .corrections import administers_people  # which imports these kinds

    return administers_people(user)


CORRECTION_LEFT = NotificationKind(
    "correction_left",
    "Someone says a person in your organisation has left",
    order=117,
    offered_to=_administers_people,
)
CORRECTION_DONE = NotificationKind(
    "correction_done", "A note you left about a profile is acted on", order=118
)
KINDS = [STALE_PROFILE, CORRECTION_NOTE, CORRECTION_LEFT, CORRECTION_DONE]
