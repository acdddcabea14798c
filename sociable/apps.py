from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SociableConfig(AppConfig):
    default = True
    name = "sociable"
    verbose_name = "Sociable"


class SociableAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "sociable.admin_site.SociableAdminSite"
