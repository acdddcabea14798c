"""One search (``/search/?q=``): open to everyone, each finding only what they may see."""

from functools import partial

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from . import search as site_search
from .db import reads_from_replica
from .pagecache import Part, Wanted, cache_public_page, shared_parts
from .paging import RankedPaginator

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
    results = _everything(request, q) if q else None
    context = {"q": q, "results": results}
    if results and not results.found:
        context["did_you_mean"] = site_search.spelled_like(request.user, q)
    return render(request, "search/search.html", context)


def _everything(request: HttpRequest, q: str) -> site_search.Results:
    """Every section: each part rendered once for everyone who would find the same."""
    viewer = request.user
    found: dict[str, list[site_search.Section]] = {}  # parts found now, results and all

    def part(name: str, sections) -> Part:
        found[name] = site_search.find_sections(viewer, q, sections)
        return _rendered(q, found[name])

    wanted = site_search.parts()
    parts = shared_parts(
        request,
        *(
            Wanted(
                name,
                partial(site_search.audience, name, viewer, q),
                q,
                partial(part, name, sections),
            )
            for name, sections in wanted.items()
        ),
    )
    sections = []
    for name, kept_part in zip(wanted, parts, strict=True):
        kept = [site_search.Section.from_kept(section) for section in kept_part.facts["sections"]]
        sections += found.get(name, kept)
    return site_search.results_of(q, sections)


def _rendered(q: str, sections: list[site_search.Section]) -> Part:
    """``sections`` each rendered, as a part owned by the people whose cards they show."""
    for section in sections:
        if section.total:
            context = {"section": section, "q": q}
            section.html = render_to_string("search/partials/_section.html", context)
    owners = {person for section in sections for person in section.people}
    return Part("", frozenset(owners), {"sections": [section.kept() for section in sections]})


def _section(request: HttpRequest, q: str, section: str, title: str, find) -> HttpResponse:
    """Every result of one section that has no search page of its own (skills, events)."""
    page = RankedPaginator(find(request.user, q), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "q": q,
        "section": section,
        "title": title,
        "page": page,
        "query_string": urlencode({"q": q, "section": section}),
    }
    return render(request, "search/section.html", context)
