"""Administrators choose which organisations' opportunities a moderator approves before they
go live; moderation itself happens on the site (/opportunities/moderation/)."""

from django.contrib import admin

from .models import ApprovalRule, Decision


@admin.register(ApprovalRule)
class ApprovalRuleAdmin(admin.ModelAdmin):
    list_display = ["organisation", "created_at"]
    list_select_related = ["organisation"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    """Read-only: what moderators did to opportunities, and why."""

    list_display = ["created_at", "moderator", "action", "opportunity", "reason"]
    list_filter = ["action"]
    list_select_related = ["moderator", "opportunity"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
