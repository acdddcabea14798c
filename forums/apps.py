from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ForumsConfig(AppConfig):
    """Threaded discussion forums and their moderation."""

    name = "forums"

    def ready(self) -> None:
        from . import (
            contributions,
            parts,  # noqa: F401 - the forums' content and shared parts
        )
        from .roles import ensure_moderator_role

        contributions.register()

        # After auth has created the permissions (post_migrate runs app by app).
        post_migrate.connect(ensure_moderator_role, sender=self)
