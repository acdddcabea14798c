"""The opportunities section of the one search (``sociable.search``, ``registry.search_parts``).

It finds what the list at ``/opportunities/?q=`` finds (``selectors.find``): open
opportunities the viewer may see, not past their closing date, whose title or description
holds every word typed, newest first; its "see all" leads there. The best few, how many
there are (a window count) and the names of the skills each teaches come in one query,
whatever matches.

No opportunity's audience is a group's members, nor does a result show anything of the
viewer's own, so the part is the same for everyone with one audience key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Window

from sociable.parts import Part, shared
from sociable.search import TOP, Section, sections_part, url

from .selectors import Filters, find

# A result shows its organisation's name, its place and the skills it teaches.
ENDS_ON = ("opportunities", "profiles", "accounts")


@dataclass
class OpportunitiesSection(Section):
    """A section whose results the opportunities' own partial shows."""

    @property
    def template(self) -> str:
        return "opportunities/partials/_search_results.html"


def opportunities_section(viewer, q: str) -> Section:
    rows = []
    if q.strip():
        found = find(viewer, Filters(q=q)).annotate(total=Window(Count("*")))
        rows = list(found[:TOP])
    total = rows[0].total if rows else 0
    see_all = url("opportunities:list", q=q)
    return OpportunitiesSection(
        "opportunities", "Opportunities", "opportunity", "opportunities", rows, total, see_all
    )


@shared(varies=("audience",), ends_on=ENDS_ON)
def search_opportunities(viewer, q: str) -> Part:
    """The one search's opportunities section (``registry.search_parts``)."""
    return sections_part(q, [opportunities_section(viewer, q)])
