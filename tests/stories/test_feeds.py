"""Following stories in a feed reader (Atom), without signing in: every public story out, an
author's, a series' and a tag's, each entry with its title, link, writer, summary and whole
text; nothing for a narrower audience, nothing not yet out."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import feedparser
import pytest
from django.test import Client
from django.utils import timezone

from groups import services as group_services
from sociable.links import reverse
from stories import services
from stories.feeds import FEED_LENGTH
from stories.models import Story
from tests.groups.factories import make_group
from tests.profiles.test_photos import png, solid
from tests.stories.factories import write

pytestmark = pytest.mark.django_db

TAG = "Service design"


def read(url: str, client: Client | None = None):
    """The feed as a feed reader reads it (feedparser), refusing one that is not well formed."""
    response = (client or Client()).get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content, sanitize_html=False, resolve_relative_uris=False)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def titles(url: str, client: Client | None = None) -> list[str]:
    return [entry.title for entry in read(url, client).entries]


@pytest.fixture
def series(staff_member):
    return services.start_series(
        by=staff_member, title="Bins team weeknotes", cadence="weekly", audience="public"
    )


@pytest.fixture
def every_kind(staff_member, community_member, series):
    """The council's writer's stories of every audience and state, in the public series and
    tagged alike; two are public and out (the older first)."""
    group = make_group(staff_member, name="Allotment club", audience="community")
    group_services.add_member(group=group, user=staff_member)
    common = {"series": series, "tags": [TAG]}
    older = write(staff_member, title="Public and out, older", **common)
    Story.objects.filter(pk=older.pk).update(published_at=timezone.now() - timedelta(days=3))
    newer = write(staff_member, title="Public and out, newer", **common)
    for audience in ("community", "staff", "organisation"):
        write(staff_member, title=f"For {audience}", audience=audience, **common)
    write(staff_member, title="For the group's members", audience="members", group=group,
          **common)  # fmt: skip
    write(staff_member, title="A draft", publish=False, **common)
    write(staff_member, title="Scheduled", at=timezone.now() + timedelta(days=1), **common)
    guest = write(community_member, title="A guest's proposal", publish=False, **common)
    services.propose(story=guest, by=community_member)
    return older, newer


def feeds(staff_member, series) -> list[str]:
    return [
        reverse("stories:feed"),
        reverse("stories:author-feed", args=[staff_member.username]),
        reverse("stories:series-feed", args=[series.slug]),
        reverse("stories:tag-feed", args=["service-design"]),
    ]


def test_every_feed_holds_only_the_public_stories_out_newest_first(
    client_as, staff_member, series, every_kind
):
    older, newer = every_kind

    for url in feeds(staff_member, series):
        assert titles(url) == [newer.title, older.title], url
        # Feed readers never sign in: a signed-in reader gets the same public feed.
        assert titles(url, client_as(staff_member)) == [newer.title, older.title], url


def test_an_entry_has_the_title_link_writer_summary_and_whole_text(
    settings, tmp_path, staff_member
):
    settings.MEDIA_ROOT = tmp_path
    story = write(
        staff_member,
        publish=False,
        title="Bins & bags: what <we> learned",
        summary="Six weeks, three prototypes & one very patient resident.",
        body="We started with **paper**.\n\n[image 1]\n\n## Week one\n\nWe listened.",
    )
    services.add_image(story=story, by=staff_member, upload=png(solid((600, 300))),
                       alt="The first sketch", caption="Week one's wall")  # fmt: skip
    services.publish(story=story, by=staff_member)
    story.refresh_from_db()

    feed = read(reverse("stories:feed"))

    assert feed.feed.title == "Stories – Sociable"
    assert feed.feed.link == f"http://testserver{reverse('stories:list')}"
    assert {link.rel: link.href for link in feed.feed.links}["self"] == (
        f"http://testserver{reverse('stories:feed')}"
    )
    (entry,) = feed.entries
    assert entry.title == "Bins & bags: what <we> learned"
    assert entry.link == f"http://testserver{story.get_absolute_url()}"
    assert entry.author == "Amara Okafor"
    assert entry.id and entry.published_parsed and entry.updated_parsed
    assert html.unescape(entry.summary) == story.summary
    content = entry.content[0].value
    assert "<strong>paper</strong>" in content and "We listened." in content
    assert re.search(r"<h[2-6]>Week one</h[2-6]>", content)
    image = f"/stories/{story.pk}/images/1/480.jpg"
    # Whole addresses: a feed reader reads the entry away from the site.
    assert f'src="http://testserver{image}"' in content and 'alt="The first sketch"' in content
    assert f"http://testserver{image} 480w" in content
    assert "Week one&#x27;s wall" in content or "Week one's wall" in content
    # What the feed shows, a reader who never signs in may fetch.
    assert Client().get(image).status_code == 200


def test_a_feed_holds_the_newest_few(staff_member):
    made = [write(staff_member, title=f"Story {n:02d}") for n in range(FEED_LENGTH + 2)]
    for n, story in enumerate(made):
        Story.objects.filter(pk=story.pk).update(
            published_at=timezone.now() - timedelta(hours=len(made) - n)
        )

    shown = titles(reverse("stories:feed"))

    assert shown == [f"Story {n:02d}" for n in reversed(range(2, FEED_LENGTH + 2))]


def test_the_feed_of_a_series_not_open_to_everyone_is_not_found(staff_member):
    staff_series = services.start_series(
        by=staff_member, title="Staff weeknotes", cadence="weekly", audience="staff"
    )
    signed_in = services.start_series(
        by=staff_member, title="Community weeknotes", cadence="weekly", audience="community"
    )
    write(staff_member, series=staff_series, title="Public in a staff series")
    write(staff_member, series=signed_in, title="Public in a community series")

    for series in (staff_series, signed_in):
        url = reverse("stories:series-feed", args=[series.slug])
        assert Client().get(url).status_code == 404, series.slug
    assert Client().get(reverse("stories:series-feed", args=["no-such"])).status_code == 404


def test_an_author_feed_is_found_only_once_they_have_a_public_story_out(staff_member, other_staff):
    url = reverse("stories:author-feed", args=[staff_member.username])
    write(staff_member, audience="staff", title="For staff")
    write(staff_member, publish=False, title="A draft")
    assert Client().get(url).status_code == 404

    write(staff_member, title="For everyone")

    assert titles(url) == ["For everyone"]
    assert Client().get(reverse("stories:author-feed", args=["nobody"])).status_code == 404


def test_a_tag_feed_holds_the_tags_stories_alone(staff_member):
    write(staff_member, title="About design", tags=[TAG])
    write(staff_member, title="About research", tags=["User research"])

    assert titles(reverse("stories:tag-feed", args=["service-design"])) == ["About design"]
    assert Client().get(reverse("stories:tag-feed", args=["no-such"])).status_code == 404


def test_each_page_names_its_feed(staff_member, series):
    write(staff_member, series=series, tags=[TAG])
    pages = {
        reverse("stories:list"): reverse("stories:feed"),
        reverse("stories:author", args=[staff_member.username]): reverse(
            "stories:author-feed", args=[staff_member.username]
        ),
        series.get_absolute_url(): reverse("stories:series-feed", args=[series.slug]),
        reverse("stories:tag", args=["service-design"]): reverse(
            "stories:tag-feed", args=["service-design"]
        ),
    }

    for page, feed in pages.items():
        text = Client().get(page).content.decode()
        assert 'type="application/atom+xml"' in text and f'href="{feed}"' in text, page
