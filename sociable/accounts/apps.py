from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sociable.accounts"
    label = "accounts"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        from . import signals  # noqa: F401
