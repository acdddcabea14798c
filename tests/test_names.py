"""A person's name shows only where their profile's audience reaches the viewer.

Five people of the council take part in a public group: one whose profile is for everyone,
one for anyone signed in, one for partner staff, one for the council's own staff, and Nell,
a community member with no profile yet. Each list that names people (going to an event,
organising a group, its members, the teacher of a session, invitations, new people nearby)
names exactly those whose profile reaches the viewer and counts the others; everyone sees
their own name, and organisers see the names of the people who asked them or replied to
them (docs/permissions.md, "Names").
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import Group as AuthGroup
from django.core import mail
from django.test import Client
from django.urls import reverse

from forums.models import Board
from forums.services import react, reply, start_thread
from groups import services
from groups.models import Membership
from profiles.models import AUDIENCE_ORDER, Profile, Skill
from profiles.visibility import group_q, knows_name, names_for
from sociable.accounts.models import User
from sociable.notifications.models import Notification
from tests.accounts.factories import UserFactory, add_totp, staff_of
from tests.groups.factories import make_event, make_group
from tests.helpers import run_tasks
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db

# The people listed, by their profile's audience ("none": no profile at all).
NAMES = {
    "public": "Pam Public",
    "community": "Cai Community",
    "staff": "Sal Staff",
    "organisation": "Orla Ownorg",
    "none": "Nell Noprofile",
}
# Whose names each viewer sees on a page everyone who may see the group sees.
SEES = {
    "anonymous": {"public"},
    "community member": {"public", "community"},
    "staff of another organisation": {"public", "community", "staff"},
    "staff of the same organisation": {"public", "community", "staff", "organisation"},
    "group member": {"public", "community"},  # a community member: membership adds nothing
    "organiser": {"public", "community"},  # a community member too
    "moderator": {"public", "community", "staff"},  # trust staff; moderates discussions only
    "the person themselves": {"public", "community", "none"},  # Nell sees her own name
}
VIEWERS = list(SEES)


@pytest.fixture
def world(council, trust):
    """The five people, who they meet, and every kind of viewer."""
    organiser = UserFactory(name="Olu Organiser")  # a community member
    make_profile(organiser, audience="public")
    member = UserFactory(name="Mo Member")
    make_profile(member, audience="public")
    listed = {}
    for audience in AUDIENCE_ORDER:
        person = staff_of(council, name=NAMES[audience])
        make_profile(person, audience=audience)
        listed[audience] = person
    listed["none"] = UserFactory(name=NAMES["none"])

    parkrun = make_group(organiser, name="Parkrunners", audience="public")
    run = make_event(parkrun, title="Saturday run")
    services.join_group(group=parkrun, user=member)
    # Book swap: organised by all of them, to list organisers.
    books = make_group(organiser, name="Book swap", audience="public")
    for person in listed.values():
        services.join_group(group=parkrun, user=person)
        services.rsvp_to_event(event=run, user=person, going=True)
        services.set_role(
            membership=services.join_group(group=books, user=person), role="organiser"
        )

    moderator = staff_of(trust, name="Mona Moderator", is_staff=True)
    moderator.groups.add(AuthGroup.objects.get(name="Moderators"))
    add_totp(moderator)
    viewers = {
        "anonymous": None,
        "community member": UserFactory(name="Cara Community"),
        "staff of another organisation": staff_of(trust, name="Tom Trust"),
        "staff of the same organisation": staff_of(council, name="Colin Council"),
        "group member": member,
        "organiser": organiser,
        "moderator": moderator,
        "the person themselves": listed["none"],
    }
    return {
        "listed": listed,
        "viewers": viewers,
        "parkrun": parkrun,
        "run": run,
        "books": books,
        "organiser": organiser,
    }


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def section(html: str, heading: str, end: str = "</ul>") -> str:
    """The part of a page from its heading ``heading`` to the end of the list under it."""
    start = html.index(f">{heading}</h")
    return html[start : html.index(end, start)]


def others(shown: int, hidden: int) -> str:
    if shown:
        return f"and {hidden} other{'s' if hidden != 1 else ''}"
    return f"{hidden} {'person' if hidden == 1 else 'people'}"


def assert_names(text: str, seen: set[str]) -> None:
    for audience, name in NAMES.items():
        assert (name in text) == (audience in seen), (name, audience in seen)
    hidden = len(NAMES) - len(seen)
    counted = re.sub(r"\s+", " ", text)
    if hidden:
        assert others(len(seen), hidden) in counted
    else:
        assert " other" not in counted and "people" not in counted


@pytest.mark.parametrize("viewer", VIEWERS)
def test_an_events_page_names_only_those_going_whose_profile_reaches_the_viewer(world, viewer):
    html = client_for(world["viewers"][viewer]).get(world["run"].get_absolute_url())

    assert html.status_code == 200
    assert_names(section(html.content.decode(), "Going"), SEES[viewer])


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_groups_page_names_only_organisers_whose_profile_reaches_the_viewer(world, viewer):
    html = client_for(world["viewers"][viewer]).get(world["books"].get_absolute_url())

    organisers = section(html.content.decode(), "Organisers")
    assert "Olu Organiser" in organisers  # public profile: named to all
    assert_names(organisers, SEES[viewer])


@pytest.mark.parametrize("viewer", VIEWERS)
def test_members_see_the_names_their_audience_may_see_and_organisers_see_all(world, viewer):
    response = client_for(world["viewers"][viewer]).get(
        reverse("groups:member-list", args=[world["parkrun"].slug])
    )

    if viewer == "anonymous":
        assert response.status_code == 302  # to sign in
        return
    if viewer not in ("group member", "organiser", "the person themselves"):
        assert response.status_code == 403  # only members see who else is in
        return
    table = section(response.content.decode(), "Members", end="</table>")
    assert "7 members" in table
    assert "Olu Organiser" in table and "Mo Member" in table
    if viewer == "organiser":  # they approve, remove and make organisers by name
        assert_names(table, set(NAMES))
    else:
        assert_names(table, SEES[viewer])
        assert "whose profiles are not shared with you" in table


def test_organisers_see_everyone_going_waiting_and_asking_to_join_by_name(world, trust):
    organiser, group = world["organiser"], world["parkrun"]
    run = make_event(group, title="Relay", capacity=3)
    for person in world["listed"].values():
        services.rsvp_to_event(event=run, user=person, going=True)  # the last two wait
    services.update_group(group=group, join_policy="approval")
    asking = staff_of(trust, name="Ada Asking")
    make_profile(asking, audience="organisation")  # the trust's staff only
    services.join_group(group=group, user=asking, message="Can I come?")
    client = client_for(organiser)

    attendees = client.get(reverse("groups:event-attendees", args=[group.slug, run.pk]))
    csv = client.get(reverse("groups:event-attendees-csv", args=[group.slug, run.pk]))
    members = client.get(reverse("groups:member-list", args=[group.slug])).content.decode()

    for name in NAMES.values():
        assert name in attendees.content.decode() and name in csv.content.decode()
    assert "Ada Asking" in section(members, "Asking to join", end="</ul>")
    told = Notification.objects.get(kind="join_request", recipient=organiser)
    assert told.title == "Ada Asking asked to join Parkrunners"


def stretching_session(world, teacher):
    """A learning session of the parkrunners' group, taught by ``teacher``."""
    skill = Skill.objects.create(name="Stretching")
    return make_event(
        world["parkrun"], title="Stretching", kind="learning", skill=skill, teacher=teacher
    )


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_sessions_teacher_is_named_only_where_their_profile_reaches(world, viewer):
    teacher = world["listed"]["organisation"]
    session = stretching_session(world, teacher)

    html = client_for(world["viewers"][viewer]).get(session.get_absolute_url()).content.decode()

    start = html.index(">Teaches</dt>")
    teaches = html[start : html.index("</dd>", start)]
    assert "Stretching" in teaches
    assert (NAMES["organisation"] in teaches) == ("organisation" in SEES[viewer])


def test_a_teacher_hidden_from_their_audience_sees_their_own_name(world):
    teacher = world["listed"]["none"]
    session = stretching_session(world, teacher)

    mine = client_for(teacher).get(session.get_absolute_url()).content.decode()
    theirs = client_for(world["organiser"]).get(session.get_absolute_url()).content.decode()

    assert f'Stretching</a>, with <a class="govuk-link" href="/people/{teacher.username}/">' in mine
    assert NAMES["none"] not in theirs


def test_an_invitation_names_the_organiser_only_to_people_their_profile_reaches(
    council, trust, client_as
):
    organiser = staff_of(council, name="Gita Organiser")
    make_profile(organiser, audience="organisation")
    group = make_group(organiser, name="Sign language tasters", audience="public")
    colleague, partner, neighbour = (
        staff_of(council, name="Chidi Colleague"),
        staff_of(trust, name="Tess Trust"),
        UserFactory(name="Nia Neighbour"),
    )
    for person in (colleague, partner, neighbour):
        make_profile(person, learn=["British Sign Language"])
    event = make_event(
        group, title="Greetings", skill=Skill.objects.get(name="British Sign Language")
    )

    client_as(organiser).post(reverse("groups:event-invite-learners", args=[group.slug, event.pk]))
    run_tasks()

    titles = dict(
        Notification.objects.filter(kind="invitation").values_list("recipient__name", "title")
    )
    assert titles["Chidi Colleague"].startswith("Gita Organiser invites you to Greetings")
    for name in ("Tess Trust", "Nia Neighbour"):
        assert titles[name].startswith("An organiser of Sign language tasters invites you")
    emails = {message.to[0]: message for message in mail.outbox}
    assert "Gita Organiser" in emails[colleague.email].body
    for person in (partner, neighbour):
        email = emails[person.email]
        assert "Gita" not in email.subject and "Gita" not in email.body
        page = client_as(person).get(reverse("notifications:list")).content.decode()
        assert "An organiser of Sign language tasters invites you" in page and "Gita" not in page


def test_new_people_nearby_leave_out_people_whose_profile_does_not_reach_you(
    council, trust, client_as
):
    me = staff_of(council, name="Priya Shah")
    make_profile(me, place="Civic Hall")
    make_profile(staff_of(trust, name="Nia Nearby"), place="Civic Hall", location_audience="staff")
    make_profile(
        staff_of(trust, name="Pat Private"),
        place="Civic Hall",
        audience="organisation",
        location_audience="staff",
    )

    html = client_as(me).get("/").content.decode()

    assert "Nia Nearby" in html and "Pat Private" not in html


def test_reactions_and_backing_are_counted_never_named(council, trust, client_as):
    author = staff_of(council, name="Amara Okafor")
    board = Board.objects.create(name="Open discussion", slug="open", audience="public")
    thread, _ = start_thread(board=board, author=author, title="Bins", body="When?")
    post = reply(thread=thread, author=author, body="Tuesdays.")
    thanking = staff_of(trust, name="Tariq Thanks")
    make_profile(thanking, audience="organisation")
    react(post=post, user=thanking, kind="thanks")
    suggestion = services.suggest(created_by=author, title="A choir", kind="group")
    services.back_suggestion(suggestion=suggestion, user=thanking)

    thread_page = Client().get(thread.get_absolute_url()).content.decode()
    suggestions = client_as(author).get(reverse("groups:suggestion-list")).content.decode()

    assert "1 person said thanks" in thread_page and "Tariq" not in thread_page
    assert "2 backers" in suggestions and "Tariq" not in suggestions


# --- the rule itself ---------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_rule_for_names_is_the_rule_for_seeing_a_profile(world, viewer):
    """``names_for`` decides in Python on rows already read; ``group_q`` in SQL: they agree."""
    user = world["viewers"][viewer] or AnonymousUser()
    Profile.objects.filter(user=world["listed"]["public"]).update(archived_at="2026-01-01T00:00Z")
    people = list(User.objects.filter(pk__in=[p.pk for p in world["listed"].values()]))

    seen = set(
        Profile.objects.active()
        .filter(group_q(user, "profile"), user__in=people)
        .values_list("user_id", flat=True)
    )
    names = names_for(user, people, person=lambda person: person)

    named = {person.pk for person in names.shown}
    own = {user.pk} if user.pk in {person.pk for person in people} else set()
    assert named == seen | own
    assert names.others == len(people) - len(named)
    assert names.hidden == {person.pk for person in people} - seen
    assert all(knows_name(user, p) == (p.pk in named) for p in people)


def test_names_are_decided_in_one_query_whatever_their_number(
    world, council, django_assert_num_queries
):
    people = [staff_of(council) for _ in range(10)]
    for person in people[:5]:
        make_profile(person, audience="organisation")
    viewer = world["viewers"]["staff of another organisation"]

    with django_assert_num_queries(1):
        names = names_for(viewer, people, person=lambda person: person)

    assert names.shown == [] and names.others == 10
    with django_assert_num_queries(0):  # the profiles now come with the people
        names_for(viewer, people, person=lambda person: person)
    memberships = Membership.objects.filter(group=world["parkrun"]).select_related("user__profile")
    with django_assert_num_queries(1):  # the one query that reads the memberships
        assert names_for(viewer, memberships).count == 7
