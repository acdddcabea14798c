"""Parts of pages shared between the people who see them alike, declared where they are made.

A shared part is a function below a view that renders one part of a page, decorated with
what the part varies on and which content ends it::

    @shared(varies=("audience",), ends_on=("forums", "profiles", "accounts"))
    def thread_posts(viewer, thread, page: int, moderator: bool) -> Part:
        posts = selectors.page_of_posts(thread, viewer, moderator=moderator, page=page)
        return render_part("forums/partials/_thread_posts.html", {...}, owners={...})

and the view calls it with the request and the same arguments::

    posts = thread_posts(request, thread, page.number, moderator)

The part is kept in the shared pages' cache (``sociable.pagecache``) under its name, the
viewer's facts it varies on (``Viewer.key``: their audience key, their groups, the boards
they moderate) and its arguments (a model instance by its pk), and served to everyone
whose key is the same, until ``PAGE_CACHE_SECONDS`` pass or content of an app of ``ends_on``
(``sociable.content``: one generation an app) is written. Nothing else of the viewer's goes
into the key, so the function must read nothing else of them; the leak suite
(``tests/leaks``) renders every shared part for viewers who differ only in what it does not
vary on, and fails when they see a difference.

Three rules keep a viewer's own things out of what others are served:

- A part's ``owners`` (the people it shows something of their own: a post's author sees how
  to edit it, a profile's owner sees all of it) are never served the kept part, and a part
  rendered for one of them is never kept.
- ``private(viewer, *args)``, when declared and true, renders the part for the viewer alone
  (their own post waiting for a moderator is on the page).
- What is the viewer's own goes in after: a ``{% slot %}`` filled with something rendered
  for them (``Part.fill``), or what is marked ``{% shown_to %}`` kept for some keys only
  (``Part.keep``: "New" beside the threads they have not read).

The part is rendered from its context alone (``render_part``): no request, no context
processors, and each form's CSRF token is a mark filled with the viewer's own on the way out.

Access comes first: a view checks that the viewer may see the thread, group or profile (404
otherwise) before it asks for a part of its page.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, update_wrapper
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from . import content, registry
from .pagecache import cache, generation_key
from .viewer import Viewer, viewer_of

# Where a shared part's forms carry their CSRF token. A comment: what people write is
# escaped (``<`` becomes ``&lt;``) and Markdown's output is cleaned of comments, so no text
# of anyone's can turn into it.
CSRF_MARK = "<!--sociable:csrf-token-->"

shared_parts = registry.NamedRegistry("shared parts")


@dataclass(frozen=True)
class Part:
    """A rendered part of a page: its HTML, the people it shows something of their own
    (``owners``) and what the rest of the page needs to know of it (``facts``: how many
    places are left)."""

    html: str
    owners: frozenset[int] = frozenset()
    facts: dict[str, Any] = field(default_factory=dict)

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def keys(self, name: str) -> list[str]:
        """The keys of what is marked ``{% shown_to name key %}`` in the part."""
        return [found.group(1) for found in _marked(name).finditer(self.html)]

    def keep(self, name: str, keys: Collection) -> Part:
        """Keep what is marked ``{% shown_to name key %}`` for ``keys``, drop it for others."""
        kept = {str(key) for key in keys}
        html = _marked(name).sub(lambda m: m.group(2) if m.group(1) in kept else "", self.html)
        return replace(self, html=mark_safe(html))  # noqa: S308 - our HTML, less some of it

    def fill(self, **pieces: str) -> Part:
        """Put pieces rendered for the viewer in the part's ``{% slot name %}``s."""
        html = self.html
        for name, piece in pieces.items():
            html = html.replace(slot_mark(name), str(piece))
        return replace(self, html=mark_safe(html))  # noqa: S308 - our HTML and pieces


def slot_mark(name: str) -> str:
    return f"<!--sociable:slot:{name}-->"


def shown_to_marks(name: str, key: Any) -> tuple[str, str]:
    return f"<!--sociable:{name}:{key}-->", f"<!--/sociable:{name}-->"


def _marked(name: str) -> re.Pattern:
    start, end = (re.escape(mark) for mark in shown_to_marks(name, "KEY"))
    return re.compile(start.replace("KEY", r"(\w+)") + "(.*?)" + end, re.S)


def render_part(
    template_name: str,
    context: dict[str, Any],
    *,
    owners: Collection[int] = (),
    facts: dict[str, Any] | None = None,
) -> Part:
    """Render a part of a page to share: from ``context`` alone (no request, no context
    processors), each form's CSRF token a mark filled in for each viewer."""
    token_mark = mark_safe(CSRF_MARK)  # noqa: S308 - a constant of ours
    html = render_to_string(template_name, {**context, "csrf_token": token_mark})
    return Part(str(html), frozenset(owners), facts or {})


class SharedPart:
    """A function rendering a part of a page, shared as declared (``@shared``)."""

    def __init__(
        self,
        render: Callable[..., Part],
        *,
        name: str,
        varies: tuple[str, ...],
        ends_on: tuple[str, ...],
        private: Callable[..., bool] | None,
        batch: bool = False,
    ):
        self.render = render
        self.batch = batch
        self.name = name
        self.varies = varies
        self.ends_on = ends_on
        self.private = private
        update_wrapper(self, render)

    def __repr__(self) -> str:
        return f"<SharedPart {self.name} varies on {', '.join(self.varies) or 'nothing'}>"

    def render_all(self, viewer: Viewer, calls, positions: list[int]) -> list[Part]:
        """Render the part for the ``calls`` at ``positions``: in one call of the function
        when it is declared ``batch`` (it reads what they show in one query)."""
        wanted = [calls[at][1:] for at in positions]
        if self.batch:
            return self.render(viewer, wanted)
        return [self.render(viewer, *args, **kwargs) for args, kwargs in wanted]

    @cached_property
    def apps(self) -> tuple[str, ...]:
        """The apps whose content ends the part (a generation each)."""
        return content.apps_of(*self.ends_on)

    def __call__(self, request: HttpRequest, *args, **kwargs) -> Part:
        """The part for the request's viewer: kept, or rendered (and kept)."""
        return self.many(request, [(args, kwargs)])[0]

    def many(self, request: HttpRequest, calls: Sequence[tuple[tuple, dict]]) -> list[Part]:
        """The part for each of ``calls`` (arguments, keyword arguments), the kept ones read
        from the cache in one round trip."""
        return read_parts(request, [(self, args, kwargs) for args, kwargs in calls])

    def _key(self, viewer: Viewer, args: tuple, kwargs: dict) -> str | None:
        if settings.PAGE_CACHE_SECONDS <= 0:
            return None
        if self.private is not None and self.private(viewer, *args, **kwargs):
            return None
        named = [self.name, viewer.key(self.varies), *map(_argument, args)]
        named += [f"{name}={_argument(value)}" for name, value in sorted(kwargs.items())]
        return "parts:" + hashlib.sha256("\n".join(named).encode()).hexdigest()


def read_parts(request: HttpRequest, calls: Sequence[tuple[SharedPart, tuple, dict]]) -> list[Part]:
    """Several shared parts of a page for the request's viewer (each a part, its arguments
    and keyword arguments): the kept ones read from the cache in one round trip, the others
    rendered and kept together in one more."""
    viewer = viewer_of(request)
    keys = [part._key(viewer, args, kwargs) for part, args, kwargs in calls]
    ends = {app for (part, _, _), key in zip(calls, keys, strict=True) if key for app in part.apps}
    kept, generations = _read(ends, [key for key in keys if key])
    parts: list[Part | None] = []
    missing: dict[SharedPart, list[int]] = {}  # what each part must render, by position
    for at, ((shared_part, _, _), key) in enumerate(zip(calls, keys, strict=True)):
        found = kept.get(key) if key else None
        if (
            found is not None
            and found["generations"] == _own(shared_part, generations)
            and viewer.pk not in found["value"].owners
        ):
            parts.append(found["value"])
        else:
            parts.append(None)
            missing.setdefault(shared_part, []).append(at)
    new = {}
    for shared_part, positions in missing.items():
        for at, part in zip(
            positions, shared_part.render_all(viewer, calls, positions), strict=True
        ):
            parts[at] = part
            if keys[at] and viewer.pk not in part.owners:
                own = _own(shared_part, generations)
                new[keys[at]] = {"generations": own, "value": part}
    if new:
        cache.set_many(new, settings.PAGE_CACHE_SECONDS)
    return [_for_viewer(part, request) for part in parts]


def each_part(request: HttpRequest, functions: Sequence[Callable], *args) -> list:
    """Each of ``functions`` (a page's sections, some of them other apps', from a registry)
    called with the request and ``args``: the shared parts among them read from the cache
    in one round trip and the ones rendered kept in one more (``read_parts``), any other
    called as it is."""
    found = iter(
        read_parts(request, [(f, args, {}) for f in functions if isinstance(f, SharedPart)])
    )
    return [next(found) if isinstance(f, SharedPart) else f(request, *args) for f in functions]


def _own(shared_part: SharedPart, generations: dict[str, str]) -> dict[str, str]:
    return {app: generations[app] for app in shared_part.apps}


def shared(
    *,
    varies: tuple[str, ...],
    ends_on: tuple[str, ...],
    private: Callable[..., bool] | None = None,
    batch: bool = False,
    name: str | None = None,
) -> Callable[[Callable[..., Part]], SharedPart]:
    """Declare a function ``render(viewer, *args, **kwargs) -> Part`` a shared part of a
    page: the same for every viewer alike in ``varies`` (facts of ``sociable.viewer``; ()
    for a part everyone sees alike), until content of an app of ``ends_on`` is written.

    ``batch``: the function renders several at once, ``render(viewer, calls) -> [Part]``
    for a list of (arguments, keyword arguments), and is called once for all of a page's
    parts not kept (people's cards: one query for them all)."""

    def declare(render: Callable[..., Part]) -> SharedPart:
        part = SharedPart(
            render,
            name=name or f"{render.__module__}.{render.__qualname__}",
            varies=tuple(varies),
            ends_on=tuple(ends_on),
            private=private,
            batch=batch,
        )
        return shared_parts.add(part.name, part)

    return declare


def _argument(value: Any) -> str:
    """A part's argument as it goes into its key: a model instance by its pk alone (so a
    part must not read what a view annotated on it for the viewer)."""
    if isinstance(value, Model):
        return f"{value._meta.label}:{value.pk}"
    if value is None or isinstance(value, bool | int | str):
        return repr(value)
    if isinstance(value, tuple | list):
        return "(" + ",".join(map(_argument, value)) + ")"
    if isinstance(value, frozenset | set):
        return "{" + ",".join(sorted(map(_argument, value))) + "}"
    raise TypeError(
        f"a shared part's argument must be a model, a plain value or a tuple: {value!r}"
    )


def _read(ends: set[str], keys: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """What is kept under ``keys``, and the generation of each app's content in ``ends``
    (read before anything is rendered): one round trip to the cache."""
    if not keys:
        return {}, {}
    generation_keys = {generation_key(app): app for app in ends}
    kept = cache.get_many([*generation_keys, *keys])
    missing = {key: uuid.uuid4().hex for key in generation_keys if kept.get(key) is None}
    if missing:  # the cache was emptied: a new generation from now, with nothing kept in it
        cache.set_many(missing, None)
        kept |= missing
    return kept, {app: kept[key] for key, app in generation_keys.items()}


def _for_viewer(part: Part, request: HttpRequest) -> Part:
    html = part.html
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, get_token(request))
    return replace(part, html=SafeString(html))
