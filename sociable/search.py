"""One search: people, skills, groups, events and discussions on one page.

This module names no app. Each app contributes a part of the page (``registry.search_parts``,
registered in the app's ``contributions.py``): profiles the people and skills, groups the
groups and events, the forums the discussions. Each part is a shared part (``sociable.parts``)
declared in its app's ``parts.py``, which says who finds the same: everyone with one audience
key for people and skills (profiles have no members audience), except someone who holds a
skill found that their audience may not see them hold; the same key and the same groups for
groups and events; and for discussions, also the same moderated boards. Each section asks
its own app's search for its best few results, so the audience rule is applied there and
only there; the same query also counts all the matches (a window count, ``top``), so nothing
the viewer may not see is ever counted, and the page runs the same few queries whatever the
size of the data. The three parts are read from the cache in one round trip.

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

from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from sociable.links import reverse

from . import registry
from .paging import Found
from .parts import Part, read_parts

MAX_QUERY_LENGTH = 200
TOP = 4  # results shown per section


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
        """Whether there is more to see than the few shown (or may be: ``Total.capped``)."""
        return self.total > len(self.results) or getattr(self.total, "capped", False)

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


def top(found: Found, limit: int = TOP) -> tuple[list, int]:
    """The first ``limit`` results of ``found`` and how many there are, in one query."""
    return found.page(0, limit)


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


def sections_part(q: str, sections: list[Section]) -> Part:
    """A part of the search page (``registry.search_parts``): ``sections`` each rendered,
    kept as the fact "sections", and owned by the people whose cards they show."""
    for section in sections:
        if section.total:
            context = {"section": section, "q": q}
            section.html = render_to_string("search/partials/_section.html", context)
    owners = {person for section in sections for person in section.people}
    return Part("", frozenset(owners), {"sections": [section.kept() for section in sections]})


def results_of(q: str, sections: list[Section]) -> Results:
    """The page's results: the sections in their fixed order, and the best match of all."""
    best = next((section.best for section in sections if section.best), None)
    return Results(q=q, sections=sections, best=best)


def everything(request, q: str) -> Results:
    """Every app's sections for ``q``, as far as the request's viewer may see: each app's
    part read in one round trip to the cache, rendered where not kept."""
    found = read_parts(request, [(part, (q,), {}) for part in registry.search_parts])
    sections = [Section.from_kept(kept) for part in found for kept in part.facts["sections"]]
    return results_of(q, sections)


def spelled_like(viewer, q: str) -> list[str]:
    """Names close to ``q`` to offer a viewer who found nothing ("did you mean")."""
    return [name for suggest in registry.search_suggestions for name in suggest(viewer, q)]


def full_section(section: str) -> tuple[str, Callable] | None:
    """The title and finder of a section listed in full on the search page, if it is one."""
    if section in registry.full_search_sections:
        return registry.full_search_sections[section]
    return None
