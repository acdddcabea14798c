"""Figures for HR about one organisation's opportunities over a period (issue 21): how many
of each kind were published and filled, how many people expressed interest and were
offered a place, and the skills most asked for and most offered.

No figure picks anyone out: a count of people under five is only "fewer than 5"
(``People``; the number never leaves this module), and a skill is listed only when five
or more opportunities name it. Each table is one aggregate in SQL, so the figures take
``QUERIES`` queries however many rows there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sociable.accounts.models import Organisation

from .models import Interest, Kind, Opportunity

THRESHOLD = 5  # the smallest count of people shown as a number; the fewest uses of a skill
TOP = 10  # skills listed in each table
QUERIES = 4  # by kind, all kinds, skills asked for, skills offered
FILLED = [Opportunity.Status.CLOSED, Opportunity.Status.DONE]
FEWER = f"fewer than {THRESHOLD}"
FEWER_CSV = f"<{THRESHOLD}"


@dataclass(frozen=True)
class People:
    """A number of people, known here only when it is ``THRESHOLD`` or more."""

    number: int | None  # None: fewer than THRESHOLD

    @classmethod
    def counted(cls, n: int) -> People:
        return cls(n if n >= THRESHOLD else None)

    @property
    def suppressed(self) -> bool:
        return self.number is None

    @property
    def for_csv(self) -> str:
        return FEWER_CSV if self.number is None else str(self.number)

    def __str__(self) -> str:
        return FEWER if self.number is None else str(self.number)


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included (in the site's time zone)."""

    start: date
    end: date

    @classmethod
    def last_12_months(cls, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        try:
            year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            year_ago = today.replace(year=today.year - 1, day=28)
        return cls(start=year_ago + timedelta(days=1), end=today)

    def bounds(self) -> tuple[datetime, datetime]:
        """The first instant of the period and the first after it."""
        zone = timezone.get_current_timezone()
        # Kept to dates a datetime in any time zone can hold (a typed year 1 or 9999).
        start = max(self.start, date(1900, 1, 1))
        after = min(self.end, date(9999, 12, 30)) + timedelta(days=1)
        return (
            datetime.combine(start, time.min, tzinfo=zone),
            datetime.combine(after, time.min, tzinfo=zone),
        )


@dataclass(frozen=True)
class KindRow:
    kind: str  # a Kind value, or "" for all kinds
    label: str
    published: int
    filled: int
    interested: People
    offered: People


@dataclass(frozen=True)
class SkillRow:
    name: str
    slug: str
    opportunities: int


@dataclass(frozen=True)
class Stats:
    organisation: Organisation
    period: Period
    kinds: list[KindRow]
    total: KindRow
    skills_needed: list[SkillRow]
    skills_taught: list[SkillRow]

    @property
    def skill_tables(self) -> list[tuple[str, list[SkillRow]]]:
        return [
            ("Skills most asked for", self.skills_needed),
            ("Skills most offered", self.skills_taught),
        ]


def published_in(organisation: Organisation, period: Period) -> QuerySet[Opportunity]:
    """``organisation``'s opportunities published in ``period`` (withdrawn later or not)."""
    start, end = period.bounds()
    return Opportunity.objects.filter(
        organisation=organisation, published_at__gte=start, published_at__lt=end
    ).order_by()


def _figures() -> dict:
    # One LEFT JOIN to interest serves all four: each counts distinct opportunities or people.
    offered = Q(interest__status=Interest.Status.OFFERED)
    return {
        "published": Count("pk", distinct=True),
        "filled": Count("pk", filter=Q(status__in=FILLED) & offered, distinct=True),
        "interested": Count("interest__person", distinct=True),
        "offered": Count("interest__person", filter=offered, distinct=True),
    }


def _row(kind: str, label: str, found: dict) -> KindRow:
    return KindRow(
        kind=kind,
        label=label,
        published=found.get("published", 0),
        filled=found.get("filled", 0),
        interested=People.counted(found.get("interested", 0)),
        offered=People.counted(found.get("offered", 0)),
    )


def _top_skills(through, opportunities: QuerySet[Opportunity]) -> list[SkillRow]:
    rows = (
        through.objects.filter(opportunity__in=opportunities.values("pk"))
        .values("skill_id", "skill__name", "skill__slug")
        .annotate(n=Count("opportunity_id", distinct=True))
        .filter(n__gte=THRESHOLD)
        .order_by("-n", "skill__name")[:TOP]
    )
    return [
        SkillRow(name=r["skill__name"], slug=r["skill__slug"], opportunities=r["n"]) for r in rows
    ]


def organisation_stats(organisation: Organisation, period: Period | None = None) -> Stats:
    """The figures for ``organisation``'s opportunities published in ``period`` (by default
    the last 12 months), every kind listed, counts of people under five suppressed."""
    period = period or Period.last_12_months()
    opportunities = published_in(organisation, period)
    by_kind = {row["kind"]: row for row in opportunities.values("kind").annotate(**_figures())}
    return Stats(
        organisation=organisation,
        period=period,
        kinds=[_row(kind, label, by_kind.get(kind, {})) for kind, label in Kind.choices],
        total=_row("", "All kinds", opportunities.aggregate(**_figures())),
        skills_needed=_top_skills(Opportunity.skills_needed.through, opportunities),
        skills_taught=_top_skills(Opportunity.skills_taught.through, opportunities),
    )
