from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "sociable.notifications"
    label = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import contributions

        contributions.register()
