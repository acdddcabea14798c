"""The yearly transparency report: what people reported, what moderators did, how fast.

Each figure is for one calendar year, in the site's time zone, and is counted in SQL (five
queries whatever the number of rows; medians with PostgreSQL's ``percentile_cont``). The
report holds only counts, durations and the names of fixed categories: nothing anyone
wrote, so its CSV cannot carry a spreadsheet formula someone typed.

Who may read it: superusers, and holders of ``safety.view_transparency`` (the role
``LEADS``, kept current after every migrate; administrators put people in it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Aggregate, Count, DurationField, F, Q
from django.utils import timezone

from forums.models import ModerationLog, Report, Suspension

from .models import Appeal, Flag

LEADS = "Moderation leads"
VIEW_TRANSPARENCY = "view_transparency"
FIRST_YEAR = 2000  # no earlier year is asked for but by mistake
DAY = timedelta(hours=24)
NONE_DECIDED = "None decided yet"  # a median of nothing
NONE_RECEIVED = "None received"  # a share of nothing


def let_leads_read_report(**kwargs) -> Group:
    """Make the right to read the report, and the role that has it (after every migrate)."""
    permission, _ = Permission.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Appeal),
        codename=VIEW_TRANSPARENCY,
        defaults={"name": "Can read the transparency report"},
    )
    group, _ = Group.objects.get_or_create(name=LEADS)
    group.permissions.add(permission)
    return group


def can_view_report(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm(f"safety.{VIEW_TRANSPARENCY}"))
    )


def this_year() -> int:
    return timezone.localdate().year


def parse_year(value: str | None) -> int:
    """The year asked for (this year if none); ValueError with a message for people."""
    current = this_year()
    if value is None or value.strip() == "":
        return current
    value = value.strip()
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        raise ValueError("Enter a year as four digits, for example 2025.")
    year = int(value)
    if not FIRST_YEAR <= year <= current:
        raise ValueError(f"Enter a year from {FIRST_YEAR} to {current}.")
    return year


class Median(Aggregate):
    """The median of a column (an interval here), by ``percentile_cont``."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass(frozen=True)
class Row:
    section: str
    label: str
    value: int | str  # a count, or a duration or share already written for people
    explanation: str


@dataclass(frozen=True)
class TransparencyReport:
    year: int
    rows: list[Row]

    def sections(self) -> list[tuple[str, list[Row]]]:
        """The rows in their sections, in order, for the page's tables."""
        grouped: dict[str, list[Row]] = {}
        for row in self.rows:
            grouped.setdefault(row.section, []).append(row)
        return list(grouped.items())


def year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def report_for(year: int) -> TransparencyReport:
    """Every figure of the report for ``year`` (five queries)."""
    start, end = year_bounds(year)
    rows: list[Row] = []
    rows += _reports(start, end)
    rows += _actions(start, end)
    rows += _appeals(start, end)
    rows += _flags(start, end)
    return TransparencyReport(year=year, rows=rows)


def _reports(start: datetime, end: datetime) -> list[Row]:
    Reason = Report.Reason
    decided = Q(resolved_at__isnull=False)
    illegal = Q(reason=Reason.ILLEGAL)
    waited = F("resolved_at") - F("created_at")
    counts = {f"reason_{reason}": Count("pk", filter=Q(reason=reason)) for reason in Reason.values}
    figures = Report.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        total=Count("pk"),
        **counts,
        median=Median(waited, filter=decided),
        illegal_median=Median(waited, filter=decided & illegal),
        illegal=Count("pk", filter=illegal),
        illegal_in_a_day=Count(
            "pk", filter=illegal & decided & Q(resolved_at__lte=F("created_at") + DAY)
        ),
    )
    section = "Reports received"
    rows = [
        Row(section, "All reports", figures["total"], "Posts reported by people, for any reason.")
    ]
    rows += [
        Row(
            section,
            label,
            figures[f"reason_{reason}"],
            f"Reports whose reason was “{label}”.",
        )
        for reason, label in Reason.choices
    ]
    section = "Time to act"
    illegal_count = figures["illegal"]
    share = (
        f"{round(100 * figures['illegal_in_a_day'] / illegal_count)}%"
        if illegal_count
        else NONE_RECEIVED
    )
    rows += [
        Row(
            section,
            "Median time from report to decision",
            duration(figures["median"]),
            "Half of the reports decided (acted on or dismissed) took less time than this.",
        ),
        Row(
            section,
            "Median time for reports of illegal content",
            duration(figures["illegal_median"]),
            "The same, for reports whose reason was illegal content.",
        ),
        Row(
            section,
            "Illegal-content reports decided within 24 hours",
            share,
            "Of the reports of illegal content received, the share decided within a day.",
        ),
    ]
    return rows


def _actions(start: datetime, end: datetime) -> list[Row]:
    Action = ModerationLog.Action
    counts = {action: Count("pk", filter=Q(action=action)) for action in Action.values}
    figures = ModerationLog.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        total=Count("pk"), **counts
    )
    suspended = Suspension.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        people=Count("user", distinct=True)
    )
    section = "Actions taken"
    rows = [
        Row(section, "All actions", figures["total"], "Every entry in the moderation log."),
        Row(
            section,
            "Accounts suspended",
            suspended["people"],
            "Different people suspended at least once (counted once however often).",
        ),
    ]
    rows += [
        Row(section, label, figures[action], "Entries in the moderation log of this kind.")
        for action, label in Action.choices
    ]
    return rows


def _appeals(start: datetime, end: datetime) -> list[Row]:
    Status = Appeal.Status
    received = Q(created_at__gte=start, created_at__lt=end)
    decided = Q(decided_at__gte=start, decided_at__lt=end)
    figures = Appeal.objects.filter(received | decided).aggregate(
        received=Count("pk", filter=received),
        upheld=Count("pk", filter=decided & Q(status=Status.UPHELD)),
        refused=Count("pk", filter=decided & Q(status=Status.REFUSED)),
    )
    section = "Appeals"
    return [
        Row(section, "Appeals received", figures["received"], "People asking for a second look."),
        Row(
            section,
            "Appeals upheld",
            figures["upheld"],
            "Decided this year in the person's favour: the action was undone.",
        ),
        Row(
            section,
            "Appeals turned down",
            figures["refused"],
            "Decided this year by a second moderator: the action stands.",
        ),
    ]


def _flags(start: datetime, end: datetime) -> list[Row]:
    Status = Flag.Status
    figures = Flag.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        total=Count("pk"),
        acted=Count("pk", filter=Q(status=Status.ACTED)),
        dismissed=Count("pk", filter=Q(status=Status.DISMISSED)),
    )
    section = "Watched words"
    return [
        Row(
            section,
            "Texts flagged or held",
            figures["total"],
            "Texts a watched word sent to a moderator.",
        ),
        Row(section, "Acted on", figures["acted"], "Flags a moderator acted on."),
        Row(
            section,
            "Nothing wrong",
            figures["dismissed"],
            "Flags a moderator found nothing wrong with.",
        ),
    ]


def duration(value: timedelta | None) -> str:
    """A duration for people: "3 days 4 hours", "2 hours 5 minutes", or "None decided"."""
    if value is None:
        return NONE_DECIDED
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "day"), (hours, "hour")] if days else [(hours, "hour"), (minutes, "minute")]
    words = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " ".join(words) or "Less than a minute"


def csv_rows(report: TransparencyReport) -> list[list[str]]:
    """The report as CSV rows: year, section, figure, value, what it means."""
    header = ["Year", "Section", "Figure", "Value", "What it counts"]
    return [header] + [
        [str(report.year), row.section, row.label, str(row.value), row.explanation]
        for row in report.rows
    ]
