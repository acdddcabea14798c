"""The opportunities section of the one search (``sociable.search``, ``registry.search_parts``).

It finds what the list at ``/opportunities/?q=`` finds (``selectors.find``): open
opportunities the viewer may see, not past their closing date, whose title or description
holds every word typed, newest first; its "see all" leads there. The best few, how many
there are (a window count) and the names of the skills each teaches come in one query,
whatever matches: hand-written and prepared (``FoundOpportunities``), as every section of
the one search is, since building the list's queryset cost more than running it (2-3 ms
at M, ADR 0019, decision 17).

No opportunity's audience is a group's members, nor does a result show anything of the
viewer's own, so the part is the same for everyone with one audience key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from profiles.models import Place, Team
from sociable.accounts.models import Organisation
from sociable.paging import Found
from sociable.parts import Part, shared
from sociable.queries import Columns, containing
from sociable.search import Section, sections_part, top, url

from .models import Opportunity
from .selectors import MOST_WORDS

# A result shows its organisation's name, its place and the skills it teaches.
ENDS_ON = ("opportunities", "profiles", "accounts")


@dataclass
class OpportunitiesSection(Section):
    """A section whose results the opportunities' own partial shows."""

    @property
    def template(self) -> str:
        return "opportunities/partials/_search_results.html"


_OPPORTUNITY = Columns.whole(Opportunity, "o")
_ORGANISATION = Columns(Organisation, "org", "name", "short_name", "slug", "kind")
_PLACE = Columns(Place, "pl", "name", "slug")
_TEAM = Columns(Team, "t", "organisation", "name", "slug")
# The names of the skills a skill table (taught or needed) names for ``o``, by name.
_SKILL_NAMES = """ARRAY(SELECT k.name FROM {table} r JOIN profiles_skill k ON k.id = r.skill_id
    WHERE r.opportunity_id = o.id ORDER BY k.name)"""

# Open opportunities the viewer may see (``{visible}``), not past their closing date, each of
# whose words (``{words}``: up to MOST_WORDS, each in the title or the description, read
# through the open ones' trigram indexes) it holds: newest first, each with what its card
# shows, and how many there are (all of them: no bound).
_FOUND = f"""
SELECT {_OPPORTUNITY.sql}, {_ORGANISATION.sql}, {_PLACE.sql}, {_TEAM.sql},
    {_SKILL_NAMES.format(table="opportunities_opportunity_skills_taught")},
    {_SKILL_NAMES.format(table="opportunities_opportunity_skills_needed")},
    false, count(*) OVER ()
FROM opportunities_opportunity o
JOIN accounts_organisation org ON org.id = o.organisation_id
LEFT JOIN profiles_place pl ON pl.id = o.place_id
LEFT JOIN profiles_team t ON t.id = o.team_id
WHERE o.status = '{Opportunity.Status.OPEN.value}' AND o.hidden_at IS NULL
    AND {{visible}} AND o.closes_on >= %s AND {{words}}
ORDER BY o.published_at DESC, o.id DESC OFFSET %s LIMIT %s
"""  # noqa: S608 (column names, constants and the rule's SQL; values are parameters)
_WORD = "(UPPER(o.title::text) LIKE UPPER(%s) OR UPPER(o.description) LIKE UPPER(%s))"


class FoundOpportunities(Found):
    """What ``selectors.find`` finds for words alone (``Filters(q=q)``), newest first, each
    with its organisation, place and team, and the names of the skills it ``teaches`` and
    ``needs``."""

    model = Opportunity
    most = 10**9  # no bound: newest first needs no ranking, and the list counts them all

    def __init__(self, viewer, q: str, today: date | None = None):
        self.q = q.strip()
        self.words = self.q.split()[:MOST_WORDS]
        self.today = today or timezone.localdate()
        self.visible = Opportunity.objects.visible_sql(viewer, "o")

    def sql(self, start: int, stop: int) -> tuple[str, list]:
        visible, visible_params = self.visible
        words = " AND ".join([_WORD] * len(self.words))
        patterns = [containing(word) for word in self.words for _ in range(2)]
        sql = _FOUND.format(visible=visible, words=words)
        return sql, [*visible_params, self.today, *patterns, start, stop - start]

    def make(self, row: tuple) -> Opportunity:
        opportunity, opportunity.organisation, opportunity.place, opportunity.team = (
            Columns.make_each(row, _OPPORTUNITY, _ORGANISATION, _PLACE, _TEAM)
        )
        opportunity.teaches, opportunity.needs = row[-4:-2]
        return opportunity


def opportunities_section(viewer, q: str) -> Section:
    rows, total = top(FoundOpportunities(viewer, q))
    see_all = url("opportunities:list", q=q)
    return OpportunitiesSection(
        "opportunities", "Opportunities", "opportunity", "opportunities", rows, total, see_all
    )


@shared(varies=("audience",), ends_on=ENDS_ON)
def search_opportunities(viewer, q: str) -> Part:
    """The one search's opportunities section (``registry.search_parts``)."""
    return sections_part(q, [opportunities_section(viewer, q)])
