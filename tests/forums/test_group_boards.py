"""Every group has its own board, made with it, with its audience and never wider."""

import pytest
from django.test import Client

from forums.models import Board, Post
from forums.services import start_thread
from groups import services as groups
from tests.groups.factories import make_group

pytestmark = pytest.mark.django_db


def _page(client, group) -> str:
    return client.get(group.get_absolute_url()).content.decode()


def test_a_new_group_has_a_board_with_its_name_and_audience(
    client_as, staff_member, other_staff, community_member
):
    walkers = make_group(staff_member, name="Canal walkers", audience="staff")
    choir = make_group(staff_member, name="Secret choir", audience="members")

    board = Board.objects.get(group=walkers)
    assert (board.name, board.slug, board.audience) == ("Canal walkers", walkers.slug, "staff")
    link = f'href="{board.get_absolute_url()}">The group’s discussion board</a>'
    assert link in _page(client_as(other_staff), walkers)  # staff of another organisation
    assert client_as(other_staff).get(board.get_absolute_url()).status_code == 200
    assert client_as(community_member).get(board.get_absolute_url()).status_code == 404
    # A members-only group's board is its members' alone.
    secret = Board.objects.get(group=choir)
    assert secret.audience == "members"
    assert client_as(other_staff).get(secret.get_absolute_url()).status_code == 404
    assert client_as(staff_member).get(secret.get_absolute_url()).status_code == 200


def test_a_board_narrows_with_its_group_and_never_widens_with_it(staff_member, other_staff):
    walkers = make_group(staff_member, name="Canal walkers", audience="staff")
    board = Board.objects.get(group=walkers)
    start_thread(board=board, author=staff_member, title="Route for Friday", body="Via the lock")

    groups.update_group(group=walkers, audience="members")
    board.refresh_from_db()
    assert board.audience == "members"
    assert set(Post.objects.filter(thread__board=board).values_list("audience", flat=True)) == {
        "members"
    }  # the posts' copies follow (the search reads them)
    assert not Board.objects.visible_to(other_staff).filter(pk=board.pk).exists()

    groups.update_group(group=walkers, audience="public")  # opened up: the past stays private
    board.refresh_from_db()
    assert board.audience == "members"
    assert "discussion board" not in _page(Client(), walkers)


def test_a_group_whose_address_a_board_has_gets_the_next_free_one(staff_member):
    Board.objects.create(name="Staff room", slug="staff-room", audience="staff")

    group = make_group(staff_member, name="Staff room", audience="staff")

    assert group.slug == "staff-room"
    assert Board.objects.get(group=group).slug == "staff-room-2"
    # Nor a forums page's: /forums/search/ is the forums' search.
    searchers = make_group(staff_member, name="Search", audience="staff")
    assert searchers.slug == "search"
    assert Board.objects.get(group=searchers).slug == "search-2"


def test_a_group_board_says_who_it_is_for(client_as, staff_member, other_staff):
    walkers = make_group(staff_member, name="Canal walkers", audience="staff")
    choir = make_group(staff_member, name="Secret choir", audience="members")
    client = client_as(staff_member)

    boards = client.get("/forums/").content.decode()
    walkers_board = client.get(Board.objects.get(group=walkers).get_absolute_url())
    choir_board = client.get(Board.objects.get(group=choir).get_absolute_url())

    assert "For: staff of any partner organisation" in boards
    assert "For: members of Secret choir" in boards
    assert "members of Canal walkers" not in boards
    assert "for staff of any partner organisation." in walkers_board.content.decode()
    assert "only its members can see it" in choir_board.content.decode()
