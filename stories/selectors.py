"""What the stories' pages read: a fixed number of queries whatever the numbers.

Lists read the newest stories out (``Story.objects.out``) in the viewer's audience, through
the partial index ``story_out`` in order, with what a card shows (its writer, their
organisation, its series and group) joined and its first image's sizes in the same row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery
from django.db import router
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import JSONObject
from django.utils import timezone

from groups.models import Group
from sociable.accounts.models import Organisation, User
from sociable.queries import Columns, fetch

from .models import EDIT_STORIES, Follow, Image, Series, Story, StoryTag

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


# A story's page reads its story by hand (docs/decisions/0019, decision 15): the ORM took
# longer to build and compile the read of five tables and six subqueries (10 ms) than
# PostgreSQL took to run it. Prepared: one plan for every story and every viewer (nobody
# signed in asks with NULLs, which match no row).
_PAGE_STORY = Columns.whole(Story, "s")
_PAGE_AUTHOR = Columns.whole(User, "a")
_PAGE_ORGANISATION = Columns.whole(Organisation, "o")
_PAGE_SERIES = Columns.whole(Series, "se")
_PAGE_GROUP = Columns.whole(Group, "g")
_PAGE_STORY_COLUMNS = (_PAGE_STORY, _PAGE_AUTHOR, _PAGE_ORGANISATION, _PAGE_SERIES, _PAGE_GROUP)
_GRANTS = f"""
    SELECT 1 FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
    WHERE p.codename = '{EDIT_STORIES}' AND ct.app_label = 'stories' AND p.id = {{}}
"""  # noqa: S608 (names of ours)
_USER_GROUPS = User.groups.through._meta.db_table
_USER_PERMISSIONS = User.user_permissions.through._meta.db_table
_SERIES_WRITERS = Series.writers.through._meta.db_table
_EDITOR = f"""
    SELECT 1 FROM accounts_user u WHERE u.id = %s AND u.is_active AND (u.is_superuser
    OR EXISTS (SELECT 1 FROM {_USER_GROUPS} ug
               JOIN auth_group_permissions gp ON gp.group_id = ug.group_id
               WHERE ug.user_id = u.id AND EXISTS ({_GRANTS.format("gp.permission_id")}))
    OR EXISTS (SELECT 1 FROM {_USER_PERMISSIONS} up
               WHERE up.user_id = u.id AND EXISTS ({_GRANTS.format("up.permission_id")})))
"""  # noqa: S608 (names of ours): editors(), for one person
_STORY_VIEWER = {  # what the page says of someone signed in, each a query of the viewer's pk
    "following_author": "SELECT 1 FROM stories_follow f"
    " WHERE f.follower_id = %s AND f.author_id = s.author_id",
    "following_series": "SELECT 1 FROM stories_follow f"
    " WHERE f.follower_id = %s AND f.series_id = s.series_id",
    "viewer_edits": _EDITOR,
    "viewer_writes_series": f"""
        SELECT 1 FROM {_SERIES_WRITERS} w WHERE w.user_id = %s AND w.series_id = s.series_id
    """,  # noqa: S608 (names of ours)
}
_STORY_PAGE = f"""
    SELECT {", ".join(columns.sql for columns in _PAGE_STORY_COLUMNS)},
        ARRAY(SELECT json_build_object('name', k.name, 'slug', k.slug)
              FROM stories_storytag st JOIN profiles_skill k ON k.id = st.tag_id
              WHERE st.content_object_id = s.id ORDER BY k.name),
        EXISTS (SELECT 1 FROM stories_revision r WHERE r.story_id = s.id),
        {", ".join(f"EXISTS ({sql})" for sql in _STORY_VIEWER.values())}
    FROM stories_story s
    LEFT JOIN accounts_user a ON a.id = s.author_id
    LEFT JOIN accounts_organisation o ON o.id = a.organisation_id
    LEFT JOIN stories_series se ON se.id = s.series_id
    LEFT JOIN groups_group g ON g.id = s.group_id
    WHERE s.id = %s
"""  # noqa: S608 (column names of ours, not anyone's input)
_STORY_AUTHOR = Story._meta.get_field("author")
_AUTHORS_ORGANISATION = User._meta.get_field("organisation")


def story_page(viewer, pk: int) -> Story | None:
    """The story ``pk`` with all its page asks of it, whoever may open it (the caller asks
    ``permissions.readable_story``): its writer and their organisation, its series and
    group, its tags (``tag_list``: names and addresses), whether it was edited since it
    came out, and for someone signed in whether they follow its writer and its series,
    edit stories and write its series. One query."""
    signed_in = viewer.pk if viewer.is_authenticated else None
    params = [signed_in] * len(_STORY_VIEWER) + [pk]
    rows = fetch(_STORY_PAGE, params, prepare=True, using=router.db_for_read(Story))
    if not rows:
        return None
    row = rows[0]
    story = _story_of(row, _PAGE_STORY_COLUMNS)
    story.tag_list, story.edited, *facts = row[sum(c.width for c in _PAGE_STORY_COLUMNS) :]
    if viewer.is_authenticated:
        for name, value in zip(_STORY_VIEWER, facts, strict=True):
            setattr(story, name, value)
    return story


# The cards of the one search's stories and of a skill page's, read by hand (docs/
# decisions/0019, decision 15): Django took 4 ms to build and compile ``find``'s queryset of
# a card's five tables, its first image, its tags and whether the viewer may see its series
# and group, and PostgreSQL 2 ms to plan it, for a query that runs in under one. One text
# for each kind of viewer and way of finding, prepared: the stories found first (through
# the ``story_words`` index, a skill's tags, or the writer's or series' index), then the
# page of them newest first and how many there are, and only then what the page's cards
# show.
_CARD_STORY = Columns(
    Story,
    "s",
    *(
        field.name
        for field in Story._meta.concrete_fields
        if not field.primary_key and field.name not in ("body", "body_html", "search_document")
    ),
)
_CARD_COLUMNS = (_CARD_STORY, _PAGE_AUTHOR, _PAGE_ORGANISATION, _PAGE_SERIES, _PAGE_GROUP)
_CARD_WIDTH = sum(columns.width for columns in _CARD_COLUMNS)
_PUBLISHED = Story.Status.PUBLISHED.value
_FOUND_BY = {  # how the stories are found: the words, the tag, the writer or the series
    "words": "s.search_document @@ websearch_to_tsquery('english'::regconfig, %s)",
    "tag": """s.id = ANY(ARRAY(
        SELECT t.content_object_id FROM stories_storytag t WHERE t.tag_id = %s))""",
    "author": "s.author_id = %s",
    "series": "s.series_id = %s",
}


def _cards_of_page(last: str, order: str) -> str:
    """What a page of cards shows, read for the stories of the CTE ``page`` (each with its
    id and date, and one more column, ``last``, read last) in ``order``; the viewer's rules
    for series and groups left to fill in (``series_shown``, ``group_shown``)."""
    return f"""
SELECT {", ".join(columns.sql for columns in _CARD_COLUMNS)},
    (SELECT json_build_object('number', i.number, 'alt', i.alt, 'width', i.width,
                              'height', i.height, 'widths', i.widths)
     FROM stories_image i WHERE i.story_id = s.id ORDER BY i.number LIMIT 1),
    ARRAY(SELECT k.name FROM stories_storytag st JOIN profiles_skill k ON k.id = st.tag_id
          WHERE st.content_object_id = s.id ORDER BY k.name),
    (se.id IS NOT NULL AND {{series_shown}}),
    (g.id IS NOT NULL AND {{group_shown}}),
    p.{last}
FROM page p
JOIN stories_story s ON s.id = p.id
LEFT JOIN accounts_user a ON a.id = s.author_id
LEFT JOIN accounts_organisation o ON o.id = a.organisation_id
LEFT JOIN stories_series se ON se.id = s.series_id
LEFT JOIN groups_group g ON g.id = s.group_id
ORDER BY {order}
"""  # noqa: S608 (column names of ours, not anyone's input)


# ``found`` is a CTE of its own, planned apart from the page's LIMIT: PostgreSQL 15 costs a
# window count as if it could stop at the page's last row, and would walk every story out
# newest first testing each (ADR 0019, decision 13). Each story found is read once, through
# its way's index, and kept or not there by the rule (decision 19).
_CARDS = f"""
WITH found AS MATERIALIZED (
    SELECT s.id, s.published_at
    FROM stories_story s
    WHERE s.status = '{_PUBLISHED}' AND s.published_at <= %s AND {{visible}} AND {{found}}
), page AS (
    SELECT f.id, f.published_at, count(*) OVER () AS total
    FROM found f
    ORDER BY f.published_at DESC, f.id DESC OFFSET %s LIMIT %s
)
{_cards_of_page("total", "p.published_at DESC, p.id DESC")}"""  # noqa: S608 (ours)


def cards(viewer, *, start: int = 0, limit: int, now=None, **found_by) -> tuple[list[Story], int]:
    """The newest stories out that ``viewer`` may read, from ``start``, at most ``limit``,
    found by one of: ``words`` (as ``find``: every word, in the title, summary or text),
    ``tag`` (a skill's pk), ``author`` (a person's pk) or ``series`` (its pk); as cards show
    them (as ``with_card_data`` gives them), and how many there are (counted with the
    cards: 0 past the last). One query."""
    ((by, value),) = found_by.items()
    visible, visible_params = Story.objects.visible_sql(viewer, "s")
    series_shown, series_params = Series.objects.visible_sql(viewer, "se")
    group_shown, group_params = Group.objects.visible_sql(viewer, "g")
    sql = _CARDS.format(
        visible=visible,
        found=_FOUND_BY[by],
        series_shown=series_shown,
        group_shown=group_shown,
    )
    params = [
        now or timezone.now(), *visible_params, value, start, limit,
        *series_params, *group_params,
    ]  # fmt: skip
    rows = fetch(sql, params, prepare=True, using=router.db_for_read(Story))
    return [_card(row) for row in rows], (rows[0][-1] if rows else 0)


class CardPages:
    """``cards`` as ``sociable.paging.Stretch`` pages a list: ``pages[start:stop]``."""

    def __init__(self, viewer, **found_by):
        self.viewer, self.found_by = viewer, found_by

    def __getitem__(self, window: slice) -> list[Story]:
        limit = window.stop - window.start
        return cards(self.viewer, start=window.start, limit=limit, **self.found_by)[0]


# Home's stories and the list's "from people you follow", read by hand as the cards are:
# the newest few from the people and series the viewer follows, and (home) the newest few
# featured, each found through its own indexes and stopping there (``story_out_by_author``
# and ``story_out_in_series``, ordered NULLS LAST: in the list's index order PostgreSQL
# walked every story out for someone who follows nobody, 5 ms at S and 37 ms at M;
# ``story_featured``, newest first). Read through the ORM as one list ordered by
# "followed", every featured story out was read with its card and sorted (825 at M:
# 9.5 ms), and Django took 8 ms to build either query. A story both followed and featured
# counts as followed.
_HOME_FOUND = """
    SELECT s.id, s.published_at FROM stories_story s
    WHERE s.status = '{published}' AND s.published_at <= %s AND {visible} AND {found}
    ORDER BY s.published_at DESC {nulls}, s.id DESC LIMIT %s
"""
_FOLLOWED_BY = """(
    s.author_id = ANY(ARRAY(SELECT f.author_id FROM stories_follow f
                            WHERE f.follower_id = %s AND f.author_id IS NOT NULL))
    OR s.series_id = ANY(ARRAY(SELECT f.series_id FROM stories_follow f
                               WHERE f.follower_id = %s AND f.series_id IS NOT NULL)))"""
_HOME_FEATURED = """
    UNION ALL
    SELECT f.id, f.published_at, false FROM ({featured}) f"""
_HOME_CARDS = f"""
WITH found AS MATERIALIZED (
    SELECT f.id, f.published_at, true AS followed FROM ({{followed}}) f {{featured}}
), page AS (
    SELECT f.id, f.published_at, bool_or(f.followed) AS followed
    FROM found f GROUP BY f.id, f.published_at
    ORDER BY 3 DESC, f.published_at DESC, f.id DESC LIMIT %s
)
{_cards_of_page("followed", "p.followed DESC, p.published_at DESC, p.id DESC")}"""  # noqa: S608


def for_home(viewer, now=None, limit: int = ON_HOME) -> list[Story]:
    """Home's stories, as cards show them: the newest from the people and series ``viewer``
    follows (each marked ``followed``), and after them the newest featured (``_HOME_CARDS``).
    One query."""
    return _followed_first(viewer, now, limit, featured=True)


def followed(viewer, now=None, limit: int = ON_HOME) -> list[Story]:
    """The newest stories out from the people and series ``viewer`` follows, as cards show
    them (``_HOME_CARDS``). One query; none for someone signed out."""
    if not viewer.signed_in:
        return []
    return _followed_first(viewer, now, limit, featured=False)


def _followed_first(viewer, now, limit: int, *, featured: bool) -> list[Story]:
    visible, visible_params = Story.objects.visible_sql(viewer, "s")
    series_shown, series_params = Series.objects.visible_sql(viewer, "se")
    group_shown, group_params = Group.objects.visible_sql(viewer, "g")
    found = {"published": _PUBLISHED, "visible": visible}
    newest_featured = _HOME_FOUND.format(**found, found="s.featured", nulls="")
    sql = _HOME_CARDS.format(
        followed=_HOME_FOUND.format(**found, found=_FOLLOWED_BY, nulls="NULLS LAST"),
        featured=_HOME_FEATURED.format(featured=newest_featured) if featured else "",
        series_shown=series_shown,
        group_shown=group_shown,
    )
    now = now or timezone.now()
    follower = viewer.pk if viewer.is_authenticated else None
    params = [
        now, *visible_params, follower, follower, limit,  # followed
        *([now, *visible_params, limit] if featured else []),
        limit, *series_params, *group_params,
    ]  # fmt: skip
    rows = fetch(sql, params, prepare=True, using=router.db_for_read(Story))
    stories = []
    for row in rows:
        stories.append(story := _card(row))
        story.followed = row[-1]
    return stories


def _card(row: tuple) -> Story:
    story = _story_of(row, _CARD_COLUMNS)
    story.lead, story.tag_names, story.series_shown, story.group_shown, _ = row[_CARD_WIDTH:]
    return story


def _story_of(row: tuple, columns) -> Story:
    """The story at the start of ``row``, with its writer and their organisation, its
    series and its group after it (as ``select_related`` leaves them)."""
    story, author, organisation, series, group = Columns.make_each(row, *columns)
    _STORY_AUTHOR.set_cached_value(story, author)
    if author is not None:
        _AUTHORS_ORGANISATION.set_cached_value(author, organisation)
    story.series, story.group = series, group
    return story


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
