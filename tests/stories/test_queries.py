"""The stories' pages run a fixed number of queries however many stories, comments, images
and tags there are: the list, a story with 5 comments or 60, an author's page with 3 stories
or 30, a series' page and a tag's page, for a visitor signed out and for people signed in
(staff of another organisation, and the writer, who sees their own story's tools)."""

from __future__ import annotations

import pytest
from django.test import Client

from forums import services as forum_services
from groups import services as group_services
from sociable.links import reverse
from stories import services
from stories.models import Image, Story
from tests.accounts.factories import UserFactory, staff_of
from tests.cold import cold, cold_queries, page_budget
from tests.groups.factories import make_group
from tests.stories.factories import write
from tests.test_global_search import BUDGET as SEARCH_BUDGET

pytestmark = pytest.mark.django_db

# What a list of stories runs of its own (the page cache's round trips aside), measured:
# 5 or 6 signed out (the page of stories and its count; the list's organisations and its
# featured), 5 to 7 signed in (the session and the account; what they follow).
BUDGET = 7
# A story's page, measured: 9 signed in (the session, the account; the story with its
# tags and what the reader follows, its images, the thread for the reader, and its
# comments' page as the forums' thread page reads it).
STORY_BUDGET = 10
# An author's page with the shared page cache's round trips, as the database cache makes
# them: its own 5 and, signed out, one read of the cache and the writes of a page rendered.
AUTHOR_TOTAL = 9


@pytest.fixture(autouse=True)
def commenting(settings):
    settings.FORUMS_POSTS_PER_10_MINUTES = 10_000
    settings.FORUMS_NEW_MEMBER_POSTS_PER_10_MINUTES = 10_000
    settings.FORUMS_APPROVE_FIRST_POSTS = 0


@pytest.fixture
def viewers(client_as, staff_member, other_staff):
    return {
        "anonymous": Client(),
        "staff": client_as(other_staff),
        "writer": client_as(staff_member),
    }


@pytest.fixture
def world(staff_member, other_staff):
    """The writer's series and group, and a follower (so lists show what they follow)."""
    series = services.start_series(
        by=staff_member, title="Bins team weeknotes", cadence="weekly", audience="public"
    )
    group = make_group(staff_member, name="Allotment club", audience="community")
    group_services.add_member(group=group, user=other_staff)
    services.follow(user=other_staff, author=staff_member)
    return series, group


def grow(writer, world, n: int, start: int = 0) -> list[Story]:
    """``n`` stories of every kind a card shows: in the series or the group, several tags,
    an image or two, some featured, of every audience the viewers see."""
    series, group = world
    made = []
    audiences = ["public", "community", "staff", "organisation"]
    for i in range(start, start + n):
        story = write(
            writer,
            title=f"Week {i} of the bins",
            tags=["Service design", f"Topic {i % 5}", f"Skill {i}"],
            series=series if i % 2 else None,
            group=None if i % 2 else group,
            audience=audiences[i % 4],
        )
        Image.objects.bulk_create(
            Image(story=story, number=k, alt=f"Picture {k}", width=960, height=480,
                  widths=[480, 960], key=f"q/{story.pk}/{k}")
            for k in range(1, 1 + i % 3)
        )  # fmt: skip
        if i % 3 == 0:
            Story.objects.filter(pk=story.pk).update(featured=True)
        made.append(story)
    return made


def counts(viewers, urls: list[str]) -> dict:
    return {
        (who, url): cold_queries(client, url) for who, client in viewers.items() for url in urls
    }


def assert_within(viewers, urls: list[str], budget: int) -> None:
    for client in viewers.values():
        for url in urls:
            with page_budget(budget):
                client.get(url)


def test_the_lists_run_the_same_queries_however_many_stories(viewers, staff_member, world):
    series, _ = world
    grow(staff_member, world, 3)
    urls = [
        reverse("stories:list"),
        reverse("stories:list") + "?q=bins&organisation=council",
        reverse("stories:author", args=[staff_member.username]),
        series.get_absolute_url(),
        reverse("stories:tag", args=["service-design"]),
        reverse("search") + "?q=bins",
    ]
    small = counts(viewers, urls)

    grow(staff_member, world, 27, start=3)
    large = counts(viewers, urls)
    second_pages = counts(viewers, [f"{url}?page=2" for url in urls[2:5]])

    assert large == small
    assert max(second_pages.values()) <= max(large.values())
    assert_within(viewers, urls[:-1], BUDGET)
    assert_within(viewers, urls[-1:], SEARCH_BUDGET)  # every app's section of the one search


def test_a_story_page_runs_the_same_queries_with_5_comments_or_60(
    viewers, staff_member, other_staff, council, world
):
    series, _ = world
    story = write(staff_member, series=series, tags=["Service design", "Bins"])
    Image.objects.create(story=story, number=1, alt="A map", width=960, height=480,
                         widths=[480, 960], key=f"q/{story.pk}/1")  # fmt: skip
    people = [other_staff, staff_member, staff_of(council, name="Gareth Lloyd"),
              UserFactory(name="Jordan Reid")]  # fmt: skip
    posts = []

    def add_comments(n: int) -> None:
        for i in range(n):
            author = people[len(posts) % len(people)]
            parent = posts[-1] if posts and i % 3 == 2 else None
            posts.append(
                forum_services.reply(
                    thread=story.thread, author=author, body=f"Comment {len(posts)}", parent=parent
                )
            )
            if i % 4 == 0:
                forum_services.react(post=posts[-1], user=people[0], kind="thanks")

    grow(staff_member, world, 6, start=2)  # more in its series
    add_comments(5)
    url = story.get_absolute_url()
    small = counts(viewers, [url])

    add_comments(55)
    large = counts(viewers, [url])
    page_2 = counts(viewers, [f"{url}?page=2"])

    assert story.thread.posts.count() == 60
    assert large == small
    assert max(page_2.values()) <= max(large.values())
    assert_within(viewers, [url, f"{url}?page=2"], STORY_BUDGET)


def test_an_author_page_runs_the_same_queries_with_3_stories_or_30(
    viewers, staff_member, world, django_assert_max_num_queries
):
    url = reverse("stories:author", args=[staff_member.username])
    grow(staff_member, world, 3)
    small = counts(viewers, [url])

    grow(staff_member, world, 27, start=3)
    large = counts(viewers, [url])

    assert large == small
    for client in viewers.values():
        cold()
        with django_assert_max_num_queries(AUTHOR_TOTAL):
            client.get(url)


def test_the_feeds_run_the_same_queries_however_many_stories(staff_member, world):
    series, _ = world
    urls = [
        reverse("stories:feed"),
        reverse("stories:author-feed", args=[staff_member.username]),
        reverse("stories:series-feed", args=[series.slug]),
        reverse("stories:tag-feed", args=["service-design"]),
    ]
    grow(staff_member, world, 8)
    small = counts({"reader": Client()}, urls)

    grow(staff_member, world, 40, start=8)
    large = counts({"reader": Client()}, urls)

    assert large == small
    assert max(large.values()) <= 4, large
