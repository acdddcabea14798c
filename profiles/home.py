"""What the home page suggests from a person's profile (``sociable.home`` asks, through
``registry.home_panels``): who to learn from, who to teach, who is new nearby, and the next
thing to add. The people suggested are kept for a day (docs/decisions/0012); what you may
see of them is checked on every visit.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db.models import BigIntegerField, F, Value
from django.http import HttpRequest
from django.utils import timezone

from sociable.legal import duration
from sociable.queries import fetch
from sociable.viewer import viewer_of

from . import selectors as profile_selectors
from .cards import shared_cards
from .completeness import completeness
from .models import STALE_AFTER, Profile, ProfileSkill

NEW_PEOPLE_SINCE = timedelta(days=30)
# How long the people home suggests are kept before they are found again (unless what they
# were found from changes first).
MATCHES_LAST = timedelta(days=1)
NEW_PEOPLE = 6
MATCHES = 3

Relation = ProfileSkill.Relation


def privacy_facts() -> dict:
    """What the privacy notice says of how long profiles' suggestions and reminders wait."""
    return {
        "matches_kept": duration(MATCHES_LAST.total_seconds()),
        "stale_after_months": round(STALE_AFTER.days / 30.4),
    }


def panel(request: HttpRequest, now) -> dict:
    """The home page's people panels, and the organisation it greets the person from."""
    matches = learning_matches(request, now=now)
    profile = matches["profile"]
    return {
        **matches,
        # The profile comes with its owner's organisation: no second query for it.
        "organisation": profile.user.organisation if profile else request.user.organisation,
        "new_people_days": NEW_PEOPLE_SINCE.days,
    }


def learning_matches(request: HttpRequest, *, now=None) -> dict:
    """What the home page suggests from the person's profile: who to learn from, who to teach,
    who is new nearby, and the next thing to add to it.

    The profile comes with the relation and skill of each of its rows and the matches kept
    for it, so a panel whose answer is known to be empty (no skills wanted, no team or
    building) asks nothing, and matches still good (``kept_matches``) are not ranked again.
    Each panel finds its people's pks; their cards are shared ones (``profiles.cards``),
    and one more query brings any not kept.
    """
    user = viewer_of(request)
    profile = user.fact("own_profile")
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
    teachers, learners = kept_or_found_matches(user, profile, skills, now=now)
    pks = {
        "teachers": teachers,
        "learners": learners,
        "new_people": profile_selectors.new_people_near(
            user, profile, since=now - NEW_PEOPLE_SINCE, limit=NEW_PEOPLE
        ),
    }
    everyone = [pk for panel in pks.values() for pk in panel]
    cards = shared_cards(request, everyone) if everyone else {}
    panels = {
        panel: [cards[pk] for pk in in_panel if pk in cards] for panel, in_panel in pks.items()
    }
    for panel in ("teachers", "learners"):
        # Kept matches are checked again: someone who has since hidden their skills from
        # this person, or left, is not suggested for them.
        panels[panel] = [card for card in panels[panel] if "skills" in card.groups]
    return {
        "profile": profile,
        "next_step": completeness(profile, set(skills))[1],
        # For the empty panels: what to add so that they fill.
        "wants_to_learn": Relation.LEARN in skills,
        "can_teach": Relation.TEACH in skills,
        "has_workplace": bool(profile.team_id or profile.place_id),
        **panels,
    }


def kept_or_found_matches(user, profile, skills: dict[str, list[int]], *, now) -> tuple:
    """The pks of the people who can teach what ``profile`` wants to learn, and of those who
    want to learn what it can teach, MATCHES of each, best first.

    Kept for the profile (``profiles.models.Matches``) while what they were found from is
    unchanged and they are younger than MATCHES_LAST; otherwise found again and kept in one
    statement (an ``INSERT ... SELECT``). Either way home asks the same few queries.
    """
    basis = _basis(profile, skills)
    kept = profile.kept_matches
    if kept is not None and kept.basis == basis and kept.found_at > now - MATCHES_LAST:
        return kept.teachers, kept.learners
    wanted = {
        "teachers": (Relation.TEACH, Relation.LEARN),
        "learners": (Relation.LEARN, Relation.TEACH),
    }
    ranked = {
        panel: profile_selectors.best_matches(
            user, profile, give=give, take=take, skills=skills.get(take, [])
        )
        for panel, (give, take) in wanted.items()
    }
    lists = {
        panel: ArraySubquery(people.values("pk")[:MATCHES])
        if not people.query.is_empty()
        else Value([], output_field=ArrayField(BigIntegerField()))
        for panel, people in ranked.items()
    }
    found = Profile.objects.filter(pk=profile.pk).values(
        profile_id=F("pk"), basis=Value(basis), found_at=Value(now), **lists
    )
    select, params = found.query.sql_with_params()
    rows = fetch(
        f"""INSERT INTO profiles_matches (profile_id, basis, found_at, teachers, learners)
        SELECT found.profile_id, found.basis, found.found_at, found.teachers, found.learners
        FROM ({select}) found
        ON CONFLICT (profile_id) DO UPDATE SET basis = EXCLUDED.basis,
            found_at = EXCLUDED.found_at, teachers = EXCLUDED.teachers,
            learners = EXCLUDED.learners
        RETURNING teachers, learners""",  # noqa: S608 - the ORM's SQL, its values as params
        params,
    )
    return rows[0]


def _basis(profile, skills: dict[str, list[int]]) -> str:
    """What a profile's matches are found from: its skills to learn and to teach, its team and
    building, and its owner's organisation (which decides what they may see of others)."""
    learn = ",".join(map(str, sorted(skills.get(Relation.LEARN, []))))
    teach = ",".join(map(str, sorted(skills.get(Relation.TEACH, []))))
    return (
        f"learn:{learn};teach:{teach};team:{profile.team_id};place:{profile.place_id}"
        f";organisation:{profile.user.organisation_id}"
    )
