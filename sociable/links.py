"""Addresses: the one the site is reached at, for links that leave it, and those inside it
(``reverse``, which the ``{% url %}`` tag uses too)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django import urls
from django.conf import settings
from django.http import HttpRequest


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


# --- addresses inside the site --------------------------------------------------------------

#: How many addresses each process keeps resolved (a few hundred bytes each).
KEPT = 20_000
_KEPT_ARGUMENT = (str, int)


def reverse(viewname: str, args=None, kwargs=None, current_app: str | None = None) -> str:
    """``django.urls.reverse``, each address resolved once a process.

    Kept by everything the address depends on: the script prefix (read on every call, so a
    site served under /sociable/ links there whichever request came first), the URLconf,
    the view's name and its arguments. Only addresses with plain arguments (text, numbers)
    are kept; any other is resolved each time. A home page links to about 30 addresses;
    Django resolves each in about 30 microseconds, and this finds one kept in about 2
    (docs/decisions/0018).
    """
    args = tuple(args or ())
    kwargs = tuple(sorted((kwargs or {}).items()))
    values = (*args, *(value for _, value in kwargs))
    if not all(type(value) in _KEPT_ARGUMENT for value in values):
        return urls.reverse(viewname, args=args, kwargs=dict(kwargs), current_app=current_app)
    return _resolved(
        viewname, args, kwargs, current_app, urls.get_urlconf(), urls.get_script_prefix()
    )


@lru_cache(maxsize=KEPT)
def _resolved(viewname, args, kwargs, current_app, urlconf, prefix) -> str:
    # ``prefix`` is the script prefix now in force: Django's reverse reads it itself.
    return urls.reverse(
        viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


# Stands for a pk in an address resolved once for many pks (``by_pk``): sixteen digits that
# no address of ours holds.
_PK_MARK = 7_070_707_070_707_070


def by_pk(viewname: str) -> Callable[[int], str]:
    """The addresses of ``viewname``, whose one argument is a pk, as a function of the pk:
    resolved once (with a mark where the pk goes, then kept as ``reverse`` keeps it), so a
    page of fifty posts, each with six addresses, is not three hundred resolutions of pks
    never seen before (30 microseconds each)."""
    address = reverse(viewname, args=[_PK_MARK])
    mark = str(_PK_MARK)
    return lambda pk: address.replace(mark, str(int(pk)))
