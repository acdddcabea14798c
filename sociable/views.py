"""Pages that belong to the site as a whole."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from groups import selectors as group_selectors
from profiles import selectors as profile_selectors
from profiles.completeness import completeness
from profiles.models import ProfileSkill, Skill
from profiles.views import skill_context
from profiles.visibility import view_profile

from .accounts.models import Organisation


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    context = {"organisations": Organisation.objects.only("name", "kind")}
    if request.user.is_authenticated:
        context |= learning_matches(request.user)
    return render(request, "home.html", context)


def learning_matches(user) -> dict:
    """What the home page suggests from the person's profile: who to learn from, who to teach."""
    profile = profile_selectors.profile_page(user.username).first()
    if profile is None:
        return {"next_step": None, "teachers": [], "learners": []}
    Relation = ProfileSkill.Relation
    return {
        "next_step": completeness(profile)[1],
        "teachers": [
            view_profile(user, p)
            for p in profile_selectors.matches_for(
                user, profile, give=Relation.TEACH, take=Relation.LEARN, limit=3
            )
        ],
        "learners": [
            view_profile(user, p)
            for p in profile_selectors.matches_for(
                user, profile, give=Relation.LEARN, take=Relation.TEACH, limit=3
            )
        ],
    }


@login_not_required
@require_GET
def skill_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A skill's page: its people (profiles) and its groups and sessions (groups)."""
    skill = get_object_or_404(Skill, slug=slug)
    context = skill_context(request, skill) | {
        "groups": group_selectors.groups_about(request.user, skill),
        "events": group_selectors.events_about(request.user, skill),
    }
    return render(request, "skill_detail.html", context)


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """Give pages without our layout (the admin) an icon instead of a 404."""
    return redirect(static("img/favicon.svg"), permanent=True)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database answers, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
