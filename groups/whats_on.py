"""What's on (/whats-on/): every upcoming event a viewer may see, across groups, by day.

Who may see an event is read from the copies of its group's audience on it
(``Event.objects.findable_by``); cancelled events are left out, as Meetup leaves them out
of its lists (the event's own page still says it was cancelled). Each row's going count
(members and guests, who share the places) and its series are read in the same query, and
a page is cut by a keyset on (start, id): one query for the events, whatever the data.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime, timedelta

from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.http import urlencode

from profiles.models import Skill
from profiles.vocabulary import skill_key
from sociable.links import reverse
from sociable.params import row_id
from sociable.parts import Part, render_part, shared
from sociable.queries import count_of

from .models import RSVP, Event, GroupTag, Guest

PAGE_SIZE = 40
# An event is listed until it ends, or for this long after it starts if it lasts longer (a
# fortnight's exhibition): its own page stays.
LONGEST_LISTED = timedelta(days=14)
# The most events a calendar file of what's on carries.
FEED_LIMIT = 500
# A list shows groups, events and replies, and the names of skills (profiles).
ENDS_ON = ("groups", "profiles")
# Only what a row shows: not the descriptions, questions or stored search words.
LISTED_FIELDS = (
    "title", "kind", "starts_at", "ends_at", "location", "online_url", "capacity",
    "group__name", "group__slug",
    "skill__name", "skill__slug",
    "series__frequency",
)  # fmt: skip


class FiltersForm(forms.Form):
    """What a list of what's on can be narrowed by: each value checked on its own, and one
    that is not valid is left out (``Filters.of``)."""

    kind = forms.ChoiceField(
        label="Kind of event", required=False, choices=[("", "Any kind"), *Event.Kind.choices]
    )
    skill = forms.CharField(
        label="Skill or topic", required=False, max_length=100,
        help_text="For example: Welsh, or knitting.",
    )  # fmt: skip
    place = forms.CharField(
        label="Place", required=False, max_length=100,
        help_text="Part of the place's name, for example: Civic Hall.",
    )  # fmt: skip
    online = forms.BooleanField(label="Online (with a link to join)", required=False)
    has_places = forms.BooleanField(label="Places left", required=False)
    this_week = forms.BooleanField(label="This week (until Sunday)", required=False)


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    skill: str = ""
    place: str = ""
    online: bool = False
    has_places: bool = False
    this_week: bool = False

    @classmethod
    def of(cls, params) -> Filters:
        """The filters asked for in ``params`` (a query string's): what is not valid (an
        unknown kind, a value too long) is ignored, the others kept."""
        form = FiltersForm(params)
        form.is_valid()
        found = form.cleaned_data
        return cls(**{name: found[name] for name in FiltersForm.base_fields if name in found})

    def __bool__(self) -> bool:
        return any(astuple(self))

    def query(self) -> list[tuple[str, str]]:
        """The filters as a query string's parameters, only those given."""
        return [
            (name, "on" if value is True else value) for name, value in vars(self).items() if value
        ]

    def query_string(self) -> str:
        return urlencode(self.query())

    def form(self) -> FiltersForm:
        """The form showing these filters (not the values that were ignored)."""
        return FiltersForm(initial=vars(self))


# --- paging ----------------------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_LATEST = (datetime(9999, 1, 1, tzinfo=UTC) - _EPOCH) // _MICROSECOND


@dataclass(frozen=True)
class After:
    """Where a page of what's on starts: after the event starting at ``starts_at`` with
    ``pk`` (in the page's order). Written ``<microseconds since 1970>-<id>`` in its link,
    so that a page never depends on an event it does not show."""

    starts_at: datetime
    pk: int

    @classmethod
    def of(cls, event: Event) -> After:
        return cls(event.starts_at, event.pk)

    @classmethod
    def parse(cls, value: str | None) -> After | None:
        """The position ``value`` gives, or None for anything else (then the list starts
        from the beginning)."""
        moment, _, pk = (value or "").partition("-")
        if not (moment.isascii() and moment.isdigit() and len(moment) <= 18):
            return None
        micro, pk = int(moment), row_id(pk)
        if pk is None or micro > _LATEST:
            return None
        return cls(_EPOCH + micro * _MICROSECOND, pk)

    def __str__(self) -> str:
        return f"{(self.starts_at - _EPOCH) // _MICROSECOND}-{self.pk}"

    def q(self) -> Q:
        return Q(starts_at__gt=self.starts_at) | Q(starts_at=self.starts_at, pk__gt=self.pk)


# --- reads -----------------------------------------------------------------------------------


def end_of_week(now: datetime) -> datetime:
    """The end of this week, UK time: midnight at the end of Sunday."""
    today = timezone.localdate(now)
    monday = today + timedelta(days=7 - today.weekday())
    return timezone.make_aware(datetime.combine(monday, datetime.min.time()))


def _going(rows: QuerySet):
    return count_of(rows.filter(status="going"), "event")


def _skills_and_groups(wanted: QuerySet) -> tuple[list[int], list[int]]:
    """The pks of the skills ``wanted`` and of the groups tagged with them: one query."""
    tagged = GroupTag.objects.filter(tag=OuterRef("pk")).values("content_object_id")
    rows = Skill.objects.filter(pk__in=wanted).values_list("pk", ArraySubquery(tagged))
    skills, groups = set(), set()
    for skill, tagged_groups in rows:
        skills.add(skill)
        groups.update(tagged_groups)
    return sorted(skills), sorted(groups)


def events(viewer, filters: Filters, *, since: datetime, now: datetime | None = None) -> QuerySet:
    """The events ``viewer`` may see that match ``filters``, not cancelled and not over by
    ``since``, soonest first: each with its group, skill and series, and ``going`` (members
    and guests going), in one query."""
    now = now or timezone.now()
    found = Event.objects.findable_by(viewer).filter(
        # Read in order of start through the index ``event_coming``, from a bound: the scan
        # stops at a page's worth, however long the history or the list to come.
        cancelled_at__isnull=True,
        starts_at__gte=since - LONGEST_LISTED,
        ends_at__gte=since,
    )
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.skill:
        key = skill_key(filters.skill)
        wanted = Skill.objects.filter(
            Q(slug=filters.skill) | Q(key=key) | Q(aliases__key=key)
        ).values("pk")
        # Sessions that teach it, and the events of groups about it (as a skill's page). The
        # skills and groups are read first (one query), so that the events are found
        # through their indexes by skill and by group, not by testing every event to come
        # against two subqueries.
        skills, groups = _skills_and_groups(wanted)
        found = found.filter(Q(skill__in=skills) | Q(group__in=groups))
    if filters.place:
        found = found.filter(location__icontains=filters.place)
    if filters.online:
        found = found.exclude(online_url="")
    if filters.this_week:
        found = found.filter(starts_at__lt=end_of_week(now))
    found = found.annotate(going=_going(RSVP.objects) + _going(Guest.objects))
    if filters.has_places:
        found = found.filter(Q(capacity__isnull=True) | Q(capacity__gt=F("going")))
    return found.select_related("group", "skill", "series").order_by("starts_at", "pk")


@dataclass
class Day:
    day: date
    events: list[Event]


def page_of(
    viewer, filters: Filters, after: After | None = None, *, now: datetime | None = None
) -> tuple[list[Day], After | None]:
    """A page of what's on for ``viewer`` (``PAGE_SIZE`` events from ``after``), by day, UK
    time, and where the next page starts (None on the last): one query."""
    now = now or timezone.now()
    found = events(viewer, filters, since=now, now=now).only(*LISTED_FIELDS)
    if after is not None:
        found = found.filter(after.q())
    rows = list(found[: PAGE_SIZE + 1])
    later = After.of(rows[PAGE_SIZE - 1]) if len(rows) > PAGE_SIZE else None
    return by_day(rows[:PAGE_SIZE], today=timezone.localdate(now)), later


def by_day(rows: list[Event], *, today: date) -> list[Day]:
    """``rows`` by the day they happen, UK time: one that began before ``today`` and has not
    ended is on today. Each gets ``places_left`` (None: no limit), and whether it began on
    an earlier day (``ongoing``) or ends on a later one (``ends_later``)."""
    days: dict[date, list[Event]] = {}
    for event in rows:
        event.places_left = None if event.capacity is None else max(event.capacity - event.going, 0)
        if event.series is not None:
            event.series.group = event.group  # for its link: no query
        starts, ends = timezone.localdate(event.starts_at), timezone.localdate(event.ends_at)
        day = max(starts, today)
        event.ongoing, event.ends_later = starts < day, ends > day
        days.setdefault(day, []).append(event)
    return [Day(day, listed) for day, listed in days.items()]


# --- the shared list -------------------------------------------------------------------------


@shared(varies=("audience", "groups"), ends_on=ENDS_ON)
def whats_on_list(viewer, filters: tuple, after: str) -> Part:
    """A page of what's on: the events the viewer may see (a members-only group's to its
    members) that match ``filters`` (the values of ``Filters``, in order), from ``after``
    (an ``After`` as written in a link, or ""); the same for everyone alike in those."""
    chosen = Filters(*filters)
    now = timezone.now()
    start = After.parse(after)
    days, later = page_of(viewer, chosen, start, now=now)
    query, address = chosen.query(), reverse("groups:whats-on")
    today = timezone.localdate(now)
    context = {
        "days": days,
        "today": today,
        "tomorrow": today + timedelta(days=1),
        "filtered": bool(chosen),
        "later_url": f"{address}?{urlencode([*query, ('after', str(later))])}" if later else "",
        "first_url": (f"{address}?{urlencode(query)}" if query else address) if start else "",
    }
    return render_part("groups/partials/_whats_on_list.html", context)
