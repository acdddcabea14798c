from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    """Staff profiles and the skills directory."""

    name = "profiles"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import contributions, parts, signals  # noqa: F401 - parts: content and shared parts
        from .roles import let_people_administrators_archive

        contributions.register()
        post_migrate.connect(let_people_administrators_archive, sender=self)
