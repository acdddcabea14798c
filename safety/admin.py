"""Trust and safety in the Django admin: administrators keep the watched words here.

Flags and appeals are read here for support work; moderators act on them in the site
(the flag's page, the appeal's page), where each decision is recorded.
"""

from django import forms
from django.contrib import admin

from .models import Appeal, Flag, WatchedWord
from .screening import validate_pattern


class WatchedWordForm(forms.ModelForm):
    class Meta:
        model = WatchedWord
        fields = ["pattern", "is_regex", "action", "note"]

    def clean(self):
        data = super().clean()
        if "pattern" in data:
            data["pattern"] = data["pattern"].strip()
            validate_pattern(data["pattern"], is_regex=data.get("is_regex", False))
        return data


@admin.register(WatchedWord)
class WatchedWordAdmin(admin.ModelAdmin):
    form = WatchedWordForm
    list_display = ["pattern", "is_regex", "action", "note", "created_by", "created_at"]
    list_filter = ["action", "is_regex"]
    list_select_related = ["created_by"]
    search_fields = ["pattern", "note"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Flag)
class FlagAdmin(ReadOnly):
    list_display = [
        "created_at",
        "content_type",
        "object_id",
        "field",
        "matched",
        "author",
        "status",
    ]
    list_filter = ["status", "content_type"]
    list_select_related = ["content_type", "author"]
    search_fields = ["matched", "excerpt"]
    date_hierarchy = "created_at"


@admin.register(Appeal)
class AppealAdmin(ReadOnly):
    list_display = ["created_at", "appellant", "entry", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["appellant", "entry", "decided_by"]
    search_fields = ["statement", "decision_reason"]
    date_hierarchy = "created_at"
