"""What home shows of stories (``sociable.home`` asks, through ``registry.home_panels``):
the newest from the people and series the person follows, then the newest featured (one
query)."""

from __future__ import annotations

from django.http import HttpRequest

from sociable.viewer import viewer_of

from . import selectors


def panel(request: HttpRequest, now) -> dict:
    stories = selectors.for_home(viewer_of(request), now)
    return {
        "home_stories": stories,
        "stories_followed": any(story.followed for story in stories),
    }
