"""Search the discussions: PostgreSQL full-text search over thread titles and post bodies.

A result is a post someone may read: published, neither hidden nor deleted (``LIVE``), in a
board ``visible_boards(user)`` allows, in a thread no moderator hid or deleted (for
everyone, moderators too: they find those through the board and the log). A thread whose
title matches appears as its opening post, ranked above posts whose text matches. At most
``CANDIDATES`` matches are ranked and counted. The SQL is written by hand
(``sociable.paging.Found``), as the other searches'.

Each post carries its board's audience and whether its thread is listed (copied by the
database: ``Post.board``, ``Post.thread_listed``), and the words of live posts are indexed
apart for each audience (``post_text_*``). So the candidates are read as one index scan
per class of posts the reader may see (public, community, staff, and their organisation's
and groups' boards, board by board), joined by ``UNION ALL`` after the opening posts of the
threads whose titles match, and stop at the cap inside those scans: a common word never
makes PostgreSQL gather every match of every audience first. They are ranked and counted
in ``forums_post`` alone; the thread, board and author are joined, and the headline built,
for the posts a page shows.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery

from sociable.accounts.models import Organisation, User
from sociable.audience import Audience, open_audiences
from sociable.markdown import without_marks
from sociable.paging import Found
from sociable.queries import Columns
from sociable.search import TOP, Section, url

from .models import BY_BOARD, OPENING_PATH, Board, Post, Thread
from .permissions import is_moderator, readable_boards_sql

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


def search_query(q: str) -> SearchQuery:
    """The words of ``q`` as the search reads them (for tests' plain reading of the rule)."""
    return SearchQuery(q, search_type="websearch", config="english")


WORDS = "websearch_to_tsquery('english'::regconfig, %s)"
# The words as every part of a search reads them: worked out once (the CTE ``words``), not
# on each row as a call of the function would be.
_QUERY = "(SELECT query FROM words)"
_LIVE = "p.status = 'published' AND p.hidden_at IS NULL AND p.deleted_at IS NULL"


def readable_classes(viewer) -> tuple[list[str], list]:
    """The classes of posts (read as ``p``) ``viewer`` may read, each one condition that one
    partial index serves (the audience a constant, as in its predicate), said by the posts'
    copies of their boards' audiences; and their parameters.

    A whole audience the viewer belongs to is one class. A moderator also reads the boards
    they moderate in an audience they do not belong to, and anyone signed in the boards of
    their organisation and their groups: those are read board by board.
    """
    readable, readable_params = readable_boards_sql(viewer, "b")
    belongs = open_audiences(viewer)
    classes = [f"p.audience = '{a.value}'" for a in WHOLE_AUDIENCES if a in belongs]
    params: list = []
    boards = "p.board_id IN (SELECT b.id FROM forums_board b WHERE b.audience {} AND {})"
    if is_moderator(viewer):
        for audience in WHOLE_AUDIENCES:
            if audience not in belongs:
                moderated = boards.format(f"= '{audience.value}'", readable)
                classes.append(f"p.audience = '{audience.value}' AND {moderated}")
                params += readable_params
    if viewer.is_authenticated:
        by_board = ", ".join(f"'{audience}'" for audience in BY_BOARD)
        own = boards.format(f"IN ({by_board})", readable)
        classes.append(f"p.audience IN ({by_board}) AND {own}")
        params += readable_params
    return classes, params


# The posts a search finds: the live opening posts of at most CANDIDATES readable threads
# whose title matches (thread_title_search, then post_opening), always candidates; and
# the live posts of listed threads whose words match, one index scan for each readable
# class (post_text_*), filling the cap. Each is ranked as it is found (a title hit's rank
# has its title's added), so the candidates are ranked and counted without reading a post
# again (ADR 0019, decision 18); for the page's posts alone, their thread, board, author
# and headline.
_FOUND_POSTS = """
WITH words AS MATERIALIZED (SELECT {words} AS query),
titled AS MATERIALIZED (
    SELECT p.id, p.created_at, true AS title_hit,
        ts_rank(p.search_document, {query})
        + ts_rank(to_tsvector('english'::regconfig, COALESCE(t.title, '')), {query}) AS rank
    FROM (SELECT t.id, t.title FROM forums_thread t
        WHERE t.board_id IN (SELECT b.id FROM forums_board b WHERE {readable})
        AND t.hidden_at IS NULL AND t.deleted_at IS NULL
        AND to_tsvector('english'::regconfig, COALESCE(t.title, '')) @@ {query}
        LIMIT {candidates}) t
    JOIN forums_post p ON p.thread_id = t.id
    WHERE {live} AND p.path = '{opening}'
), found AS MATERIALIZED (
    SELECT * FROM titled
    UNION ALL
    (SELECT * FROM ({bodies}) bodies LIMIT (SELECT {candidates} - count(*) FROM titled))
), ranked AS (
    SELECT f.*, count(*) OVER () AS total
    FROM found f
    ORDER BY f.title_hit DESC, f.rank DESC, f.created_at DESC, f.id DESC
    OFFSET %s LIMIT %s
)
SELECT {columns}, r.title_hit, r.rank,
    ts_headline('english'::regconfig, p.body, {query}, %s),
    (SELECT count(*) FROM found) >= {candidates}, r.total
FROM ranked r
JOIN forums_post AS p ON p.id = r.id
JOIN forums_thread AS t ON t.id = p.thread_id
JOIN forums_board AS b ON b.id = t.board_id
LEFT JOIN accounts_user AS u ON u.id = p.author_id
LEFT JOIN accounts_organisation AS o ON o.id = u.organisation_id
ORDER BY r.title_hit DESC, r.rank DESC, r.created_at DESC, r.id DESC
"""
# A post whose words match, found by one readable class's index, and ranked; an opening
# post its title found already is not found twice. Whether its thread is listed (no
# moderator hid or deleted it) is read from the post's own copy (``Post.thread_listed``),
# on the row the rank reads anyway: hidden threads are few, and their posts stay in those
# indexes, so the scans keep their shape (ADR 0019, decision 19).
_BODY = """SELECT p.id, p.created_at, false AS title_hit,
        ts_rank(p.search_document, {query}) AS rank
    FROM forums_post p WHERE {live} AND {readable} AND p.search_document @@ {query}
        AND p.thread_listed AND p.id NOT IN (SELECT id FROM titled)"""
# ts_headline's options: a plain-text extract with the matches between START and STOP.
_HEADLINE = (
    f"StartSel='{START}', StopSel='{STOP}', MaxWords=30, MinWords=12, MaxFragments=2,"
    " FragmentDelimiter=' … '"
)

_POST = Columns(Post, "p", "thread", "author", "parent", "path", "created_at")
_THREAD = Columns(Thread, "t", "board", "title", "slug")
_BOARD = Columns(Board, "b", "name", "slug")
_AUTHOR = Columns(User, "u", "name", "username", "organisation")
_ORGANISATION = Columns(Organisation, "o", "name", "short_name")


class FoundPosts(Found):
    """Posts matching ``q`` that ``viewer`` may read, best first (``_FOUND_POSTS``), each
    with its thread, board and author, and ``title_hit`` (it opens a thread whose title
    matched), ``rank`` (its words', plus its thread title's for a title hit) and
    ``headline`` (a plain-text extract with the matches between ``START`` and ``STOP``)."""

    model = Post
    most = CANDIDATES

    def __init__(self, viewer, q: str):
        self.q = clean_query(q)
        self.viewer = viewer

    def sql(self, start: int, stop: int) -> tuple[str, list]:
        readable, readable_params = readable_boards_sql(self.viewer, "b")
        classes, class_params = readable_classes(self.viewer)
        bodies = " UNION ALL ".join(
            f"({_BODY.format(live=_LIVE, readable=readable_class, query=_QUERY)})"
            for readable_class in classes
        )
        sql = _FOUND_POSTS.format(
            live=_LIVE,
            opening=OPENING_PATH,
            readable=readable,
            words=WORDS,
            query=_QUERY,
            candidates=int(CANDIDATES),
            bodies=bodies,
            columns=", ".join(c.sql for c in (_POST, _THREAD, _BOARD, _AUTHOR, _ORGANISATION)),
        )
        params = [
            self.q,  # the words
            *readable_params,  # titles
            *class_params,  # the classes' bodies
            start, stop - start,
            _HEADLINE,
        ]  # fmt: skip
        return sql, params

    def make(self, row: tuple) -> Post:
        post, post.thread, board, author, organisation = Columns.make_each(
            row, _POST, _THREAD, _BOARD, _AUTHOR, _ORGANISATION
        )
        post.thread.board, post.author = board, author
        if author is not None:
            author.organisation = organisation
        post.title_hit, post.rank, post.headline = row[-5:-2]
        return post

    def pks(self) -> list[int]:
        """Every post found, best first (for tests and tools)."""
        return [post.pk for post in self]


def search_posts(viewer, q: str) -> FoundPosts:
    """Posts matching ``q`` that ``viewer`` may read, best first (``FoundPosts``)."""
    return FoundPosts(viewer, q)


def snippet(headline: str) -> list[tuple[str, bool]]:
    """Split a headline into (text, is_match) pieces, for the template to escape and mark;
    each piece without the body's Markdown marks (``ts_headline`` reads the text as typed)."""
    pieces: list[tuple[str, bool]] = []
    inside = False
    for part in _MARKERS.split(" ".join((headline or "").split())):
        if part == START:
            inside = True
        elif part == STOP:
            inside = False
        elif part := without_marks(part):
            pieces.append((part, inside))
    return pieces


def discussions_section(viewer, q: str) -> Section:
    """The discussions section of the one search (``sociable.search``)."""
    rows, total = search_posts(viewer, q).page(0, TOP)
    for post in rows:
        post.snippet = snippet(post.headline)
    see_all = url("forums:search", q=q)
    return Section("discussions", "Discussions", "post", "posts", rows, total, see_all)
