"""What the home page shows of the forums (``sociable.home`` asks, through
``registry.home_panels``): new threads where you follow."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest

from . import selectors

NEW_THREADS_SINCE = timedelta(days=14)
NEW_THREADS = 8


def panel(request: HttpRequest, now) -> dict:
    return {
        "new_threads": selectors.new_threads_followed(
            request.viewer, since=now - NEW_THREADS_SINCE, limit=NEW_THREADS
        ),
        "new_threads_days": NEW_THREADS_SINCE.days,
    }
