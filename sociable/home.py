"""What the home page shows a signed-in person: one read from each app, in a fixed number of
queries however much there is.

Everything goes through each app's selectors, so the audience rule decides what is shown:
events of groups you can see, threads on boards you can see, the parts of people's
profiles you may see.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from forums import selectors as forum_selectors
from groups import selectors as group_selectors
from profiles import selectors as profile_selectors
from profiles.completeness import completeness
from profiles.models import ProfileSkill
from profiles.visibility import view_profile

NEW_THREADS_SINCE = timedelta(days=14)
NEW_PEOPLE_SINCE = timedelta(days=30)
NEXT_EVENTS = 5
NEW_THREADS = 8
NEW_PEOPLE = 6
MATCHES = 3
CAME_TRUE = 5

Relation = ProfileSkill.Relation


def home_for(user) -> dict:
    """The panels of ``user``'s home page (template context)."""
    now = timezone.now()
    matches = learning_matches(user, now=now)
    profile = matches["profile"]
    return {
        **matches,
        # The profile comes with its owner's organisation: no second query for it.
        "organisation": profile.user.organisation if profile else user.organisation,
        "next_events": group_selectors.next_events_for(user, limit=NEXT_EVENTS, now=now),
        "new_threads": forum_selectors.new_threads_followed(
            user, since=now - NEW_THREADS_SINCE, limit=NEW_THREADS
        ),
        "came_true": group_selectors.came_true_for(user, limit=CAME_TRUE),
        "new_threads_days": NEW_THREADS_SINCE.days,
        "new_people_days": NEW_PEOPLE_SINCE.days,
    }


def learning_matches(user, *, now=None) -> dict:
    """What the home page suggests from the person's profile: who to learn from, who to teach,
    who is new nearby, and the next thing to add to it.

    The profile comes with the relation and skill of each of its rows, so a panel whose
    answer is known to be empty (no skills wanted, no team or building) asks nothing. Each
    panel finds its people's pks; one more query brings all their cards.
    """
    profile = profile_selectors.own_profile(user)
    if profile is None:
        return {
            "profile": None,
            "teachers": [],
            "learners": [],
            "new_people": [],
        }
    now = now or timezone.now()
    skills: dict[str, list[int]] = {}
    for row in profile.own_skills:
        skills.setdefault(row["relation"], []).append(row["skill"])
    found = {
        "teachers": profile_selectors.best_matches(
            user,
            profile,
            give=Relation.TEACH,
            take=Relation.LEARN,
            skills=skills.get(Relation.LEARN, []),
        )[:MATCHES],
        "learners": profile_selectors.best_matches(
            user,
            profile,
            give=Relation.LEARN,
            take=Relation.TEACH,
            skills=skills.get(Relation.TEACH, []),
        )[:MATCHES],
        "new_people": profile_selectors.new_people_near(
            user, profile, since=now - NEW_PEOPLE_SINCE, limit=NEW_PEOPLE
        ),
    }
    pks = {panel: _pks(people) for panel, people in found.items()}
    everyone = {pk for panel in pks.values() for pk in panel}
    cards = profile_selectors.card_people(user, everyone) if everyone else {}
    return {
        "profile": profile,
        "next_step": completeness(profile, set(skills))[1],
        # For the empty panels: what to add so that they fill.
        "wants_to_learn": Relation.LEARN in skills,
        "can_teach": Relation.TEACH in skills,
        "has_workplace": bool(profile.team_id or profile.place_id),
        **{
            panel: [view_profile(user, cards[pk]) for pk in in_panel if pk in cards]
            for panel, in_panel in pks.items()
        },
    }


def _pks(profiles) -> list[int]:
    """The pks of a panel's people, in order; no query when the panel is known to be empty."""
    if profiles.query.is_empty():
        return []
    return list(profiles.values_list("pk", flat=True))
