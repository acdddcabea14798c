"""Search the discussions: PostgreSQL full-text search over thread titles and post bodies.

A result is a post someone may read: published, neither hidden nor deleted, in a board
``visible_boards(user)`` allows. A thread whose title matches appears as its opening post,
ranked above posts whose text matches. At most ``CANDIDATES`` matches are ranked and
counted. The vectors are written exactly as the GIN indexes ``thread_title_search`` and
``post_body_search`` define them, so PostgreSQL can use those.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, Value

from sociable.queries import Among
from sociable.search import Section, top, url

from .models import SEQ_WIDTH, Post, Thread
from .permissions import visible_boards

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
# The most matching posts (and matching titles) a search ranks and counts: a common word is in
# tens of thousands of posts, and ranking them all costs time in proportion.
CANDIDATES = 1000
OPENING_PATH = f"{1:0{SEQ_WIDTH}d}"
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


def search_posts(user, q: str) -> QuerySet[Post]:
    """Posts matching ``q`` that ``user`` may read, best first.

    Each has ``title_hit`` (its thread's title matched), ``rank`` and ``headline`` (a
    plain-text extract with the matches between ``START`` and ``STOP``).
    """
    query = search_query(q)
    boards = visible_boards(user)
    # The titles are read first, so the posts' filter below is an OR of two indexable
    # conditions (the bodies' GIN index; the thread index for the matching opening posts).
    title_threads = list(threads_with_matching_titles(boards, query)[:CANDIDATES])
    matches = Q(document=query)
    title_hit = Value(False)
    rank = SearchRank(_body_vector(), query)
    if title_threads:
        opening_of_match = Q(thread_id__in=title_threads, path=OPENING_PATH)
        matches |= opening_of_match
        title_hit = ExpressionWrapper(opening_of_match, output_field=BooleanField())
        rank = rank + SearchRank(_title_vector("thread__"), query)
    found = (
        Post.objects.filter(
            thread__board__in=boards,
            status=Post.Status.PUBLISHED,
            hidden_at__isnull=True,
            deleted_at__isnull=True,
        )
        .alias(document=_body_vector())
        .filter(matches)
        .order_by()
        .values("pk")[:CANDIDATES]
    )
    return (
        Post.objects.filter(Among("pk", found))
        .annotate(
            title_hit=title_hit,
            rank=rank,
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
        .select_related("thread__board", "author__organisation")
        .order_by("-title_hit", "-rank", "-created_at", "-pk")
    )


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
    rows, total = top(search_posts(viewer, q))
    for post in rows:
        post.snippet = snippet(post.headline)
    see_all = url("forums:search", q=q)
    return Section("discussions", "Discussions", "post", "posts", rows, total, see_all)
