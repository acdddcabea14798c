"""Who sees which board, seen from outside: every page, search and feed follows one rule.

Five boards (public, community, staff, one organisation's, a group's) each hold a thread.
Each kind of person, signed in or not, sees exactly the boards the audience rule gives them,
plus the boards they moderate, and gets a 404 for the rest, whatever URL they guess.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import Group as AuthGroup
from django.test import Client
from django.urls import reverse

from forums import services
from forums.models import Board, Thread
from groups import services as group_services
from groups.models import Group, Membership
from tests.accounts.factories import UserFactory, add_totp, staff_of
from tests.forums.factories import group_board

BOARDS = ["public", "community", "staff", "organisation", "group"]
WORD = "heron"

# What each kind of person may read.
EXPECTED = {
    "anonymous": {"public"},
    "community member": {"public", "community"},
    "staff of another organisation": {"public", "community", "staff"},
    "colleague": {"public", "community", "staff", "organisation"},
    "group member": {"public", "community", "group"},
    "moderator of two boards": {"public", "community", "organisation", "group"},
    "moderator of every board": set(BOARDS),
}


@pytest.fixture
def forum(council, staff_member, settings):
    """The five boards, each with a thread by a council organiser of the group."""
    settings.FORUMS_POSTS_PER_10_MINUTES = 1_000
    group = group_services.create_group(
        created_by=staff_member,
        name="Lunchtime choir",
        summary="We sing at lunch",
        audience="community",
    )
    boards = {
        "public": Board.objects.create(
            name="Board for everyone", slug="everyone", audience="public"
        ),
        "community": Board.objects.create(
            name="Board for the community", slug="community", audience="community"
        ),
        "staff": Board.objects.create(
            name="Board for partner staff", slug="partner-staff", audience="staff"
        ),
        "organisation": Board.objects.create(
            name="Board for council staff",
            slug="council",
            audience="organisation",
            audience_organisation=council,
        ),
        "group": group_board(group, name="Board of the choir", slug="choir", audience="members"),
    }
    threads, posts = {}, {}
    for key, board in boards.items():
        threads[key], _ = services.start_thread(
            board=board,
            author=staff_member,
            title=f"Thread on the {key} board",
            body=f"A {WORD} on the {key} board",
        )
        posts[key] = services.reply(
            thread=threads[key], author=staff_member, body=f"Another {WORD}, {key}"
        )
    return {"group": group, "boards": boards, "threads": threads, "posts": posts}


def _moderator(boards=()):
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(AuthGroup.objects.get(name="Moderators"))
    add_totp(moderator)
    for board in boards:
        board.moderators.add(moderator)
    return moderator


@pytest.fixture
def viewer(request, forum, council, community_member, other_staff):
    """A client signed in as (or, for "anonymous", not signed in as) each kind of person."""
    kind = request.param
    person = {
        "anonymous": lambda: None,
        "community member": lambda: community_member,
        "staff of another organisation": lambda: other_staff,
        "colleague": lambda: staff_of(council),
        "group member": lambda: _group_member(forum["group"]),
        "moderator of two boards": lambda: _moderator(
            [forum["boards"]["organisation"], forum["boards"]["group"]]
        ),
        "moderator of every board": lambda: _moderator(),
    }[kind]()
    client = Client()
    if person is not None:
        client.force_login(person)
    return kind, client


def _group_member(group: Group):
    member = UserFactory(name="Grace Member")
    group_services.add_member(group=group, user=member)
    return member


@pytest.mark.parametrize("viewer", list(EXPECTED), indirect=True)
def test_each_person_sees_exactly_their_boards_everywhere(viewer, forum):
    """Board list, board, thread, permalink, search and feed all agree with the audience rule."""
    kind, client = viewer
    allowed = EXPECTED[kind]

    board_list = client.get(reverse("forums:board-list"))
    assert board_list.status_code == 200
    listed = {
        key for key, board in forum["boards"].items() if board.name in board_list.content.decode()
    }
    assert listed == allowed, "board list"

    for key in BOARDS:
        can = key in allowed
        board, thread, post = forum["boards"][key], forum["threads"][key], forum["posts"][key]
        assert client.get(board.get_absolute_url()).status_code == (200 if can else 404), key
        assert client.get(thread.get_absolute_url()).status_code == (200 if can else 404), key
        permalink = client.get(post.get_absolute_url())
        assert permalink.status_code == (302 if can else 404), key
        if can:
            assert permalink["Location"].startswith(thread.get_absolute_url())
        # Feed readers never sign in: only the public board has a feed, for everyone.
        feed = client.get(reverse("forums:board-feed", args=[board.slug]))
        assert feed.status_code == (200 if key == "public" else 404), key

    results = client.get(reverse("forums:search"), {"q": WORD})
    found = {post.thread.board.slug for post in results.context["page"]}
    assert found == {forum["boards"][key].slug for key in allowed}, "search"
    html = results.content.decode()
    for key in set(BOARDS) - allowed:
        assert forum["boards"][key].name not in html
        assert forum["threads"][key].title not in html


def test_only_active_members_see_a_group_board(forum, community_member, client_as):
    """Asking to join is not enough; leaving takes the board away again."""
    group, board = forum["group"], forum["boards"]["group"]
    group.join_policy = Group.JoinPolicy.APPROVAL
    group.save(update_fields=["join_policy"])
    client = client_as(community_member)

    membership = group_services.join_group(group=group, user=community_member)
    assert membership.status == Membership.Status.PENDING
    assert client.get(board.get_absolute_url()).status_code == 404

    group_services.decide_membership(membership=membership, approve=True)
    assert client.get(board.get_absolute_url()).status_code == 200
    assert client.get(forum["threads"]["group"].get_absolute_url()).status_code == 200

    group_services.leave_group(group=group, user=community_member)
    assert client.get(board.get_absolute_url()).status_code == 404
    assert client.get(forum["posts"]["group"].get_absolute_url()).status_code == 404
    results = client.get(reverse("forums:search"), {"q": WORD})
    assert board.slug not in {post.thread.board.slug for post in results.context["page"]}


def test_a_moderator_loses_a_board_they_no_longer_moderate(forum, client_as):
    """Moderators see what they moderate, and only while they moderate it."""
    staff_board = forum["boards"]["staff"]
    moderator = _moderator([forum["boards"]["group"]])
    client = client_as(moderator)
    thread = forum["threads"]["staff"]
    assert client.get(thread.get_absolute_url()).status_code == 404

    staff_board.moderators.add(moderator)
    assert client.get(thread.get_absolute_url()).status_code == 200

    staff_board.moderators.remove(moderator)
    assert client.get(thread.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("kind", ["anonymous", *list(EXPECTED)[1:5]])
def test_threads_reached_through_their_board_follow_the_board_s_audience(
    kind, forum, council, community_member, other_staff
):
    """``visible_q`` through a relation (as home's new threads filter) agrees with the rule."""
    person = {
        "anonymous": AnonymousUser,
        "community member": lambda: community_member,
        "staff of another organisation": lambda: other_staff,
        "colleague": lambda: staff_of(council),
        "group member": lambda: _group_member(forum["group"]),
    }[kind]()

    through = Thread.objects.filter(Board.objects.visible_q(person, prefix="board__"))

    assert set(through) == {forum["threads"][key] for key in EXPECTED[kind]}
    assert set(through) == set(Thread.objects.visible_to(person))
