"""The roles every app may grant rights to (each app adds its own after migrate)."""

MODERATORS = "Moderators"
