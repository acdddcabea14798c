from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sociable.accounts"
    label = "accounts"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        from sociable.content import content

        from . import contributions, signals  # noqa: F401

        contributions.register()
        # People and organisations show on every page; signing in and the bell's count don't.
        content("accounts.Organisation")
        content("accounts.User", bookkeeping=("last_login", "unread_notifications"))
