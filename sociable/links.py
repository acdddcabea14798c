"""The address the site is reached at, for links that leave it."""

from __future__ import annotations

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
