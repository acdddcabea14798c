"""What home suggests of opportunities (``sociable.home`` asks, through
``registry.home_panels``): the few open ones that suit the person best, from the skills on
their profile (the viewer fact ``own_profile``, which the people panels read too). Someone
with no skills to learn, teach or use is asked to add some, and the database nothing."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from sociable.viewer import viewer_of

from . import selectors

ON_HOME = 3


def panel(request: HttpRequest, now) -> dict:
    viewer = viewer_of(request)
    learn, know = selectors.skills_of(viewer)
    return {
        "opportunities_for_you": selectors.for_you(viewer, timezone.localdate(now), ON_HOME),
        "has_opportunity_skills": bool(learn or know),
    }
