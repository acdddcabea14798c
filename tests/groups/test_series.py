"""Series of sessions: the rule across clock changes and month ends, changing one session or
it and all that follow, replying to every session, and the calendar file calendar apps read
(Python's icalendar and Mozilla's ical.js)."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from groups import series as series_services
from groups import services
from groups.models import RSVP, Event, EventSeries
from groups.recurrence import MAX_SESSIONS, Rule
from sociable.audience import Audience
from sociable.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.groups.factories import make_group
from tests.helpers import missing_tool

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
READERS = Path(__file__).resolve().parent.parent / "readers"


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def next_clock_change(month: int) -> date:
    """The next last Sunday of ``month`` (3: clocks go forward; 10: back) after today."""
    today = timezone.localdate()
    change = last_sunday(today.year, month)
    return change if change > today + timedelta(days=21) else last_sunday(today.year + 1, month)


def at(day: date, hour: int = 18, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def weekly_series(group, first: datetime, *, count=4, frequency="weekly", **fields):
    return series_services.create_series(
        group=group,
        created_by=group.created_by,
        frequency=frequency,
        count=count,
        title=fields.pop("title", "Choir practice"),
        starts_at=first,
        ends_at=first + timedelta(hours=1),
        **fields,
    )


def sessions(series: EventSeries) -> list[Event]:
    return list(series.occurrences.order_by("original_start", "pk"))


def local_times(events) -> list[tuple[str, str]]:
    return [
        (
            e.starts_at.astimezone(LONDON).strftime("%a %Y-%m-%d"),
            e.starts_at.astimezone(LONDON).strftime("%H:%M"),
        )
        for e in events
    ]


# --- the rule --------------------------------------------------------------------------------


def test_a_weekly_rule_keeps_uk_time_across_the_october_clock_change():
    change = next_clock_change(10)
    first = at(change - timedelta(days=12))  # two sessions on each side
    starts = Rule("weekly", first, count=4).starts()
    assert [s.astimezone(LONDON).hour for s in starts] == [18, 18, 18, 18]
    # Two sessions before the change are at 17:00 UTC (BST), two after at 18:00 UTC (GMT).
    assert [s.astimezone(UTC).hour for s in starts] == [17, 17, 18, 18]
    assert [s - starts[0] for s in starts][1] == timedelta(days=7)


def test_a_fortnightly_rule_keeps_uk_time_across_the_march_clock_change():
    change = next_clock_change(3)
    first = at(change - timedelta(days=10), 7, 30)
    starts = Rule("fortnightly", first, count=3).starts()
    assert [s.astimezone(LONDON).strftime("%H:%M") for s in starts] == ["07:30"] * 3
    assert [s.astimezone(UTC).hour for s in starts] == [7, 6, 6]
    assert starts[1].date() - starts[0].date() == timedelta(days=14)


def test_a_monthly_rule_keeps_the_weekday_of_the_month_over_month_ends():
    # The second Tuesday of every month, and the last Friday: months of 4 and 5 Fridays.
    second_tuesday = at(date(2031, 1, 14), 12, 30)
    starts = Rule("monthly", second_tuesday, count=4, monthly_week=2).starts()
    assert [s.astimezone(LONDON).date() for s in starts] == [
        date(2031, 1, 14),
        date(2031, 2, 11),
        date(2031, 3, 11),
        date(2031, 4, 8),
    ]
    last_friday = at(date(2031, 1, 31), 17)  # January 2031 has five Fridays
    starts = Rule("monthly", last_friday, count=3, monthly_week=-1).starts()
    assert [s.astimezone(LONDON).date() for s in starts] == [
        date(2031, 1, 31),
        date(2031, 2, 28),  # February 2031 has four
        date(2031, 3, 28),
    ]
    assert Rule("monthly", last_friday, count=3, monthly_week=-1).describe() == (
        "The last Friday of every month at 17:00, 3 sessions"
    )


def test_a_fifth_weekday_is_kept_as_the_last_one():
    fifth_wednesday = at(date(2031, 1, 29), 9)
    starts = Rule("monthly", fifth_wednesday, count=2).starts()
    assert starts[1].astimezone(LONDON).date() == date(2031, 2, 26)


@pytest.mark.parametrize(
    ("rule", "field", "words"),
    [
        (Rule("weekly", at(date(2031, 1, 7))), "until", "series ends"),
        (Rule("weekly", at(date(2031, 1, 7)), count=10_000), "count", "between 2 and 100"),
        (Rule("weekly", at(date(2031, 1, 7)), until=date(2231, 1, 1)), "until", "at most 100"),
        (Rule("weekly", at(date(2031, 1, 7)), until=date(2031, 1, 9)), "until", "two sessions"),
        (Rule("weekly", at(date(2031, 1, 7)), until=date(2030, 1, 9)), "until", "after the first"),
        (Rule("yearly", at(date(2031, 1, 7)), count=3), "frequency", "how often"),
        (Rule("monthly", at(date(2031, 1, 7)), count=3, monthly_week=-1), "frequency", "last"),
    ],
)
def test_a_rule_that_never_ends_or_runs_on_is_refused_with_a_reason(rule, field, words):
    with pytest.raises(ValidationError) as refused:
        rule.starts()
    message = " ".join(refused.value.message_dict[field])
    assert words in message.lower() or words in message


def test_a_rule_of_exactly_the_most_sessions_is_made():
    assert len(Rule("weekly", at(date(2031, 1, 7)), count=MAX_SESSIONS).starts()) == MAX_SESSIONS


# --- making, changing, replying --------------------------------------------------------------


@pytest.fixture
def organiser(staff_member):
    return staff_member


@pytest.fixture
def choir(organiser):
    return make_group(organiser, audience=Audience.PUBLIC)


def test_a_series_makes_every_session_with_its_own_places(choir):
    first = at(timezone.localdate() + timedelta(days=3), 12, 30)
    made = weekly_series(choir, first, count=5, capacity=2, location="Atrium")
    made_sessions = sessions(made)
    assert len(made_sessions) == 5
    assert {s.location for s in made_sessions} == {"Atrium"}
    assert {s.capacity for s in made_sessions} == {2}
    assert all(s.original_start == s.starts_at for s in made_sessions)
    assert made_sessions[4].starts_at.astimezone(LONDON).strftime("%H:%M") == "12:30"
    # The audience copies come from the group, as for any event (search and lists read them).
    assert {s.audience for s in made_sessions} == {Audience.PUBLIC}


def test_replying_to_a_series_replies_to_every_coming_session_alone(choir, organiser):
    first = at(timezone.localdate() + timedelta(days=3))
    made = weekly_series(choir, first, count=3, capacity=1)
    taken = sessions(made)[1]
    someone = UserFactory()
    services.rsvp_to_event(event=taken, user=someone, going=True)
    me = UserFactory()

    reply = series_services.reply_to_series(series=made, user=me, going=True)

    assert (reply.going, reply.waiting) == (2, 1)
    statuses = dict(RSVP.objects.filter(user=me).values_list("event_id", "status"))
    assert statuses[taken.pk] == RSVP.Status.WAITLISTED
    reply = series_services.reply_to_series(series=made, user=me, going=False)
    assert reply.not_going == 3
    assert not RSVP.objects.filter(user=me, status=RSVP.Status.GOING).exists()


def test_changing_one_session_leaves_the_others(choir):
    first = at(timezone.localdate() + timedelta(days=3))
    made = weekly_series(choir, first, count=4)
    one = sessions(made)[1]
    moved = one.starts_at + timedelta(hours=1)
    series_services.change_one(
        event=one, starts_at=moved, ends_at=moved + timedelta(hours=1), location="Room 4"
    )
    after = sessions(made)
    assert after[1].detached and after[1].location == "Room 4"
    assert after[1].original_start == one.original_start  # the rule's time, kept
    assert [s.location for s in after if s.pk != one.pk] == ["", "", ""]
    assert not any(s.detached for s in after if s.pk != one.pk)


def test_a_session_cannot_be_moved_into_the_past(choir):
    first = at(timezone.localdate() + timedelta(days=3))
    one = sessions(weekly_series(choir, first, count=2))[0]
    past = timezone.now() - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        series_services.change_one(event=one, starts_at=past, ends_at=past + timedelta(hours=1))
    assert "past" in refused.value.message_dict["starts_at"][0]
    one.refresh_from_db()
    assert one.starts_at == first and not one.detached


def test_this_and_following_splits_the_series_and_moves_by_wall_clock(choir):
    change = next_clock_change(10)
    first = at(change - timedelta(days=15))  # sessions on both sides of the clock change
    made = weekly_series(choir, first, count=5)
    before = sessions(made)
    services.cancel_event(event=before[3])
    goer = UserFactory()
    for session in (before[2], before[4]):
        services.rsvp_to_event(event=session, user=goer, going=True)
    services.rsvp_to_event(event=before[0], user=goer, going=True)
    third = Event.objects.get(pk=before[2].pk)
    later = third.starts_at + timedelta(hours=1)

    new = series_services.change_following(
        event=third,
        **{
            **{name: getattr(third, name) for name in series_services.SHARED},
            "title": "Choir practice (new time)",
            "starts_at": later,
            "ends_at": later + timedelta(hours=1),
            "rsvp_deadline": None,
        },
    )

    made.refresh_from_db()
    assert new.pk != made.pk
    assert made.count is None and made.until == (
        third.original_start.astimezone(LONDON).date() - timedelta(days=1)
    )
    assert [s.pk for s in sessions(made)] == [before[0].pk, before[1].pk]
    assert {s.title for s in sessions(made)} == {"Choir practice"}
    moved = sessions(new)
    assert [s.pk for s in moved] == [s.pk for s in before[2:]]
    assert {s.title for s in moved} == {"Choir practice (new time)"}
    assert [s.starts_at.astimezone(LONDON).strftime("%H:%M") for s in moved] == ["19:00"] * 3
    assert moved[1].is_cancelled  # a cancelled session stays cancelled
    assert new.count == 3 and new.starts_at == moved[0].starts_at
    # Told once, though they go to two of the sessions changed, and not about the first.
    told = Notification.objects.filter(recipient=goer, kind="event_changed")
    assert told.count() == 1
    assert "have changed" in told.get().title


def test_this_and_following_from_the_first_session_changes_the_series_itself(choir):
    first = at(timezone.localdate() + timedelta(days=3))
    made = weekly_series(choir, first, count=3)
    session = sessions(made)[0]
    series_services.change_following(
        event=session,
        **{
            **{name: getattr(session, name) for name in series_services.SHARED},
            "location": "Civic Hall",
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
        },
    )
    assert EventSeries.objects.count() == 1
    assert {s.location for s in sessions(made)} == {"Civic Hall"}


def test_capacity_may_not_drop_below_those_going_on_any_following_session(choir):
    first = at(timezone.localdate() + timedelta(days=3))
    made = weekly_series(choir, first, count=3, capacity=5)
    last = sessions(made)[2]
    for _ in range(2):
        services.rsvp_to_event(event=last, user=UserFactory(), going=True)
    first_session = sessions(made)[0]
    with pytest.raises(ValidationError) as refused:
        series_services.change_following(
            event=first_session,
            **{
                **{name: getattr(first_session, name) for name in series_services.SHARED},
                "capacity": 1,
                "starts_at": first_session.starts_at,
                "ends_at": first_session.ends_at,
            },
        )
    assert "2 people are already going" in refused.value.message_dict["capacity"][0]
    assert {s.capacity for s in sessions(made)} == {5}


# --- the calendar file -----------------------------------------------------------------------


def _group_calendar(group) -> bytes:
    response = Client().get(f"/groups/{group.slug}/calendar.ics")
    assert response.status_code == 200
    return response.content


CLOCK_CHANGES = pytest.mark.parametrize("month", [10, 3], ids=["october", "march"])


def _made_across_clock_change(choir, month=10):
    change = next_clock_change(month)
    first = at(change - timedelta(days=15))
    made = weekly_series(choir, first, count=5)
    kept = sessions(made)
    services.cancel_event(event=kept[1])
    moved = kept[3].starts_at + timedelta(hours=2)
    series_services.change_one(
        event=kept[3], starts_at=moved, ends_at=moved + timedelta(hours=1), title="Concert"
    )
    return made


def _expected(made) -> list[tuple[str, str]]:
    return [
        (s.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M"), s.title)
        for s in sessions(made)
        if not s.is_cancelled
    ]


@CLOCK_CHANGES
def test_a_groups_calendar_sends_a_series_as_its_rule_read_by_icalendar(choir, month):
    made = _made_across_clock_change(choir, month)
    calendar = Calendar.from_ical(_group_calendar(choir))
    assert [c["TZID"] for c in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    master, *overrides = calendar.events
    assert master["UID"] == f"series-{made.pk}@sociable"
    assert master["DTSTART"].params["TZID"] == "Europe/London"
    assert master["RRULE"]["FREQ"] == ["WEEKLY"] and master["RRULE"]["COUNT"] == [5]
    assert len(overrides) == 1 and overrides[0]["UID"] == master["UID"]
    # Expand the rule as a calendar app does, from what the file says.
    rule = rrulestr(master["RRULE"].to_ical().decode(), dtstart=master["DTSTART"].dt)
    excluded = {d.dt for d in master["EXDATE"].dts}
    replaced = {overrides[0]["RECURRENCE-ID"].dt: overrides[0]}
    shown = []
    for start in rule:
        if start in excluded:
            continue
        event = replaced.get(start)
        if event is not None:
            shown.append((event["DTSTART"].dt, str(event["SUMMARY"])))
        else:
            shown.append((start, str(master["SUMMARY"])))
    assert [(s.astimezone(UTC).strftime("%Y-%m-%dT%H:%M"), t) for s, t in shown] == _expected(made)


def _ical_js(path: Path) -> list[dict]:
    node = shutil.which("node")
    if node is None or not (READERS / "node_modules" / "ical.js").is_dir():
        missing_tool(
            "ical.js is not installed: run `npm ci` in tests/readers (Node.js: "
            "sudo apt install nodejs npm); the calendar tests read .ics files with it"
        )
    result = subprocess.run(  # noqa: S603 (our own script, our own file)
        [node, str(READERS / "expand_ics.mjs"), str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@CLOCK_CHANGES
def test_ical_js_shows_every_session_at_its_time_across_the_clock_change(choir, tmp_path, month):
    made = _made_across_clock_change(choir, month)
    path = tmp_path / "choir.ics"
    path.write_bytes(_group_calendar(choir))
    shown = sorted((o["start"][:16], o["summary"]) for o in _ical_js(path))
    assert shown == _expected(made)


def test_a_series_file_of_its_own_is_the_rule_too(choir, tmp_path):
    made = _made_across_clock_change(choir)
    response = Client().get(f"/groups/{choir.slug}/series/{made.pk}/series.ics")
    path = tmp_path / "series.ics"
    path.write_bytes(response.content)
    assert sorted((o["start"][:16], o["summary"]) for o in _ical_js(path)) == _expected(made)


# --- pages -----------------------------------------------------------------------------------


def _form(first: datetime, **extra) -> dict:
    return {
        "title": "Run club",
        "kind": "social",
        "description": "",
        "starts_at": first.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (first + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "location": "Park gates",
        **extra,
    }


def test_an_organiser_makes_a_fortnightly_series_from_the_event_form(client, organiser, choir):
    client.force_login(organiser)
    first = at(timezone.localdate() + timedelta(days=2), 17, 30)
    response = client.post(
        f"/groups/{choir.slug}/events/new/", _form(first, repeats="fortnightly", count="6")
    )
    made = EventSeries.objects.get()
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert made.occurrences.count() == 6
    page = client.get(made.get_absolute_url())
    assert "Every other" in page.content.decode() and "17:30, 6 sessions" in page.content.decode()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"repeats": "weekly"}, "Give a last date or a number of sessions"),
        ({"repeats": "weekly", "count": "10000"}, "less than or equal to 100"),
        ({"repeats": "weekly", "until": "2300-01-01"}, "at most 100 sessions"),
        ({"repeats": "weekly", "count": "3", "until": "2030-01-01"}, "not both"),
        ({"repeats": "daily", "count": "3"}, "Select a valid choice"),
    ],
)
def test_a_bad_series_is_refused_keeping_what_was_typed(client, organiser, choir, extra, message):
    client.force_login(organiser)
    first = at(timezone.localdate() + timedelta(days=2), 17, 30)
    response = client.post(f"/groups/{choir.slug}/events/new/", _form(first, **extra))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="Park gates"' in page
    assert not Event.objects.exists() and not EventSeries.objects.exists()


def test_editing_a_session_asks_which_sessions_and_changes_the_following(client, organiser, choir):
    client.force_login(organiser)
    first = at(timezone.localdate() + timedelta(days=2), 17, 30)
    made = weekly_series(choir, first, count=4)
    second = sessions(made)[1]
    form = client.get(f"/groups/{choir.slug}/events/{second.pk}/edit/").content.decode()
    assert "This and all following sessions" in form
    response = client.post(
        f"/groups/{choir.slug}/events/{second.pk}/edit/",
        _form(second.starts_at.astimezone(LONDON), scope="following", location="Lake"),
    )
    assert response.status_code == 302
    assert [s.location for s in Event.objects.order_by("starts_at")] == ["", "Lake", "Lake", "Lake"]
    assert EventSeries.objects.count() == 2


def test_the_series_page_follows_the_groups_audience(client, organiser):
    staff_group = make_group(organiser, name="Staff walkers", audience=Audience.STAFF)
    made = weekly_series(staff_group, at(timezone.localdate() + timedelta(days=2)), count=3)
    assert client.get(made.get_absolute_url()).status_code == 404
    assert client.get(f"/groups/{staff_group.slug}/series/{made.pk}/series.ics").status_code == 404
    client.force_login(UserFactory())  # a community member
    assert client.get(made.get_absolute_url()).status_code == 404
    assert (
        client.post(
            f"/groups/{staff_group.slug}/series/{made.pk}/reply/", {"going": "yes"}
        ).status_code
        == 404
    )
    assert not RSVP.objects.exists()
    client.force_login(organiser)
    assert client.get(made.get_absolute_url()).status_code == 200


def test_replying_to_every_session_from_the_series_page(client, choir):
    made = weekly_series(choir, at(timezone.localdate() + timedelta(days=2)), count=3, capacity=1)
    services.rsvp_to_event(event=sessions(made)[2], user=UserFactory(), going=True)
    me = UserFactory()
    client.force_login(me)
    response = client.post(
        f"/groups/{choir.slug}/series/{made.pk}/reply/", {"going": "yes"}, follow=True
    )
    page = response.content.decode()
    assert "You are going to 2 sessions, and on the waiting list for 1 session" in page
    assert page.count(">Going<") == 2 and ">Waiting list<" in page
    assert choir.has_member(me)


@pytest.mark.parametrize("count", [3, 30])
def test_the_series_page_reads_a_fixed_number_of_queries(
    client, choir, count, django_assert_max_num_queries
):
    made = weekly_series(choir, at(timezone.localdate() + timedelta(days=2)), count=count)
    client.force_login(UserFactory())
    with django_assert_max_num_queries(8):
        assert client.get(made.get_absolute_url()).status_code == 200


def test_the_group_page_shows_a_series_as_its_next_session(client, choir):
    made = weekly_series(choir, at(timezone.localdate() + timedelta(days=2)), count=6)
    services.cancel_event(event=sessions(made)[0])
    page = client.get(choir.get_absolute_url()).content.decode()
    assert page.count("Cancelled: Choir practice") == 1  # the next one, cancelled: news
    assert page.count(">Choir practice</a>") == 1  # then the series, once
    assert "4 more sessions" in page
    assert made.get_absolute_url() in page


def test_a_session_moved_alone_takes_the_following_to_its_time(choir):
    first = at(timezone.localdate() + timedelta(days=3), 12, 30)
    made = weekly_series(choir, first, count=4)
    second = sessions(made)[1]
    later = second.starts_at + timedelta(minutes=30)
    series_services.change_one(event=second, starts_at=later, ends_at=later + timedelta(hours=1))
    second.refresh_from_db()
    # Saved again as it stands, for it and all that follow.
    series_services.change_following(
        event=second,
        **{name: getattr(second, name) for name in series_services.SHARED},
        starts_at=second.starts_at,
        ends_at=second.ends_at,
    )
    assert [t for _, t in local_times(Event.objects.order_by("starts_at"))] == [
        "12:30",
        "13:00",
        "13:00",
        "13:00",
    ]


def test_replying_to_every_session_answers_each_sessions_questions(client, choir):
    made = weekly_series(
        choir,
        at(timezone.localdate() + timedelta(days=2)),
        count=3,
        questions=["Any access needs?"],
    )
    me = UserFactory()
    client.force_login(me)
    page = client.get(made.get_absolute_url()).content.decode()
    assert "Any access needs?" in page and "Only the organisers" in page
    client.post(
        f"/groups/{choir.slug}/series/{made.pk}/reply/",
        {"going": "yes", "answer_1": "A seat near the door"},
    )
    answers = list(RSVP.objects.filter(user=me).values_list("answers", flat=True))
    assert answers == [{"Any access needs?": "A seat near the door"}] * 3
    client.post(f"/groups/{choir.slug}/series/{made.pk}/reply/", {"going": "no"})
    assert list(RSVP.objects.filter(user=me).values_list("answers", flat=True)) == [{}] * 3


def test_a_series_that_has_ended_takes_no_replies(client, choir):
    made = weekly_series(choir, at(timezone.localdate() + timedelta(days=2)), count=2)
    Event.objects.update(
        starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=3)
    )
    client.force_login(UserFactory())
    response = client.post(
        f"/groups/{choir.slug}/series/{made.pk}/reply/", {"going": "yes"}, follow=True
    )
    assert "No sessions of this series are left" in response.content.decode()
    assert not RSVP.objects.exists()
