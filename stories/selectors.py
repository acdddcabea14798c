"""What the stories' pages read: a fixed number of queries whatever the numbers.

Lists read the newest stories out (``Story.objects.out``) in the viewer's audience, through
the partial index ``story_out`` in order, with what a card shows (its writer, their
organisation, its series and group) joined and its first image's sizes in the same row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import JSONObject

from groups.models import Group

from .models import Follow, Image, Revision, Series, Story, StoryTag, editors

PAGE_SIZE = 12
MORE_IN_SERIES = 4
ON_HOME = 4


@dataclass
class Filters:
    q: str = ""  # words, all of them in the title, summary or text
    tag: str = ""  # a skill's slug
    organisation: str = ""  # the writer's organisation's slug
    featured: bool = False


def with_card_data(stories, viewer):
    """What a card shows: the writer and their organisation, the series and the group, the
    first image (``lead``: its number, sizes and description) and the tags' names.

    A story's audience may be wider than its series' or its group's (a public story of a
    members-only group): ``series_shown`` and ``group_shown`` say whether ``viewer`` may
    see them, and so be told their names."""
    lead = Image.objects.filter(story_id=OuterRef("pk")).order_by("number")
    # Never the text (up to 40,000 characters, twice) nor its words: no card shows them.
    stories = stories.defer("body", "body_html", "search_document")
    return stories.select_related("author__organisation", "series", "group").annotate(
        lead=Subquery(
            lead.values(
                json=JSONObject(
                    number="number", alt="alt", width="width", height="height", widths="widths"
                )
            )[:1]
        ),
        tag_names=ArraySubquery(
            StoryTag.objects.filter(content_object_id=OuterRef("pk"))
            .order_by("tag__name")
            .values("tag__name")
        ),
        series_shown=ExpressionWrapper(
            Q(series__isnull=False) & Series.objects.visible_q(viewer, prefix="series__"),
            output_field=BooleanField(),
        ),
        group_shown=ExpressionWrapper(
            Q(group__isnull=False) & Group.objects.visible_q(viewer, prefix="group__"),
            output_field=BooleanField(),
        ),
    )


def out_for(viewer, now=None):
    """The stories out that ``viewer`` may read, newest first."""
    return Story.objects.out(now).visible_to(viewer).order_by("-published_at", "-pk")


def find(viewer, filters: Filters, now=None):
    """The stories out ``viewer`` may read that hold the words ``filters.q`` and the tag
    ``filters.tag`` (each found first: through the ``story_words`` index, by the tag's rows),
    newest first. Read as a filter of the list, PostgreSQL 15 walked every story out newest
    first to count the matches with their page (300 ms at M for a word in 287 of 45,000)."""
    stories = out_for(viewer, now)
    if filters.q:
        words = SearchQuery(filters.q, config="english", search_type="websearch")
        holding = Story.objects.filter(status=Story.Status.PUBLISHED, search_document=words)
        stories = stories.filter(IsAnyOf(F("pk"), holding.values("pk")))
    if filters.tag:
        tagged = StoryTag.objects.filter(tag__slug=filters.tag).values("content_object_id")
        stories = stories.filter(IsAnyOf(F("pk"), tagged))
    if filters.organisation:
        stories = stories.filter(author__organisation__slug=filters.organisation)
    if filters.featured:
        stories = stories.filter(featured=True)
    return with_card_data(stories, viewer)


def featured(viewer, now=None, limit: int = 3) -> list[Story]:
    return list(with_card_data(out_for(viewer, now).filter(featured=True), viewer)[:limit])


def by_author(viewer, author, now=None):
    return with_card_data(out_for(viewer, now).filter(author=author), viewer)


def in_series(viewer, series: Series, now=None):
    return with_card_data(out_for(viewer, now).filter(series=series), viewer)


def more_in_series(viewer, story: Story) -> list[Story]:
    if not story.series_id:
        return []
    return list(
        with_card_data(
            out_for(viewer).filter(series_id=story.series_id).exclude(pk=story.pk), viewer
        )[:MORE_IN_SERIES]
    )


class IsAnyOf(Func):
    """``column = ANY(ARRAY(subquery))``: the subquery runs once, first, and the values are
    looked up in an index, where ``IN (subquery)`` ORed with another condition is asked of
    every row (a walk through every story out, newest first, for someone who follows
    nobody)."""

    arg_joiner = " = ANY(ARRAY("
    template = "(%(expressions)s)))"
    conditional = True
    output_field = BooleanField()


def _followed(viewer) -> Q:
    """The stories of the people and the series ``viewer`` follows, each read through its
    own index (``story_out_by_author``, ``story_out_in_series``)."""
    follows = Follow.objects.filter(follower_id=viewer.pk)
    authors = follows.filter(author__isnull=False).values("author_id")
    series = follows.filter(series__isnull=False).values("series_id")
    return Q(IsAnyOf(F("author_id"), authors)) | Q(IsAnyOf(F("series_id"), series))


def followed(viewer, now=None, limit: int = ON_HOME) -> list[Story]:
    """The newest stories out from the people and series ``viewer`` follows."""
    if not viewer.signed_in:
        return []
    # Not in the list's index order (NULLS LAST: no story out lacks a date): read in that
    # order, PostgreSQL walked every story out for someone following nobody (5 ms at S);
    # so it reads the followed ones through their own indexes and sorts those few.
    stories = out_for(viewer, now).filter(_followed(viewer))
    stories = stories.order_by(F("published_at").desc(nulls_last=True), "-pk")
    return list(with_card_data(stories, viewer)[:limit])


def for_home(viewer, now=None, limit: int = ON_HOME) -> list[Story]:
    """Home's stories, in one query: the newest from the people and series ``viewer``
    follows (each marked ``followed``), and after them the newest featured (each read
    through its own index: ``story_featured``)."""
    followed = _followed(viewer)
    stories = (
        out_for(viewer, now)
        .filter(followed | Q(featured=True))
        .annotate(followed=ExpressionWrapper(followed, output_field=BooleanField()))
        .order_by("-followed", "-published_at", "-pk")
    )
    return list(with_card_data(stories, viewer)[:limit])


def story_page(viewer, pk: int) -> Story | None:
    """The story ``viewer`` may read, with all its page asks of it in the same query: its
    tags (``tag_list``: names and addresses), whether it was edited since it came out, and
    for someone signed in whether they follow its writer and its series and edit stories."""
    tags = StoryTag.objects.filter(content_object_id=OuterRef("pk")).order_by("tag__name")
    annotations = {
        "tag_list": ArraySubquery(tags.values(json=JSONObject(name="tag__name", slug="tag__slug"))),
        "edited": Exists(Revision.objects.filter(story_id=OuterRef("pk"))),
    }
    if viewer.signed_in:
        follows = Follow.objects.filter(follower_id=viewer.pk)
        annotations |= {
            "following_author": Exists(follows.filter(author_id=OuterRef("author_id"))),
            "following_series": Exists(follows.filter(series_id=OuterRef("series_id"))),
            "viewer_edits": Exists(editors().filter(pk=viewer.pk)),
        }
    stories = Story.objects.readable_by(viewer).filter(pk=pk)
    return (
        stories.select_related("author__organisation", "series", "group", "thread")
        .annotate(**annotations)
        .first()
    )


def own(user):
    """``user``'s own stories in every state, the latest changed first."""
    return (
        Story.objects.filter(author=user)
        .select_related("series", "group")
        .order_by("-updated_at", "-pk")
    )


def to_review(user):
    """What waits for ``user`` to review: every proposal for an editor, those of their
    series for a series' writer (oldest first)."""
    return (
        Story.objects.readable_by(user)
        .filter(status=Story.Status.PROPOSED)
        .exclude(author=user)
        .select_related("author__organisation", "series")
        .order_by("updated_at", "pk")
    )


def follows_of(viewer) -> tuple[set[int], set[int]]:
    """The authors and the series ``viewer`` follows (one query)."""
    if not viewer.signed_in:
        return set(), set()
    rows = Follow.objects.filter(follower_id=viewer.pk).values_list("author_id", "series_id")
    return {a for a, _ in rows if a}, {s for _, s in rows if s}
