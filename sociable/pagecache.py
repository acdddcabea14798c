"""Render once what many people see alike, and share it until content changes.

- Whole pages, for people who are not signed in: they all see the same thing, a page's
  public parts (``audience.shared_audience``). A view marked ``@cache_public_page``
  renders once for all of them. A signed-in person never reads or fills these pages, and
  a visitor with a session or a message waiting is served fresh.
- Parts of pages, for everyone with one audience key (``audience.audience_key``): the
  directory's results for the staff of one council, say. ``shared_fragment`` renders the
  part once for all of them, unless it shows the viewer something of their own;
  ``shared_parts`` reads several parts of one page in one round trip.

Both live in the shared cache (Redis or the database, as ``CACHES`` says) until either:

- ``PAGE_CACHE_SECONDS`` pass (30 by default; 0 turns this off), or
- content changes: every committed write to a table that pages show (``CONTENT_TABLES``)
  starts a new *generation*, and nothing kept under an older one is served again. Writes
  are seen at the database cursor, so a queryset ``update()``, an admin bulk action and a
  moderator hiding a post all count, not only ``save()``.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import mark_safe

from .audience import shared_audience

GENERATION_KEY = "pages:generation"
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Last-Modified")
# Tables whose rows public pages show. Not: reading positions, follows, notifications,
# sessions, the cache itself, tasks, the moderation log and other private bookkeeping.
CONTENT_TABLES = re.compile(
    r"(accounts_organisation|accounts_user|forums_(?!readmarker|subscription|moderationlog)\w+"
    r"|groups_(?!calendarfeed)\w+|profiles_\w+|taggit_\w+)$"
)
# A person's own bookkeeping on their account row (signing in, the bell's count) shows on no
# shared page: an update setting only that is not a change of content.
_BOOKKEEPING = re.compile(
    r'^\s*UPDATE "accounts_user" SET "(?:last_login|unread_notifications)" = (?:(?!" = ).)*? WHERE',
    re.S,
)
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE|COPY)\s+"?(\w+)"?', re.I)


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


def shared_fragment(
    name: str, audience: str, variant: str, render: Callable[[], tuple[str, bool]]
) -> str:
    """Return the part of a page ``name`` that everyone with ``audience`` sees alike.

    ``audience`` comes from ``audience.audience_key`` (or ``shared_audience``); ``variant``
    names what else the part depends on (a query string). ``render`` returns the HTML and
    whether it may be shared: a part showing the viewer something of their own may not.
    Kept for ``PAGE_CACHE_SECONDS`` and never past a change of content, as whole pages are.
    """
    part = SharedPart(name, audience, variant, render, keep=str, restore=_safe)
    return shared_parts(part)[0]


def _safe(html: str) -> str:
    return mark_safe(html)  # noqa: S308 - HTML this module rendered and kept


@dataclass(frozen=True)
class SharedPart:
    """A part of a page that everyone with one audience sees alike (see ``shared_parts``).

    ``audience`` names who sees it alike (``audience.audience_key`` and the like), or is a
    function returning that name, called only when the cache is on (it may cost a query).
    None: this viewer's own, rendered for them and never read or kept. ``variant`` names
    what else the part depends on (the words searched for). ``render`` returns the part and
    whether it may be shared (not when it shows the viewer something of their own).
    ``keep`` turns it into plain data to keep (str, numbers, lists, dicts), ``restore`` that
    back into what ``render`` returns. ``usable`` says whether a kept part may be served to
    this viewer: not one that shows them something of their own as others see it.
    """

    name: str
    audience: str | None | Callable[[], str | None]
    variant: str
    render: Callable[[], tuple[Any, bool]]
    keep: Callable[[Any], Any] = lambda value: value
    restore: Callable[[Any], Any] = lambda kept: kept
    usable: Callable[[Any], bool] = lambda value: True


def shared_parts(*parts: SharedPart) -> list[Any]:
    """Return each of ``parts``: kept ones read in one round trip to the cache, the rest
    rendered (and kept, when shareable) for ``PAGE_CACHE_SECONDS`` and never past a change
    of content, as whole pages are."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return [part.render()[0] for part in parts]
    keys = [_part_key(part) for part in parts]
    found = cache.get_many([GENERATION_KEY, *(key for key in keys if key)])
    generation = found.get(GENERATION_KEY)
    values, new = [], {}
    for part, key in zip(parts, keys, strict=True):
        kept = found.get(key) if key else None
        if kept is not None and kept["generation"] == generation:
            value = part.restore(kept["value"])
            if part.usable(value):
                values.append(value)
                continue
        value, shareable = part.render()
        if key and shareable:
            new[key] = {"generation": generation, "value": part.keep(value)}
        values.append(value)
    if new:
        cache.set_many(new, settings.PAGE_CACHE_SECONDS)
    return values


def _part_key(part: SharedPart) -> str | None:
    audience = part.audience() if callable(part.audience) else part.audience
    if audience is None:
        return None
    name = f"{part.name}\n{audience}\n{part.variant}"
    return "parts:" + hashlib.sha256(name.encode()).hexdigest()


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


def content_changed() -> None:
    """Start a new generation: no page rendered before now is served again."""
    if settings.PAGE_CACHE_SECONDS > 0:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


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


# --- seeing content change ----------------------------------------------------------------


def _watch_writes(execute, sql, params, many, context):
    """Start a new generation when the transaction writing a content table commits."""
    result = execute(sql, params, many, context)  # first: outside a transaction, the
    written = _WRITE.match(sql) if isinstance(sql, str) else None  # callback runs at once
    if written and CONTENT_TABLES.match(written.group(1)) and not _BOOKKEEPING.match(sql):
        connection = context["connection"]
        if not any(callback is content_changed for _, callback, _ in connection.run_on_commit):
            connection.on_commit(content_changed, robust=True)
    return result


def _watch(sender, connection, **kwargs) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def watch_content_writes() -> None:
    """Watch every database connection, open or to come (called once, at start-up)."""
    connection_created.connect(_watch, dispatch_uid="sociable.pagecache")
    for connection in connections.all(initialized_only=True):
        _watch(None, connection)
