"""Pages that belong to the site as a whole."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .accounts.models import Organisation


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.only("name", "kind")
    return render(request, "home.html", {"organisations": organisations})


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
