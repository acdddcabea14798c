from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read/", views.mark_all_read, name="mark-all-read"),
    path("notifications/settings/", views.preferences, name="preferences"),
    path("notifications/<int:pk>/", views.notification_open, name="open"),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.unsubscribe,
        name="unsubscribe",
    ),
    path("notifications/receipts/notify/", views.notify_receipt, name="notify-receipt"),
]
