from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import render

from . import services
from .models import Place, Profile, ProfileCorrection, ProfileSkill, Skill, SkillAlias, Team


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Skill.objects.none(), label="Keep this one", widget=forms.RadioSelect
    )


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "curated", "people", "slug"]
    list_filter = ["kind", "curated"]
    search_fields = ["name", "aliases__name"]
    readonly_fields = ["slug", "key"]
    fields = ["name", "kind", "description", "curated", "slug", "key"]
    actions = ["merge"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(people_count=Count("profile_skills__profile", distinct=True))
        )

    @admin.display(ordering="people_count")
    def people(self, obj):
        return obj.people_count

    def save_model(self, request, obj, form, change):
        if change and "name" in form.changed_data:
            # Renames keep the old name as an alias and refresh search.
            new_name = obj.name
            obj.name = form.initial["name"]
            try:
                services.rename_skill(skill=obj, name=new_name)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Merge the selected skills into one")
    def merge(self, request, queryset):
        skills = list(queryset)
        if len(skills) < 2:
            messages.warning(request, "Select at least two skills to merge.")
            return None
        form = MergeForm(request.POST if "apply" in request.POST else None)
        form.fields["target"].queryset = queryset
        if form.is_valid():
            target = form.cleaned_data["target"]
            moved = sum(
                services.merge_skills(source=s, target=target) for s in skills if s != target
            )
            messages.success(request, f"Merged into “{target}”: {moved} profiles updated.")
            return None
        return render(
            request,
            "admin/profiles/skill/merge.html",
            {
                "form": form,
                "skills": skills,
                "opts": self.model._meta,
                "title": "Merge skills",
                **self.admin_site.each_context(request),
            },
        )


@admin.register(SkillAlias)
class SkillAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "skill"]
    search_fields = ["name", "skill__name"]
    list_select_related = ["skill"]


class ProfileSkillInline(admin.TabularInline):
    model = ProfileSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "job_title",
        "organisation",
        "team",
        "place",
        "in_directory",
        "archived_at",
        "updated_at",
    ]
    list_filter = [
        "user__organisation",
        "in_directory",
        "audience",
        ("archived_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["user__organisation", "team", "place"]
    search_fields = ["user__name", "user__email", "preferred_name", "job_title", "team__name"]
    autocomplete_fields = ["team", "place"]
    readonly_fields = ["user", "bio_html", "created_at", "updated_at", "confirmed_at"]
    inlines = [ProfileSkillInline]
    actions = ["archive", "restore"]

    @admin.display(ordering="user__organisation__name")
    def organisation(self, obj):
        return obj.user.organisation

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.refresh_search(profiles=[form.instance])

    @admin.action(description="Archive: this person has left")
    def archive(self, request, queryset):
        for profile in queryset:
            services.archive_profile(profile=profile, by=request.user)
        messages.success(request, f"Archived {len(queryset)} profiles.")

    @admin.action(description="Restore archived profiles")
    def restore(self, request, queryset):
        for profile in queryset:
            services.restore_profile(profile=profile)
        messages.success(request, f"Restored {len(queryset)} profiles.")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "slug"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "slug"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ProfileCorrection)
class ProfileCorrectionAdmin(admin.ModelAdmin):
    list_display = ["profile", "kind", "status", "reported_by", "created_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["profile__user", "reported_by"]
    search_fields = ["profile__user__name", "message"]
    readonly_fields = [
        "profile",
        "reported_by",
        "kind",
        "message",
        "created_at",
        "resolved_at",
        "resolved_by",
    ]
    actions = ["archive_leavers", "dismiss"]

    @admin.action(description="Archive the people reported as having left")
    def archive_leavers(self, request, queryset):
        leavers = queryset.filter(kind=ProfileCorrection.Kind.LEFT).select_related("profile")
        for correction in leavers:
            services.archive_profile(profile=correction.profile, by=request.user)
        messages.success(request, f"Archived {len(leavers)} profiles.")

    @admin.action(description="Dismiss the selected notes")
    def dismiss(self, request, queryset):
        for correction in queryset.filter(status=ProfileCorrection.Status.OPEN):
            services.resolve_correction(
                correction=correction,
                resolved_by=request.user,
                status=ProfileCorrection.Status.DISMISSED,
            )
