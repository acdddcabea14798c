from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    """Staff profiles and the skills directory."""

    name = "profiles"
