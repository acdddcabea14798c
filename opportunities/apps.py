from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    """Loans, shadowing, secondments and projects offered across the partnership."""

    name = "opportunities"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import contributions
        from .roles import let_moderators_moderate

        contributions.register()
        post_migrate.connect(let_moderators_moderate, sender=self)
