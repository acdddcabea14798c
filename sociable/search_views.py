"""One search (``/search/?q=``): open to everyone, each finding only what they may see."""

from functools import partial

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from . import search as site_search
from .db import reads_from_replica
from .pagecache import SharedPart, cache_public_page, shared_parts

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
    return render(request, "search/search.html", {"q": q, "results": results})


def _everything(request: HttpRequest, q: str) -> site_search.Results:
    """Every section: each part rendered once for everyone who would find the same."""
    viewer = request.user
    people, groups = shared_parts(
        _part(
            "search-people",
            partial(site_search.people_audience, viewer, q),
            viewer,
            q,
            site_search.PROFILE_SECTIONS,
        ),
        _part(
            "search-groups",
            partial(site_search.groups_audience, viewer),
            viewer,
            q,
            site_search.GROUP_SECTIONS,
        ),
    )
    return site_search.results_of(q, people + groups)


def _part(name: str, audience, viewer, q: str, finders) -> SharedPart:
    render = partial(_rendered, viewer, q, finders)
    # Your own card, as others see it, is not what you are shown of it.
    usable = partial(_not_own_card, viewer)
    return SharedPart(name, audience, q, render, keep=_keep, restore=_restore, usable=usable)


def _not_own_card(viewer, sections: list[site_search.Section]) -> bool:
    return not site_search.shows_own_card(sections, viewer)


def _rendered(viewer, q: str, finders) -> tuple[list[site_search.Section], bool]:
    """The sections ``finders`` make, each rendered, and whether they may be shared."""
    sections = site_search.find_sections(viewer, q, finders)
    for section in sections:
        if section.total:
            context = {"section": section, "q": q}
            section.html = render_to_string("search/partials/_section.html", context)
    return sections, all(section.shareable for section in sections)


def _keep(sections: list[site_search.Section]) -> list[dict]:
    return [section.kept() for section in sections]


def _restore(kept: list[dict]) -> list[site_search.Section]:
    return [site_search.Section.from_kept(section) for section in kept]


def _section(request: HttpRequest, q: str, section: str) -> HttpResponse:
    """Every result of one section that has no search page of its own (skills, events)."""
    title, find = site_search.FULL_SECTIONS[section]
    page = Paginator(find(request.user, q), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "q": q,
        "section": section,
        "title": title,
        "page": page,
        "query_string": urlencode({"q": q, "section": section}),
    }
    return render(request, "search/section.html", context)
