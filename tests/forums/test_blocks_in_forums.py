"""Blocking someone reaches the forums and stories' comments: the blocked person cannot
reply to the blocker's posts or mention them, the blocker hears nothing of what they do,
and the blocked person is never told."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from forums import services
from forums.models import Board, Mention, Post, Thread
from forums.notifications import tell_about_post
from sociable.accounts import blocks
from sociable.notifications.models import Notification
from tests.accounts.factories import staff_of
from tests.stories.factories import write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_first_post_approval(settings):
    settings.FORUMS_APPROVE_FIRST_POSTS = 0


@pytest.fixture
def board(db):
    return Board.objects.create(name="Open discussion", slug="open", audience="community")


@pytest.fixture
def blocker(staff_member):
    staff_member.username = "amara-okafor"
    staff_member.save()
    return staff_member


@pytest.fixture
def blocked(community_member, blocker):
    blocks.block(by=blocker, person=community_member)
    return community_member


@pytest.fixture
def thread_and_opening(board, blocker):
    return services.start_thread(
        board=board, author=blocker, title="Allotment swaps", body="Who has spare seedlings?"
    )


def told(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user))


def reply_url(thread: Thread) -> str:
    return reverse("forums:reply", args=[thread.pk, thread.slug])


def test_a_blocked_person_cannot_reply_to_the_blockers_post_and_is_told_neutrally(
    client_as, blocked, thread_and_opening
):
    thread, opening = thread_and_opening
    client = client_as(blocked)

    response = client.post(reply_url(thread), {"body": "Me!", "parent": opening.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert services.NOT_TAKING_REPLIES in html
    assert "block" not in html.lower().replace("govuk-", "").replace("-block", "")
    assert "Me!</textarea>" in html, "what they wrote is kept"
    assert not Post.objects.filter(author=blocked).exists()


def test_everyone_else_can_reply_to_the_same_post(client_as, other_staff, thread_and_opening):
    thread, opening = thread_and_opening

    response = client_as(other_staff).post(
        reply_url(thread), {"body": "I have tomatoes", "parent": opening.pk}
    )

    assert response.status_code == 302
    assert Post.objects.filter(author=other_staff, parent=opening).exists()


def test_a_block_works_one_way_only(blocker, blocked, board):
    thread, opening = services.start_thread(
        board=board, author=blocked, title="Bus times", body="The 42 is late again"
    )

    answer = services.reply(thread=thread, author=blocker, body="It is", parent=opening)

    assert answer.parent == opening


def test_a_blocked_person_may_still_reply_to_the_thread_but_the_blocker_hears_nothing(
    blocked, blocker, thread_and_opening
):
    thread, _ = thread_and_opening

    post = services.reply(thread=thread, author=blocked, body="Anyone want mint?")
    tell_about_post(post)

    assert post.parent is None
    assert told(blocker) == [], "neither as the thread's author nor as its follower"


def test_the_blocker_hears_nothing_of_the_blocked_persons_posts_where_they_follow(
    blocked, blocker, other_staff, board
):
    services.follow(user=blocker, board=board)
    services.follow(user=other_staff, board=board)

    thread, opening = services.start_thread(
        board=board, author=blocked, title="Litter pick", body="Saturday at ten"
    )
    tell_about_post(opening)

    assert told(blocker) == []
    assert [n.kind for n in told(other_staff)] == ["followed"]


def test_a_mention_of_the_blocker_is_plain_text_with_no_notification(
    blocked, blocker, other_staff, board
):
    other_staff.username = "tom-whitaker"
    other_staff.save()

    thread, opening = services.start_thread(
        board=board,
        author=blocked,
        title="Seedlings",
        body="Ask @amara-okafor and @tom-whitaker about seedlings",
    )
    tell_about_post(opening)

    assert list(Mention.objects.filter(post=opening).values_list("user__username", flat=True)) == [
        "tom-whitaker"
    ]
    assert "@amara-okafor" in opening.body_html and "<a" not in opening.body_html
    assert told(blocker) == []
    assert [n.kind for n in told(other_staff)] == ["mention"]


def test_an_edit_that_adds_a_mention_of_the_blocker_records_none(blocked, blocker, board):
    _, opening = services.start_thread(
        board=board, author=blocked, title="Seedlings", body="Who has spare seedlings?"
    )

    services.edit_post(post=opening, editor=blocked, body="Who has seedlings, @amara-okafor?")

    assert not Mention.objects.filter(user=blocker).exists()


def test_a_blocked_person_cannot_comment_on_the_blockers_story(client_as, blocker, blocked):
    story = write(blocker)
    thread = Thread.objects.get(pk=story.thread_id)

    response = client_as(blocked).post(reply_url(thread), {"body": "Lovely story"})

    assert response.status_code == 200
    assert services.NOT_TAKING_COMMENTS in response.content.decode()
    assert not Post.objects.filter(thread=thread).exists()


def test_a_blocked_person_cannot_reply_to_the_blockers_comment_on_someone_elses_story(
    blocker, blocked, council
):
    writer = staff_of(council, name="Chidi Anagonye")
    story = write(writer)
    thread = Thread.objects.get(pk=story.thread_id)
    comment = services.reply(thread=thread, author=blocker, body="What a journey")

    with pytest.raises(ValidationError) as refusal:
        services.reply(thread=thread, author=blocked, body="Agreed", parent=comment)

    assert refusal.value.messages == [services.NOT_TAKING_REPLIES]
    services.reply(thread=thread, author=blocked, body="Great story")  # the story itself: yes


def test_unblocking_lets_them_reply_again(blocker, blocked, thread_and_opening):
    thread, opening = thread_and_opening
    blocks.unblock(by=blocker, person=blocked)

    post = services.reply(thread=thread, author=blocked, body="Me!", parent=opening)

    assert post.parent == opening
