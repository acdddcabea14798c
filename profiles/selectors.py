"""Reads behind the directory, profile, skill, team and place pages.

Each runs a fixed number of queries whatever the number of people or skills,
and every one filters through profiles.visibility (the audience rule).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordDistance,
)
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.expressions import Func
from django.db.models.functions import Coalesce, Greatest, Upper
from django.db.models.lookups import Exact

from .models import Place, Profile, ProfileSearch, ProfileSkill, Skill, Team
from .visibility import group_q, search_level_q

Relation = ProfileSkill.Relation
TYPO_THRESHOLD = 0.45  # word similarity (pg_trgm) at which "opra singer" finds "Opera singing"
TYPOS = 20  # the most people a search with a typo in it finds: one page of the nearest
# The most matches a directory search ranks (and counts): see directory_search.
CANDIDATES = 1000


class WordSimilarity(Func):
    function = "word_similarity"
    output_field = FloatField()


class Unaccent(Func):
    function = "unaccent"


def name_vector() -> SearchVector:
    """The words of a name, written exactly as the ``skill_name_search`` GIN index (and the
    groups' ``group_name_search``) defines them, so PostgreSQL can use it."""
    return SearchVector("name", config="english")


def _skill_rows():
    # Only what cards and profiles show: a page of cards holds hundreds of these rows.
    return (
        ProfileSkill.objects.select_related("skill")
        .only("profile_id", "relation", "skill__name", "skill__slug", "skill__kind")
        .order_by("skill__name")
    )


def with_card_data(profiles):
    """Add what a profile card shows: organisation, team, place and skills, in one more query."""
    return profiles.select_related("user__organisation", "team", "place").prefetch_related(
        Prefetch("profile_skills", queryset=_skill_rows())
    )


def listed_profiles(viewer):
    return Profile.objects.listed().filter(group_q(viewer, "profile"))


@dataclass
class DirectoryFilters:
    q: str = ""
    organisation: str = ""  # organisation slug
    team: str = ""  # a team's slug, or all or part of its name
    place: str = ""  # a building's slug, or all or part of its name
    skill: str = ""  # skill slug
    teaches: bool = False


def named_like(text: str) -> Q:
    """Rows (teams, buildings) whose slug is ``text`` or whose name contains it."""
    return Q(slug=text) | Q(name__icontains=text)


def _none_of(rows) -> Q:
    """A condition that holds when ``rows`` is empty, checked once by the database.

    A count, not NOT EXISTS: asked for just one row, the planner bets on a sequential scan
    finding one early and reads the whole table when none does, the very case this check is
    for. Counted, the indexes answer; it only runs when those rows are fewer than a page of
    candidates, so the count is small.
    """
    count = rows.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("*"))
    return Q(Exact(Coalesce(Subquery(count.values("n")[:1]), 0), 0))


def directory_search(viewer, filters: DirectoryFilters):
    """Return the visible profiles matching ``filters``, best first when there is a query."""
    profiles = listed_profiles(viewer)
    if filters.organisation:
        profiles = profiles.filter(user__organisation__slug=filters.organisation)
    if filters.team:
        teams = Team.objects.filter(named_like(filters.team))
        profiles = profiles.filter(group_q(viewer, "location"), team__in=teams)
    if filters.place:
        places = Place.objects.filter(named_like(filters.place))
        profiles = profiles.filter(group_q(viewer, "location"), place__in=places)
    if filters.skill or filters.teaches:
        relations = [Relation.TEACH] if filters.teaches else [Relation.TEACH, Relation.HAS]
        rows = ProfileSkill.objects.filter(profile=OuterRef("pk"), relation__in=relations)
        if filters.skill:
            rows = rows.filter(skill__slug=filters.skill)
        profiles = profiles.filter(group_q(viewer, "skills"), Exists(rows))

    q = filters.q.strip()
    if not q:
        return with_card_data(profiles).order_by("user__name", "pk")

    query = SearchQuery(Unaccent(Value(q)), search_type="websearch", config="english")
    rows = ProfileSearch.objects.filter(search_level_q(viewer))
    words = rows.filter(document=query)
    # Only when no word matches, forgive typos ("opra singer"): the database checks that once,
    # then takes the nearest TYPOS rows from the trigram index and keeps the close enough.
    nearest = (
        rows.filter(_none_of(words))
        .annotate(distance=TrigramWordDistance(Unaccent(Value(q)), "terms"))
        .order_by("distance")
        .values("pk")[:TYPOS]
    )
    typos = ProfileSearch.objects.filter(pk__in=nearest).annotate(
        similarity=WordSimilarity(Unaccent(Value(q)), F("terms"))
    )
    typos = typos.filter(similarity__gte=TYPO_THRESHOLD)
    # Rank at most CANDIDATES matches: a common skill matches thousands of people, and ranking
    # them all would cost time in proportion; past that, people narrow the search instead.
    candidates = words.values("profile_id").union(typos.values("profile_id"), all=True)
    candidates = candidates[:CANDIDATES]
    ranked = (
        rows.filter(profile=OuterRef("pk"))
        .annotate(
            score=SearchRank(F("document"), query, normalization=Value(1))
            + WordSimilarity(Unaccent(Value(q)), F("terms")) * 0.5
        )
        .values("score")[:1]
    )
    return (
        with_card_data(profiles)
        .filter(pk__in=Subquery(candidates))
        .annotate(score=Subquery(ranked))
        .order_by("-score", "user__name", "pk")
    )


def profile_page(username: str):
    """The profile with everything its page may show (visibility is checked by the caller)."""
    return with_card_data(Profile.objects.active()).filter(user__username=username)


SKILL_PAGE_PEOPLE = 12  # people per section of a skill page; the directory lists them all


def people_with_skill(viewer, skill: Skill, *, limit: int = SKILL_PAGE_PEOPLE):
    """Who can teach, has, wants to learn... ``skill``, as far as ``viewer`` may see: for each
    relation the ``limit`` who added it most recently, and whether there are more.

    Returns ``{relation: (profiles, more)}``. Each relation reads at most ``limit + 1`` rows
    through the (skill, relation, id) index, so a skill thousands of people have costs the
    same as a rare one.
    """
    group = "interests" if skill.kind == Skill.Kind.INTEREST else "skills"
    visible = (
        ProfileSkill.objects.filter(skill=skill)
        .filter(group_q(viewer, group, prefix="profile__"))
        .filter(profile__in=Profile.objects.listed())
    )
    latest = [
        visible.filter(relation=relation).order_by("-pk").values("pk")[: limit + 1]
        for relation in Relation.values
    ]
    rows = (
        ProfileSkill.objects.filter(pk__in=latest[0].union(*latest[1:], all=True))
        .select_related("profile__user__organisation", "profile__team", "profile__place")
        .prefetch_related(Prefetch("profile__profile_skills", queryset=_skill_rows()))
        .order_by("-pk")
    )
    people: dict[str, list[Profile]] = {relation: [] for relation in Relation.values}
    for row in rows:
        people[row.relation].append(row.profile)
    return {
        relation: (sorted(found[:limit], key=lambda p: (p.user.name, p.pk)), len(found) > limit)
        for relation, found in people.items()
    }


def visible_holders(viewer):
    """The rows of a skill (``OuterRef("pk")``) that ``viewer`` may see someone holds."""
    return ProfileSkill.objects.filter(
        Q(skill=OuterRef("pk")),
        (group_q(viewer, "skills", prefix="profile__") & ~Q(relation=Relation.INTEREST))
        | (group_q(viewer, "interests", prefix="profile__") & Q(relation=Relation.INTEREST)),
        profile__in=Profile.objects.listed(),
    )


def skill_index(viewer, kind: str | None = None):
    """Every skill with how many visible people have, teach or want it (zero counts hidden)."""
    visible_rows = visible_holders(viewer)
    count = (
        visible_rows.order_by()
        .values("skill")
        .annotate(n=Count("profile", distinct=True))
        .values("n")
    )
    skills = Skill.objects.annotate(
        people=Coalesce(Subquery(count), 0, output_field=IntegerField())
    ).order_by("name")
    if kind:
        skills = skills.filter(kind=kind)
    return skills


def matches_for(viewer, profile: Profile, *, give: str, take: str, limit: int = 6):
    """People whose ``give`` skills match ``profile``'s ``take`` skills, best matches first.

    ``give=TEACH, take=LEARN``: people who can teach what this person wants to learn.
    Ranked by how many skills match, then nearness: same team, then same building.
    """
    wanted = ProfileSkill.objects.filter(profile=profile, relation=take).values("skill")
    shared = (
        ProfileSkill.objects.filter(profile=OuterRef("pk"), relation=give, skill__in=wanted)
        .order_by()
        .values("profile")
        .annotate(n=Count("*"))
        .values("n")
    )
    same_team = Q(team_id=profile.team_id) if profile.team_id else Q(pk__in=[])
    same_place = Q(place_id=profile.place_id) if profile.place_id else Q(pk__in=[])
    # Only people holding one of those skills that way are scored (through the skill index),
    # not every listed profile.
    holders = ProfileSkill.objects.filter(relation=give, skill__in=wanted).values("profile")
    return (
        with_card_data(listed_profiles(viewer))
        .filter(group_q(viewer, "skills"), pk__in=holders)
        .exclude(pk=profile.pk)
        .annotate(shared=Subquery(shared))
        .filter(shared__gt=0)
        .annotate(
            nearness=Greatest(
                _flag(same_team & group_q(viewer, "location"), 2),
                _flag(same_place & group_q(viewer, "location"), 1),
            )
        )
        .order_by("-shared", "-nearness", "user__name")[:limit]
    )


def _flag(condition: Q, value: int):
    return Case(When(condition, then=Value(value)), default=Value(0), output_field=IntegerField())


def suggest_skills(term: str, kind: str, limit: int = 8):
    """Existing names like ``term``: curated and popular first, then close spellings."""
    return (
        Skill.objects.filter(kind=kind)
        .annotate(similarity=WordSimilarity(Value(term.upper()), Upper("name")))
        .filter(Q(name__icontains=term) | Q(similarity__gte=0.5))
        .annotate(popularity=Count("profile_skills"))
        .order_by("-curated", "-similarity", "-popularity", "name")
        .values_list("name", flat=True)[:limit]
    )


def people_in(viewer, *, team=None, place=None):
    """The visible people of a team or building (only those whose workplace is visible)."""
    people = listed_profiles(viewer).filter(group_q(viewer, "location"))
    if team is not None:
        people = people.filter(team=team)
    if place is not None:
        people = people.filter(place=place)
    return with_card_data(people).order_by("floor", "user__name")


def add_card_skills(profiles) -> None:
    """Fetch the skills cards show for all of ``profiles`` in one query (for pages that list
    people from several selectors: fetch them without their skills, then call this once)."""
    prefetch_related_objects(list(profiles), Prefetch("profile_skills", queryset=_skill_rows()))


def new_people_near(viewer, profile: Profile, *, since, limit: int = 6):
    """People who arrived since ``since`` in ``profile``'s team or building, newest first.

    Only listed profiles whose workplace ``viewer`` may see (archived or left people are
    not listed). Their skills are not fetched: see ``add_card_skills``.
    """
    near = Q()
    if profile.team_id:
        near |= Q(team_id=profile.team_id)
    if profile.place_id:
        near |= Q(place_id=profile.place_id)
    if not near:
        return Profile.objects.none()
    return (
        listed_profiles(viewer)
        .filter(group_q(viewer, "location"), near, created_at__gte=since)
        .exclude(pk=profile.pk)
        .select_related("user__organisation", "team", "place")
        .order_by("-created_at", "-pk")[:limit]
    )
