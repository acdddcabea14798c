"""Monday's suggestions: each person hears, once a week, of the opportunities published in
the last seven days that suit their skills and that they may see (``selectors.for_you``:
the same ranking and the same audience rule as the list's "for you").

The daily job (``tasks.suggest_this_week``) finds, on Mondays, the people a new one might
suit, in one query, and queues one task each; each task finds what suits that person and
tells them (a notification of its own kind, so it can be turned off alone), once a week
however often it is queued.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from sociable.viewer import Viewer

from . import notifications, selectors

SUGGEST_ON = 0  # Monday
NEW_FOR = timedelta(days=7)
AT_MOST = 5


def people_to_tell(now: datetime) -> list[int]:
    """On the day of the week suggestions go, the pks of the people a new opportunity might
    suit; on other days, nobody."""
    if timezone.localdate(now).weekday() != SUGGEST_ON:
        return []
    return selectors.people_suited(since=now - NEW_FOR)


def tell(person, now: datetime) -> int:
    """Tell ``person`` of the new opportunities that suit them (how many: none when nothing
    does, or they were told this week)."""
    found = selectors.for_you(
        Viewer.of(person), timezone.localdate(now), AT_MOST, since=now - NEW_FOR
    )
    if not found:
        return 0
    week = timezone.localdate(now).strftime("%G-W%V")
    return len(found) if notifications.suit_you(person, found, week=week) else 0
