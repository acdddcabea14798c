"""One search (``/search/?q=``): open to everyone, each finding only what they may see."""

from functools import partial

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from profiles import selectors as profile_selectors

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
    if q and section in site_search.FULL_SECTIONS:
        return _section(request, q, section)
    results = _everything(request, q) if q else None
    context = {"q": q, "results": results}
    if results and not results.found:
        context["did_you_mean"] = [
            skill.name for skill in profile_selectors.spelled_like(request.user, q)
        ]
    return render(request, "search/search.html", context)


def _everything(request: HttpRequest, q: str) -> site_search.Results:
    """Every section: each half rendered once for everyone who would find the same."""
    viewer = request.user
    found: dict[str, list[site_search.Section]] = {}  # halves found now, results and all

    def half(name: str, finders) -> Part:
        found[name] = site_search.find_sections(viewer, q, finders)
        return _rendered(q, found[name])

    parts = shared_parts(
        request,
        Wanted(
            "search-people",
            partial(site_search.people_audience, viewer, q),
            q,
            partial(half, "search-people", site_search.PROFILE_SECTIONS),
        ),
        Wanted(
            "search-groups",
            partial(site_search.groups_audience, viewer),
            q,
            partial(half, "search-groups", site_search.GROUP_SECTIONS),
        ),
    )
    sections = []
    for name, part in zip(("search-people", "search-groups"), parts, strict=True):
        kept = [site_search.Section.from_kept(section) for section in part.facts["sections"]]
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


def _section(request: HttpRequest, q: str, section: str) -> HttpResponse:
    """Every result of one section that has no search page of its own (skills, events)."""
    title, find = site_search.FULL_SECTIONS[section]
    page = RankedPaginator(find(request.user, q), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "q": q,
        "section": section,
        "title": title,
        "page": page,
        "query_string": urlencode({"q": q, "section": section}),
    }
    return render(request, "search/section.html", context)
