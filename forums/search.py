"""Search the discussions: PostgreSQL full-text search over thread titles and post bodies.

A result is a post someone may read: published, neither hidden nor deleted (``LIVE``), in a
board ``visible_boards(user)`` allows. A thread whose title matches appears as its opening
post, ranked above posts whose text matches. At most ``CANDIDATES`` matches are ranked and
counted.

Each post carries its board's audience (copied by the database: ``Post.board``), and the
words of live posts are indexed apart for each audience (``post_text_*``). So the
candidates are read as one index scan per class of posts the reader may see (public,
community, staff, and their organisation's and groups' boards, board by board), joined by
``UNION ALL`` after the opening posts of the threads whose titles match, and stop at the cap
inside those scans: a common word never makes PostgreSQL gather every match of every
audience first. They are ranked and counted in ``forums_post`` alone; the thread, board and
author are joined, and the headline built, for the posts a page shows.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)

from sociable.accounts.models import Organisation, User
from sociable.audience import Audience, open_audiences
from sociable.paging import RankedPaginator
from sociable.queries import Among, Columns
from sociable.search import TOP, Section, url

from .models import BY_BOARD, LIVE, OPENING_PATH, Board, Post, Thread
from .permissions import is_moderator, visible_boards

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
# The most matching posts (and matching titles) a search ranks and counts: a common word is in
# tens of thousands of posts, and ranking them all costs time in proportion.
CANDIDATES = 1000
# The audiences whose live posts each have an index of their own (``post_text_<audience>``).
WHOLE_AUDIENCES = (Audience.PUBLIC, Audience.COMMUNITY, Audience.STAFF)
# ts_headline marks the matching words with these (Unicode private-use) characters; the
# snippet is split on them and the template escapes every piece, so no user text is ever
# trusted as HTML, even if it contains the markers itself.
START, STOP = "\ue000", "\ue001"
_MARKERS = re.compile(f"([{START}{STOP}])")


def clean_query(raw: str | None) -> str:
    """Return the words typed, with spacing tidied, NULs dropped and length capped."""
    return " ".join((raw or "").replace("\x00", " ").split())[:MAX_QUERY_LENGTH]


def _title_vector(prefix: str = "") -> SearchVector:
    return SearchVector(f"{prefix}title", config="english")


def _body_vector() -> F:
    return F("search_document")


def search_query(q: str) -> SearchQuery:
    return SearchQuery(q, search_type="websearch", config="english")


def threads_with_matching_titles(boards, query: SearchQuery) -> QuerySet[Thread]:
    """The ids of threads in ``boards`` whose title matches (read through its GIN index)."""
    return (
        Thread.objects.filter(board__in=boards)
        .alias(document=_title_vector())
        .filter(document=query)
        .order_by()
        .values_list("pk", flat=True)
    )


def readable_classes(viewer, boards) -> list[Q]:
    """The classes of posts ``viewer`` may read, each one filter that one partial index
    serves: what ``boards`` (``visible_boards(viewer)``) allows, said by the posts' copies
    of their boards' audiences.

    A whole audience the viewer belongs to is one class. A moderator also reads the boards
    they moderate in an audience they do not belong to, and anyone signed in the boards of
    their organisation and their groups: those are read board by board.
    """
    belongs = open_audiences(viewer)
    classes = [Q(audience=audience) for audience in WHOLE_AUDIENCES if audience in belongs]
    if is_moderator(viewer):
        for audience in WHOLE_AUDIENCES:
            if audience not in belongs:
                moderated = boards.filter(audience=audience).values("pk")
                classes.append(Q(audience=audience, board__in=moderated))
    if viewer.is_authenticated:
        own = boards.filter(audience__in=BY_BOARD).values("pk")
        classes.append(Q(audience__in=BY_BOARD, board__in=own))
    return classes


def opening_posts_of_matching_titles(viewer, query: SearchQuery) -> list[int]:
    """The pks of the live opening posts of at most ``CANDIDATES`` threads ``viewer`` may
    read whose title matches (the titles' GIN index, then ``post_opening``)."""
    threads = threads_with_matching_titles(visible_boards(viewer), query)[:CANDIDATES]
    openings = Post.objects.filter(LIVE, path=OPENING_PATH, thread_id__in=threads)
    return list(openings.order_by().values_list("pk", flat=True))


def body_candidates(viewer, query: SearchQuery, limit: int) -> QuerySet:
    """The pks of at most ``limit`` posts ``viewer`` may read whose words match ``query``:
    one index scan for each readable class."""
    live = Post.objects.filter(LIVE).order_by()
    branches = [
        live.filter(readable).alias(document=_body_vector()).filter(document=query).values("pk")
        for readable in readable_classes(viewer, visible_boards(viewer))
    ]
    first, *others = branches
    return (first.union(*others, all=True) if others else first)[:limit]


def search_posts(user, q: str) -> Found:
    """Posts matching ``q`` that ``user`` may read, best first (``Found``).

    Each has ``title_hit`` (it opens a thread whose title matched), ``rank`` (its words',
    plus its thread title's for a title hit) and ``headline`` (a plain-text extract with
    the matches between ``START`` and ``STOP``).
    """
    query = search_query(q)
    # The title hits are found first and are always candidates: the rest fill the cap.
    titled = opening_posts_of_matching_titles(user, query)
    # (A title hit whose words match too is found twice: once in the filter below.)
    found = Among("pk", body_candidates(user, query, CANDIDATES - len(titled)))
    rank = SearchRank(_body_vector(), query)
    title_hit = Value(False)
    if titled:
        found = Q(pk__in=titled) | Q(found)
        title_hit = ExpressionWrapper(Q(pk__in=titled), output_field=BooleanField())
        # The title's rank, read for the title hits alone (not a join for every candidate).
        title_rank = (
            Thread.objects.filter(pk=OuterRef("thread_id"))
            .order_by()
            .annotate(title_rank=SearchRank(_title_vector(), query))
            .values("title_rank")
        )
        rank = rank + Case(
            When(pk__in=titled, then=Subquery(title_rank)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    ranked = (
        Post.objects.filter(found)
        .annotate(
            title_hit=title_hit,
            rank=rank,
            # Only for the posts read: PostgreSQL builds it after the sort and the limit.
            headline=SearchHeadline(
                "body",
                query,
                config="english",
                start_sel=START,
                stop_sel=STOP,
                min_words=12,
                max_words=30,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by(*ORDER)
    )
    return Found(ranked)


ORDER = ("-title_hit", "-rank", "-created_at", "-pk")
_POST = Columns(Post, "p", "thread", "author", "parent", "path", "created_at")
_THREAD = Columns(Thread, "t", "board", "title", "slug")
_BOARD = Columns(Board, "b", "name", "slug")
_AUTHOR = Columns(User, "u", "name", "username", "organisation")
_ORGANISATION = Columns(Organisation, "o", "name", "short_name")


class Found:
    """The posts a search found, ranked in ``forums_post`` alone (``ranked``): a slice of
    them is read with its threads, boards and authors, and how many were found, in one
    query (``page``). The joins are made for the slice's posts only, not for every one of
    up to ``CANDIDATES`` ranked."""

    def __init__(self, ranked: QuerySet[Post]):
        self.ranked = ranked

    def page(self, start: int, stop: int) -> tuple[list[Post], int]:
        """The posts ``start`` to ``stop`` (best first), and how many were found."""
        found = self.ranked.annotate(search_total=Window(Count("*"))).values(
            "pk", "title_hit", "rank", "headline", "search_total"
        )[start:stop]
        ranked_sql, params = found.query.sql_with_params()
        columns = ", ".join(c.sql for c in (_POST, _THREAD, _BOARD, _AUTHOR, _ORGANISATION))
        # Where the ORM would read it (the replica, in a view that reads from one).
        with connections[self.ranked.db].cursor() as cursor:
            cursor.execute(
                f"""
            SELECT {columns}, r.title_hit, r.rank, r.headline, r.search_total
              FROM ({ranked_sql}) AS r
              JOIN forums_post AS p ON p.id = r.pk
              JOIN forums_thread AS t ON t.id = p.thread_id
              JOIN forums_board AS b ON b.id = t.board_id
              LEFT JOIN accounts_user AS u ON u.id = p.author_id
              LEFT JOIN accounts_organisation AS o ON o.id = u.organisation_id
             ORDER BY r.title_hit DESC, r.rank DESC, p.created_at DESC, p.id DESC
            """,  # noqa: S608 (our columns and the ORM's SQL; the words are parameters)
                params,
            )
            rows = cursor.fetchall()
        posts = []
        for row in rows:
            at = 0
            post = _POST.make(row, at)
            post.thread = _THREAD.make(row, at := at + _POST.width)
            post.thread.board = _BOARD.make(row, at := at + _THREAD.width)
            post.author = _AUTHOR.make(row, at := at + _BOARD.width)
            organisation = _ORGANISATION.make(row, at := at + _AUTHOR.width)
            if post.author is not None:
                post.author.organisation = organisation
            at += _ORGANISATION.width
            post.title_hit, post.rank, post.headline, total = row[at : at + 4]
            posts.append(post)
        return posts, (total if posts else 0)

    def pks(self) -> list[int]:
        """Every post found, best first (for tests and tools: no joins, no headlines)."""
        return list(self.ranked.values_list("pk", flat=True))


class FoundPaginator(Paginator):
    """Pages of ``RESULTS_PER_PAGE`` of what a search found: each page and the count in one
    query (as ``sociable.paging.RankedPaginator`` does for a queryset)."""

    def __init__(self, found: Found):
        super().__init__(found, RESULTS_PER_PAGE)

    def get_page(self, number) -> Page:
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        # Past every page a search can have: no OFFSET PostgreSQL cannot hold.
        number = min(number, RankedPaginator.LAST_PAGE_TO_READ)
        bottom = (number - 1) * self.per_page
        rows, total = self.object_list.page(bottom, bottom + self.per_page)
        if not rows and number > 1:  # past the last page: Paginator's way (the last page)
            _, total = self.object_list.page(0, 1)
            self.count = total
            number = self.num_pages
            bottom = (number - 1) * self.per_page
            rows, _ = self.object_list.page(bottom, bottom + self.per_page)
        self.count = total  # (a cached property of Paginator's)
        return self._get_page(rows, number, self)


def snippet(headline: str) -> list[tuple[str, bool]]:
    """Split a headline into (text, is_match) pieces, for the template to escape and mark."""
    pieces: list[tuple[str, bool]] = []
    inside = False
    for part in _MARKERS.split(" ".join((headline or "").split())):
        if part == START:
            inside = True
        elif part == STOP:
            inside = False
        elif part:
            pieces.append((part, inside))
    return pieces


def discussions_section(viewer, q: str) -> Section:
    """The discussions section of the one search (``sociable.search``)."""
    rows, total = search_posts(viewer, q).page(0, TOP)
    for post in rows:
        post.snippet = snippet(post.headline)
    see_all = url("forums:search", q=q)
    return Section("discussions", "Discussions", "post", "posts", rows, total, see_all)
