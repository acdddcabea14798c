# allauth's admin registers its models on import; import it first so they can be
# taken off: organisations' sign-in settings live on the organisation (one copy),
# and no tokens are stored. Linked accounts stay listed for support work.
from allauth.socialaccount import admin as _socialaccount_admin  # noqa: F401
from allauth.socialaccount.models import SocialApp, SocialToken
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count

from .models import Organisation, OrganisationDomain, OrganisationSignIn, User
from .services import resync_domain, resync_sign_in

admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)


class OrganisationDomainInline(admin.TabularInline):
    model = OrganisationDomain
    extra = 1


class OrganisationSignInForm(forms.ModelForm):
    """The client secret is write-only: never shown again; left empty, it is kept."""

    issuer = OrganisationSignIn._meta.get_field("issuer").formfield(assume_scheme="https")
    client_secret = forms.CharField(
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Entra ID: a client secret's value (not its ID). Never shown again; "
        "leave empty to keep the current one.",
    )

    class Meta:
        model = OrganisationSignIn
        fields = ["enabled", "issuer", "client_id", "client_secret", "tenant_id"]

    def clean_client_secret(self) -> str:
        secret = self.cleaned_data["client_secret"]
        if secret:
            return secret
        if self.instance.client_secret:
            return self.instance.client_secret
        raise forms.ValidationError("Enter the client secret")


class OrganisationSignInInline(admin.StackedInline):
    model = OrganisationSignIn
    form = OrganisationSignInForm
    extra = 0
    max_num = 1
    verbose_name = "sign-in with the organisation's account (OpenID Connect, e.g. Entra ID)"
    verbose_name_plural = verbose_name


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "domain_list", "staff_count", "sign_in_status"]
    list_filter = ["kind", "sign_in__enabled"]
    search_fields = ["name", "short_name", "domains__domain"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganisationDomainInline, OrganisationSignInInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(staff_total=Count("staff", distinct=True))
            .select_related("sign_in")
            .prefetch_related("domains")
        )

    def has_sign_in(self, obj: Organisation | None) -> bool:
        return obj is not None and OrganisationSignIn.objects.filter(organisation=obj).exists()

    def get_readonly_fields(self, request, obj=None):
        # The slug is in the sign-in's redirect URI, registered at the identity
        # provider, and in every link made through it: it cannot change under them.
        if self.has_sign_in(obj):
            return [*super().get_readonly_fields(request, obj), "slug"]
        return super().get_readonly_fields(request, obj)

    def get_prepopulated_fields(self, request, obj=None):
        return {} if self.has_sign_in(obj) else super().get_prepopulated_fields(request, obj)

    @admin.display(description="Sign-in with its account")
    def sign_in_status(self, obj: Organisation) -> str:
        sign_in = getattr(obj, "sign_in", None)
        if sign_in is None:
            return "Not set up"
        return "On" if sign_in.enabled else "Switched off"

    @admin.display(description="Email domains")
    def domain_list(self, obj: Organisation) -> str:
        return ", ".join(d.domain for d in obj.domains.all())

    @admin.display(description="Staff", ordering="staff_total")
    def staff_count(self, obj: Organisation) -> int:
        return obj.staff_total

    def save_formset(self, request, form, formset, change):
        if formset.model is OrganisationSignIn:
            self.save_sign_in_formset(request, form, formset, change)
            return
        before = {d.domain for d in form.instance.domains.all()} if change else set()
        super().save_formset(request, form, formset, change)
        after = {d.domain for d in form.instance.domains.all()}
        # People whose verified email is at an added or removed domain change organisation.
        moved = sum(resync_domain(domain=domain) for domain in before ^ after)
        if moved:
            messages.info(request, f"Organisation membership updated for {moved} people.")

    def save_sign_in_formset(self, request, form, formset, change) -> None:
        # Removing the sign-in unlinks its people (see signals.py); switching it
        # on or off changes who it vouches for.
        super().save_formset(request, form, formset, change)
        if formset.changed_objects:
            moved = resync_sign_in(organisation=form.instance)
            if moved:
                messages.info(request, f"Organisation membership checked for {moved} people.")


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
