"""Every XSS payload we know of renders inert in stories: as a story's title, summary and
text, an image's description and caption, a series' title and summary and a tag's name, on
the list, a story's page, an author's, a series' and a tag's pages, the one search, home and
every feed (the corpus and the checker are the forums' XSS tests')."""

from __future__ import annotations

import re
from math import ceil

import feedparser
import pytest
from django.test import Client
from django.utils.html import escape
from django.utils.text import slugify

from profiles.vocabulary import skill_key
from sociable.links import reverse
from sociable.text import strip_invisible
from stories import services
from stories.feeds import FEED_LENGTH
from stories.models import Image, Story
from tests.accounts.factories import staff_of
from tests.forums.test_xss import PAYLOADS, InertChecker, fetch_all_pages
from tests.profiles.test_photos import png, solid
from tests.stories.factories import write

pytestmark = pytest.mark.django_db

WORD = "xsscorpus"
# Our own markup inside a story's text: its images, as ``stories.rendering`` writes them.
FIGURE = {
    "figure": {"class", "id"},
    "img": {"src", "srcset", "sizes", "width", "height", "alt", "loading", "decoding"},
    "figcaption": set(),
}
# In a feed's raw bytes, any real element or attribute is markup: every payload is escaped.
RAW_HANDLER = re.compile(rb"<[^<>]*\son[a-z]+\s*=", re.IGNORECASE)


class StoryChecker(InertChecker):
    """The forums' checker, letting through the figures a story's text places (and only
    their own attributes)."""

    def _check(self, tag, attrs):
        before = len(self.problems)
        super()._check(tag, attrs)
        if tag in FIGURE:
            described = f"<{tag} {attrs}>"
            ours = {f"element not allowed in user content: {described}"} | {
                f"attribute {name} not allowed in user content: {described}" for name in FIGURE[tag]
            }
            self.problems[before:] = [p for p in self.problems[before:] if p not in ours]


def assert_inert(html: str, where: str) -> None:
    checker = StoryChecker()
    checker.feed(html)
    checker.close()
    assert not checker.problems, f"{where}:\n" + "\n".join(checker.problems[:20])


def assert_feed_inert(client: Client, url: str) -> list:
    """The feed's raw bytes hold no script and no handler; each entry's content, as a feed
    reader shows it, is inert. Returns the entries."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert b"<script" not in response.content.lower(), url
    assert not RAW_HANDLER.search(response.content), url
    feed = feedparser.parse(response.content, sanitize_html=False, resolve_relative_uris=False)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    for entry in feed.entries:
        assert_inert(f'<div class="sociable-prose">{entry.content[0].value}</div>', url)
        assert_inert(f'<div class="sociable-prose">{entry.summary}</div>', url)
    return feed.entries


def tag_name(payload: str) -> str:
    """The payload as a tag's name, as long as a name may be (its folded key too: "&" folds
    to " and "); none for the few whose address would be empty (a bug of its own, tested in
    test_reading.py)."""
    name = payload[:99]
    while len(skill_key(name)) > 100:
        name = name[:-1]
    return name if slugify(name, allow_unicode=True) else ""


@pytest.fixture
def corpus(settings, tmp_path, council):
    """A story for every payload: as its title, summary and text, its image's description
    and caption (placed in the text, or after it), its series' title and summary, and its
    tag; the stories of each writer fill one feed exactly."""
    settings.MEDIA_ROOT = tmp_path
    writers = [
        staff_of(council, name=f"Writer {n}") for n in range(ceil(len(PAYLOADS) / FEED_LENGTH))
    ]
    stories = []
    for i, payload in enumerate(PAYLOADS):
        writer = writers[i // FEED_LENGTH]
        series = services.start_series(
            by=writer, title=payload[:120], summary=payload[:300], cadence="weekly",
            audience="public",
        )  # fmt: skip
        place = "\n\n[image 1]" if i % 2 else ""
        stories.append(
            write(
                writer,
                title=payload[:150],
                summary=payload[:300],
                body=f"{WORD} {i}\n\n{payload}{place}",
                series=series,
                tags=[tag_name(payload), "Corpus"],
            )  # fmt: skip
        )
    # The first image goes through the service (checked, kept at its widths); the rest are
    # rows alike, each with a payload as what it shows and its caption.
    services.add_image(story=stories[0], by=stories[0].author, upload=png(solid((600, 300))),
                       alt=PAYLOADS[0][:300], caption=PAYLOADS[0][:300])  # fmt: skip
    Image.objects.bulk_create(
        Image(story=story, number=1, alt=payload[:300], caption=payload[:300], width=480,
              height=240, widths=[480], key=f"corpus/{story.pk}")
        for story, payload in zip(stories[1:], PAYLOADS[1:], strict=True)
    )  # fmt: skip
    return writers, stories


def test_every_field_renders_inert_on_every_page_and_feed(client_as, corpus, other_staff):
    """Every payload in every field is shown escaped and runs nothing, on every page and in
    every feed (one test: the corpus takes a minute to write)."""
    writers, stories = corpus
    anonymous = Client()
    signed_in = client_as(other_staff)

    shown = "".join(fetch_all_pages(anonymous, reverse("stories:list")))
    missing = [s.title for s in stories if escape(s.title) not in shown]
    assert not missing, f"titles not shown (escaped) on the list: {missing[:5]}"
    for page in fetch_all_pages(anonymous, reverse("stories:list"), params={"q": WORD}):
        assert_inert(page, "the list, searched")

    for story in stories:
        page = anonymous.get(story.get_absolute_url())
        assert page.status_code == 200, story.pk
        html = page.content.decode()
        assert_inert(html, story.get_absolute_url())
        image = Image.objects.get(story=story)
        assert f'alt="{escape(image.alt)}"' in html, story.pk
        assert escape(story.series.title) in html, story.pk
    for story in stories[::10]:
        assert_inert(signed_in.get(story.get_absolute_url()).content.decode(), "signed in")

    for writer in writers:
        fetch_all_pages(anonymous, reverse("stories:author", args=[writer.username]))
    for story in stories:
        page = anonymous.get(story.series.get_absolute_url()).content.decode()
        assert_inert(page, story.series.get_absolute_url())
        assert escape(story.series.summary) in page, story.series.slug
    fetch_all_pages(anonymous, reverse("stories:tag", args=["corpus"]))
    for story in stories[::5]:
        for tag in story.tags.all():
            page = anonymous.get(reverse("stories:tag", args=[tag.slug])).content.decode()
            assert_inert(page, tag.slug)
            assert escape(tag.name) in page, tag.slug

    for client in (anonymous, signed_in):
        assert_inert(client.get(reverse("search"), {"q": WORD}).content.decode(), "search")
    for writer in writers:
        services.follow(user=other_staff, author=writer)
    home = signed_in.get(reverse("home")).content.decode()
    assert_inert(home, "home")
    assert "Stories from people you follow" in home

    in_feeds = []
    for writer in writers:
        in_feeds += assert_feed_inert(
            anonymous, reverse("stories:author-feed", args=[writer.username])
        )
    assert sorted(entry.title for entry in in_feeds) == sorted(
        strip_invisible(story.title) for story in stories
    )
    assert len(assert_feed_inert(anonymous, reverse("stories:feed"))) == FEED_LENGTH
    assert_feed_inert(anonymous, reverse("stories:tag-feed", args=["corpus"]))
    for story in stories[::10]:
        assert_feed_inert(anonymous, reverse("stories:series-feed", args=[story.series.slug]))
        for tag in story.tags.all():
            assert_feed_inert(anonymous, reverse("stories:tag-feed", args=[tag.slug]))
    assert Story.objects.count() == len(PAYLOADS)
