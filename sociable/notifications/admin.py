from django.contrib import admin

from .models import Notification, Preference, ScheduledRun, TaskLease


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "recipient",
        "kind",
        "anchor_type",
        "channel",
        "created_at",
        "read_at",
        "emailed_at",
        "email_status",
    ]
    list_filter = ["kind", "channel", "email_status", "anchor_type"]
    search_fields = ["title", "recipient__email", "recipient__name", "key", "email_delivery_id"]
    list_select_related = ["recipient", "anchor_type"]
    raw_id_fields = ["recipient", "actor"]
    date_hierarchy = "created_at"


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel"]
    list_filter = ["kind", "channel"]
    search_fields = ["user__email", "user__name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ["job", "day", "started_at"]
    list_filter = ["job"]
    search_fields = ["job"]


@admin.register(TaskLease)
class TaskLeaseAdmin(admin.ModelAdmin):
    list_display = ["task", "worker_id", "renewed_at"]
    search_fields = ["worker_id", "task__task_path"]
    list_select_related = ["task"]
    raw_id_fields = ["task"]
