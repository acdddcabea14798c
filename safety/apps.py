from django.apps import AppConfig


class SafetyConfig(AppConfig):
    """Trust and safety across the product: watched words, flags, appeals and the yearly
    report (the forums keep the moderation of posts and threads, and its log)."""

    name = "safety"

    def ready(self) -> None:
        from . import contributions

        contributions.register()
