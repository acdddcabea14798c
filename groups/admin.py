from django.contrib import admin
from django.db.models import Count, Q

from .models import RSVP, Backing, Event, EventSeries, Group, Guest, Membership, Suggestion


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "status", "request_message", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "audience", "join_policy", "members", "created_at", "closed_at"]
    list_filter = ["kind", "audience", "join_policy", ("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "summary", "slug"]
    readonly_fields = ["description_html", "created_by", "created_at"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(member_total=Count("memberships", filter=Q(memberships__status="active")))
        )

    @admin.display(ordering="member_total")
    def members(self, obj):
        return obj.member_total


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "role", "status", "created_at"]
    list_filter = ["role", "status"]
    list_select_related = ["user", "group"]
    search_fields = ["user__name", "user__email", "group__name"]
    autocomplete_fields = ["user", "group"]


class RSVPInline(admin.TabularInline):
    model = RSVP
    extra = 0
    exclude = ["answers"]  # for the group's organisers only (groups.organisers)
    autocomplete_fields = ["user"]
    readonly_fields = ["queued_at", "created_at"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "kind", "starts_at", "capacity", "going", "cancelled_at"]
    list_filter = ["kind", ("cancelled_at", admin.EmptyFieldListFilter), "group__kind"]
    list_select_related = ["group"]
    search_fields = ["title", "group__name", "location"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["group", "skill", "teacher"]
    readonly_fields = [
        "description_html",
        "created_by",
        "created_at",
        "updated_at",
        "sequence",
        "series",
        "original_start",
        "detached",
    ]
    inlines = [RSVPInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(going_total=Count("rsvps", filter=Q(rsvps__status="going")))
        )

    @admin.display(ordering="going_total")
    def going(self, obj):
        return obj.going_total


@admin.register(RSVP)
class RSVPAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "status", "queued_at", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["user", "event__group"]
    search_fields = ["user__name", "user__email", "event__title"]
    autocomplete_fields = ["user", "event"]
    exclude = ["answers"]  # for the group's organisers only (groups.organisers)


class BackingInline(admin.TabularInline):
    model = Backing
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "created_by", "created_at", "fulfilled_at"]
    list_filter = ["kind", ("fulfilled_at", admin.EmptyFieldListFilter)]
    list_select_related = ["created_by"]
    search_fields = ["title", "description"]
    inlines = [BackingInline]


@admin.register(EventSeries)
class EventSeriesAdmin(admin.ModelAdmin):
    """Series are made and changed by their group's organisers, on the site; the admin
    shows them, for the sessions' own pages."""

    list_display = ["__str__", "group", "frequency", "starts_at", "until", "count"]
    list_select_related = ["group"]
    search_fields = ["group__name"]
    readonly_fields = [f.name for f in EventSeries._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Guest)
class GuestAdmin(admin.ModelAdmin):
    """Guests without an account, for support ("I never got the email"). Their links' token
    and their answers stay out of sight: the token is their key, the answers the
    organisers' alone (groups.guests)."""

    list_display = ["name", "email", "event", "status", "created_at", "confirmed_at"]
    list_filter = ["status"]
    list_select_related = ["event__group"]
    search_fields = ["name", "email", "event__title"]
    autocomplete_fields = ["event"]
    exclude = ["token", "answers"]
    readonly_fields = ["status", "queued_at", "confirmed_at", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False
