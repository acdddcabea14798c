"""Groups and their events are seen only by their audience, from every viewpoint."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from groups import services
from groups.models import Event, Group, Membership
from tests.accounts.factories import staff_of
from tests.groups.factories import make_event, make_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(council):
    return staff_of(council, name="Gareth Lloyd")


def pages(group, event):
    return [
        group.get_absolute_url(),
        event.get_absolute_url(),
        reverse("groups:event-ics", args=[group.slug, event.pk]),
        reverse("groups:group-ics", args=[group.slug]),
    ]


@pytest.mark.parametrize(
    ("audience", "who_sees"),
    [
        ("public", {"anonymous", "community", "other_staff", "colleague", "member"}),
        ("community", {"community", "other_staff", "colleague", "member"}),
        ("staff", {"other_staff", "colleague", "member"}),
        ("organisation", {"colleague", "member"}),
        ("members", {"member"}),
    ],
)
def test_each_viewer_sees_exactly_the_groups_meant_for_them(
    client,
    client_as,
    staff_member,
    community_member,
    other_staff,
    colleague,
    audience,
    who_sees,
):
    group = make_group(staff_member, name="The group", audience=audience)
    event = make_event(group)
    member = staff_of(staff_member.organisation, name="Member Person")
    services.add_member(group=group, user=member)
    viewers = {
        "anonymous": client,
        "community": client_as(community_member),
        "other_staff": client_as(other_staff),
        "colleague": client_as(colleague),
        "member": client_as(member),
    }
    for name, viewer in viewers.items():
        expected = 200 if name in who_sees else 404
        for url in pages(group, event):
            assert viewer.get(url).status_code == expected, (name, url)
        listed = "The group" in viewer.get(reverse("groups:group-list")).content.decode()
        assert listed is (name in who_sees), name


def test_leaving_a_private_group_hides_it_again(client_as, staff_member, other_staff):
    group = make_group(staff_member, audience="members")
    services.add_member(group=group, user=other_staff)
    client = client_as(other_staff)
    assert client.get(group.get_absolute_url()).status_code == 200

    client.post(reverse("groups:group-leave", args=[group.slug]))

    assert client.get(group.get_absolute_url()).status_code == 404


def test_joining_a_private_group_by_its_address_is_impossible(client_as, staff_member, other_staff):
    group = make_group(staff_member, audience="members")

    response = client_as(other_staff).post(reverse("groups:group-join", args=[group.slug]))

    assert response.status_code == 404
    assert not group.memberships.filter(user=other_staff).exists()


def test_only_members_see_who_else_is_in(client_as, staff_member, other_staff, colleague):
    group = make_group(staff_member, audience="staff")
    services.join_group(group=group, user=other_staff)
    url = reverse("groups:member-list", args=[group.slug])

    assert client_as(other_staff).get(url).status_code == 200
    assert client_as(colleague).get(url).status_code == 403  # may see the group, not its list


@pytest.mark.parametrize("audience", ["public", "community", "staff", "organisation", "members"])
def test_rows_reached_through_a_group_are_seen_by_exactly_those_who_see_the_group(
    staff_member, community_member, other_staff, colleague, audience
):
    """``visible_q`` through a relation (as home's panels filter) agrees with ``visible_to``."""
    group = make_group(staff_member, name="The group", audience=audience)
    event = make_event(group)
    member = staff_of(staff_member.organisation, name="Member Person")
    services.add_member(group=group, user=member)
    viewers = [AnonymousUser(), community_member, other_staff, colleague, member]

    for viewer in viewers:
        through = Event.objects.filter(Group.objects.visible_q(viewer, prefix="group__"))
        sees = Group.objects.visible_to(viewer).filter(pk=group.pk).exists()
        assert list(through) == ([event] if sees else []), (viewer, audience)


@pytest.mark.parametrize("status", [Membership.Status.PENDING, Membership.Status.DECLINED])
def test_asking_to_join_is_not_membership_of_a_private_group(
    client_as, staff_member, other_staff, status
):
    group = make_group(staff_member, name="The private group", audience="members")
    event = make_event(group, title="The private rehearsal")
    services.add_member(group=group, user=other_staff)
    services.rsvp_to_event(event=event, user=other_staff, going=True)
    assert "The private rehearsal" in client_as(other_staff).get(reverse("home")).content.decode()
    group.memberships.filter(user=other_staff).update(status=status)
    client = client_as(other_staff)

    assert client.get(group.get_absolute_url()).status_code == 404
    assert client.get(event.get_absolute_url()).status_code == 404
    assert "The private group" not in client.get(reverse("groups:group-list")).content.decode()
    assert "The private rehearsal" not in client.get(reverse("home")).content.decode()
