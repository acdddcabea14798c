"""One search (``/search/?q=``): open to everyone, each finding only what they may see."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from . import search as site_search
from .db import reads_from_replica
from .pagecache import cache_public_page
from .paging import FoundPaginator

PER_PAGE = 20


@login_not_required
@cache_public_page
@require_GET
@reads_from_replica
def search(request: HttpRequest) -> HttpResponse:
    q = site_search.clean_query(request.GET.get("q"))
    section = request.GET.get("section", "")
    if q and (full := site_search.full_section(section)):
        return _section(request, q, section, *full)
    results = site_search.everything(request, q) if q else None
    context = {"q": q, "results": results}
    if results and not results.found:
        context["did_you_mean"] = site_search.spelled_like(request.viewer, q)
    return render(request, "search/search.html", context)


def _section(request: HttpRequest, q: str, section: str, title: str, find) -> HttpResponse:
    """Every result of one section that has no search page of its own (skills, events)."""
    page = FoundPaginator(find(request.viewer, q), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "q": q,
        "section": section,
        "title": title,
        "page": page,
        "query_string": urlencode({"q": q, "section": section}),
    }
    return render(request, "search/section.html", context)
