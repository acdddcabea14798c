"""What home suggests of opportunities (``sociable.home`` asks, through
``registry.home_panels``): the few open ones that suit the person best, from the skills on
their profile (the viewer fact ``own_profile``, which the people panels read too). Someone
with no skills to learn, teach or use is asked to add some, and the database nothing."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from profiles.models import ProfileSkill
from sociable.viewer import viewer_of

from . import selectors

ON_HOME = 3

Relation = ProfileSkill.Relation


def panel(request: HttpRequest, now) -> dict:
    viewer = viewer_of(request)
    profile = viewer.fact("own_profile")
    rows = profile.own_skills if profile is not None else []
    learn = [row["skill"] for row in rows if row["relation"] == Relation.LEARN]
    know = [row["skill"] for row in rows if row["relation"] in (Relation.TEACH, Relation.HAS)]
    today = timezone.localdate(now)
    return {
        "opportunities_for_you": selectors.for_you(viewer, today, ON_HOME, skills=(learn, know)),
        "has_opportunity_skills": bool(learn or know),
    }
