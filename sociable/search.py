"""One search: people, skills, groups, events and discussions on one page.

This module names no app. Each app contributes its sections (``registry.search_sections``,
a ``SearchSection`` each, registered in the app's ``contributions.py``): profiles the people
and skills, groups the groups and events, the forums the discussions. Each section asks its
own app's search for its best few results, so the audience rule is applied there and only
there; the same query also counts all the matches (a window count, ``top``), so nothing the
viewer may not see is ever counted, and the page runs the same few queries whatever the
size of the data: one each for people, skills, groups and events, and the forums' search's
two (titles, then posts), plus one to ask whether a signed-in person moderates and one for
a moderator's boards.

What the sections find is rendered once for everyone who would find the same
(docs/decisions/0006, sociable/search_views.py): the sections are kept in parts, each part
with the audience its app registered (``registry.search_audiences``): the people and skills
(``search-people``) for everyone with one ``audience_key`` (profiles have no members
audience), except someone who holds a skill found that their audience may not see them
hold, and never when they show the viewer their own card; the groups, events and
discussions (``search-groups``) for everyone with one ``groups_audience_key`` (the same key
and the same groups), except moderators, who also see the boards they moderate.

The sections keep a fixed order (the registry's: people, skills, groups, events,
discussions): their ranks come from different measures (a profile's full-text document, a
skill name's similarity, a post's body) and cannot be compared fairly, and a page whose
sections move about is harder to find your way around with a screen reader. Sections with
results come before those without; when the words typed are exactly the name of a person,
skill or group, that one is shown first as the best match.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Window
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from . import registry

MAX_QUERY_LENGTH = 200
TOP = 4  # results shown per section


def clean_query(raw: str | None) -> str:
    """Return the words typed: control characters dropped, spacing tidied, length capped."""
    text = "".join(c if c.isprintable() else " " for c in (raw or ""))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


@dataclass(frozen=True)
class SearchSection:
    """One app's section of the one search, as registered (``registry.search_sections``)."""

    part: str  # the part of the page it is kept in, with others of the same audience
    find: Callable[[Any, str], Section]  # find(viewer, q): its best few, as far as seen


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


def top(queryset: QuerySet, limit: int = TOP) -> tuple[list, int]:
    """The first ``limit`` rows of ``queryset`` and how many there are, in one query."""
    rows = list(_with_total(queryset)[:limit])
    return rows, (rows[0].search_total if rows else 0)


def url(name: str, **params: str) -> str:
    """The address of the page ``name`` with ``params`` as its query string."""
    return f"{reverse(name)}?{urlencode(params)}"


def named(
    q: str, kind: str, found: list[tuple[str, Any]], fold: Callable[[str], str]
) -> BestMatch | None:
    """The first of ``found`` (name, object) whose name is exactly what was typed, both
    folded by ``fold`` (no case, accents or punctuation, say)."""
    key = fold(q)
    for name, obj in found:
        if key and fold(name) == key:
            return BestMatch(kind, name, obj.get_absolute_url())
    return None


# --- the composition -----------------------------------------------------------------------


def parts() -> dict[str, tuple[SearchSection, ...]]:
    """The page's parts by name, each with its sections, in the registry's order."""
    found: dict[str, list[SearchSection]] = {}
    for section in registry.search_sections:
        found.setdefault(section.part, []).append(section)
    return {name: tuple(sections) for name, sections in found.items()}


def audience(part: str, viewer, q: str) -> str | None:
    """Who finds the same in ``part`` as ``viewer`` (None: nobody else)."""
    return registry.search_audiences[part](viewer, q)


def find_sections(viewer, q: str, sections) -> list[Section]:
    """The sections found for ``q``, as far as ``viewer`` may see."""
    return [section.find(viewer, q) for section in sections]


def results_of(q: str, sections: list[Section]) -> Results:
    """The page's results: the sections in their fixed order, and the best match of all."""
    best = next((section.best for section in sections if section.best), None)
    return Results(q=q, sections=sections, best=best)


def search_everything(viewer, q: str) -> Results:
    """Every section's best few results for ``q``, as far as ``viewer`` may see."""
    return results_of(q, find_sections(viewer, q, registry.search_sections))


def spelled_like(viewer, q: str) -> list[str]:
    """Names close to ``q`` to offer a viewer who found nothing ("did you mean")."""
    return [name for suggest in registry.search_suggestions for name in suggest(viewer, q)]


def full_section(section: str) -> tuple[str, Callable] | None:
    """The title and finder of a section listed in full on the search page, if it is one."""
    if section in registry.full_search_sections:
        return registry.full_search_sections[section]
    return None
