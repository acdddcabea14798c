from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    """Asking a colleague for a chat, to shadow them or to be mentored."""

    name = "conversations"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import contributions
        from .roles import let_moderators_read_reports

        contributions.register()
        post_migrate.connect(let_moderators_read_reports, sender=self)
