from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    """Staff profiles and the skills directory."""

    name = "profiles"

    def ready(self) -> None:
        from . import parts, signals  # noqa: F401 - content and shared parts; signals
