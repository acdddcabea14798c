from django.apps import AppConfig


class AudienceAppConfig(AppConfig):
    name = "tests.audience_app"
    label = "audience_app"
