from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count

from .models import Organisation, OrganisationDomain, User
from .services import resync_domain


class OrganisationDomainInline(admin.TabularInline):
    model = OrganisationDomain
    extra = 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "domain_list", "staff_count"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "domains__domain"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganisationDomainInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(staff_total=Count("staff", distinct=True))
            .prefetch_related("domains")
        )

    @admin.display(description="Email domains")
    def domain_list(self, obj: Organisation) -> str:
        return ", ".join(d.domain for d in obj.domains.all())

    @admin.display(description="Staff", ordering="staff_total")
    def staff_count(self, obj: Organisation) -> int:
        return obj.staff_total

    def save_formset(self, request, form, formset, change):
        before = {d.domain for d in form.instance.domains.all()} if change else set()
        super().save_formset(request, form, formset, change)
        after = {d.domain for d in form.instance.domains.all()}
        # People whose verified email is at an added or removed domain change organisation.
        moved = sum(resync_domain(domain=domain) for domain in before ^ after)
        if moved:
            messages.info(request, f"Organisation membership updated for {moved} people.")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["email", "name", "username", "organisation", "is_staff", "is_active"]
    list_filter = ["organisation", "is_staff", "is_superuser", "is_active", "groups"]
    list_select_related = ["organisation"]
    search_fields = ["email", "name", "username"]
    ordering = ["email"]
    readonly_fields = ["organisation", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "username", "password")}),
        ("Personal details", {"fields": ("name", "organisation")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "username", "name", "password1", "password2"),
            },
        ),
    )
