"""One search: people, skills, groups, events and discussions on one page.

Each section asks its own app's search for its best few results, so the audience rule is
applied there and only there; the same query also counts all the matches (a window count),
so nothing the viewer may not see is ever counted, and the page runs the same few queries
whatever the size of the data: one each for people, skills, groups and events, and the
forums' search's two (titles, then posts), plus one to ask whether a signed-in person
moderates and one for a moderator's boards.

What the sections find is rendered once for everyone who would find the same
(docs/decisions/0006, sociable/search_views.py): the people and skills sections for everyone
with one ``audience_key`` (profiles have no members audience), except someone who holds a
skill found that their audience may not see them hold, and never when they show the viewer
their own card; the groups, events and discussions sections for everyone with one
``groups_audience_key`` (the same key and the same groups), except moderators, who also
see the boards they moderate.

The sections keep a fixed order (people, skills, groups, events, discussions): their ranks
come from different measures (a profile's full-text document, a skill name's similarity, a
post's body) and cannot be compared fairly, and a page whose sections move about is harder
to find your way around with a screen reader. Sections with results come before those
without; when the words typed are exactly the name of a person, skill or group, that one is
shown first as the best match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import JSONObject, Upper
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from forums import permissions as forum_permissions
from forums import search as forum_search
from groups.permissions import groups_audience_key
from groups.search import search_events, search_groups
from groups.selectors import with_list_data
from profiles.matching import match_reasons
from profiles.models import Profile, ProfileSkill, Skill, SkillAlias
from profiles.selectors import (
    CANDIDATES,
    TYPOS,
    DirectoryFilters,
    WordSimilarity,
    directory_search,
    name_vector,
    visible_holders,
)
from profiles.visibility import unseen_holdings, view_profile
from profiles.vocabulary import skill_key

from . import audience
from .queries import Among, any_of, nearest

MAX_QUERY_LENGTH = 200
TOP = 4  # results shown per section
SKILL_SIMILARITY = 0.5  # as the skill suggestions: "pottry" finds "Pottery"


def clean_query(raw: str | None) -> str:
    """Return the words typed: control characters dropped, spacing tidied, length capped."""
    text = "".join(c if c.isprintable() else " " for c in (raw or ""))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


@dataclass
class BestMatch:
    kind: str  # "Person", "Skill", "Group"
    name: str
    url: str


@dataclass
class Section:
    key: str  # "people": the anchor, and which partial shows a result
    title: str  # "People"
    singular: str  # "person"
    plural: str  # "people"
    results: list[Any]  # the best few (none in a section read back from the cache)
    total: int
    see_all_url: str
    best: BestMatch | None = None  # the result named exactly what was typed, if any
    html: str = ""  # the section as the page shows it, once rendered
    people: list[int] = field(default_factory=list)  # whose cards it shows (user ids)

    @property
    def more(self) -> bool:
        return self.total > len(self.results)

    @property
    def noun(self) -> str:
        return self.singular if self.total == 1 else self.plural

    @property
    def template(self) -> str:
        return f"search/partials/_{self.key}.html"

    def kept(self) -> dict[str, Any]:
        """What the page needs of this section once rendered, as plain data to keep."""
        best = self.best and [self.best.kind, self.best.name, self.best.url]
        return {
            "key": self.key,
            "title": self.title,
            "singular": self.singular,
            "plural": self.plural,
            "total": self.total,
            "see_all_url": self.see_all_url,
            "best": best,
            "html": str(self.html),
            "people": self.people,
        }

    @classmethod
    def from_kept(cls, kept: dict[str, Any]) -> Section:
        best = kept["best"] and BestMatch(*kept["best"])
        html = mark_safe(kept["html"])  # noqa: S308 - rendered by this page, then kept
        fields = {name: kept[name] for name in ("key", "title", "singular", "plural")}
        return cls(
            **fields,
            results=[],
            total=kept["total"],
            see_all_url=kept["see_all_url"],
            best=best,
            html=html,
            people=kept["people"],
        )


@dataclass
class Results:
    q: str
    sections: list[Section] = field(default_factory=list)
    best: BestMatch | None = None

    @property
    def found(self) -> list[Section]:
        return [s for s in self.sections if s.total]

    @property
    def not_found(self) -> list[Section]:
        return [s for s in self.sections if not s.total]


def _with_total(queryset: QuerySet) -> QuerySet:
    """Count every row the filters keep, in the same query that reads the first few."""
    return queryset.annotate(search_total=Window(Count("*")))


def _top(queryset: QuerySet, limit: int = TOP) -> tuple[list, int]:
    rows = list(_with_total(queryset)[:limit])
    return rows, (rows[0].search_total if rows else 0)


def _url(name: str, **params: str) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def _named(q: str, kind: str, found: list[tuple[str, Any]]) -> BestMatch | None:
    """The first of ``found`` (name, object) whose name is exactly what was typed."""
    key = skill_key(q)
    for name, obj in found:
        if key and skill_key(name) == key:
            return BestMatch(kind, name, obj.get_absolute_url())
    return None


# --- the sections --------------------------------------------------------------------------


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
    rows, total = _top(profiles)
    results = []
    for profile in rows:
        _attach_skills(profile)
        view = view_profile(viewer, profile)
        results.append((view, match_reasons(view, q)))
    see_all = _url("profiles:directory", q=q)
    best = _named(q, "Person", [(view.profile.display_name, view.profile) for view, _ in results])
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
    named = skills_named(q)
    return (
        Skill.objects.filter(Among("pk", named))
        .alias(held=Exists(visible_holders(viewer)), similarity=similarity)
        .filter(Q(held=True) | Q(curated=True))
        .annotate(exact=ExpressionWrapper(Q(key=key), output_field=BooleanField()))
        .order_by("-exact", "-similarity", "name", "pk")
    )


def skills_section(viewer, q: str) -> Section:
    rows, total = _top(search_skills(viewer, q))
    see_all = _url("search", q=q, section="skills")
    best = _named(q, "Skill", [(skill.name, skill) for skill in rows])
    return Section("skills", "Skills and interests", "skill", "skills", rows, total, see_all, best)


def groups_section(viewer, q: str) -> Section:
    # The card shows no tags: leave out their prefetch.
    groups = with_list_data(search_groups(viewer, q)).prefetch_related(None)
    rows, total = _top(groups)
    see_all = _url("groups:group-list", q=q)
    best = _named(q, "Group", [(group.name, group) for group in rows])
    return Section("groups", "Groups", "group", "groups", rows, total, see_all, best)


def events_section(viewer, q: str) -> Section:
    rows, total = _top(search_events(viewer, q))
    see_all = _url("search", q=q, section="events")
    return Section("events", "Events", "event", "events", rows, total, see_all)


def discussions_section(viewer, q: str) -> Section:
    rows, total = _top(forum_search.search_posts(viewer, q))
    for post in rows:
        post.snippet = forum_search.snippet(post.headline)
    see_all = _url("forums:search", q=q)
    return Section("discussions", "Discussions", "post", "posts", rows, total, see_all)


# What profiles make: the same for everyone with one ``audience_key`` (but one's own card).
PROFILE_SECTIONS = (people_section, skills_section)
# What groups and the forums make: the same for everyone with one ``groups_audience_key``.
GROUP_SECTIONS = (groups_section, events_section, discussions_section)


def find_sections(viewer, q: str, finders) -> list[Section]:
    """The sections ``finders`` make for ``q``, as far as ``viewer`` may see."""
    return [find(viewer, q) for find in finders]


def results_of(q: str, sections: list[Section]) -> Results:
    """The page's results: the sections in their fixed order, and the best match of all."""
    best = next((section.best for section in sections if section.best), None)
    return Results(q=q, sections=sections, best=best)


def search_everything(viewer, q: str) -> Results:
    """Every section's best few results for ``q``, as far as ``viewer`` may see."""
    return results_of(q, find_sections(viewer, q, PROFILE_SECTIONS + GROUP_SECTIONS))


def people_audience(viewer, q: str) -> str | None:
    """Who finds the same people and skills as ``viewer``: everyone with their audience key,
    or nobody else, when ``viewer`` holds a skill named like ``q`` that those may not see
    them hold (a hidden interest, say: only they are shown it). One query, and one more for
    someone who holds any such skill."""
    unseen = unseen_holdings(viewer)
    if unseen and Skill.objects.filter(pk__in=unseen).filter(pk__in=skills_named(q)).exists():
        return None
    return audience.audience_key(viewer)


def groups_audience(viewer) -> str | None:
    """Who finds the same groups, events and discussions as ``viewer``, or None: nobody
    else, for moderators (they also read the boards they moderate)."""
    if forum_permissions.is_moderator(viewer):
        return None
    return groups_audience_key(viewer)


# Sections with no search page of their own are listed in full on this one.
FULL_SECTIONS = {
    "skills": ("Skills and interests", search_skills),
    "events": ("Events", search_events),
}
