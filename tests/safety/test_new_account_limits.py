"""New community members may put only a few links and @mentions in a post while they
settle in: spam needs many of both, and people new to the site need few."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from forums.models import Post, Thread
from forums.services import edit_post, reply, start_thread
from stories.models import Story
from stories.services import save as save_story
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

THREE_LINKS = "See https://a.example, www.b.example and [this](https://c.example/x)."
FOUR_MENTIONS = "Hello @ann @bob @cat and @dan."


@pytest.fixture
def thread(board, staff_member):
    thread, _ = start_thread(board=board, author=staff_member, title="Bins", body="When?")
    return thread


def test_a_new_member_may_not_post_more_than_two_links_and_is_told_why(
    board, community_member, client_as
):
    response = client_as(community_member).post(
        reverse("forums:thread-create", args=[board.slug]),
        {"title": "Useful sites", "body": THREE_LINKS},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "New members can include up to 2 links a post while they settle in" in errors
    assert "this has 3" in errors
    assert THREE_LINKS.split()[1] in response.content.decode()  # what they typed is kept
    assert not Thread.objects.filter(author=community_member).exists()


def test_two_links_are_fine(thread, community_member):
    post = reply(thread=thread, author=community_member, body="https://a.example www.b.example")
    assert post.pk


def test_a_new_member_may_not_mention_more_than_three_people(thread, community_member):
    with pytest.raises(ValidationError) as refused:
        reply(thread=thread, author=community_member, body=FOUR_MENTIONS)
    assert "New members can mention up to 3 people a post" in str(refused.value)
    assert not Post.objects.filter(author=community_member).exists()


def test_the_limits_hold_for_edits_too(thread, community_member):
    post = reply(thread=thread, author=community_member, body="Hello")
    with pytest.raises(ValidationError):
        edit_post(post=post, editor=community_member, body=THREE_LINKS)
    post.refresh_from_db()
    assert post.body == "Hello"


def test_staff_and_settled_members_are_not_limited(thread, staff_member):
    settled = UserFactory(date_joined=timezone.now() - timedelta(days=90))
    assert reply(thread=thread, author=staff_member, body=THREE_LINKS + FOUR_MENTIONS).pk
    assert reply(thread=thread, author=settled, body=THREE_LINKS + FOUR_MENTIONS).pk


def test_the_limits_are_settings(thread, community_member, settings):
    settings.SAFETY_NEW_MEMBER_LINKS = 5
    assert reply(thread=thread, author=community_member, body=THREE_LINKS).pk


def test_story_comments_by_new_members_are_limited(staff_member, community_member):
    from tests.stories.factories import write  # noqa: PLC0415

    story = write(staff_member)
    story.refresh_from_db()
    with pytest.raises(ValidationError):
        reply(thread=story.thread, author=community_member, body=THREE_LINKS)


def test_a_new_members_story_body_is_limited(community_member):
    with pytest.raises(ValidationError) as refused:
        save_story(writer=community_member, title="Links", summary="Some", body=THREE_LINKS)
    assert "body" in refused.value.message_dict
    assert not Story.objects.exists()
