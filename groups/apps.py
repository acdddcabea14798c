from django.apps import AppConfig


class GroupsConfig(AppConfig):
    """OWLS groups, socials and learning sessions."""

    name = "groups"

    def ready(self) -> None:
        from . import (
            contributions,
            parts,  # noqa: F401 - the groups' content and shared parts
        )

        contributions.register()
