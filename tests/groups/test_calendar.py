"""Calendar files: an event, a group's feed and a person's private feed, in iCalendar."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from groups.models import CalendarFeed
from groups.services import (
    add_member,
    calendar_feed_for,
    cancel_event,
    create_event,
    create_group,
    leave_group,
    renew_calendar_feed,
    rsvp_to_event,
)
from sociable.audience import Audience
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SITE = "https://sociable.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SOCIABLE_SITE_URL = SITE


def soon(days: int = 7, hour: int = 18) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def make_group(user, name="Lunchtime choir", audience=Audience.PUBLIC, **fields):
    return create_group(
        created_by=user, name=name, summary="We sing at lunch.", audience=audience, **fields
    )


def make_event(group, title="Sing-along", starts_at=None, **fields):
    starts_at = starts_at or soon()
    return create_event(
        group=group,
        created_by=group.created_by,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        **fields,
    )


def event_ics_url(event) -> str:
    return f"/groups/{event.group.slug}/events/{event.pk}/event.ics"


def feed_url(user) -> str:
    return f"/calendar/{calendar_feed_for(user=user).token}.ics"


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def summaries(calendar: Calendar) -> set[str]:
    return {str(vevent["SUMMARY"]) for vevent in calendar.events}


def test_an_events_file_describes_it_with_a_stable_uid_and_utc_times(staff_member):
    group = make_group(staff_member, kind="learning")
    starts = datetime(2026, 12, 3, 12, 30, tzinfo=LONDON)
    event = make_event(
        group,
        title="Intro to Python",
        starts_at=starts,
        kind="learning",
        location="Civic Hall, room 3",
        online_url="https://meet.example/python",
        description="Bring a laptop.",
    )

    response = Client().get(event_ics_url(event))

    calendar = parse(response)
    assert response["Content-Disposition"] == 'attachment; filename="intro-to-python.ics"'
    assert str(calendar["PRODID"]) == "-//Sociable//OWLS//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Intro to Python"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/London"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT1H"
    [vevent] = calendar.events
    assert str(vevent["UID"]) == f"event-{event.pk}@sociable"
    assert vevent.decoded("DTSTART") == datetime(2026, 12, 3, 12, 30, tzinfo=UTC)
    assert vevent.decoded("DTEND") == datetime(2026, 12, 3, 13, 30, tzinfo=UTC)
    for name in ("DTSTART", "DTEND", "DTSTAMP", "LAST-MODIFIED"):
        assert vevent.decoded(name).utcoffset() == timedelta(0)
        assert "TZID" not in vevent[name].params  # the "Z" form, not a named zone
    assert str(vevent["SUMMARY"]) == "Intro to Python"
    assert str(vevent["LOCATION"]) == "Civic Hall, room 3"
    # The address it was fetched from (tests/test_site_address.py), not SOCIABLE_SITE_URL.
    event_url = f"http://testserver/groups/{group.slug}/events/{event.pk}/"
    assert str(vevent["URL"]) == event_url
    description = str(vevent["DESCRIPTION"])
    assert description.startswith("Bring a laptop.")
    assert "Lunchtime choir" in description
    assert "https://meet.example/python" in description
    assert event_url in description
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert vevent.decoded("SEQUENCE") == 0
    assert [str(c) for c in vevent["CATEGORIES"].cats] == ["Learning", "Learning session"]


def test_the_uid_stays_the_same_from_one_download_to_the_next(staff_member):
    event = make_event(make_group(staff_member))

    first = parse(Client().get(event_ics_url(event))).events[0]
    second = parse(Client().get(event_ics_url(event))).events[0]

    assert first["UID"] == second["UID"]


def test_an_online_event_gives_its_link_as_the_location(staff_member):
    event = make_event(make_group(staff_member), online_url="https://meet.example/choir")

    [vevent] = parse(Client().get(event_ics_url(event))).events

    assert str(vevent["LOCATION"]) == "https://meet.example/choir"
    assert [str(c) for c in vevent["CATEGORIES"].cats] == ["Social"]  # group and event kind


def test_a_cancelled_event_comes_out_cancelled_with_a_higher_sequence(staff_member):
    event = make_event(make_group(staff_member), title="Quiz night")
    [before] = parse(Client().get(event_ics_url(event))).events

    cancel_event(event=event)
    [after] = parse(Client().get(event_ics_url(event))).events

    assert str(before["STATUS"]) == "CONFIRMED"
    assert str(after["STATUS"]) == "CANCELLED"
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")
    assert str(after["SUMMARY"]) == "Cancelled: Quiz night"
    assert after["UID"] == before["UID"]


@pytest.mark.parametrize(
    ("local_start", "utc_start"),
    [
        # The clocks go back at 02:00 on Sunday 25 October 2026: GMT is UTC.
        (datetime(2026, 10, 26, 18, tzinfo=LONDON), datetime(2026, 10, 26, 18, tzinfo=UTC)),
        # Before then, British Summer Time is an hour ahead of UTC.
        (datetime(2026, 10, 23, 18, tzinfo=LONDON), datetime(2026, 10, 23, 17, tzinfo=UTC)),
    ],
)
def test_times_are_given_in_utc_either_side_of_the_clock_change(
    staff_member, local_start, utc_start
):
    event = make_event(make_group(staff_member), starts_at=local_start)

    [vevent] = parse(Client().get(event_ics_url(event))).events

    assert vevent.decoded("DTSTART") == utc_start
    assert vevent.decoded("DTSTART").utcoffset() == timedelta(0)
    assert vevent.decoded("DTEND") == utc_start + timedelta(hours=1)


def test_text_with_commas_semicolons_and_newlines_round_trips_exactly(staff_member):
    title = "Tea, cake; and\nchat"
    description = "Bring: mugs, spoons; a \\ backslash.\n\nAnd " + "a long line " * 20
    event = make_event(
        make_group(staff_member, name="Bakers, makers; friends"),
        title=title,
        description=description,
        location="Room 1, floor 2; east wing",
    )

    response = Client().get(event_ics_url(event))

    [vevent] = parse(response).events
    assert str(vevent["SUMMARY"]) == title
    assert str(vevent["DESCRIPTION"]).startswith(description.strip())
    assert "Group: Bakers, makers; friends" in str(vevent["DESCRIPTION"])
    assert str(vevent["LOCATION"]) == "Room 1, floor 2; east wing"
    # Lines are folded to at most 75 octets, as RFC 5545 requires.
    assert max(len(line) for line in response.content.split(b"\r\n")) <= 75
    # A second, independent reader agrees.
    other = vobject.readOne(response.content.decode())
    assert other.vevent.summary.value == title
    assert other.vevent.location.value == "Room 1, floor 2; east wing"
    assert other.x_wr_calname.value == "Tea, cake; and chat"  # a calendar's name is one line


def test_staff_only_events_are_hidden_from_people_outside_staff(
    staff_member, other_staff, community_member, client_as
):
    group = make_group(staff_member, audience=Audience.STAFF)
    event = make_event(group)
    group_feed = f"/groups/{group.slug}/calendar.ics"

    assert Client().get(event_ics_url(event)).status_code == 404
    assert Client().get(group_feed).status_code == 404
    community = client_as(community_member)
    assert community.get(event_ics_url(event)).status_code == 404
    assert community.get(group_feed).status_code == 404
    staff = client_as(other_staff)
    assert staff.get(event_ics_url(event)).status_code == 200
    assert staff.get(group_feed).status_code == 200


def test_members_only_events_are_hidden_from_non_members(staff_member, other_staff, client_as):
    group = make_group(staff_member, audience=Audience.MEMBERS)
    event = make_event(group)
    group_feed = f"/groups/{group.slug}/calendar.ics"

    outsider = client_as(other_staff)
    assert outsider.get(event_ics_url(event)).status_code == 404
    assert outsider.get(group_feed).status_code == 404
    member = client_as(staff_member)
    assert member.get(event_ics_url(event)).status_code == 200
    assert member.get(group_feed).status_code == 200


def test_a_group_feed_lists_recent_and_future_events_including_cancelled_ones(staff_member):
    group = make_group(staff_member)
    make_event(group, title="Long ago", starts_at=soon(days=-40))
    make_event(group, title="Last week", starts_at=soon(days=-7))
    make_event(group, title="Next week")
    cancel_event(event=make_event(group, title="Called off", starts_at=soon(days=14)))
    make_event(make_group(staff_member, name="Another group"), title="Elsewhere")

    response = Client().get(f"/groups/{group.slug}/calendar.ics")

    calendar = parse(response)
    assert "Content-Disposition" not in response
    assert str(calendar["X-WR-CALNAME"]) == "Lunchtime choir (Sociable)"
    assert summaries(calendar) == {"Last week", "Next week", "Cancelled: Called off"}


def test_a_group_feed_takes_a_fixed_number_of_queries(staff_member, django_assert_max_num_queries):
    group = make_group(staff_member)
    for n in range(12):
        make_event(group, title=f"Session {n}", starts_at=soon(days=n + 1))

    with django_assert_max_num_queries(4):
        calendar = parse(Client().get(f"/groups/{group.slug}/calendar.ics"))

    assert len(calendar.events) == 12


def test_the_personal_feed_lists_only_events_the_person_is_going_to_or_waiting_for(
    staff_member, community_member
):
    group = make_group(staff_member)
    going = make_event(group, title="Going")
    full = make_event(group, title="Full", capacity=1)
    not_going = make_event(group, title="Not going")
    make_event(group, title="No reply")
    rsvp_to_event(event=going, user=community_member, going=True)
    rsvp_to_event(event=full, user=staff_member, going=True)
    rsvp_to_event(event=full, user=community_member, going=True)
    rsvp_to_event(event=not_going, user=community_member, going=False)

    response = Client().get(feed_url(community_member))

    calendar = parse(response)
    assert summaries(calendar) == {"Going", "Full (waiting list)"}
    assert response["Cache-Control"] == "private, max-age=900"
    assert response["X-Robots-Tag"] == "noindex"


def test_the_personal_feed_shows_cancelled_events_as_cancelled(staff_member, community_member):
    event = make_event(make_group(staff_member), title="Picnic")
    rsvp_to_event(event=event, user=community_member, going=True)
    cancel_event(event=event)

    [vevent] = parse(Client().get(feed_url(community_member))).events

    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["SUMMARY"]) == "Cancelled: Picnic"


def test_the_personal_feed_drops_a_members_only_group_the_person_has_left(
    staff_member, other_staff
):
    group = make_group(staff_member, name="Carers network", audience=Audience.MEMBERS)
    event = make_event(group, title="Carers coffee")
    add_member(group=group, user=other_staff)
    rsvp_to_event(event=event, user=other_staff, going=True)
    url = feed_url(other_staff)
    assert summaries(parse(Client().get(url))) == {"Carers coffee"}

    leave_group(group=group, user=other_staff)

    assert summaries(parse(Client().get(url))) == set()


def test_the_personal_feed_takes_a_fixed_number_of_queries(
    staff_member, community_member, django_assert_max_num_queries
):
    for n in range(6):
        group = make_group(staff_member, name=f"Group {n}")
        for day in (n + 1, n + 10):
            rsvp_to_event(
                event=make_event(group, starts_at=soon(days=day)), user=community_member, going=True
            )
    url = feed_url(community_member)

    with django_assert_max_num_queries(3):
        calendar = parse(Client().get(url))

    assert len(calendar.events) == 12


def test_a_wrong_token_finds_no_feed(community_member):
    calendar_feed_for(user=community_member)

    assert Client().get("/calendar/not-the-token.ics").status_code == 404


def test_the_old_address_stops_working_when_the_person_gets_a_new_one(community_member):
    old_url = feed_url(community_member)
    assert Client().get(old_url).status_code == 200

    renew_calendar_feed(user=community_member)

    assert Client().get(old_url).status_code == 404
    assert Client().get(feed_url(community_member)).status_code == 200


def test_the_feed_of_a_deactivated_account_is_not_found():
    person = UserFactory()
    url = feed_url(person)
    person.is_active = False
    person.save(update_fields=["is_active"])

    assert Client().get(url).status_code == 404


def test_the_settings_page_shows_the_private_address(community_member, client_as):
    token = calendar_feed_for(user=community_member).token

    response = client_as(community_member).get("/groups/calendar/")

    assert response.status_code == 200
    assert "groups/calendar_settings.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert f"http://testserver/calendar/{token}.ics" in page
    assert f"webcal://testserver/calendar/{token}.ics" in page
    assert "anyone with this address can see the events you are going to" in page.lower()
    assert "no-store" in response["Cache-Control"]


def test_getting_a_new_address_replaces_the_old_one(community_member, client_as):
    old_token = calendar_feed_for(user=community_member).token
    client = client_as(community_member)

    response = client.post("/groups/calendar/", follow=True)

    new_token = CalendarFeed.objects.get(user=community_member).token
    assert new_token != old_token
    assert response.redirect_chain == [("/groups/calendar/", 302)]
    page = response.content.decode()
    assert "Your old calendar address no longer works." in page
    assert f"/calendar/{new_token}.ics" in page
    assert old_token not in page


def test_the_settings_page_asks_people_to_sign_in():
    response = Client().get("/groups/calendar/")

    assert response.status_code == 302
    assert "/groups/calendar/" in response["Location"]


def _summaries(body: bytes) -> list[str]:
    return [str(c["SUMMARY"]) for c in Calendar.from_ical(body).walk("VEVENT")]


def test_a_group_only_some_may_see_has_an_address_of_your_own_for_your_calendar(
    client_as, staff_member, other_staff, community_member
):
    walkers = make_group(staff_member, name="Canal walkers", audience=Audience.STAFF)
    make_event(walkers, title="Towpath walk")
    colleague = client_as(other_staff)

    group_page = colleague.get(walkers.get_absolute_url()).content.decode()
    assert f'href="/groups/{walkers.slug}/calendar/"' in group_page
    page = colleague.get(f"/groups/{walkers.slug}/calendar/")
    token = calendar_feed_for(user=other_staff).token
    address = f"/calendar/{token}/groups/{walkers.slug}.ics"
    assert page.status_code == 200 and f'{address}"' in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")

    calendar_app = Client()  # no session: the token is the credential
    fetched = calendar_app.get(address)
    assert fetched.status_code == 200 and _summaries(fetched.content) == ["Towpath walk"]
    # A community member's own address for the same staff group finds nothing.
    theirs = calendar_feed_for(user=community_member).token
    assert calendar_app.get(f"/calendar/{theirs}/groups/{walkers.slug}.ics").status_code == 404
    assert calendar_app.get(f"/calendar/not-a-token/groups/{walkers.slug}.ics").status_code == 404
    # A new private address ends the old one for the group too.
    renew_calendar_feed(user=other_staff)
    assert calendar_app.get(address).status_code == 404


def test_leaving_a_members_only_group_ends_its_calendar_for_you(staff_member, other_staff):
    choir = make_group(staff_member, name="Secret choir", audience=Audience.MEMBERS)
    add_member(group=choir, user=other_staff)
    make_event(choir, title="Altos only")
    address = f"/calendar/{calendar_feed_for(user=other_staff).token}/groups/{choir.slug}.ics"
    assert _summaries(Client().get(address).content) == ["Altos only"]

    leave_group(group=choir, user=other_staff)

    assert Client().get(address).status_code == 404


def test_a_public_group_keeps_its_public_calendar_address(client_as, staff_member):
    parkrun = make_group(staff_member, name="Parkrunners")

    page = Client().get(parkrun.get_absolute_url()).content.decode()

    assert f'href="/groups/{parkrun.slug}/calendar.ics"' in page
