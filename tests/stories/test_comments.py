"""A story's comments are a forums thread on a board of the story's audience: written
through the forums' reply form, heard of by the story's writer, moved when the story's
audience changes (its posts' audience with it), moderated in the one queue, and deleted
with the story."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from forums import services as forum_services
from forums.models import Board, Post, Report, Subscription, Thread
from forums.notifications import tell_about_post
from groups import services as group_services
from sociable.notifications.models import Notification
from stories import services
from stories.models import Story
from tests.accounts.factories import UserFactory, add_totp, staff_of
from tests.groups.factories import make_group
from tests.stories.factories import write

pytestmark = pytest.mark.django_db

WORD = "kingfisher"


@pytest.fixture(autouse=True)
def no_first_post_approval(settings):
    """Community members' first posts usually wait for a moderator; not here."""
    settings.FORUMS_APPROVE_FIRST_POSTS = 0


@pytest.fixture
def moderator(db):
    user = UserFactory(name="Priya Shah", is_staff=True)
    user.groups.add(AuthGroup.objects.get(name="Moderators"))
    add_totp(user)
    return user


def reply_url(story: Story) -> str:
    thread = Thread.objects.get(pk=story.thread_id)
    return f"/forums/t/{thread.pk}-{thread.slug}/reply/"


def comment(client, story: Story, body: str, **extra) -> Post:
    response = client.post(reply_url(story), {"body": body, **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Post.objects.filter(thread_id=story.thread_id).latest("pk")


def found_by_search(client, word: str = WORD) -> bool:
    page = client.get("/forums/search/", {"q": word}).content.decode()
    return f"for “{word}”" in page and "No results for" not in page


def comments_told(user) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=user, kind__in=["reply", "followed"]).order_by("pk")
    )


# --- commenting -----------------------------------------------------------------------------


def test_commenting_through_the_forums_reply_form_shows_on_the_story(
    client_as, staff_member, community_member
):
    story = write(staff_member)

    post = comment(client_as(community_member), story, f"I saw a {WORD} by the river.")

    assert post.author == community_member and post.status == "published"
    assert Thread.objects.get(pk=story.thread_id).post_count == 1
    page = Client().get(story.get_absolute_url()).content.decode()
    assert f"I saw a {WORD} by the river." in page and "Comments (1)" in page
    # The thread's own page is the story's.
    thread = Thread.objects.get(pk=story.thread_id)
    opened = Client().get(f"/forums/t/{thread.pk}-{thread.slug}/")
    assert opened.status_code == 302
    assert opened["Location"] == f"{story.get_absolute_url()}#comments"


def test_the_writer_follows_their_story_and_hears_of_its_first_comment(
    client_as, staff_member, community_member
):
    story = write(staff_member)
    assert Subscription.objects.filter(user=staff_member, thread_id=story.thread_id).exists()

    post = comment(client_as(community_member), story, "What a lovely story.")
    tell_about_post(post)  # what the queued task does

    [notice] = comments_told(staff_member)
    assert "Jordan Reid" in notice.title and story.title in notice.title


def test_the_writer_hears_of_later_comments_and_commenters_of_each_other(
    client_as, staff_member, community_member, other_staff
):
    story = write(staff_member)
    first = comment(client_as(community_member), story, "First!")
    tell_about_post(first)

    second = comment(client_as(other_staff), story, "Second, and I agree.")
    tell_about_post(second)

    assert any("Tom Whitaker" in n.title for n in comments_told(staff_member))
    assert [n.title for n in comments_told(community_member)] == [
        f"Tom Whitaker posted in “{story.title}”"
    ]


def test_nobody_comments_on_a_story_before_its_time(client_as, staff_member, community_member):
    story = write(staff_member, at=timezone.now() + timedelta(hours=1))
    assert Thread.objects.get(pk=story.thread_id).is_locked

    with pytest.raises(ValidationError):
        forum_services.reply(
            thread=Thread.objects.get(pk=story.thread_id), author=community_member, body="Early"
        )
    Story.objects.filter(pk=story.pk).update(published_at=timezone.now() - timedelta(minutes=1))
    services.announce()

    post = comment(client_as(community_member), story, "Now it is out.")
    assert post.status == "published"


def test_comments_follow_the_story_s_audience(client_as, staff_member, community_member):
    staff_story = write(staff_member, audience="staff")

    assert client_as(community_member).get(reply_url(staff_story)).status_code == 404
    response = client_as(community_member).post(reply_url(staff_story), {"body": "Let me in"})
    assert response.status_code == 404
    assert not Post.objects.filter(thread_id=staff_story.thread_id).exists()


def test_a_story_s_comments_live_on_a_board_of_its_audience_never_listed(staff_member):
    public = write(staff_member, audience="public", title="Public")
    staff = write(staff_member, audience="staff", title="Staff")
    own = write(staff_member, audience="organisation", title="Council")

    boards = {s.title: Thread.objects.get(pk=s.thread_id).board for s in (public, staff, own)}

    assert {t: (b.audience, b.for_stories) for t, b in boards.items()} == {
        "Public": ("public", True),
        "Staff": ("staff", True),
        "Council": ("organisation", True),
    }
    assert boards["Council"].audience_organisation == staff_member.organisation
    listing = Client().get("/forums/").content.decode()
    assert boards["Public"].name not in listing


def test_a_group_members_story_has_its_comments_on_a_board_for_the_group_s_members(
    client_as, staff_member, community_member, council
):
    choir = make_group(staff_member, name="Council choir", audience="members")
    member = staff_of(council, name="Bea Member")
    group_services.add_member(group=choir, user=member)

    story = write(staff_member, audience="members", group=choir)

    thread = Thread.objects.get(pk=story.thread_id)
    assert thread.board == Board.objects.get(story_group=choir)
    assert (thread.board.audience, thread.board.for_stories) == ("members", True)
    assert thread.board != Board.objects.get(group=choir)  # not the group's own board
    assert comment(client_as(member), story, f"See the {WORD} at practice").author == member
    assert client_as(community_member).post(reply_url(story), {"body": "Hi"}).status_code == 404
    assert found_by_search(client_as(member))
    assert not found_by_search(client_as(community_member))


def test_only_a_group_s_members_read_and_write_the_comments_on_its_members_story(
    client_as, staff_member, community_member, council
):
    """A group seen by the whole community keeps a story for its members alone: the
    story's comments must not be wider than the story, though the group's board is."""
    choir = make_group(staff_member, name="Council choir", audience="community")
    member = staff_of(council, name="Bea Member")
    group_services.add_member(group=choir, user=member)
    story = write(staff_member, audience="members", group=choir)
    comment(client_as(member), story, f"The {WORD} song, for members only")

    assert client_as(community_member).get(story.get_absolute_url()).status_code == 404
    assert not found_by_search(client_as(community_member))
    response = client_as(community_member).post(reply_url(story), {"body": "Let me in"})
    assert response.status_code == 404
    assert not Post.objects.filter(author=community_member).exists()


# --- the audience changes ------------------------------------------------------------------------


def test_narrowing_a_story_moves_its_comments_out_of_the_public_s_search(
    client_as, staff_member, community_member, other_staff
):
    story = write(staff_member, audience="public")
    post = comment(client_as(community_member), story, f"A {WORD} nests here every spring.")
    public_board = Thread.objects.get(pk=story.thread_id).board
    assert found_by_search(Client())

    services.save(
        writer=staff_member, story=story, title=story.title, summary=story.summary,
        body=story.body, audience="staff",
    )  # fmt: skip

    thread = Thread.objects.get(pk=story.thread_id)
    assert thread.board != public_board
    assert (thread.board.audience, thread.board.for_stories) == ("staff", True)
    post.refresh_from_db()
    assert (post.board_id, post.audience) == (thread.board_id, "staff")
    assert not found_by_search(Client())
    assert not found_by_search(client_as(community_member))
    assert found_by_search(client_as(other_staff))


def test_a_story_made_a_group_s_members_moves_its_comments_to_their_board(
    client_as, staff_member, community_member
):
    choir = make_group(staff_member, name="Council choir")
    story = write(staff_member, audience="public")
    post = comment(client_as(community_member), story, f"The {WORD} again")

    services.save(
        writer=staff_member, story=story, title=story.title, summary=story.summary,
        body=story.body, audience="members", group=choir,
    )  # fmt: skip

    post.refresh_from_db()
    board = Board.objects.get(story_group=choir)
    assert Thread.objects.get(pk=story.thread_id).board == board
    assert (post.board_id, post.audience) == (board.pk, "members")
    assert not found_by_search(Client())


# --- moderation ----------------------------------------------------------------------------------


def test_a_moderator_hides_a_comment_and_the_story_shows_why(
    client_as, staff_member, community_member, moderator
):
    story = write(staff_member)
    post = comment(client_as(community_member), story, "Call me on 07700 900123")

    response = client_as(moderator).post(
        f"/forums/moderation/post/{post.pk}/", {"action": "hide", "reason": "A phone number"}
    )

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.hidden_at is not None
    page = Client().get(story.get_absolute_url()).content.decode()
    assert "Hidden by a moderator: A phone number" in page
    assert "07700 900123" not in page


def test_a_reported_comment_reaches_the_one_moderation_queue(
    client_as, staff_member, community_member, other_staff, moderator
):
    story = write(staff_member)
    post = comment(client_as(community_member), story, "Buy cheap watches at example.com")

    response = client_as(other_staff).post(
        f"/forums/p/{post.pk}/report/", {"reason": "spam", "details": "An advert"}
    )

    assert response.status_code == 302
    assert Report.objects.filter(post=post, reporter=other_staff).exists()
    queue = client_as(moderator).get("/forums/moderation/")
    assert queue.status_code == 200
    assert "Buy cheap watches" in queue.content.decode()
    assert client_as(other_staff).get("/forums/moderation/").status_code in (403, 404)


def test_the_story_page_links_its_moderators_to_the_thread(client_as, staff_member, moderator):
    story = write(staff_member)

    page = client_as(moderator).get(story.get_absolute_url()).content.decode()

    assert f"/forums/moderation/thread/{story.thread_id}/" in page
    assert (
        "/forums/moderation/thread/" not in Client().get(story.get_absolute_url()).content.decode()
    )


# --- deleting -----------------------------------------------------------------------------------


def test_deleting_a_story_deletes_its_comments(client_as, staff_member, community_member):
    story = write(staff_member)
    post = comment(client_as(community_member), story, "Nice one")
    thread_id = story.thread_id

    response = client_as(staff_member).post(f"/stories/{story.pk}/delete/")

    assert response.status_code == 302
    assert not Thread.objects.filter(pk=thread_id).exists()
    assert not Post.objects.filter(pk=post.pk).exists()
    assert Client().get(f"/forums/p/{post.pk}/").status_code == 404
