from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    """Staff profiles and the skills directory."""

    name = "profiles"

    def ready(self) -> None:
        from . import signals  # noqa: F401
