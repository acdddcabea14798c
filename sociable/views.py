"""Pages that belong to the site as a whole."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import legal
from .accounts.models import Organisation
from .cache import pages_cache_reachable
from .home import home_for
from .pagecache import cache_public_page


@login_not_required
@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    """Signed out: what Sociable is. Signed in: your events, threads, people and next step."""
    if request.user.is_authenticated:
        return render(request, "home.html", home_for(request))
    return render(
        request, "home.html", {"organisations": Organisation.objects.only("name", "kind")}
    )


@login_not_required
@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, in the model form of the 2018 regulations."""
    return render(request, "legal/accessibility.html", legal.facts(request))


@login_not_required
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice (UK GDPR articles 13 and 14)."""
    return render(request, "legal/privacy.html", legal.facts(request))


@login_not_required
@require_GET
def cookies(request: HttpRequest) -> HttpResponse:
    """Every cookie the site sets, by the names this deployment gives them."""
    return render(request, "legal/cookies.html", {"cookies": legal.cookies()})


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """Give pages without our layout (the admin) an icon instead of a 404."""
    return redirect(static("img/favicon.svg"), permanent=True)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Say whether this instance can serve: 503 only without its database (load balancers).

    Without the shared pages' cache (Redis) the site still serves every page and sign-in,
    more slowly: 200, "degraded", and which part is missing.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    if not pages_cache_reachable():
        return JsonResponse({"status": "degraded", "database": "ok", "cache": "unavailable"})
    return JsonResponse({"status": "ok", "database": "ok", "cache": "ok"})
