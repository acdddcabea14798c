"""The people and skills sections of the one search (``sociable.search``), and who finds the
same people and skills as a viewer (registered in ``profiles/contributions.py``)."""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django.db.models.functions import JSONObject, Upper

from sociable.queries import Among, any_of, nearest
from sociable.search import Section, named, top, url

from .matching import match_reasons
from .models import Profile, ProfileSkill, Skill, SkillAlias
from .selectors import (
    CANDIDATES,
    TYPOS,
    DirectoryFilters,
    WordSimilarity,
    directory_search,
    held_q,
    name_vector,
    spelled_like,
)
from .visibility import unseen_holdings, view_profile
from .vocabulary import skill_key

SKILL_SIMILARITY = 0.5  # as the skill suggestions: "pottry" finds "Pottery"


def _skill_rows():
    """A profile's skills as JSON, so a card and its "why matched" need no second query."""
    return (
        ProfileSkill.objects.filter(profile=OuterRef("pk"))
        .order_by("skill__name")
        .values(
            row=JSONObject(
                relation="relation", id="skill_id", name="skill__name", slug="skill__slug"
            )
        )
    )


def _attach_skills(profile: Profile) -> None:
    """Give ``profile`` the skill rows its query brought, where a prefetch would put them.

    ``ProfileView`` and ``match_reasons`` read ``profile.profile_skills.all()``; bringing the
    rows in the people query itself, rather than prefetching them, keeps the page in budget.
    """
    rows = [
        ProfileSkill(
            profile=profile,
            relation=row["relation"],
            skill=Skill(pk=row["id"], name=row["name"], slug=row["slug"]),
        )
        for row in profile.skill_rows
    ]
    profile._prefetched_objects_cache = {"profile_skills": rows}


def people_section(viewer, q: str) -> Section:
    """The directory's search, best first, each with why it matched."""
    profiles = directory_search(viewer, DirectoryFilters(q=q))
    profiles = profiles.prefetch_related(None).annotate(skill_rows=ArraySubquery(_skill_rows()))
    rows, total = top(profiles)
    results = []
    for profile in rows:
        _attach_skills(profile)
        view = view_profile(viewer, profile)
        results.append((view, match_reasons(view, q)))
    see_all = url("profiles:directory", q=q)
    best = named(
        q, "Person", [(view.profile.display_name, view.profile) for view, _ in results], skill_key
    )
    return Section(
        "people",
        "People",
        "person",
        "people",
        results,
        total,
        see_all,
        best,
        # Whose cards it shows: never shared with them (your own card shows you all of it).
        people=[view.profile.user_id for view, _ in results],
    )


def skills_named(q: str) -> QuerySet:
    """The ids of skills named like ``q``: its words, part of a name, an alias, or a close
    spelling ("pottry" finds "Pottery"), each read through its own index."""
    similarity = WordSimilarity(Upper(Value(q)), Upper("name"))
    words = SearchQuery(q, search_type="websearch", config="english")
    aliased = SkillAlias.objects.filter(name__icontains=q).values("skill")
    return any_of(
        [
            Skill.objects.alias(document=name_vector()).filter(
                Q(name__icontains=q) | Q(document=words)
            ),
            nearest(
                Skill.objects.alias(similarity=similarity),
                Value(q),
                "name",
                TYPOS,
                close=Q(similarity__gte=SKILL_SIMILARITY),
            ),
            Skill.objects.filter(pk__in=aliased),
        ],
        CANDIDATES,
    )


def search_skills(viewer, q: str) -> QuerySet[Skill]:
    """Skills, interests and languages named like ``q`` that the skills index would list.

    That is: curated ones, and ones someone ``viewer`` may see has, teaches or wants (asked
    as "is there anyone", not "how many": a count reads every holder of a common skill).
    Exact names first, then close ones. The names are found first (a few of a thousand
    skills), so whether anyone visible holds a skill is only asked of those.
    """
    key = skill_key(q)
    similarity = WordSimilarity(Upper(Value(q)), Upper("name"))
    names = skills_named(q)
    return (
        Skill.objects.filter(Among("pk", names))
        .alias(similarity=similarity)
        .filter(held_q(viewer) | Q(curated=True))
        .annotate(exact=ExpressionWrapper(Q(key=key), output_field=BooleanField()))
        .order_by("-exact", "-similarity", "name", "pk")
    )


def skills_section(viewer, q: str) -> Section:
    rows, total = top(search_skills(viewer, q))
    see_all = url("search", q=q, section="skills")
    best = named(q, "Skill", [(skill.name, skill) for skill in rows], skill_key)
    return Section("skills", "Skills and interests", "skill", "skills", rows, total, see_all, best)


def holds_unseen_skill_named(viewer, q: str) -> bool:
    """Whether ``viewer`` holds a skill named like ``q`` that others of their audience may
    not see them hold (a hidden interest, say): then they alone find themselves by it. One
    query, and one more for someone who holds any such skill."""
    unseen = unseen_holdings(viewer)
    return bool(
        unseen and Skill.objects.filter(pk__in=unseen).filter(pk__in=skills_named(q)).exists()
    )


def did_you_mean(viewer, q: str) -> list[str]:
    """Skills spelled like ``q``, for a search that found nothing."""
    return [skill.name for skill in spelled_like(viewer, q)]
