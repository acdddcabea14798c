from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    """Staff profiles and the skills directory."""

    name = "profiles"

    def ready(self) -> None:
        from . import contributions, parts, signals  # noqa: F401 - parts: content and shared parts

        contributions.register()
