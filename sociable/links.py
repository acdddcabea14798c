"""Addresses of pages, built from each address's pattern.

``reverse`` searches the URLconf for every link it makes: about 30 microseconds, and a page
of 50 posts or 12 people and 8 threads makes dozens. ``link`` resolves each pattern once per
process and fills in the arguments, quoted as ``reverse`` quotes them, so it gives the same
address. For addresses whose arguments are keys, slugs and usernames: it does not check
them against the pattern's converters as ``reverse`` does.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

# Numbers no real argument equals, in any resolved pattern: they match every converter the
# URLconf uses (int, slug, str).
_MARKS = ("987654321", "987654322", "987654323")
# What ``reverse`` leaves unquoted in a path (django.urls.resolvers: RFC 3986 sub-delimiters
# and "/~:@").
_SAFE = "!$&'()*+,;=/~:@"


@cache
def _pieces(name: str, count: int) -> tuple[str, ...]:
    """The text of the address ``name`` before, between and after its ``count`` arguments."""
    rest = reverse(name, args=_MARKS[:count])
    pieces = []
    for mark in _MARKS[:count]:
        before, found, rest = rest.partition(mark)
        if not found:
            raise ValueError(f"{name}: an argument is not in the address as given")
        pieces.append(before)
    return (*pieces, rest)


def link(name: str, *args) -> str:
    """The address of the page ``name`` for ``args``, as ``reverse(name, args=args)``."""
    pieces = _pieces(name, len(args))
    parts = [pieces[0]]
    for arg, after in zip(args, pieces[1:], strict=True):
        parts += (quote(str(arg), safe=_SAFE), after)
    return "".join(parts)


def site_address(request: HttpRequest | None = None) -> str:
    """The address the site is reached at, with no trailing slash, for links that leave it
    (calendar files, emails).

    During a request, the address that request was made to: its host is one of
    ``ALLOWED_HOSTS`` (Django refuses any other with a 400) and its scheme is the one the
    visitor used, so a demo served on another port links to that port. Without a request
    (the background worker sending emails), ``SOCIABLE_SITE_URL``: ``SITE_URL`` in the
    environment, which ``make demo`` sets from its HOST and PORT.
    """
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.SOCIABLE_SITE_URL.rstrip("/")
