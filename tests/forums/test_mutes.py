"""Muting a thread or a board: silence about it (even mentions), never shown as new, and a
list of what you muted with a way back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums import mutes, selectors, services
from forums.models import Board, Mute, Subscription, Thread
from forums.notifications import tell_about_post
from sociable.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_first_post_approval(settings):
    settings.FORUMS_APPROVE_FIRST_POSTS = 0


@pytest.fixture
def board(db):
    return Board.objects.create(name="Staff room", slug="staff-room", audience="staff")


@pytest.fixture
def thread(board, staff_member):
    thread, _ = services.start_thread(
        board=board, author=staff_member, title="Weeknotes", body="Are you writing them?"
    )
    return thread


def told(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def mute_url(kind: str, pk: int) -> str:
    return reverse("forums:mute", args=[kind, pk])


def test_muting_and_unmuting_a_thread_from_its_page(client_as, other_staff, thread):
    client = client_as(other_staff)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Mute this thread" in page and f'action="{mute_url("thread", thread.pk)}"' in page

    response = client.post(mute_url("thread", thread.pk), {"mute": "yes"}, follow=True)

    assert mutes.is_muted(other_staff, thread=thread)
    html = response.content.decode()
    assert "You have muted this thread" in html and "Unmute this thread" in html

    client.post(mute_url("thread", thread.pk), {"mute": "no"})
    assert not mutes.is_muted(other_staff, thread=thread)


def test_muting_and_unmuting_a_board_from_its_page(client_as, other_staff, board):
    client = client_as(other_staff)
    assert "Mute this board" in client.get(board.get_absolute_url()).content.decode()

    response = client.post(mute_url("board", board.pk), {"mute": "yes"}, follow=True)

    assert mutes.is_muted(other_staff, board=board)
    assert "Unmute this board" in response.content.decode()
    client.post(mute_url("board", board.pk), {"mute": "no"})
    assert not Mute.objects.exists()


def test_muting_twice_is_harmless_and_stops_following(client_as, staff_member, thread):
    assert Subscription.objects.filter(user=staff_member, thread=thread).exists()
    client = client_as(staff_member)

    client.post(mute_url("thread", thread.pk))
    client.post(mute_url("thread", thread.pk))

    assert Mute.objects.filter(user=staff_member, thread=thread).count() == 1
    assert not Subscription.objects.filter(user=staff_member, thread=thread).exists()


def test_nobody_mutes_what_they_cannot_see_or_by_a_link(client_as, community_member, thread):
    client = client_as(community_member)  # the staff room is not theirs

    assert client.post(mute_url("thread", thread.pk)).status_code == 404
    assert client.post(mute_url("board", thread.board_id)).status_code == 404
    assert client.post(mute_url("shelf", thread.pk)).status_code == 404
    assert client.get(mute_url("thread", thread.pk)).status_code == 405
    assert not Mute.objects.exists()


def test_signed_out_people_see_no_mute_button_and_cannot_mute(thread):
    thread.board.audience = "public"
    thread.board.save()
    page = Client().get(thread.get_absolute_url()).content.decode()
    assert "Mute this thread" not in page

    response = Client().post(mute_url("thread", thread.pk))

    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert not Mute.objects.exists()


def test_a_muted_thread_tells_nothing_not_even_a_mention(
    staff_member, other_staff, council, thread
):
    other_staff.username = "tom-whitaker"
    other_staff.save()
    services.follow(user=other_staff, thread=thread)
    opening = thread.posts.get()
    mine = services.reply(thread=thread, author=other_staff, body="Yes, every Friday")
    mutes.mute(user=other_staff, thread=thread)

    post = services.reply(
        thread=thread, author=staff_member, body="Thanks @tom-whitaker", parent=mine
    )
    tell_about_post(post)

    assert told(other_staff) == []
    assert opening.author == staff_member


def test_a_muted_board_tells_nothing_of_any_of_its_threads(staff_member, other_staff, board):
    services.follow(user=other_staff, board=board)
    mutes.mute(user=other_staff, board=board)
    services.follow(user=other_staff, board=board)  # following again: muted wins

    thread, opening = services.start_thread(
        board=board, author=staff_member, title="Rotas", body="Swap with me, @nobody?"
    )
    tell_about_post(opening)

    assert told(other_staff) == []


def test_muting_one_thread_leaves_the_rest_of_the_board_audible(
    staff_member, other_staff, board, thread
):
    services.follow(user=other_staff, board=board)
    mutes.mute(user=other_staff, thread=thread)

    _, opening = services.start_thread(
        board=board, author=staff_member, title="Rotas", body="Swap with me?"
    )
    tell_about_post(opening)

    assert told(other_staff) == ["followed"]


def test_muted_threads_are_left_out_of_homes_new_threads(staff_member, other_staff, board):
    services.follow(user=other_staff, board=board)
    first, _ = services.start_thread(
        board=board, author=staff_member, title="Rotas", body="Swap with me?"
    )
    second, _ = services.start_thread(
        board=board, author=staff_member, title="Parking", body="Spaces free on Friday"
    )
    since = timezone.now() - timedelta(days=14)
    assert len(selectors.new_threads_followed(other_staff, since=since)) == 2

    mutes.mute(user=other_staff, thread=first)
    assert [t.pk for t in selectors.new_threads_followed(other_staff, since=since)] == [second.pk]

    services.follow(user=other_staff, board=board)
    mutes.mute(user=other_staff, board=board)
    services.follow(user=other_staff, board=board)
    assert selectors.new_threads_followed(other_staff, since=since) == []


def test_muted_threads_never_show_as_new(client_as, staff_member, other_staff, board):
    first, _ = services.start_thread(
        board=board, author=staff_member, title="Rotas", body="Swap with me?"
    )
    second, _ = services.start_thread(
        board=board, author=staff_member, title="Parking", body="Spaces free on Friday"
    )
    ids = [first.pk, second.pk]
    assert selectors.unread_threads(other_staff, ids) == {first.pk, second.pk}

    mutes.mute(user=other_staff, thread=first)
    assert selectors.unread_threads(other_staff, ids) == {second.pk}

    mutes.mute(user=other_staff, board=board)
    assert selectors.unread_threads(other_staff, ids) == set()


def test_the_list_of_what_you_muted_with_unmute_buttons(client_as, other_staff, board, thread):
    client = client_as(other_staff)
    assert "You have not muted anything" in client.get(reverse("forums:mutes")).content.decode()
    mutes.mute(user=other_staff, thread=thread)
    mutes.mute(user=other_staff, board=board)
    hidden = Board.objects.create(name="Secret garden", slug="secret", audience="members")
    Mute.objects.create(user=other_staff, board=hidden)  # no longer theirs to see

    html = client.get(reverse("forums:mutes")).content.decode()

    assert "Weeknotes" in html and "Staff room" in html
    assert "Secret garden" not in html
    Thread.objects.filter(pk=thread.pk).update(deleted_at=timezone.now())
    assert "Weeknotes" not in client.get(reverse("forums:mutes")).content.decode()
    Thread.objects.filter(pk=thread.pk).update(deleted_at=None)
    assert html.count(">Unmute<") == 2
    response = client.post(mute_url("thread", thread.pk), {"mute": "no", "back": "list"})
    assert response["Location"] == reverse("forums:mutes")
    assert not mutes.is_muted(other_staff, thread=thread)


def test_the_list_is_linked_from_the_mute_button(client_as, other_staff, thread):
    page = client_as(other_staff).get(thread.get_absolute_url()).content.decode()

    assert reverse("forums:mutes") in page


def test_titles_in_the_list_are_escaped(client_as, staff_member, other_staff, board):
    thread, _ = services.start_thread(
        board=board, author=staff_member, title="<script>x()</script>", body="Hello"
    )
    mutes.mute(user=other_staff, thread=thread)

    html = client_as(other_staff).get(reverse("forums:mutes")).content.decode()

    assert "<script>x()" not in html and "&lt;script&gt;x()" in html


def test_muting_costs_the_thread_and_board_pages_no_query(client_as, other_staff, board, thread):
    client = client_as(other_staff)

    def queries(url: str) -> int:
        client.get(url)  # warm: the shared parts are kept after the first visit
        with CaptureQueriesContext(connection) as seen:
            client.get(url)
        return len(seen)

    before = [queries(thread.get_absolute_url()), queries(board.get_absolute_url())]
    mutes.mute(user=other_staff, thread=thread)
    mutes.mute(user=other_staff, board=board)

    assert [queries(thread.get_absolute_url()), queries(board.get_absolute_url())] == before
