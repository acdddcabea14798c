"""Following a public group's coming events in a feed reader (Atom), without signing in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups import services
from tests.accounts.factories import UserFactory, staff_of
from tests.groups.factories import make_event, make_group

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_of(group, client=None):
    return (client or Client()).get(reverse("groups:group-feed", args=[group.slug]))


def parse(response) -> ElementTree.Element:
    assert response.status_code == 200
    return ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)


@pytest.fixture
def choir(staff_member):
    return make_group(
        staff_member, name="Lunchtime choir", audience="public", summary="We sing at lunch"
    )


def test_a_public_group_has_an_atom_feed_of_its_coming_events(choir, staff_member):
    """Soonest first, each with its title, page, time in UK time, place and description."""
    year = timezone.now().year + 1
    starts = datetime(year, 7, 1, 17, 30, tzinfo=UTC)  # 18:30 in London (summer time)
    concert = services.create_event(
        group=choir,
        created_by=staff_member,
        title="Summer concert",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        location="Civic Hall, room 3",
        description="Bring **friends**",
    )
    rehearsal = make_event(choir, days=2, title="Rehearsal", online_url="https://meet.example/x")
    make_event(choir, days=-2, title="Last week's rehearsal")

    response = feed_of(choir)

    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse(response)
    assert feed.find(f"{ATOM}title").text == "Lunchtime choir – Sociable events"
    assert feed.find(f"{ATOM}subtitle").text == "We sing at lunch"
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Lunchtime choir"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["alternate"] == f"http://testserver{choir.get_absolute_url()}"
    assert links["self"] == f"http://testserver{reverse('groups:group-feed', args=[choir.slug])}"
    assert feed.find(f"{ATOM}id").text and feed.find(f"{ATOM}updated").text
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Rehearsal", "Summer concert"]
    for entry, event in zip(entries, [rehearsal, concert], strict=True):
        assert entry.find(f"{ATOM}id").text and entry.find(f"{ATOM}updated").text
        assert entry.find(f"{ATOM}link").get("href") == (
            f"http://testserver{event.get_absolute_url()}"
        )
    summary = entries[1].find(f"{ATOM}summary").text
    assert summary.startswith(f"{starts.astimezone(timezone.get_default_timezone()):%A}")
    assert f"1 July {year}, 18:30 to 20:30 · Civic Hall, room 3" in summary
    assert entries[1].find(f"{ATOM}content").text == concert.description_html
    assert "<strong>friends</strong>" in concert.description_html
    assert entries[0].find(f"{ATOM}summary").text.endswith(" · Online")


def test_the_feed_tells_no_one_who_is_going_nor_the_online_link(choir, staff_member, council):
    event = make_event(choir, title="Rehearsal", online_url="https://meet.example/secret-room")
    services.rsvp_to_event(event=event, user=staff_of(council, name="Zed Attendee"), going=True)

    body = feed_of(choir).content.decode()

    assert "Zed Attendee" not in body
    assert "secret-room" not in body
    assert staff_member.email not in body


def test_cancelled_events_stay_in_the_feed_marked_so_readers_learn_they_are_off(choir):
    event = make_event(choir, title="Picnic")
    services.cancel_event(event=event)

    entry = parse(feed_of(choir)).find(f"{ATOM}entry")

    assert entry.find(f"{ATOM}title").text == "Cancelled: Picnic"


@pytest.mark.parametrize("audience", ["community", "staff", "organisation", "members"])
def test_only_public_groups_have_feeds(audience, staff_member, client_as):
    """Feed readers never sign in: any other group's feed is missing, even for its members."""
    group = make_group(staff_member, name="Not for everyone", audience=audience)
    make_event(group)

    assert feed_of(group).status_code == 404
    assert feed_of(group, client_as(staff_member)).status_code == 404  # its organiser
    assert Client().get("/groups/no-such-group/feed/").status_code == 404


def test_what_people_typed_is_escaped_in_the_feed(staff_member):
    group = make_group(staff_member, name="<script>alert('g')</script> club", audience="public")
    services.create_event(
        group=group,
        created_by=staff_member,
        title="<img src=x onerror=alert(1)>",
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=1),
        location="<b>Room</b> & hall",
        description="<script>alert('d')</script> **ok**",
    )

    response = feed_of(group)
    body = response.content.decode()
    feed = parse(response)
    entry = feed.find(f"{ATOM}entry")

    for raw in ["<script>", "<img src", "<b>Room"]:
        assert raw not in body
    assert feed.find(f"{ATOM}title").text == "<script>alert('g')</script> club – Sociable events"
    assert entry.find(f"{ATOM}title").text == "<img src=x onerror=alert(1)>"
    # <summary type="html">: the place is escaped once more, so readers show it as text.
    assert entry.find(f"{ATOM}summary").text.endswith("· &lt;b&gt;Room&lt;/b&gt; &amp; hall")
    assert "<script>" not in entry.find(f"{ATOM}content").text  # sanitised Markdown


def test_the_feed_takes_two_queries(choir, django_assert_num_queries):
    """The group, then its coming events."""
    for n in range(12):
        make_event(choir, days=n + 1, title=f"Session {n}")

    with django_assert_num_queries(2):
        assert feed_of(choir).status_code == 200


def test_a_public_group_page_offers_its_feed_and_others_do_not(staff_member, client_as):
    public = make_group(staff_member, name="Open choir", audience="public")
    community = make_group(staff_member, name="Book club", audience="community")
    url = reverse("groups:group-feed", args=[public.slug])

    html = Client().get(public.get_absolute_url()).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html and url in html
    assert "Follow by feed" in html

    html = client_as(UserFactory()).get(community.get_absolute_url()).content.decode()
    assert "application/atom+xml" not in html and "Follow by feed" not in html
