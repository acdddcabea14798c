"""Reading a story: its text with its images in place, its tags, following its writer, and
its comments, a forums thread whose page is the story's own and whose board is never one a
reader finds among the forums."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from forums import services as forum_services
from forums.models import Board, Subscription
from groups import services as group_services
from sociable.links import reverse
from stories import services
from tests.accounts.factories import UserFactory, staff_of
from tests.groups.factories import make_group
from tests.profiles.test_photos import png, solid
from tests.stories.factories import write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def commenting(settings):
    """People comment as fast as the tests need, and nobody's first comment waits."""
    settings.FORUMS_POSTS_PER_10_MINUTES = 10_000
    settings.FORUMS_NEW_MEMBER_POSTS_PER_10_MINUTES = 10_000
    settings.FORUMS_APPROVE_FIRST_POSTS = 0


def comment(story, author, body: str):
    return forum_services.reply(thread=story.thread, author=author, body=body)


def page_of(client: Client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- the story ------------------------------------------------------------------------------


def test_a_story_reads_with_its_images_where_the_text_puts_them(settings, tmp_path, staff_member):
    settings.MEDIA_ROOT = tmp_path
    story = write(staff_member, publish=False, body="Before.\n\n[image 2]\n\nAfter.",
                  tags=["User research", "Service design"])  # fmt: skip
    for alt in ("The first sketch", "The team at the wall"):
        services.add_image(story=story, by=staff_member, upload=png(solid((1000, 500))), alt=alt)
    services.publish(story=story, by=staff_member)
    story.refresh_from_db()

    page = page_of(Client(), story.get_absolute_url())

    body = page[page.index("sociable-prose") : page.index("About:")]
    # Image 2 sits between the paragraphs that surround it; image 1, unplaced, follows.
    assert body.index("Before.") < body.index("The team at the wall") < body.index("After.")
    assert body.index("After.") < body.index("The first sketch")
    assert f'srcset="/stories/{story.pk}/images/2/480.jpg 480w, ' in body
    assert "[image 2]" not in page
    assert 'href="/stories/tag/service-design/">Service design</a>' in page
    assert "1 minute to read" in page
    assert "Amara Okafor" in page and "Kirkfield City Council" in page


@pytest.mark.parametrize("name", ["&", "+", "C#"])
def test_a_story_tagged_with_a_name_of_signs_alone_still_reads(staff_member, name):
    """A tag typed as signs alone ("&" folds to "and") still has a page of its own."""
    story = write(staff_member, tags=[name])
    (tag,) = story.tags.all()

    page = Client().get(story.get_absolute_url())
    tag_page = Client().get(reverse("stories:tag", args=[tag.slug]))

    assert page.status_code == 200
    assert tag_page.status_code == 200 and story.title in tag_page.content.decode()


def test_a_story_under_an_old_address_is_sent_to_its_own(staff_member):
    story = write(staff_member)

    response = Client().get(reverse("stories:detail", args=[story.pk, "an-old-title"]))

    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_the_list_finds_stories_by_their_words_and_their_writers_organisation(
    staff_member, other_staff
):
    write(staff_member, title="Bins go digital", body="We moved the bins form online.")
    write(other_staff, title="Ward rounds", body="Nurses tried a new handover sheet.")
    anonymous = Client()

    by_words = page_of(anonymous, reverse("stories:list"), q="handover")
    by_organisation = page_of(anonymous, reverse("stories:list"), organisation="council")
    unknown = page_of(anonymous, reverse("stories:list"), organisation="no-such-place")

    assert "Ward rounds" in by_words and "Bins go digital" not in by_words
    assert "Bins go digital" in by_organisation and "Ward rounds" not in by_organisation
    assert "Bins go digital" in unknown and "Ward rounds" in unknown  # no filter at all


def test_following_a_writer_brings_their_stories_home(client_as, staff_member, other_staff):
    write(staff_member, title="Bins go digital")
    client = client_as(other_staff)
    assert "Bins go digital" not in page_of(client, reverse("home"))

    response = client.post(
        reverse("stories:follow", args=["author", staff_member.pk]), {"follow": "yes"}
    )

    assert response.status_code == 302
    home = page_of(client, reverse("home"))
    assert "Stories from people you follow" in home and "Bins go digital" in home
    assert "Stop following Amara Okafor" in page_of(
        client, reverse("stories:author", args=[staff_member.username])
    )


def test_nobody_follows_a_writer_they_cannot_read(client_as, staff_member, community_member):
    write(staff_member, audience="staff")

    response = client_as(community_member).post(
        reverse("stories:follow", args=["author", staff_member.pk]), {"follow": "yes"}
    )

    assert response.status_code == 404
    assert not community_member.story_follows.exists()


# --- comments -------------------------------------------------------------------------------


def test_a_storys_comments_are_shown_on_its_page(staff_member, other_staff):
    story = write(staff_member)
    comment(story, other_staff, "What did the residents say about the **new** form?")

    page = page_of(Client(), story.get_absolute_url())

    assert "Comments (1)" in page
    assert "What did the residents say about the <strong>new</strong> form?" in page
    assert "Tom Whitaker" in page


def test_a_page_of_comments_is_chosen_on_the_storys_page(staff_member, other_staff):
    """Twenty comments to a page: the story is most of its page (a forum thread shows 50)."""
    story = write(staff_member)
    comments = [comment(story, other_staff, f"Comment number {n:03d}") for n in range(23)]

    first = page_of(Client(), story.get_absolute_url())
    second = page_of(Client(), story.get_absolute_url(), page=2)
    permalink = Client().get(reverse("forums:post-permalink", args=[comments[20].pk]), follow=True)

    assert "Comment number 019" in first and "Comment number 020" not in first
    assert "Comment number 020" in second and "Comment number 019" not in second
    assert "What we learned" in second  # still the story's page
    # A comment's own address finds the page it is on.
    assert permalink.redirect_chain[-1][0] == f"{story.get_absolute_url()}?page=2"
    assert "Comment number 022" in permalink.content.decode()


def test_the_comment_threads_own_address_leads_to_the_story(staff_member, other_staff):
    story = write(staff_member)
    post = comment(story, other_staff, "Lovely")
    thread = story.thread
    anonymous = Client()

    plain = anonymous.get(reverse("forums:thread-detail", args=[thread.pk, thread.slug]))
    paged = anonymous.get(
        reverse("forums:thread-detail", args=[thread.pk, thread.slug]), {"page": "2"}
    )
    permalink = anonymous.get(reverse("forums:post-permalink", args=[post.pk]), follow=True)

    assert plain.status_code == 302
    assert plain["Location"] == f"{story.get_absolute_url()}#comments"
    # A page names no fragment: the browser keeps the permalink's own and lands on the post.
    assert paged["Location"] == f"{story.get_absolute_url()}?page=2"
    assert permalink.redirect_chain[0][0] == f"{thread.get_absolute_url()}?page=1#post-{post.pk}"
    assert permalink.status_code == 200
    assert permalink.redirect_chain[-1][0] == f"{story.get_absolute_url()}?page=1"
    assert "Lovely" in permalink.content.decode()


def test_a_comment_thread_is_no_way_into_a_story_its_reader_may_not_see(
    staff_member, other_staff, community_member, client_as
):
    story = write(staff_member, audience="staff")
    comment(story, other_staff, "Staff only")
    url = reverse("forums:thread-detail", args=[story.thread.pk, story.thread.slug])

    assert Client().get(url).status_code == 404
    assert client_as(community_member).get(url).status_code == 404
    assert client_as(other_staff).get(url)["Location"] == f"{story.get_absolute_url()}#comments"


def test_comment_boards_are_never_listed_followed_or_opened(
    client_as, staff_member, other_staff, council
):
    for audience in ("public", "community", "staff", "organisation"):
        story = write(staff_member, audience=audience, title=f"A {audience} story")
        comment(story, other_staff if audience != "organisation" else staff_member, "Hello")
    boards = Board.objects.filter(for_stories=True)
    assert boards.count() == 4
    colleague = client_as(staff_of(council, name="Gareth Lloyd"))

    for client in (Client(), colleague):
        listing = page_of(client, reverse("forums:board-list"))
        for board in boards:
            assert board.name not in listing
            assert f'href="{board.get_absolute_url()}"' not in listing
            assert client.get(board.get_absolute_url()).status_code == 404, board.slug
            feed = reverse("forums:board-feed", args=[board.slug])
            assert client.get(feed).status_code == 404, board.slug
    for board in boards:
        response = colleague.post(
            reverse("forums:follow", args=["board", board.pk]), {"follow": "yes"}
        )
        assert response.status_code == 404, board.slug
    assert not Subscription.objects.filter(board__for_stories=True).exists()


def test_a_comment_on_a_staff_story_is_found_by_staff_alone(
    client_as, staff_member, other_staff, community_member
):
    story = write(staff_member, audience="staff", title="Rota changes")
    comment(story, other_staff, "The quokka rota works well for us")

    for client, finds in (
        (Client(), False),
        (client_as(community_member), False),
        (client_as(other_staff), True),
    ):
        forums = page_of(client, reverse("forums:search"), q="quokka")
        everything = page_of(client, reverse("search"), q="quokka")
        assert ("rota works well" in forums) is finds
        assert ("rota works well" in everything) is finds


def test_comments_on_a_group_members_story_are_found_by_its_members_alone(
    client_as, staff_member, community_member
):
    """The group is open to anyone signed in, its story for its members: neither the story
    nor what its members say of it is found by anyone else, in the forums or elsewhere."""
    group = make_group(staff_member, name="Allotment club", audience="community")
    member = UserFactory(name="Sam Member", email="sam@example.com")
    group_services.add_member(group=group, user=member)
    story = write(staff_member, audience="members", group=group, title="Our private plot plans")
    comment(story, member, "The marrow patch wombat needs moving")
    outsider = client_as(community_member)
    assert outsider.get(story.get_absolute_url()).status_code == 404
    assert client_as(member).get(story.get_absolute_url()).status_code == 200

    found = page_of(outsider, reverse("forums:search"), q="wombat")
    everywhere = page_of(outsider, reverse("search"), q="wombat")
    listing = page_of(outsider, reverse("forums:board-list"))
    thread = outsider.get(
        reverse("forums:thread-detail", args=[story.thread.pk, story.thread.slug])
    )

    board = page_of(outsider, group.board.get_absolute_url())
    assert "marrow patch" not in found and "marrow patch" not in everywhere
    assert "Our private plot plans" not in listing and "Our private plot plans" not in board
    assert thread.status_code == 404
    assert "marrow patch" in page_of(client_as(member), reverse("forums:search"), q="wombat")


def test_a_story_waiting_for_its_time_takes_no_comments(staff_member, other_staff):
    story = write(staff_member, at=timezone.now() + timedelta(days=1))

    with pytest.raises(ValidationError):
        comment(story, other_staff, "Too early")

    services.announce(story_ids=[story.pk], now=timezone.now() + timedelta(days=2))
    assert comment(story, other_staff, "Just in time").pk
