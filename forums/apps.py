from django.apps import AppConfig


class ForumsConfig(AppConfig):
    """Threaded discussion forums and their moderation."""

    name = "forums"
