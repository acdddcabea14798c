"""The stories section of the one search (``sociable.search``, ``registry.search_parts``).

It finds what the list at ``/stories/?q=`` finds (``selectors.find``): stories out that
the viewer may see holding every word typed (the English stemmer's words, as the forums
search them), newest first; its "see all" leads there. The best few and how many there are
come in one query, written by hand (``selectors.cards``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sociable.parts import Part, shared
from sociable.search import TOP, Section, sections_part, url

from .selectors import cards

# A result shows its writer, their organisation, its series and group, and its tags.
ENDS_ON = ("stories", "profiles", "accounts", "groups")


@dataclass
class StoriesSection(Section):
    @property
    def template(self) -> str:
        return "stories/partials/_search_results.html"


def stories_section(viewer, q: str) -> Section:
    rows, total = cards(viewer, words=q, limit=TOP) if q.strip() else ([], 0)
    see_all = url("stories:list", q=q)
    return StoriesSection("stories", "Stories", "story", "stories", rows, total, see_all)


@shared(varies=("audience", "groups"), ends_on=ENDS_ON)
def search_stories(viewer, q: str) -> Part:
    """The one search's stories section (``registry.search_parts``)."""
    return sections_part(q, [stories_section(viewer, q)])
