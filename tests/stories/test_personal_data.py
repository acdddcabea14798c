"""A person's stories in their data: the download holds what they wrote and whom they
follow; deleting their account takes their unpublished stories, and their published ones
too when they ask for what they wrote to go."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from forums.models import Post, Thread
from forums.services import reply
from sociable import personal_data
from stories import services
from stories.models import Follow, Image, Story
from tests.accounts.factories import UserFactory
from tests.profiles.test_photos import encode, solid, upload
from tests.stories.factories import write

pytestmark = pytest.mark.django_db

DOWNLOAD = "/people/me/data/download/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.FORUMS_APPROVE_FIRST_POSTS = 0
    return tmp_path


def files_in(media: Path) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def a_jpeg():
    return upload(encode(solid((600, 300)), "JPEG"), name="a.jpg")


@pytest.fixture
def series(other_staff):
    return services.start_series(
        by=other_staff, title="Trust weeknotes", cadence="weekly", audience="public"
    )


@pytest.fixture
def writings(staff_member, series, other_staff, community_member):
    """Amara's stories in each state, an image, a comment from someone else, and follows
    both ways."""
    published = write(staff_member, title="Out in the world", body="Public words.")
    services.add_image(story=published, by=staff_member, upload=a_jpeg(), alt="A bridge")
    draft = write(staff_member, publish=False, title="Half written", body="Draft words.")
    scheduled = write(staff_member, title="Coming on Monday", at=timezone.now() + timedelta(days=3))
    services.add_image(story=scheduled, by=staff_member, upload=a_jpeg(), alt="A plan")
    guest = write(staff_member, publish=False, series=series, title="A guest weeknote")
    services.propose(story=guest, by=staff_member)
    comment = reply(
        thread=Thread.objects.get(pk=published.thread_id), author=community_member, body="Great"
    )
    services.follow(user=staff_member, author=other_staff)
    services.follow(user=staff_member, series=series)
    services.follow(user=community_member, author=staff_member)
    return {
        "published": published, "draft": draft, "scheduled": scheduled, "guest": guest,
        "comment": comment,
    }  # fmt: skip


# --- the download ----------------------------------------------------------------------------


def test_the_download_holds_their_stories_and_whom_they_follow(client_as, staff_member, writings):
    response = client_as(staff_member).get(DOWNLOAD)

    assert response.status_code == 200
    data = json.loads(response.content)
    by_title = {s["title"]: s for s in data["stories"]}
    assert set(by_title) == {"Out in the world", "Half written", "Coming on Monday",
                             "A guest weeknote"}  # fmt: skip
    out = by_title["Out in the world"]
    assert (out["status"], out["text"], out["audience"]) == ("published", "Public words.", "public")
    assert out["images"] == [{"number": 1, "description": "A bridge", "caption": ""}]
    assert by_title["Half written"]["status"] == "draft"
    assert by_title["A guest weeknote"]["series"] == "Trust weeknotes"
    assert sorted(data["stories_followed"], key=str) == sorted(
        [{"author": "Tom Whitaker"}, {"series": "Trust weeknotes"}], key=str
    )


def test_the_download_holds_nobody_elses_stories_or_follows(client_as, community_member, writings):
    data = json.loads(client_as(community_member).get(DOWNLOAD).content)

    assert data["stories"] == []
    assert data["stories_followed"] == [{"author": "Amara Okafor"}]


# --- deleting the account -----------------------------------------------------------------------


def test_leaving_takes_their_unpublished_stories_and_keeps_the_published_ones(
    staff_member, writings, media, django_capture_on_commit_callbacks
):
    published = writings["published"]

    with django_capture_on_commit_callbacks(execute=True):
        personal_data.delete_account(user=staff_member, delete_posts=False)

    assert list(Story.objects.values_list("title", flat=True)) == ["Out in the world"]
    published.refresh_from_db()
    assert published.author is None and published.status == "published"
    assert list(Image.objects.values_list("story_id", flat=True)) == [published.pk]
    image = Image.objects.get()
    assert files_in(media) == sorted(image.file_name(w) for w in image.widths)
    assert Post.objects.filter(pk=writings["comment"].pk).exists()  # others' comments stay
    assert not Follow.objects.exists()  # theirs, and those of people following them
    page = Client().get(published.get_absolute_url()).content.decode()
    assert "a former member" in page and "Public words." in page


def test_a_story_waiting_for_its_time_goes_with_its_writer(staff_member, writings):
    """Nobody has seen it yet: it is not published under "a former member" later."""
    scheduled = writings["scheduled"]

    personal_data.delete_account(user=staff_member, delete_posts=False)

    assert not Story.objects.filter(pk=scheduled.pk).exists()
    assert not Thread.objects.filter(pk=scheduled.thread_id).exists()


def test_asking_for_their_words_to_go_takes_their_published_stories_too(
    staff_member, writings, media, django_capture_on_commit_callbacks
):
    thread_id = writings["published"].thread_id

    with django_capture_on_commit_callbacks(execute=True):
        personal_data.delete_account(user=staff_member, delete_posts=True)

    assert not Story.objects.exists()
    assert not Image.objects.exists() and files_in(media) == []
    assert not Thread.objects.filter(pk=thread_id).exists()
    assert not Post.objects.filter(pk=writings["comment"].pk).exists()


def test_leaving_keeps_the_series_they_write_with_others(staff_member, other_staff, series):
    series.writers.add(staff_member)
    by_other = write(other_staff, series=series, title="Still here")

    personal_data.delete_account(user=staff_member, delete_posts=True)

    assert list(series.writers.all()) == [other_staff]
    assert Story.objects.filter(pk=by_other.pk).exists()


def test_someone_with_no_stories_leaves_cleanly(db):
    person = UserFactory()

    personal_data.delete_account(user=person, delete_posts=True)

    assert not Story.objects.exists()


def test_the_page_before_deleting_says_what_becomes_of_their_stories(
    client_as, staff_member, writings
):
    page = client_as(staff_member).get("/people/me/data/delete/").content.decode()

    assert "You have published 1 story: unless you choose to delete what you wrote" in page
    assert "Your 3 drafts and stories not yet out are deleted." in page
    # The story's comment thread is not a thread they started in the forums.
    assert "started 1 thread" not in page
