"""Render once what many people see alike, and share it until content changes.

- Whole pages, for people who are not signed in: they all see the same thing, a page's
  public parts (``audience.shared_audience``). A view marked ``@cache_public_page``
  renders once for all of them. A signed-in person never reads or fills these pages, and
  a visitor with a session or a message waiting is served fresh.
- Parts of pages, for everyone alike in what the part varies on: the directory's results
  for the staff of one council, a page of a thread for everyone who may read it. Each part
  is declared where it is made (``sociable.parts``); this module keeps them.

Both live in the shared pages' cache (``CACHES["pages"]``: Redis or the database) until either:

- ``PAGE_CACHE_SECONDS`` pass (30 by default; 0 turns this off), or
- content changes: every write to a table that pages show (``sociable.content``: the
  database says which were written) starts a new *generation*, and nothing kept under an
  older one is served again: a queryset ``update()``, an admin bulk action and a moderator
  hiding a post all count, not only ``save()``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils.connection import ConnectionProxy

from .audience import shared_audience
from .cache import PAGES
from .viewer import viewer_of

# Never the default cache: that is the security store (sociable/cache.py).
cache = ConnectionProxy(caches, PAGES)
GENERATION_KEY = "pages:generation"
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


def generation_key(app: str) -> str:
    """Where the generation of one app's content is kept (``sociable.parts``)."""
    return f"{GENERATION_KEY}:{app}"


def content_changed(tables: Collection[str] | None = None) -> None:
    """Start a new generation for the apps whose content ``tables`` hold (every app's when
    None): nothing rendered from them before now is served again. Whole pages show every
    app's content: any change starts a new generation of them too."""
    if settings.PAGE_CACHE_SECONDS <= 0:
        return
    from .content import apps_written

    new = uuid.uuid4().hex
    changed = apps_written(tables)
    cache.set_many({GENERATION_KEY: new, **{generation_key(a): new for a in changed}}, None)


def _may_share(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and shared_audience(viewer_of(request)) is not None
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
