"""Values every page's layout needs."""

from functools import cache

from django.http import HttpRequest
from django.urls import NoReverseMatch

from sociable.links import reverse

# The header's navigation: (label, URL name), in order. A section appears once
# its app provides the page, so the header never links to a missing page.
SECTIONS = [
    ("People", "profiles:directory"),
    ("Skills", "profiles:skill-index"),
    ("Groups", "groups:group-list"),
    ("What’s on", "groups:whats-on"),
    ("Discussions", "forums:board-list"),
    ("Opportunities", "opportunities:list"),
    ("Stories", "stories:list"),
    ("Search", "search"),
]


@cache
def _available_sections() -> tuple[tuple[str, str], ...]:
    available = []
    for label, name in SECTIONS:
        try:
            available.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    return tuple(available)


def navigation(request: HttpRequest) -> dict:
    return {
        "nav_sections": [
            {"label": label, "href": href, "current": request.path.startswith(href)}
            for label, href in _available_sections()
        ],
    }
