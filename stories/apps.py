from django.apps import AppConfig


class StoriesConfig(AppConfig):
    """Stories and weeknotes: working in the open."""

    name = "stories"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import contributions
        from .roles import let_editors_edit

        contributions.register()
        post_migrate.connect(let_editors_edit, sender=self)
