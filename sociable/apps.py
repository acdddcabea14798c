from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SociableConfig(AppConfig):
    default = True
    name = "sociable"
    verbose_name = "Sociable"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_save

        from . import checks  # noqa: F401 - registers the deployment checks
        from .content import install_triggers, watch_content_writes
        from .text import strip_invisible_on_save

        watch_content_writes()
        # After every app's migrations, so the content tables exist; once (for one app with
        # models: this one has none, and gets no signal).
        post_migrate.connect(
            install_triggers,
            sender=self.apps.get_app_config("accounts"),
            dispatch_uid="sociable.content",
        )
        pre_save.connect(strip_invisible_on_save, dispatch_uid="sociable.strip_invisible")


class SociableAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "sociable.admin_site.SociableAdminSite"
