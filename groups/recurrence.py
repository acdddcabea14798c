"""The rule of a series of sessions: when its sessions fall, in words and as an RRULE.

A rule is read in UK time: "every Tuesday at 18:00" stays at 18:00 across the October and
March clock changes, so its sessions move by an hour in UTC. python-dateutil walks the
rule on the wall clock (naive local times), and each session is then placed in
Europe/London. A rule always ends (a last date, or a count) and yields at most
``MAX_SESSIONS``: a rule that would run on is refused, not cut short.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from .models import EventSeries

LONDON = ZoneInfo("Europe/London")
MAX_SESSIONS = 100
Frequency = EventSeries.Frequency

_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


@dataclass(frozen=True)
class Rule:
    frequency: str
    starts_at: datetime  # the first session's start (aware)
    until: date | None = None  # the last day a session may fall on (UK time)
    count: int | None = None
    monthly_week: int | None = None  # 1 to 4, or -1 for the last such weekday

    @classmethod
    def of(cls, series: EventSeries) -> Rule:
        return cls(
            frequency=series.frequency,
            starts_at=series.starts_at,
            until=series.until,
            count=series.count,
            monthly_week=series.monthly_week,
        )

    @property
    def local_start(self) -> datetime:
        return wall_clock(self.starts_at)

    def _dateutil(self) -> rrule.rrule:
        start = self.local_start
        options: dict = {"dtstart": start, "count": self.count}
        if self.until is not None:
            options["until"] = datetime.combine(self.until, time.max)
        if self.frequency == Frequency.MONTHLY:
            weekday = _WEEKDAYS[start.weekday()](self.monthly_week or week_of_month(start))
            return rrule.rrule(rrule.MONTHLY, byweekday=weekday, **options)
        interval = 2 if self.frequency == Frequency.FORTNIGHTLY else 1
        return rrule.rrule(rrule.WEEKLY, interval=interval, **options)

    def starts(self) -> list[datetime]:
        """Every session's start, aware in UK time; ValidationError for a rule that never
        ends, yields more than ``MAX_SESSIONS``, or fewer than two sessions."""
        self.validate()
        walked = list(islice(self._dateutil(), MAX_SESSIONS + 1))
        if len(walked) > MAX_SESSIONS:
            raise ValidationError(
                {
                    "until": f"A series can have at most {MAX_SESSIONS} sessions: choose an "
                    "earlier last date, or a number of sessions."
                }
            )
        if len(walked) < 2:
            raise ValidationError(
                {"until": "A series needs at least two sessions: choose a later last date."}
            )
        return [placed(moment) for moment in walked]

    def validate(self) -> None:
        if self.frequency not in Frequency.values:
            raise ValidationError({"frequency": "Choose how often the sessions happen."})
        if self.until is None and self.count is None:
            raise ValidationError(
                {"until": "Choose when the series ends: a last date or a number of sessions."}
            )
        if self.count is not None and not 2 <= self.count <= MAX_SESSIONS:
            raise ValidationError({"count": f"A series has between 2 and {MAX_SESSIONS} sessions."})
        if self.until is not None and self.until < self.local_start.date():
            raise ValidationError({"until": "The last date must be after the first session."})
        if self.frequency == Frequency.MONTHLY and self.monthly_week not in (None, *_ORDINALS):
            raise ValidationError({"frequency": "Choose which week of the month."})
        if self.monthly_week == -1 and not is_last_of_month(self.local_start):
            raise ValidationError(
                {"frequency": "The first session is not on the last such day of its month."}
            )

    def rrule_value(self) -> dict:
        """The rule as icalendar's ``vRecur`` takes it. UNTIL is in UTC, as RFC 5545 asks
        when DTSTART names its time zone."""
        start = self.local_start
        value: dict = {"freq": "MONTHLY" if self.frequency == Frequency.MONTHLY else "WEEKLY"}
        day = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[start.weekday()]
        if self.frequency == Frequency.MONTHLY:
            value["byday"] = f"{self.monthly_week or week_of_month(start)}{day}"
        else:
            value["byday"] = day
            if self.frequency == Frequency.FORTNIGHTLY:
                value["interval"] = 2
        if self.count is not None:
            value["count"] = self.count
        else:
            value["until"] = placed(datetime.combine(self.until, time(23, 59, 59))).astimezone(UTC)
        return value

    def describe(self) -> str:
        """The rule in words: 'Every Tuesday at 18:00, until 30 June 2027'."""
        start = self.local_start
        day, at = date_format(start, "l"), start.strftime("%H:%M")
        if self.frequency == Frequency.MONTHLY:
            week = _ORDINALS[self.monthly_week or week_of_month(start)]
            words = f"The {week} {day} of every month at {at}"
        elif self.frequency == Frequency.FORTNIGHTLY:
            words = f"Every other {day} at {at}"
        else:
            words = f"Every {day} at {at}"
        if self.count is not None:
            return f"{words}, {self.count} sessions"
        return f"{words}, until {date_format(self.until, 'j F Y')}"


def wall_clock(moment: datetime) -> datetime:
    """``moment`` as a UK wall-clock time, without its zone."""
    return moment.astimezone(LONDON).replace(tzinfo=None)


def placed(local: datetime) -> datetime:
    """A UK wall-clock time as an aware moment (in the March gap, the hour after it)."""
    return local.replace(tzinfo=LONDON)


def shifted(moment: datetime, by: timedelta) -> datetime:
    """``moment`` moved ``by`` on the wall clock: a session moved an hour later stays an
    hour later in UK time whatever the clocks did in between."""
    return placed(wall_clock(moment) + by)


def week_of_month(moment: datetime) -> int:
    """Which such weekday of its month ``moment`` is: 1 to 4, or -1 for a fifth (the last)."""
    week = (moment.day - 1) // 7 + 1
    return -1 if week == 5 else week


def is_last_of_month(moment: datetime) -> bool:
    return (moment + timedelta(days=7)).month != moment.month
