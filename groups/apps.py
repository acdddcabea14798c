from django.apps import AppConfig


class GroupsConfig(AppConfig):
    """OWLS groups, socials and learning sessions."""

    name = "groups"
