"""Who is looking at a page: built once per request, the input to what they may see and to
the keys of what they share with others.

``request.viewer`` (``ViewerMiddleware``) wraps the signed-in account (or the anonymous
visitor) with what the audience rule asks of them: whether they are signed in, their
organisation, their ``audience_key`` (``sociable.audience``), and the facts the apps add
(``registry.viewer_facts``: the groups they belong to, the boards they moderate). Each
fact is found the first time it is asked for, once a request.

A shared part of a page (``sociable.parts``) declares which of these it varies on; its key
is made of them (``Viewer.key``) and of nothing else of the viewer's, so two people whose
facts agree are shown the same part, and two whose facts differ never are.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from . import audience, registry

#: Facts every viewer has without any app: what ``audience.audience_key`` names.
AUDIENCE = "audience"


class Viewer:
    """A person (or a visitor) looking at the site, and what they may see."""

    def __init__(self, user):
        self.user = user
        self._facts: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"<Viewer {self.pk or 'anonymous'} {self.audience_key}>"

    @cached_property
    def pk(self) -> int | None:
        return self.user.pk if self.signed_in else None

    @cached_property
    def signed_in(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_active)

    @cached_property
    def organisation_id(self) -> int | None:
        return getattr(self.user, "organisation_id", None) if self.signed_in else None

    @cached_property
    def audience_key(self) -> str:
        """What they see of things whose audience is never one group's members."""
        return audience.audience_key(self.user)

    def fact(self, name: str) -> Any:
        """A fact an app says of them (``registry.viewer_facts``), found once."""
        if name == AUDIENCE:
            return self.audience_key
        if name not in self._facts:
            self._facts[name] = registry.viewer_facts[name](self.user)
        return self._facts[name]

    def key(self, varies: tuple[str, ...]) -> str:
        """Name what they see of something that varies on the facts ``varies``: everyone
        with the same key sees it alike."""
        return ";".join(f"{name}={_text(self.fact(name))}" for name in varies)


def _text(value: Any) -> str:
    if isinstance(value, frozenset | set):
        return ",".join(sorted(map(str, value)))
    if isinstance(value, tuple | list):
        return ",".join(map(str, value))
    return "" if value is None else str(value)


def viewer_of(request: HttpRequest) -> Viewer:
    """The request's viewer (made here when no middleware made it: a test's request)."""
    viewer = getattr(request, "viewer", None)
    if viewer is None or viewer.user is not request.user:
        viewer = request.viewer = Viewer(request.user)
    return viewer


class ViewerMiddleware:
    """Give every request its ``viewer`` (after the authentication middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.viewer = Viewer(request.user)
        return self.get_response(request)
