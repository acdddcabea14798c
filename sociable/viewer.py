"""Who is looking at a page: built once per request, the input to what they may see and to
the keys of what they share with others.

``request.viewer`` (``ViewerMiddleware``) wraps the signed-in account (or the anonymous
visitor) with what the audience rule asks of them: whether they are signed in, their
organisation, their ``audience_key`` (``sociable.audience``), and the facts the apps add
(``registry.viewer_facts``: the groups they belong to, the boards they moderate). Each
fact is found the first time it is asked for, once a request. A fact an app gives as SQL
(``SQLFact``) is read with every other such fact in one query, the first time any of them
is asked for: a page that asks for two (a search, by their groups and by the skills they
hold unseen) pays one query for both.

A shared part of a page (``sociable.parts``) declares which of these it varies on; its key
is made of them (``Viewer.key``) and of nothing else of the viewer's, so two people whose
facts agree are shown the same part, and two whose facts differ never are.

The viewer is also the only input to what someone may see: views and parts pass it to
selectors, permissions and the audience rule, which read of it what they read of an
account (``pk``, ``is_authenticated``, ``is_active``, ``organisation_id``, ``is_staff``,
``is_superuser``), and query by ``pk``, never by the account object. Writes (who posted,
who joined) take the account, ``request.user``. Outside a request (a task, an email),
``Viewer.of(account)`` makes one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.http import HttpRequest

from . import audience, registry
from .db import DEFAULT, REPLICA, use_replica
from .queries import fetch

#: Facts every viewer has without any app: what ``audience.audience_key`` names.
AUDIENCE = "audience"


@dataclass(frozen=True)
class SQLFact:
    """A viewer fact an app reads in SQL (registered in ``registry.viewer_facts`` as this,
    not as a function): ``sql`` a query of one row and one column, its placeholders filled
    by ``params(viewer)``, whose value ``read(viewer, value)`` turns into the fact; nobody
    signed in has ``nobody``, with no query. Every such fact is read in one query."""

    sql: str
    params: Callable[[Viewer], list]
    read: Callable[[Viewer, Any], Any]
    nobody: Any


class Viewer:
    """A person (or a visitor) looking at the site, and what they may see."""

    def __init__(self, user):
        self.user = user
        self._facts: dict[str, Any] = {}

    @classmethod
    def of(cls, who) -> Viewer:
        """``who`` as a viewer: a viewer as it is, an account (or None, nobody) wrapped."""
        if isinstance(who, Viewer):
            return who
        if who is None:
            from django.contrib.auth.models import AnonymousUser

            who = AnonymousUser()
        return cls(who)

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

    # What the audience rule and permissions read of an account, read the same way of a
    # viewer. A closed account counts as nobody signed in.
    @property
    def id(self) -> int | None:
        return self.pk

    @property
    def is_authenticated(self) -> bool:
        return self.signed_in

    @property
    def is_active(self) -> bool:
        return self.signed_in

    @property
    def is_anonymous(self) -> bool:
        return not self.signed_in

    @cached_property
    def is_staff(self) -> bool:
        """Staff status (the admin's roles): moderators and administrators have it."""
        return self.signed_in and bool(getattr(self.user, "is_staff", False))

    @cached_property
    def is_superuser(self) -> bool:
        return self.signed_in and bool(getattr(self.user, "is_superuser", False))

    @property
    def username(self) -> str:
        return self.user.get_username() if self.signed_in else ""

    @cached_property
    def audience_key(self) -> str:
        """What they see of things whose audience is never one group's members."""
        return audience.audience_key(self.user)

    def fact(self, name: str) -> Any:
        """A fact an app says of them (``registry.viewer_facts``), found once."""
        if name == AUDIENCE:
            return self.audience_key
        if name not in self._facts:
            found = registry.viewer_facts[name]
            if isinstance(found, SQLFact):
                self._read_sql_facts()
            else:
                self._facts[name] = found(self)
        return self._facts[name]

    def _read_sql_facts(self) -> None:
        """Every fact given as SQL and not yet found, in one query (none signed out)."""
        wanted = [
            (name, fact)
            for name, fact in registry.viewer_facts.items()
            if isinstance(fact, SQLFact) and name not in self._facts
        ]
        if not self.signed_in:
            for name, fact in wanted:
                self._facts[name] = fact.nobody
            return
        sql = "SELECT " + ", ".join(f"({fact.sql})" for _, fact in wanted)
        params = [value for _, fact in wanted for value in fact.params(self)]
        # Read where the page's other reads go (a replica, in a replica_reads() block).
        using = REPLICA if use_replica() else DEFAULT
        values = fetch(sql, params, prepare=True, using=using)[0]
        for (name, fact), value in zip(wanted, values, strict=True):
            self._facts[name] = fact.read(self, value)

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
