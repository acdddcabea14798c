"""A form sent twice (a double click, a resent page) never makes a second thread or post."""

import pytest
from django.urls import reverse

from forums.models import Board, Post, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(db):
    return Board.objects.create(name="Staff room", slug="staff-room", audience="staff")


def test_starting_the_same_thread_twice_makes_one(client_as, staff_member, board):
    client = client_as(staff_member)
    data = {"title": "Weeknotes?", "body": "Who writes them?", "tags": ""}

    first = client.post(reverse("forums:thread-create", args=[board.slug]), data)
    second = client.post(reverse("forums:thread-create", args=[board.slug]), data)

    assert Thread.objects.count() == 1 and Post.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_sending_the_same_reply_twice_makes_one(client_as, staff_member, other_staff, board):
    from forums.services import start_thread

    thread, opening = start_thread(board=board, author=staff_member, title="Hello", body="Hi")
    client = client_as(other_staff)
    url = reverse("forums:reply", args=[thread.pk, thread.slug])

    client.post(url, {"body": "Welcome!", "parent": opening.pk})
    client.post(url, {"body": "Welcome!", "parent": opening.pk})

    assert thread.posts.filter(author=other_staff).count() == 1


def test_a_thread_waiting_for_approval_is_hidden_from_everyone_else(
    client, client_as, community_member, other_staff, settings
):
    from forums.services import start_thread

    settings.FORUMS_APPROVE_FIRST_POSTS = 1
    board = Board.objects.create(name="Open", slug="open", audience="public")
    thread, post = start_thread(
        board=board, author=community_member, title="Hello all", body="My first post"
    )

    assert post.status == "pending"
    for viewer in [client, client_as(other_staff)]:
        assert viewer.get(thread.get_absolute_url()).status_code == 404
        assert "Hello all" not in viewer.get("/forums/open/").content.decode()
        assert "Hello all" not in viewer.get("/forums/").content.decode()
    assert client_as(community_member).get(thread.get_absolute_url()).status_code == 200


def test_a_title_with_nothing_to_slug_still_has_an_address(client_as, staff_member):
    from forums.services import start_thread

    board = Board.objects.create(name="Open", slug="open", audience="public")
    thread, _ = start_thread(board=board, author=staff_member, title="😍 田中", body="Hi")

    assert client_as(staff_member).get(thread.get_absolute_url()).status_code == 200


def test_a_suspended_person_sees_until_when_on_the_pages(client_as, staff_member, other_staff):
    from datetime import timedelta

    from django.utils import timezone

    from forums.models import Suspension

    board = Board.objects.create(name="Staff room", slug="staff-room", audience="staff")
    Suspension.objects.create(
        user=other_staff,
        until=timezone.now() + timedelta(days=3),
        reason="Abusive replies",
        created_by=staff_member,
    )

    html = client_as(other_staff).get(board.get_absolute_url()).content.decode()

    assert "Your account is suspended until" in html and "Abusive replies" in html
