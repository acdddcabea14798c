"""Opportunities posted in bulk or one at a time, for the tests."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from opportunities import services
from opportunities.models import Opportunity


def post(poster, *, publish=True, needs=(), teaches=(), **fields) -> Opportunity:
    """``poster`` offers an opportunity (published unless told not to)."""
    today = timezone.localdate()
    fields.setdefault("kind", "loan")
    fields.setdefault("title", "Help the digital team test the new bins form")
    fields.setdefault("description", "Two days a week for a month: **user research**.")
    fields.setdefault("closes_on", today + timedelta(days=14))
    fields.setdefault("audience", "staff")
    fields.setdefault("places", 1)
    fields.setdefault("hours_a_week", 14)
    return services.save(poster=poster, needs=needs, teaches=teaches, publish=publish, **fields)
