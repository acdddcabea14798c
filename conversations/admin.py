"""Support staff may see how open people are. Requests and their messages are private to
their two people: they are not in the admin (moderators will see one only when it is
reported, issue 24)."""

from django.contrib import admin

from .models import Openness


@admin.register(Openness)
class OpennessAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "per_month", "who_may_ask", "when_full", "paused_until"]
    list_filter = ["kind", "who_may_ask"]
    list_select_related = ["user"]
    search_fields = ["user__name", "user__email"]
    raw_id_fields = ["user"]
