"""The leak oracle: the page a viewer is served from a cache another viewer warmed must be
the very page they get from a cold cache, less what differs on every fetch.

It knows nothing of how pages are cached: it fetches pages over HTTP with Django's test
client and empties the shared pages' cache between fetches. So it holds whatever decides
what is shared (hand-picked keys today, declared shared parts tomorrow).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from django.core.cache import caches
from django.test import Client

from sociable.cache import PAGES

VISITOR = "visitor"  # nobody signed in

# What differs between two cold fetches of one page by one viewer, and so is no leak:
# - Django masks the CSRF token afresh for every page (BREACH), so each form's hidden token
#   differs on every fetch;
# - "just now" and "5 minutes ago" (the ``ago`` filter: the board list's latest activity)
#   change as the clock runs, between two fetches a minute apart.
# Nothing else does: there are no CSP nonces (the policy allows 'self' and no inline
# scripts), and the dates pages print are of things, not of the fetch. Every check fetches
# each viewer's cold page again and compares it with the first (``leaks``), which keeps this
# list honest: a new per-fetch difference fails as "not the same on two cold fetches".
NORMALISE = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")'), r"\1…\2"),
    (re.compile(r"\bjust now\b|\b\d+\xa0\w+(?:, \d+\xa0\w+)? ago\b"), "(some time ago)"),
]
MAX_DIFF_LINES = 40


class Viewers:
    """Fetch pages as the world's people, by name, or as a visitor with no cookies."""

    def __init__(self, people: Mapping[str, object]):
        self.people = people
        self.clients: dict[str, Client] = {}

    def client(self, name: str) -> Client:
        if name == VISITOR:
            return Client()  # a new visitor each time: no session, no CSRF cookie
        if name not in self.clients:
            self.clients[name] = Client()
            self.clients[name].force_login(self.people[name])
        return self.clients[name]

    def page(self, name: str, address: str) -> str:
        """The page at ``address`` as ``name`` is served it: status, where it redirects,
        and its body, with what differs on every fetch blanked out."""
        response = self.client(name).get(address)
        text = f"{response.status_code} {response.get('Location', '')}\n"
        text += response.content.decode()
        for pattern, replacement in NORMALISE:
            text = pattern.sub(replacement, text)
        return text


def _diff(expected: str, got: str, expected_name: str, got_name: str) -> str:
    def lines_of(page: str) -> list[str]:  # shown without indentation and blank lines
        return [line.strip()[:200] for line in page.splitlines() if line.strip()]

    lines = list(
        difflib.unified_diff(
            lines_of(expected), lines_of(got), expected_name, got_name, n=1, lineterm=""
        )
    )
    if len(lines) > MAX_DIFF_LINES:
        lines = [*lines[:MAX_DIFF_LINES], f"… and {len(lines) - MAX_DIFF_LINES} more lines"]
    return "\n".join(lines)


def leaks(
    viewers: Viewers, address: str, more: str, less: str, cold: dict[tuple[str, str], str]
) -> list[str]:
    """What ``more`` and ``less`` (who sees less of the page, with the same audience key)
    are served at ``address`` that differs from their own cold page, described with a diff.

    Each is fetched from an empty cache and then straight after the other warmed it. A
    viewer's cold page is the same in every test (each starts from the same data and an
    empty cache), so ``cold`` keeps the first one of each viewer and address, and every
    later cold fetch is checked against it: a page that differs on two cold fetches proves
    nothing, and ``NORMALISE`` needs a look.
    """
    caches[PAGES].clear()
    more_first = viewers.page(more, address)
    less_after_more = viewers.page(less, address)
    caches[PAGES].clear()
    less_first = viewers.page(less, address)
    more_after_less = viewers.page(more, address)

    found = []
    for name, fetched in ((more, more_first), (less, less_first)):
        kept = cold.setdefault((name, address), fetched)
        if fetched != kept:
            found.append(
                f"{address}: {name}'s page is not the same on two cold fetches\n"
                + _diff(kept, fetched, f"{name} cold", f"{name} cold again")
            )
    for name, other, served in ((less, more, less_after_more), (more, less, more_after_less)):
        if served != cold[name, address]:
            found.append(
                f"{address}: {name} is served something else after {other} warmed the cache\n"
                + _diff(cold[name, address], served, f"{name} cold", f"{name} after {other}")
            )
    return found
