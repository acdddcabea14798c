"""Support staff may see how open people are. Requests and their messages are private to
their two people: they are not in the admin. Moderators see a request only when one of the
two reports it, through the report, and close the report here (a suspension, if one is
needed, is made in the admin's suspensions like any other)."""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from . import services
from .models import Openness, Report


@admin.register(Openness)
class OpennessAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "per_month", "who_may_ask", "when_full", "paused_until"]
    list_filter = ["kind", "who_may_ask"]
    list_select_related = ["user"]
    search_fields = ["user__name", "user__email"]
    raw_id_fields = ["user"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reason", "status", "reporter", "reported", "handled_by"]
    list_filter = ["status", "reason"]
    list_select_related = ["reporter", "reported", "handled_by"]
    search_fields = ["details", "reported__name", "reported__email", "reporter__name"]
    date_hierarchy = "created_at"
    fields = readonly_fields = [
        "reason",
        "details",
        "reporter",
        "reported",
        "the_request",
        "status",
        "created_at",
        "handled_by",
        "handled_at",
    ]
    actions = ["acted_on", "dismiss"]

    def has_add_permission(self, request):
        return False  # reports come from the two people only

    def has_delete_permission(self, request, obj=None):
        return False  # kept for the record

    @admin.display(description="The request, as they wrote it")
    def the_request(self, report: Report) -> str:
        conversation = report.conversation
        messages_html = format_html_join(
            "",
            "<li><strong>{}</strong>, {}: {}</li>",
            (
                (m.author.display_name if m.author else "A former member", m.created_at, m.body)
                for m in conversation.messages.select_related("author")
            ),
        )
        return format_html(
            "<p>{}, {}. About: {}</p><p>Note: {}</p><ul>{}</ul>",
            conversation.get_kind_display(),
            conversation.get_status_display().lower(),
            conversation.about or "(nothing)",
            conversation.note or "(none)",
            messages_html or format_html("<li>No messages</li>"),
        )

    def _close(self, request, queryset, *, acted: bool) -> None:
        found = list(queryset.filter(status=Report.Status.OPEN))
        for report in found:
            services.close_report(report=report, moderator=request.user, acted=acted)
        messages.success(request, f"{len(found)} reports closed.")

    @admin.action(description="Mark as acted on", permissions=["change"])
    def acted_on(self, request, queryset):
        self._close(request, queryset, acted=True)

    @admin.action(description="Dismiss", permissions=["change"])
    def dismiss(self, request, queryset):
        self._close(request, queryset, acted=False)
