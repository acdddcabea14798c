"""What the home page shows of groups (``sociable.home`` asks, through
``registry.home_panels``): your next events, and suggestions you backed that came true."""

from __future__ import annotations

from django.http import HttpRequest

from . import selectors

NEXT_EVENTS = 5
CAME_TRUE = 5


def panel(request: HttpRequest, now) -> dict:
    user = request.viewer
    return {
        "next_events": selectors.next_events_for(user, limit=NEXT_EVENTS, now=now),
        "came_true": selectors.came_true_for(user, limit=CAME_TRUE),
    }
