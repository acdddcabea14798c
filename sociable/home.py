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
from profiles.models import Profile, ProfileSkill
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
        "new_threads": list(
            forum_selectors.new_threads_followed(
                user, since=now - NEW_THREADS_SINCE, limit=NEW_THREADS
            )
        ),
        "came_true": group_selectors.came_true_for(user, limit=CAME_TRUE),
        "new_threads_days": NEW_THREADS_SINCE.days,
        "new_people_days": NEW_PEOPLE_SINCE.days,
    }


def learning_matches(user, *, now=None) -> dict:
    """What the home page suggests from the person's profile: who to learn from, who to teach,
    who is new nearby, and the next thing to add to it.

    The people come from three selectors without their skills; one query then fetches the
    skills of all of them (and of the person's own profile, for the next step).
    """
    profile = profile_selectors.profile_page(user.username).prefetch_related(None).first()
    if profile is None:
        return {
            "profile": None,
            "teachers": [],
            "learners": [],
            "new_people": [],
        }
    now = now or timezone.now()
    teachers = _without_skills(
        profile_selectors.matches_for(
            user, profile, give=Relation.TEACH, take=Relation.LEARN, limit=MATCHES
        )
    )
    learners = _without_skills(
        profile_selectors.matches_for(
            user, profile, give=Relation.LEARN, take=Relation.TEACH, limit=MATCHES
        )
    )
    new_people = list(
        profile_selectors.new_people_near(
            user, profile, since=now - NEW_PEOPLE_SINCE, limit=NEW_PEOPLE
        )
    )
    profile_selectors.add_card_skills([profile, *teachers, *learners, *new_people])
    relations = {row.relation for row in profile.profile_skills.all()}
    return {
        "profile": profile,
        "next_step": completeness(profile)[1],
        # For the empty panels: what to add so that they fill.
        "wants_to_learn": Relation.LEARN in relations,
        "can_teach": Relation.TEACH in relations,
        "has_workplace": bool(profile.team_id or profile.place_id),
        "teachers": [view_profile(user, p) for p in teachers],
        "learners": [view_profile(user, p) for p in learners],
        "new_people": [view_profile(user, p) for p in new_people],
    }


def _without_skills(profiles) -> list[Profile]:
    # Their skills come with everyone else's, in one query (see learning_matches).
    return list(profiles.prefetch_related(None))
