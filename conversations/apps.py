from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    """Asking a colleague for a chat, to shadow them or to be mentored."""

    name = "conversations"

    def ready(self) -> None:
        from . import contributions

        contributions.register()
