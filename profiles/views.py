from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from sociable import registry
from sociable.accounts import blocks
from sociable.accounts.models import Organisation
from sociable.db import reads_from_replica
from sociable.forms import add_service_errors
from sociable.pagecache import cache_public_page
from sociable.parts import each_part, read_parts
from sociable.two_factor import for_role_with_two_factor

from . import corrections, parts, selectors, services
from .forms import CorrectionForm, DirectorySearchForm, ProfileForm
from .models import Place, ProfileCorrection, Skill, Team
from .permissions import (
    can_resolve_correction,
    check_profile_visible,
    get_profile_for_viewer,
    get_visible_profile,
)
from .vcard import build_vcard, vcard_filename
from .visibility import view_profile


@login_not_required
@cache_public_page
@require_GET
@reads_from_replica
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(
        request.GET or None,
        organisations=Organisation.objects.only("name", "slug"),
    )
    valid = form.is_valid()
    filters = selectors.DirectoryFilters(**(form.cleaned_data if valid else {}))
    typed = {name: request.GET[name] for name in parts.FILTERS if name in request.GET}
    calls = [(parts.directory_filters, (form.is_bound,), typed)]
    if valid or not form.is_bound:  # what is wrong is said, and nothing is searched for
        calls.append((parts.directory_results, (request.GET.urlencode(),), asdict(filters)))
    filters_html, *results_html = read_parts(request, calls)
    context = {
        "form": form,  # its errors, if any: the page's title and the summary of them
        "filters": filters,
        "filters_html": filters_html,
        "query_string": parts.without_page(request.GET),
        "results_html": results_html[0] if results_html else "",
    }
    return render(request, "profiles/directory.html", context)


def _views(viewer, profiles) -> list:
    return [view_profile(viewer, profile) for profile in profiles]


@login_not_required
@cache_public_page
@require_GET
def profile_detail(request: HttpRequest, username: str) -> HttpResponse:
    check_profile_visible(request.viewer, username)
    profile = parts.profile(request, username)
    sections_html = [section(request, profile.facts) for section in registry.profile_sections]
    return render(
        request,
        "profiles/profile_detail.html",
        {"title": profile.facts["title"], "profile_html": profile, "sections_html": sections_html},
    )


@require_GET
def my_profile(request: HttpRequest) -> HttpResponse:
    services.ensure_profile(user=request.user)
    return redirect("profiles:profile-detail", username=request.user.username)


@login_not_required
@require_GET
def profile_vcard(request: HttpRequest, username: str) -> HttpResponse:
    profile, view = get_visible_profile(request.viewer, username)
    card = services.contact_card(
        profile=profile,
        groups=view.groups,
        url=request.build_absolute_uri(profile.get_absolute_url()),
    )
    response = HttpResponse(build_vcard(card), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{vcard_filename(card.full_name)}"'
    return response


@login_not_required
@require_GET
def profile_photo(request: HttpRequest, username: str) -> FileResponse:
    profile, _ = get_visible_profile(request.viewer, username)
    if not profile.photo:
        raise Http404("No photo")
    response = FileResponse(profile.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def edit_profile(request: HttpRequest) -> HttpResponse:
    profile = get_profile_for_viewer(request.user, request.user.username, owner_only=True)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in ProfileForm.Meta.fields}
        fields["team"] = services.find_or_create_team(
            organisation=request.user.organisation, name=data.get("team_name", "")
        )
        fields["place"] = services.find_or_create_place(name=data.get("place_name", ""))
        try:
            matched = services.update_profile(
                profile=profile,
                fields=fields,
                skills=form.skills_by_relation(),
                photo=data.get("photo"),
                remove_photo=data.get("remove_photo", False),
            )
        except ValidationError as error:  # words the site does not allow
            add_service_errors(form, error)
        else:
            for typed, skill in matched:
                messages.info(request, f"We matched “{typed}” to the existing “{skill.name}”.")
            messages.success(request, "Your profile has been saved.")
            return redirect(profile.get_absolute_url())
    return render(request, "profiles/profile_form.html", {"form": form, "profile": profile})


@require_POST
def confirm_profile(request: HttpRequest) -> HttpResponse:
    profile = services.ensure_profile(user=request.user)
    services.confirm_profile(profile=profile)
    messages.success(request, "Thank you: your details are marked as still right.")
    return redirect(profile.get_absolute_url())


def report_correction(request: HttpRequest, username: str) -> HttpResponse:
    profile, view = get_visible_profile(request.viewer, username)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.report_correction(profile=profile, reported_by=request.user, **form.cleaned_data)
        messages.success(request, corrections.thanks_for_note(profile))
        return redirect(profile.get_absolute_url())
    context = {"form": form, "profile": profile, "who_sees": corrections.who_sees_note(profile)}
    return render(request, "profiles/correction_form.html", context)


def block_person(request: HttpRequest, username: str) -> HttpResponse:
    """Block someone whose profile you may see, or unblock them; they are never told."""
    profile, view = get_visible_profile(request.viewer, username)
    if view.is_owner:
        raise Http404
    if request.method == "POST":
        if request.POST.get("block") == "off":
            blocks.unblock(by=request.user, person=profile.user)
            messages.success(request, f"You have unblocked {profile.display_name}.")
        else:
            blocks.block(by=request.user, person=profile.user)
            name = profile.display_name
            messages.success(request, f"You have blocked {name}. They are not told.")
        return redirect("profiles:block", username=username)
    context = {"profile": profile, "blocked": blocks.has_blocked(request.user, profile.user)}
    return render(request, "profiles/block.html", context)


@require_GET
def blocked_people(request: HttpRequest) -> HttpResponse:
    found = blocks.blocked_by(request.user)
    return render(request, "profiles/blocked.html", {"blocks": found})


@require_POST
@transaction.atomic
def resolve_correction(request: HttpRequest, pk: int) -> HttpResponse:
    correction = get_object_or_404(ProfileCorrection.objects.select_related("profile__user"), pk=pk)
    if not can_resolve_correction(request.viewer, correction):
        raise Http404
    status = request.POST.get("status")
    if status not in {ProfileCorrection.Status.DONE, ProfileCorrection.Status.DISMISSED}:
        messages.error(request, "Choose whether you acted on the note or dismissed it.")
    else:
        services.resolve_correction(correction=correction, resolved_by=request.user, status=status)
        messages.success(request, "Thank you: the note is closed.")
    return redirect(correction.profile.get_absolute_url())


people_administrators_need_two_factor = for_role_with_two_factor(corrections.administers_people)


@people_administrators_need_two_factor
@require_GET
def correction_list(request: HttpRequest) -> HttpResponse:
    """The open notes about the people an administrator administers, leavers first."""
    page = Paginator(corrections.open_notes(request.user), corrections.PAGE_SIZE)
    notes = page.get_page(request.GET.get("page"))
    return render(request, "profiles/corrections.html", {"notes": notes})


@people_administrators_need_two_factor
@require_POST
def correction_archive(request: HttpRequest, pk: int) -> HttpResponse:
    note = corrections.get_note_to_administer(request.user, pk)
    if note.profile.archived_at is None:
        profile = corrections.archive_leaver(note=note, by=request.user)
        messages.success(request, f"{profile.display_name}'s profile is archived. Thank you.")
    else:
        messages.error(request, "That profile is already archived: dismiss the note instead.")
    return redirect("profiles:corrections")


@people_administrators_need_two_factor
@require_POST
def correction_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    note = corrections.get_note_to_administer(request.user, pk)
    corrections.dismiss(note=note, by=request.user)
    messages.success(request, f"The note about {note.profile.display_name} is dismissed.")
    return redirect("profiles:corrections")


@login_not_required
@cache_public_page
@require_GET
def skill_index(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind") if request.GET.get("kind") in Skill.Kind.values else None
    skills = [s for s in selectors.skill_index(request.viewer, kind) if s.people or s.curated]
    return render(
        request,
        "profiles/skill_index.html",
        {"skills": skills, "kind": kind, "kinds": Skill.Kind.choices},
    )


@login_not_required
@cache_public_page
@require_GET
def skill_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A skill's page: what other parts of the site add (``registry.skill_sections``: the
    groups app its groups and sessions), then its people."""
    skills = Skill.objects.annotate(can_teach_it=selectors.teaches(request.viewer))
    skill = get_object_or_404(skills, slug=slug)
    # Its people and the other sections, those shared read from the cache together.
    people_html, *sections_html = each_part(
        request, [parts.skill_people, *registry.skill_sections], skill
    )
    context = {
        "skill": skill,
        "people_html": people_html,
        "can_teach_it": skill.can_teach_it,
        "sections_html": sections_html,
    }
    return render(request, "skill_detail.html", context)


@require_GET
def skill_suggest(request: HttpRequest) -> JsonResponse:
    """Suggest existing names for the autocomplete (progressive enhancement of a text box)."""
    term = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", Skill.Kind.SKILL)
    names = list(selectors.suggest_skills(term, kind)) if len(term) >= 2 else []
    return JsonResponse({"suggestions": names})


@login_not_required
@cache_public_page
@require_GET
def team_detail(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_object_or_404(Team.objects.select_related("organisation"), slug=slug)
    people = _views(request.viewer, selectors.people_in(request.viewer, team=team))
    return render(
        request,
        "profiles/people_in.html",
        {"title": team.name, "caption": team.organisation.name, "people": people, "kind": "team"},
    )


@login_not_required
@cache_public_page
@require_GET
def place_detail(request: HttpRequest, slug: str) -> HttpResponse:
    place = get_object_or_404(Place, slug=slug)
    people = _views(request.viewer, selectors.people_in(request.viewer, place=place))
    return render(
        request,
        "profiles/people_in.html",
        {"title": place.name, "caption": place.address, "people": people, "kind": "place"},
    )
