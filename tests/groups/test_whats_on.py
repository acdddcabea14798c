"""What's on (/whats-on/): every upcoming event you may see across groups, by day, narrowed by
kind, skill, place, online, places left and this week, a page at a time; and the same list
as a calendar file: the public one, and each person's on their private address."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from groups import services
from groups.models import Event, EventSeries, Guest
from groups.whats_on import PAGE_SIZE, After, Filters, by_day, end_of_week
from tests.accounts.factories import staff_of
from tests.cold import cold, cold_queries, page_budget
from tests.groups.factories import make_event, make_group

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
WHATS_ON = "/whats-on/"
PUBLIC_FEED = "/whats-on/calendar.ics"
# Each event's title links to its page, in a heading of its own.
EVENT_LINK = re.compile(r'<h3 [^>]*><a class="govuk-link" href="/groups/[^/"]+/events/(\d+)/">')


def listed(response) -> list[int]:
    """The pks of the events a page of what's on lists, in order."""
    assert response.status_code == 200
    return [int(pk) for pk in EVENT_LINK.findall(response.content.decode())]


def in_feed(response) -> list[int]:
    """The pks of the events a calendar file holds, in order (parsed as calendar apps do)."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    uids = [str(vevent["uid"]) for vevent in calendar.walk("VEVENT")]
    return [int(uid.removeprefix("event-").removesuffix("@sociable")) for uid in uids]


def private_feed(user) -> str:
    token = services.calendar_feed_for(user=user).token
    return reverse("groups:whats-on-private-ics", args=[token])


@pytest.fixture
def world(council, staff_member, other_staff, community_member):
    """An event in a group of each audience, run by Olu of the council; Grace of the council
    belongs to the members-only group."""
    olu = staff_of(council, name="Olu Organiser")
    grace = staff_of(council, name="Grace Member")
    groups = {
        "public": make_group(olu, name="Open walkers", audience="public"),
        "community": make_group(olu, name="Quiz night", audience="community"),
        "staff": make_group(olu, name="Staff choir", audience="staff"),
        "organisation": make_group(olu, name="Council book club", audience="organisation"),
        "members": make_group(olu, name="Foster carers circle", audience="members"),
    }
    services.add_member(group=groups["members"], user=grace)
    events = {
        audience: make_event(group, title=f"For {audience}", days=i + 1)
        for i, (audience, group) in enumerate(groups.items())
    }
    people = {
        "community member": community_member,
        "staff of another organisation": other_staff,
        "staff of the same organisation": staff_member,
        "member of the members-only group": grace,
    }
    return SimpleNamespace(groups=groups, events=events, people=people)


EVERYONE = ["public", "community", "staff", "organisation", "members"]
SEES = {
    "visitor": EVERYONE[:1],
    "community member": EVERYONE[:2],
    "staff of another organisation": EVERYONE[:3],
    "staff of the same organisation": EVERYONE[:4],
    "member of the members-only group": EVERYONE,
}


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", list(SEES))
def test_each_viewer_sees_exactly_the_events_meant_for_them_on_the_page_and_in_their_feed(
    world, who, client, client_as
):
    expected = [world.events[audience].pk for audience in SEES[who]]
    if who == "visitor":
        page, feed = client.get(WHATS_ON), client.get(PUBLIC_FEED)
    else:
        person = world.people[who]
        viewer = client_as(person)
        page, feed = viewer.get(WHATS_ON), client.get(private_feed(person))  # no sign-in

    assert listed(page) == expected
    assert in_feed(feed) == expected


def test_the_public_calendar_file_holds_public_events_whoever_asks(world, client_as):
    member = client_as(world.people["member of the members-only group"])

    assert in_feed(member.get(PUBLIC_FEED)) == [world.events["public"].pk]


def test_signed_in_people_are_given_their_own_calendar_address_and_visitors_the_public_one(
    world, client, client_as
):
    grace = world.people["member of the members-only group"]

    mine = client_as(grace).get(WHATS_ON + "?kind=social")
    public = client.get(WHATS_ON + "?kind=social")

    assert private_feed(grace) + "?kind=social" in mine.content.decode()
    assert "no-store" in mine["Cache-Control"]  # a secret address: in no cache
    assert PUBLIC_FEED + "?kind=social" in public.content.decode()
    assert "/calendar/" not in public.content.decode()


def test_a_private_feed_follows_the_audience_rule_at_every_fetch(world, client):
    grace = world.people["member of the members-only group"]
    address = private_feed(grace)
    before = in_feed(client.get(address))

    services.leave_group(group=world.groups["members"], user=grace)

    assert world.events["members"].pk in before
    assert world.events["members"].pk not in in_feed(client.get(address))


def test_a_private_feed_answers_404_for_a_bad_or_renewed_token_or_a_closed_account(world, client):
    grace = world.people["member of the members-only group"]
    old = private_feed(grace)
    assert client.get(old).status_code == 200

    services.renew_calendar_feed(user=grace)
    renewed = client.get(old)
    made_up = client.get(reverse("groups:whats-on-private-ics", args=["not-a-token"]))
    address = private_feed(grace)
    grace.is_active = False
    grace.save(update_fields=["is_active"])

    assert renewed.status_code == made_up.status_code == 404
    assert client.get(address).status_code == 404


def test_cancelled_and_ended_events_and_closed_groups_are_left_out_but_one_under_way_stays(
    staff_member, client
):
    group = make_group(staff_member, audience="public")
    coming = make_event(group, title="Coming", days=2)
    under_way = make_event(group, title="Under way", days=-1 / 24, hours=3)
    cancelled = make_event(group, title="Called off", days=3)
    services.cancel_event(event=cancelled)
    over = make_event(group, title="Over", days=-2)
    closing = make_group(staff_member, name="Closing down", audience="public")
    make_event(closing, title="Never", days=2)
    services.close_group(group=closing)

    assert listed(client.get(WHATS_ON)) == [under_way.pk, coming.pk]
    # The feed keeps the recent past, so that an event does not vanish from calendars as it
    # ends; never a cancelled one, nor a closed group's.
    assert in_feed(client.get(PUBLIC_FEED)) == [over.pk, under_way.pk, coming.pk]


def test_an_event_under_way_since_an_earlier_day_is_listed_today_and_says_when_it_began():
    today = datetime(2026, 12, 9, tzinfo=LONDON).date()
    began = Event(pk=1, starts_at=datetime(2026, 12, 8, 18, tzinfo=LONDON),
                  ends_at=datetime(2026, 12, 10, 2, tzinfo=LONDON), capacity=5)  # fmt: skip
    tonight = Event(pk=2, starts_at=datetime(2026, 12, 9, 18, tzinfo=LONDON),
                    ends_at=datetime(2026, 12, 9, 19, tzinfo=LONDON))  # fmt: skip
    began.going, tonight.going = 7, 3

    (day,) = by_day([began, tonight], today=today)

    assert day.day == today and day.events == [began, tonight]
    assert (began.ongoing, began.ends_later, began.places_left) == (True, True, 0)
    assert (tonight.ongoing, tonight.ends_later, tonight.places_left) == (False, False, None)


# --- the filters -----------------------------------------------------------------------------


@pytest.fixture
def choice(staff_member):
    """Public events that differ in each thing the filters ask about."""
    group = make_group(staff_member, name="Welsh club", audience="public", tags=["Welsh"])
    other = make_group(staff_member, name="Knitters", audience="public")
    from profiles.models import Skill

    excel, _ = Skill.objects.get_or_create(slug="excel", defaults={"name": "Excel"})
    events = SimpleNamespace(
        social=make_event(group, title="Welsh social", location="Civic Hall, room 3", days=8),
        lesson=make_event(
            other, title="Excel basics", kind="learning", skill=excel, days=9, capacity=2
        ),
        online=make_event(
            other, title="Online natter", online_url="https://meet.example/k", days=10
        ),
        full=make_event(other, title="Full yarn swap", location="Merrion House", days=11,
                        capacity=2),
    )  # fmt: skip
    services.rsvp_to_event(event=events.full, user=staff_member, going=True)
    Guest.objects.create(  # a guest takes the other place
        event=events.full, name="Pat Guest", email="pat@example.com", status="going"
    )
    Guest.objects.create(  # one not yet confirmed takes none
        event=events.lesson, name="Sam Guest", email="sam@example.com", status="pending"
    )
    return events


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ["social", "lesson", "online", "full"]),
        ("kind=learning", ["lesson"]),
        ("kind=social", ["social", "online", "full"]),
        ("skill=excel", ["lesson"]),  # by slug: the session teaching it
        ("skill=EXCEL", ["lesson"]),  # by name, whatever its case
        ("skill=welsh", ["social"]),  # the events of a group about it
        ("skill=Basket+weaving", []),  # a skill nobody has: nothing
        ("place=civic+hall", ["social"]),
        ("place=merrion", ["full"]),
        ("online=on", ["online"]),
        ("has_places=on", ["social", "lesson", "online"]),  # a guest going fills a place
        ("kind=social&place=hall", ["social"]),
    ],
)
def test_each_filter_narrows_the_list_and_the_feed_alike(choice, client, query, names):
    expected = [getattr(choice, name).pk for name in names]

    assert listed(client.get(f"{WHATS_ON}?{query}")) == expected
    assert in_feed(client.get(f"{PUBLIC_FEED}?{query}")) == expected


def test_places_left_and_going_are_shown_for_each_event(choice, client):
    text = " ".join(client.get(WHATS_ON).content.decode().split())

    assert "2 going · full: join the waiting list" in text  # one member, one guest
    assert "0 going · 2 places left" in text  # a guest not yet confirmed holds no place
    assert "0 going · no limit on places" in text


def test_this_week_runs_until_the_end_of_sunday_uk_time(staff_member, client):
    group = make_group(staff_member, audience="public")
    now = timezone.now()
    end = end_of_week(now)
    soon_ = now + (end - now) / 2
    this_week = services.create_event(
        group=group, created_by=staff_member, title="Soon", starts_at=soon_,
        ends_at=soon_ + timedelta(minutes=1),
    )  # fmt: skip
    next_week = make_event(group, title="Later", days=8)

    assert listed(client.get(WHATS_ON + "?this_week=on")) == [this_week.pk]
    assert next_week.pk in listed(client.get(WHATS_ON))


@pytest.mark.parametrize(
    ("now", "end"),
    [
        ("2026-12-07 09:00", "2026-12-14 00:00"),  # a Monday
        ("2026-12-13 23:30", "2026-12-14 00:00"),  # late on a Sunday
        ("2026-10-25 12:00", "2026-10-26 00:00"),  # the Sunday the clocks go back
        ("2027-03-27 23:30", "2027-03-29 00:00"),  # the Saturday before they go forward
    ],
)
def test_the_week_ends_at_midnight_at_the_end_of_sunday_in_london(now, end):
    def at(text: str) -> datetime:
        return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=LONDON)

    assert end_of_week(at(now)) == at(end)


@pytest.mark.parametrize(
    "query",
    [
        "kind=party",
        "kind=social&kind=",
        "skill=" + "x" * 101,
        "place=" + "x" * 101,
        "after=garbage",
        "after=99999999999999999999999-1",
        "after=1-99999999999999999999999",
        "after=-1",
        "after=%C2%B2-%C2%B2",  # digits, but not ASCII ones
        "page=-1&sort=nonsense",
        "this_week=false&has_places=FALSE",
    ],
)
def test_bad_filter_values_are_ignored_and_the_list_shown(choice, client, query):
    response = client.get(f"{WHATS_ON}?{query}")

    assert len(listed(response)) == 4
    assert "govuk-error" not in response.content.decode()
    assert client.get(f"{PUBLIC_FEED}?{query}").status_code == 200


@pytest.mark.parametrize(
    "query",
    ["place=%25", "place=_", "skill=%27%3B+DROP+TABLE+groups_event%3B--", "skill=%F0%9F%A6%89"],
)
def test_odd_filter_values_are_taken_literally_and_find_nothing(choice, client, query):
    assert listed(client.get(f"{WHATS_ON}?{query}")) == []
    assert in_feed(client.get(f"{PUBLIC_FEED}?{query}")) == []


def test_the_filters_asked_for_are_kept_in_the_form_and_the_ignored_ones_are_not(choice, client):
    html = client.get(WHATS_ON + "?kind=learning&skill=Excel&place=" + "x" * 101 + "&online=on")
    html = html.content.decode()

    assert '<option value="learning" selected>' in html
    assert 'name="skill" value="Excel"' in html
    assert 'name="place"' in html and "x" * 101 not in html
    assert 'name="online" class="govuk-checkboxes__input" id="id_online" checked' in html
    assert 'id="id_has_places" checked' not in html


def test_every_filter_has_a_label(client, db):
    html = client.get(WHATS_ON).content.decode()

    for name in Filters.__dataclass_fields__:
        assert '<label class="govuk-label' in html and f'for="id_{name}"' in html, name


# --- days and pages --------------------------------------------------------------------------


def test_events_are_grouped_under_a_heading_for_each_day_uk_time(staff_member, client):
    group = make_group(staff_member, audience="public")
    day = timezone.localdate() + timedelta(days=10)
    late = datetime(day.year, day.month, day.day, 23, 30, tzinfo=LONDON)
    for title, starts in [("Late one", late), ("Early next", late + timedelta(hours=1))]:
        services.create_event(
            group=group, created_by=staff_member, title=title, starts_at=starts,
            ends_at=starts + timedelta(minutes=20),
        )  # fmt: skip

    html = client.get(WHATS_ON).content.decode()

    first = f'<time datetime="{day.isoformat()}">{late:%A} {day.day} {late:%B}'
    following = day + timedelta(days=1)
    second = f'<time datetime="{following.isoformat()}">'
    assert html.count('<h2 class="govuk-heading-m" id="day-') == 2
    assert html.index(first) < html.index("Late one") < html.index(second)
    assert html.index(second) < html.index("Early next")


def test_a_series_session_says_it_repeats(staff_member, client):
    group = make_group(staff_member, audience="public")
    series = EventSeries.objects.create(
        group=group, frequency="weekly", starts_at=timezone.now(), count=3
    )
    make_event(group, title="Choir practice", series=series)

    html = client.get(WHATS_ON).content.decode()

    assert f'href="/groups/{group.slug}/series/{series.pk}/">Repeats every week</a>' in html


def _many(group, n: int, *, same_start: bool = False) -> list[Event]:
    """``n`` events of ``group`` (written at once, as many as a page and more), the first
    soonest; with ``same_start`` all at one moment."""
    first = timezone.now() + timedelta(days=1)
    events = Event.objects.bulk_create(
        Event(
            group=group,
            title=f"Session {i}",
            starts_at=first + (timedelta() if same_start else timedelta(hours=i)),
            ends_at=first + timedelta(hours=i + 1),
            kind="learning" if i % 2 else "social",
            capacity=10 if i % 3 else None,
            location="Civic Hall" if i % 4 else "",
        )
        for i in range(n)
    )
    return sorted(events, key=lambda e: (e.starts_at, e.pk))


@pytest.mark.parametrize("same_start", [False, True], ids=["in turn", "all at once"])
def test_later_events_are_a_page_on_each_in_order_and_none_twice(staff_member, client, same_start):
    group = make_group(staff_member, audience="public")
    events = _many(group, PAGE_SIZE + 5, same_start=same_start)

    first = client.get(WHATS_ON + "?kind=")
    later = re.search(r'href="([^"]*)" rel="next"', first.content.decode()).group(1)
    second = client.get(later.replace("&amp;", "&"))

    assert len(listed(first)) == PAGE_SIZE
    assert listed(first) + listed(second) == [e.pk for e in events]
    assert 'rel="next"' not in second.content.decode()
    assert 'href="/whats-on/">\n' in second.content.decode()  # back to the soonest


def test_later_events_keep_the_filters(staff_member, client):
    group = make_group(staff_member, audience="public")
    events = [e for e in _many(group, 2 * PAGE_SIZE + 10) if e.kind == "learning"]

    first = client.get(WHATS_ON + "?kind=learning")
    later = re.search(r'href="([^"]*)" rel="next"', first.content.decode()).group(1)
    second = client.get(later.replace("&amp;", "&"))

    assert later.startswith("/whats-on/?kind=learning&amp;after=")
    assert listed(first) + listed(second) == [e.pk for e in events]


def test_a_position_is_written_in_its_link_and_read_back_exactly():
    position = After(timezone.now(), 42)

    assert After.parse(str(position)) == position
    assert After.parse("") is None


# --- what it costs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["", "?kind=learning&skill=excel&place=hall&online=on&has_places=on&this_week=on"]
)
@pytest.mark.parametrize("who", ["visitor", "member"])
def test_the_page_runs_a_fixed_number_of_queries_however_many_events(
    world, client, client_as, who, query, django_assert_max_num_queries
):
    grace = world.people["member of the members-only group"]
    viewer = client if who == "visitor" else client_as(grace)
    group = world.groups["members"]

    def grow(n):
        """``n`` more events, each with a member and a guest going, every other one a
        session of a series."""
        made = _many(group, n)
        for event in made:
            services.rsvp_to_event(event=event, user=grace, going=True)
            Guest.objects.create(event=event, name="G", email="g@example.com", status="going")
        series = EventSeries.objects.create(
            group=group, frequency="weekly", starts_at=timezone.now(), count=n
        )
        Event.objects.filter(pk__in=[e.pk for e in made[::2]]).update(series=series)

    services.calendar_feed_for(user=grace)  # made on their first visit, once: shown on the page
    grow(3)
    small = cold_queries(viewer, WHATS_ON + query)
    grow(57)  # 60
    assert cold_queries(viewer, WHATS_ON + query) == small
    with page_budget(5):
        viewer.get(WHATS_ON + query)
    cold()
    with django_assert_max_num_queries(10):  # with the page cache's own round trips
        viewer.get(WHATS_ON + query)


def test_a_calendar_file_runs_a_fixed_number_of_queries_however_many_events(
    world, client, django_assert_max_num_queries
):
    grace = world.people["member of the members-only group"]
    address = private_feed(grace)
    group = world.groups["members"]
    _many(group, 3)
    with django_assert_max_num_queries(2) as small:
        client.get(address)
    _many(group, 57)

    with django_assert_max_num_queries(len(small)):
        assert len(in_feed(client.get(address))) == 60 + len(world.events)
