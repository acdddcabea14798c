from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    """Loans, shadowing, secondments and projects offered across the partnership."""

    name = "opportunities"

    def ready(self) -> None:
        from . import contributions

        contributions.register()
