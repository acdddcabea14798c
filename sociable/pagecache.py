"""Render once what many people see alike, and share it until content changes.

- Whole pages, for people who are not signed in: they all see the same thing, a page's
  public parts (``audience.shared_audience``). A view marked ``@cache_public_page``
  renders once for all of them. A signed-in person never reads or fills these pages, and
  a visitor with a session or a message waiting is served fresh.
- Parts of pages, for everyone with one audience key (``audience.audience_key``): the
  directory's results for the staff of one council, a page of a thread for everyone who
  may read it. ``shared_part`` renders the part once for all of them, except the
  people it shows something of their own; ``render_part`` renders it from what it is
  given alone, with marks where each viewer's own CSRF token goes. What only some of
  its viewers see is marked in it (``keep_marked``), and what is the viewer's own alone
  goes into slots left for it (``fill_slots``). ``shared_parts`` reads several parts of
  one page in one round trip.

Both live in the shared pages' cache (``CACHES["pages"]``: Redis or the database) until either:

- ``PAGE_CACHE_SECONDS`` pass (30 by default; 0 turns this off), or
- content changes: every write to a table that pages show (``sociable.content``: the
  database says which were written) starts a new *generation*, and nothing kept under an
  older one is served again: a queryset ``update()``, an admin bulk action and a moderator
  hiding a post all count, not only ``save()``.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.connection import ConnectionProxy
from django.utils.safestring import mark_safe

from .audience import shared_audience
from .cache import PAGES

# Never the default cache: that is the security store (sociable/cache.py).
cache = ConnectionProxy(caches, PAGES)
GENERATION_KEY = "pages:generation"
# Where a shared part's forms carry their CSRF token. A comment: what people write is
# escaped (``<`` becomes ``&lt;``) and Markdown's output is cleaned of comments, so no text
# of anyone's can turn into it.
CSRF_MARK = "<!--sociable:csrf-token-->"
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Last-Modified")


def cache_public_page(view):
    """Serve ``view`` to people who are not signed in from the shared page cache."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _may_share(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        kept, generation = _read(key)
        if kept is not None:
            return _response(kept)
        response = view(request, *args, **kwargs)
        if _may_keep(response):
            _keep(key, _entry(response), generation)
        return response

    return wrapper


@dataclass(frozen=True)
class Part:
    """A part of a page rendered to share (``render_part``).

    ``owners`` are the people it shows something of their own (a post's author sees how to
    edit it; a profile's owner sees all of it): it is never kept when rendered for one of
    them, and never served to one of them. ``facts`` are what the rest of the page needs to
    know of what the part shows (how many places are left), kept with it.
    """

    html: str
    owners: frozenset[int] = frozenset()
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Wanted:
    """A part of a page wanted from the cache (``shared_parts``).

    ``audience`` comes from ``audience.audience_key`` (or ``shared_audience``), or is None
    for a part that is the viewer's alone this time; it may be a function giving either,
    called only when the cache is on (it may cost a query). ``variant`` names what else the
    part depends on (a thread and page, a query string). ``render`` renders the part.
    """

    name: str
    audience: str | None | Callable[[], str | None]
    variant: str
    render: Callable[[], Part]


def shared_part(
    request: HttpRequest,
    name: str,
    audience: str | None,
    variant: str,
    render: Callable[[], Part],
) -> Part:
    """Return the part of a page ``name`` that everyone with ``audience`` sees alike."""
    return shared_parts(request, Wanted(name, audience, variant, render))[0]


def shared_parts(request: HttpRequest, *wanted: Wanted) -> list[Part]:
    """Return the parts of a page that everyone with their audiences sees alike.

    Kept ones are read in one round trip to the cache; the others are rendered, and kept
    for ``PAGE_CACHE_SECONDS`` and never past a change of content, as whole pages are. A
    part is never kept when rendered for one of its owners, nor served to one of them. The
    viewer's own CSRF token goes into the parts' forms on the way out.
    """
    viewer = request.user.pk
    cache_on = settings.PAGE_CACHE_SECONDS > 0
    keys = [_part_key(want) if cache_on else None for want in wanted]
    found = cache.get_many([GENERATION_KEY, *filter(None, keys)]) if any(keys) else {}
    generation = found.get(GENERATION_KEY)
    parts, new = [], {}
    for want, key in zip(wanted, keys, strict=True):
        kept = found.get(key) if key else None
        if kept and kept["generation"] == generation and viewer not in kept["value"].owners:
            part = kept["value"]
        else:
            part = want.render()
            if key and viewer not in part.owners:
                new[key] = {"generation": generation, "value": part}
        parts.append(_for_viewer(part, request))
    if new:
        cache.set_many(new, settings.PAGE_CACHE_SECONDS)
    return parts


def _part_key(wanted: Wanted) -> str | None:
    audience = wanted.audience() if callable(wanted.audience) else wanted.audience
    if audience is None:
        return None
    name = f"{wanted.name}\n{audience}\n{wanted.variant}"
    return "parts:" + hashlib.sha256(name.encode()).hexdigest()


def _for_viewer(part: Part, request: HttpRequest) -> Part:
    html = part.html
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, get_token(request))
    return replace(part, html=mark_safe(html))  # noqa: S308 - HTML rendered by render_part


def render_part(
    template_name: str,
    context: dict[str, Any],
    *,
    owners: Collection[int] = (),
    facts: dict[str, Any] | None = None,
) -> Part:
    """Render a part of a page to share between people: from ``context`` alone.

    No request and no context processors, so nothing of whoever happens to be signed in
    can slip into what others are shown; each form's CSRF token is a mark that
    ``shared_part`` fills in with the viewer's own.
    """
    token_mark = mark_safe(CSRF_MARK)  # noqa: S308 - a constant of ours
    html = render_to_string(template_name, {**context, "csrf_token": token_mark})
    return Part(str(html), frozenset(owners), facts or {})


def fill_slots(html: str, **pieces: str) -> str:
    """Put the viewer's own pieces of a page in a shared part's ``<!--sociable:slot:NAME-->``."""
    for name, piece in pieces.items():
        html = html.replace(f"<!--sociable:slot:{name}-->", str(piece))
    return mark_safe(html)  # noqa: S308 - shared HTML and pieces rendered for the viewer


# What a shared part shows only to some of its viewers ("New" beside the threads you have
# not read) sits between ``<!--sociable:NAME:KEY-->`` and ``<!--/sociable:NAME-->``.
def _marked(name: str) -> re.Pattern:
    return re.compile(
        rf"<!--sociable:{re.escape(name)}:(\w+)-->(.*?)<!--/sociable:{re.escape(name)}-->", re.S
    )


def marked_keys(html: str, name: str) -> list[str]:
    """The keys of what a shared part shows to some viewers only, marked ``name``."""
    return [found.group(1) for found in _marked(name).finditer(html)]


def keep_marked(html: str, name: str, keys: Collection[str]) -> str:
    """Keep what is marked ``name`` for ``keys`` and drop it for the others (and the marks)."""
    kept = {str(key) for key in keys}
    shown = _marked(name).sub(lambda m: m.group(2) if m.group(1) in kept else "", html)
    return mark_safe(shown)  # noqa: S308 - shared HTML, less some of it


def _read(key: str) -> tuple[Any, str | None]:
    """Return what is kept under ``key`` for the current generation (or None), and that
    generation: one round trip to the cache."""
    found = cache.get_many([GENERATION_KEY, key])
    generation, kept = found.get(GENERATION_KEY), found.get(key)
    if kept is not None and kept["generation"] == generation:
        return kept["value"], generation
    return None, generation


def _keep(key: str, value: Any, generation: str | None) -> None:
    """Keep ``value``, rendered under ``generation`` (read before rendering began)."""
    cache.set(key, {"generation": generation, "value": value}, settings.PAGE_CACHE_SECONDS)


def generation_key(table: str) -> str:
    """Where the generation of one content table is kept (``sociable.parts``)."""
    return f"{GENERATION_KEY}:{table}"


def content_changed(tables: Collection[str] | None = None) -> None:
    """Start a new generation for ``tables`` (every content table when None): nothing
    rendered from them before now is served again. Whole pages show every table: any
    change starts a new generation of them too."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return
    from .content import content_tables

    new = uuid.uuid4().hex
    changed = content_tables() if tables is None else tables
    cache.set_many({GENERATION_KEY: new, **{generation_key(t): new for t in changed}}, None)


def _may_share(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and shared_audience(request.user) is not None
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _may_keep(response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def _page_key(request: HttpRequest) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "pages:" + hashlib.sha256(address.encode()).hexdigest()


def _entry(response: HttpResponse) -> dict:
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    return {"headers": headers, "content": response.content}


def _response(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"].items():
        response[name] = value
    return response
