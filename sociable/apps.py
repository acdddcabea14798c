from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SociableConfig(AppConfig):
    default = True
    name = "sociable"
    verbose_name = "Sociable"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deployment checks
        from .pagecache import watch_content_writes

        watch_content_writes()


class SociableAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "sociable.admin_site.SociableAdminSite"
