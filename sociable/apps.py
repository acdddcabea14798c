from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SociableConfig(AppConfig):
    default = True
    name = "sociable"
    verbose_name = "Sociable"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from . import checks  # noqa: F401 - registers the deployment checks
        from .pagecache import watch_content_writes
        from .text import strip_invisible_on_save

        watch_content_writes()
        pre_save.connect(strip_invisible_on_save, dispatch_uid="sociable.strip_invisible")


class SociableAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "sociable.admin_site.SociableAdminSite"
