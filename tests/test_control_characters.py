"""Control characters: stripped from what people write, and from what every feed, calendar
and contact card sends out, whatever is stored.

Nobody types one on purpose (they come pasted from terminals, spreadsheets and PDFs), and
one in an event's title used to fail that group's Atom feed for every reader. Stripping
them silently is kinder than refusing a form for a character nobody can see.
"""

from __future__ import annotations

from io import StringIO
from xml.etree import ElementTree

import pytest
import vobject
from django.contrib.auth.models import Group as AuthGroup
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from forums import services as forum_services
from forums.models import Board, Post, Thread
from groups.models import Event, Group
from profiles.models import Place, Profile
from sociable.accounts.models import User
from tests.accounts.factories import UserFactory, add_totp, staff_of
from tests.groups.factories import make_event, make_group
from tests.groups.test_views import event_form
from tests.profiles.factories import make_profile
from tests.profiles.test_import import HEADER, run, write

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
# Every character that goes: C0 but tab, line feed and carriage return; DEL; C1.
INVISIBLE = "".join(
    chr(c) for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
)
# What PostgreSQL can hold of them (not NUL): what may already be stored.
STORABLE = INVISIBLE.replace("\x00", "")


def atom(response) -> ElementTree.Element:
    assert response.status_code == 200, response.status_code
    return ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)


@pytest.fixture
def choir(staff_member) -> Group:
    return make_group(staff_member, name="Lunchtime choir", audience="public")


# --- what people write ---------------------------------------------------------------------


def test_an_event_title_and_description_lose_their_control_characters(
    client_as, staff_member, choir
):
    response = client_as(staff_member).post(
        reverse("groups:event-create", args=[choir.slug]),
        event_form(
            title=f"Summer{INVISIBLE} concert\x1b[0m",
            description=f"Bring\tfriends\r\n\r\nand {INVISIBLE}music",
            location="Civic\x0b Hall",
        ),
    )

    assert response.status_code == 302
    event = Event.objects.get()
    assert event.title == "Summer concert[0m"
    assert event.description == "Bring\tfriends\r\n\r\nand music"
    assert event.location == "Civic Hall"
    feed = atom(Client().get(reverse("groups:group-feed", args=[choir.slug])))
    assert feed.find(f"{ATOM}entry/{ATOM}title").text == "Summer concert[0m"


def test_a_title_of_nothing_but_control_characters_is_an_empty_title(
    client_as, staff_member, choir
):
    response = client_as(staff_member).post(
        reverse("groups:event-create", args=[choir.slug]), event_form(title=INVISIBLE)
    )

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Event.objects.exists()


def test_a_line_break_in_a_one_line_field_is_a_space(client_as, staff_member):
    board = Board.objects.create(name="Open discussion", slug="open", audience="public")

    client_as(staff_member).post(
        reverse("forums:thread-create", args=[board.slug]),
        {"title": "Bins\r\nBcc: everyone@example.com", "body": "Tuesdays?\r\nOr Wednesdays?"},
    )

    thread = Thread.objects.get()
    assert thread.title == "Bins Bcc: everyone@example.com"
    assert Post.objects.get().body == "Tuesdays?\r\nOr Wednesdays?"  # a text area keeps its lines


def test_the_admin_strips_them_too(client_as):
    administrator = UserFactory(is_staff=True, is_superuser=True)
    administrator.groups.add(AuthGroup.objects.get(name="Moderators"))
    add_totp(administrator)

    response = client_as(administrator).post(
        reverse("admin:profiles_place_add"),
        {"name": "Civic\x05 Hall", "slug": "civic-hall", "address": f"1 Town{STORABLE} Square"},
    )

    assert response.status_code == 302
    assert Place.objects.values_list("name", "address").get() == ("Civic Hall", "1 Town Square")


def test_the_hr_import_strips_them_and_a_name_of_nothing_else_is_missing(tmp_path, council):
    path = write(
        tmp_path,
        HEADER + "nadia@council.example.gov.uk,Nadia\x05 Begum,Housing\x1b Officer,,\n"
        "blank@council.example.gov.uk,\x07\x08,,,\n",
    )

    output = run(path)

    assert output == [
        "Created 1, updated 0, unchanged 0, rejected 1.",
        "line 3: blank@council.example.gov.uk: name is missing",
    ]
    nadia = User.objects.get(email="nadia@council.example.gov.uk")
    assert (nadia.name, nadia.profile.job_title) == ("Nadia Begum", "Housing Officer")


def test_every_save_strips_them_whoever_writes(staff_member):
    """A service, a sign-in's name from an identity provider, a script: not only forms."""
    board = Board.objects.create(name="Open\x7f discussion", slug="open", audience="public")
    thread, post = forum_services.start_thread(
        board=board, author=staff_member, title="Bins\x85 day", body="Tues\x00days\ud800?"
    )
    staff_member.name = "Amara\x1b[31m Okafor"
    staff_member.save(update_fields=["name"])

    assert Board.objects.get().name == "Open discussion"
    assert Thread.objects.get().title == "Bins day"
    assert Post.objects.get().body == "Tuesdays?"
    assert User.objects.get(pk=staff_member.pk).name == "Amara[31m Okafor"


# --- whatever is stored ----------------------------------------------------------------------


def test_the_feeds_calendars_and_cards_strip_what_was_stored_before(
    client_as, staff_member, council, choir
):
    """Rows written around save() (an update, an older version of the site)."""
    event = make_event(choir, title="Rehearsal")
    Event.objects.filter(pk=event.pk).update(
        title=f"Re{STORABLE}hearsal",
        description=f"Bring{STORABLE} music",
        description_html=f"<p>Bring{STORABLE} music</p>",
        location=f"Civic{STORABLE} Hall",
        online_url=f"https://meet.example/{STORABLE}x",
    )
    Group.objects.filter(pk=choir.pk).update(name=f"Lunchtime{STORABLE} choir")
    board = Board.objects.create(name="Open discussion", slug="open", audience="public")
    thread, post = forum_services.start_thread(
        board=board, author=staff_member, title="Bins", body="Tuesdays?"
    )
    Thread.objects.filter(pk=thread.pk).update(title=f"Bins{STORABLE}")
    Post.objects.filter(pk=post.pk).update(body_html=f"<p>Tues{STORABLE}days?</p>")
    User.objects.filter(pk=staff_member.pk).update(name=f"Amara{STORABLE} Okafor")
    profile = make_profile(staff_member, job_title="Clerk")
    Profile.objects.filter(pk=profile.pk).update(job_title=f"Clerk{STORABLE}")
    anonymous = Client()

    group_feed = atom(anonymous.get(reverse("groups:group-feed", args=[choir.slug])))
    board_feed = atom(anonymous.get(reverse("forums:board-feed", args=[board.slug])))
    calendar = anonymous.get(reverse("groups:event-ics", args=[choir.slug, event.pk]))
    card = client_as(staff_of(council)).get(
        reverse("profiles:profile-vcard", args=[staff_member.username])
    )

    assert group_feed.find(f"{ATOM}title").text == "Lunchtime choir – Sociable events"
    assert group_feed.find(f"{ATOM}entry/{ATOM}title").text == "Rehearsal"
    assert group_feed.find(f"{ATOM}entry/{ATOM}content").text == "<p>Bring music</p>"
    assert board_feed.find(f"{ATOM}entry/{ATOM}title").text == "Bins"
    assert board_feed.find(f"{ATOM}entry/{ATOM}author/{ATOM}name").text == "Amara Okafor"
    assert calendar.status_code == card.status_code == 200
    ics = calendar.content.decode()
    assert "SUMMARY:Rehearsal" in ics and "LOCATION:Civic Hall" in ics
    assert not any(character in ics for character in STORABLE.replace("\x0d", ""))
    parsed = vobject.readOne(card.content.decode())
    assert (parsed.fn.value, parsed.title.value) == ("Amara Okafor", "Clerk")


def test_a_preferred_name_of_nothing_but_control_characters_gives_the_full_name(
    client_as, staff_member, council
):
    profile = make_profile(staff_member)
    Profile.objects.filter(pk=profile.pk).update(preferred_name="\x05\x06")

    card = client_as(staff_of(council)).get(
        reverse("profiles:profile-vcard", args=[staff_member.username])
    )

    assert card.status_code == 200
    assert vobject.readOne(card.content.decode()).fn.value == "Amara Okafor"


def test_a_command_strips_what_was_stored_before(staff_member, choir):
    event = make_event(choir, title="Rehearsal")
    Event.objects.filter(pk=event.pk).update(
        title="Re\x05hearsal\ufffe", description=f"Bring{STORABLE}\r\nmusic"
    )
    Place.objects.bulk_create(  # around save(): a second place that strips to the first's name
        [Place(name="Civic Hall", slug="civic-hall"), Place(name="Civic\x07 Hall", slug="ch")]
    )

    dry_run = call(["strip_control_characters", "--dry-run"])
    assert Event.objects.get().title == "Re\x05hearsal\ufffe"
    output = call(["strip_control_characters"])

    assert "groups.Event.title: would change 1 row" in dry_run
    assert "groups.Event.title: changed 1 row" in output
    assert "groups.Event.description: changed 1 row" in output
    assert any(line.startswith("profiles.Place.name: left as it is") for line in output)
    assert Event.objects.values_list("title", "description").get() == (
        "Rehearsal",
        "Bring\r\nmusic",
    )
    assert set(Place.objects.values_list("name", flat=True)) == {"Civic Hall", "Civic\x07 Hall"}
    assert call(["strip_control_characters"]) == [
        "profiles.Place.name: left as it is: stripping would make rows the same that must "
        "differ; correct them in the admin, then run this again"
    ]


def call(args: list[str]) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()
