"""A story with an image, scheduled, reaches a follower's home and the feed, and he comments
on it (issue 22)."""

import re
from datetime import timedelta
from io import BytesIO
from types import SimpleNamespace

import feedparser
import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from PIL import Image as Picture
from playwright.sync_api import expect

from sociable.notifications.models import Notification
from sociable.notifications.schedule import run_due_jobs
from stories.models import Story
from tests.accounts.factories import PASSWORD, OrganisationFactory, staff_of
from tests.browser.conftest import serious_accessibility_violations, sign_in
from tests.browser.test_every_page import html_errors
from tests.helpers import run_tasks
from tests.stories.factories import write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def photo() -> bytes:
    """A landscape picture, as a phone would take it."""
    picture = Picture.new("RGB", (1800, 1200), (16, 97, 101))
    for x in range(0, 1800, 200):
        picture.paste((240, 200, 60), (x, 400, x + 120, 800))
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def checked(who: str, page) -> tuple[str, SimpleNamespace]:
    """The page as it stands, for the Nu HTML checker."""
    return who, SimpleNamespace(url=page.url, html=page.content())


def test_a_scheduled_story_with_an_image_reaches_a_followers_home_and_feed(
    live_server, browser, tmp_path
):
    council = OrganisationFactory(
        name="Kirkfield City Council", slug="council", domain="council.example"
    )
    amara = staff_of(council, name="Amara Okafor")
    tom = staff_of(council, name="Tom Whitaker")
    earlier = write(amara, title="Our first month of weeknotes")
    pages = []

    # 1. Tom follows Amara from a story of hers.
    reader = browser.new_context().new_page()
    sign_in(reader, live_server, tom.email, PASSWORD)
    reader.goto(live_server.url + earlier.get_absolute_url())
    reader.get_by_role("button", name="Follow Amara Okafor").click()
    expect(reader.locator(".govuk-notification-banner")).to_contain_text("hear of new stories")

    # 2. Amara writes a story on her phone, with an image placed in the text.
    writer = browser.new_context(viewport=PHONE).new_page()
    sign_in(writer, live_server, amara.email, PASSWORD)
    writer.goto(live_server.url + "/stories/")
    writer.get_by_role("button", name="Write a story").click()
    writer.get_by_label("Title").fill("Moving the bins form online")
    writer.get_by_label("Summary").fill("Six weeks, three prototypes and one patient resident.")
    writer.get_by_label("Body").fill(
        "We started on paper.\n\n[image 1]\n\n## What we learned\n\nAsk, then listen."
    )
    writer.get_by_label("What it is about (optional)").fill("User research")
    writer.get_by_role("button", name="Preview").click()
    expect(writer.locator(".govuk-inset-text")).to_contain_text("What we learned")
    assert Story.objects.filter(title="Moving the bins form online").count() == 0
    assert serious_accessibility_violations(writer) == []
    pages.append(checked("writer", writer))
    writer.get_by_role("button", name="Save as a draft").click()
    story = Story.objects.get(title="Moving the bins form online")
    expect(writer).to_have_url(f"{live_server.url}/stories/{story.pk}/images/")

    writer.get_by_label("Image", exact=True).set_input_files(
        files=[{"name": "whiteboard.jpg", "mimeType": "image/jpeg", "buffer": photo()}]
    )
    writer.get_by_role("button", name="Add the image").click()
    expect(writer.locator(".govuk-error-summary")).to_contain_text("Describe the image")
    writer.get_by_label("Image", exact=True).set_input_files(
        files=[{"name": "whiteboard.jpg", "mimeType": "image/jpeg", "buffer": photo()}]
    )
    writer.get_by_label("Describe the image").fill("A whiteboard of yellow sticky notes")
    writer.get_by_role("button", name="Add the image").click()
    expect(writer.locator(".govuk-notification-banner")).to_contain_text("Image 1 is added")
    assert serious_accessibility_violations(writer) == []
    pages.append(checked("writer", writer))

    # 3. She schedules it for tomorrow morning.
    writer.get_by_role("link", name="Publish it").click()
    writer.get_by_label("At a time I choose").check()
    tomorrow = timezone.localtime(timezone.now() + timedelta(days=1))
    writer.get_by_label("Date and time (UK time)").fill(tomorrow.strftime("%Y-%m-%dT09:00"))
    assert serious_accessibility_violations(writer) == []
    pages.append(checked("writer", writer))
    writer.get_by_role("button", name="Publish").click()
    expect(writer.locator(".govuk-notification-banner")).to_contain_text("will be published")
    expect(writer.locator("main")).to_contain_text("Scheduled")
    figure = writer.locator("figure img")
    expect(figure).to_have_attribute("alt", "A whiteboard of yellow sticky notes")
    assert "480w" in figure.get_attribute("srcset")
    assert writer.evaluate("document.querySelector('figure img').naturalWidth") > 0
    assert writer.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_accessibility_violations(writer) == []
    pages.append(checked("writer", writer))

    # Until its time, nobody else sees it.
    reader.goto(live_server.url + story.get_absolute_url())
    expect(reader.get_by_role("heading", level=1)).not_to_have_text(story.title)
    assert story.title not in Client().get("/stories/feed/").content.decode()

    # 4. Its time comes: the scheduler tells Tom, and it is on his home and in the feed.
    Story.objects.filter(pk=story.pk).update(published_at=timezone.now())
    with transaction.atomic():
        assert "stories_announce" in run_due_jobs()
        run_tasks()
    assert Notification.objects.filter(recipient=tom, kind="story").count() == 1
    reader.goto(live_server.url + "/")
    panel = reader.locator("#home-stories + ul")
    expect(panel).to_contain_text("Moving the bins form online")
    assert serious_accessibility_violations(reader) == []
    pages.append(checked("reader", reader))
    reader.get_by_role("link", name="Moving the bins form online").first.click()
    expect(reader.locator("figure img")).to_be_visible()
    assert serious_accessibility_violations(reader) == []
    pages.append(checked("reader", reader))

    # 5. He comments, and the comment is under the story.
    reader.get_by_label("Your reply").fill("The sticky notes look familiar!")
    reader.get_by_role("button", name="Post your reply").click()
    expect(reader).to_have_url(
        re.compile(re.escape(story.get_absolute_url()) + r"\?page=1#post-\d+$")
    )
    expect(reader.locator("#comments ~ ol")).to_contain_text("The sticky notes look familiar!")

    feed = feedparser.parse(Client().get(f"/stories/by/{amara.username}/feed/").content)
    assert [entry.title for entry in feed.entries][:1] == ["Moving the bins form online"]
    assert "What we learned" in feed.entries[0].content[0].value

    assert html_errors(pages, tmp_path) == []
