"""Find groups and events by what they are about, forgiving typos in their names.

Both searches read only what the viewer may see (``Group.objects.visible_sql``; an event is
seen by whoever sees its group, read from the copy of the group's audience on the event,
as ``Event.objects.findable_by`` does), leave out closed groups as the group list does, and
each runs as one query. Each result is ranked by the full-text rank of its words plus half
the word similarity (pg_trgm) of its name, as the people directory ranked profiles before
issue 19; events coming up first.

The work is bounded, as the directory's (docs/decisions/0005): each way a row can match is
read through its own index (stored words; a name containing the words typed; the nearest
names to a typo; tags; for events their group's and skill's names), and at most
``CANDIDATES`` rows found that way are ranked and counted.

The SQL is written by hand (``sociable.paging.Found``): the one search asks both on every
page, and Django took 5 ms to build each as a queryset, five times what PostgreSQL took to
run it on the demo's data (docs/decisions/0019).
"""

from __future__ import annotations

from django.utils import timezone

from sociable.paging import Found
from sociable.queries import Columns, containing

from .models import Event, Group, Membership

TYPO_THRESHOLD = 0.5  # word similarity at which "lunchtime quire" finds "Lunchtime choir"
TYPOS = 20  # the nearest names to a typo that are checked against TYPO_THRESHOLD
CANDIDATES = 1000  # the most matches a search ranks and counts

WORDS = "websearch_to_tsquery('english'::regconfig, %s)"
# The words where a rank reads them for every row: worked out once (an InitPlan), not on
# each row as a call of the function would be.
RANKED_WORDS = f"(SELECT {WORDS})"
# A name (``{column}``) close enough to the text for a typo of it: read through the name's
# trigram index (``<%``: those at least as close as the connection's
# pg_trgm.word_similarity_threshold, settings.TYPO_INDEX_CUT, below TYPO_THRESHOLD), then
# checked, accents and all. Reading a filtered audience's names nearest first, until TYPOS
# were found or none was close enough, took 2-10 ms at M (ADR 0019, decision 17). A name
# whose accents alone bring it within the threshold can be missed. Its parameters: the
# text, twice.
TYPO = """UPPER(unaccent(%s)) <%% UPPER({column}::text)
    AND word_similarity(unaccent(%s), unaccent({column})) >= {threshold}"""


def _tidy(q: str) -> str:
    """Tidy the spacing; PostgreSQL text can never hold a NUL character."""
    return " ".join(q.replace("\x00", " ").split())


# --- groups ---------------------------------------------------------------------------------

_GROUP = Columns(Group, "g", "name", "slug", "summary", "kind", "image")

# The groups a search may find (``{listed}``: open, seen by the viewer, and the list's
# filters), each way of matching read through its own index: the words (group_search) or
# a name containing the text (group_name_trgm); the TYPOS nearest of the names close
# enough to the text (``TYPO``, group_name_trgm); or a tag containing the text. Then the
# page of them, ranked, with the count (and whether they reached the bound); and for that
# page alone what a group's card shows: its members and its next event.
_GROUPS = """
WITH found AS MATERIALIZED (
    SELECT id FROM (
        (SELECT g.id FROM groups_group g WHERE {listed}
            AND (g.search_document @@ {words} OR UPPER(g.name::text) LIKE UPPER(%s)))
        UNION ALL
        (SELECT g.id FROM groups_group g WHERE {listed} AND {name_close_enough}
            ORDER BY UPPER(unaccent(%s)) <<-> UPPER(g.name) LIMIT {typos})
        UNION ALL
        (SELECT g.id FROM groups_group g WHERE {listed} AND g.id IN (
            SELECT t.content_object_id FROM groups_grouptag t
            JOIN profiles_skill s ON s.id = t.tag_id WHERE UPPER(s.name::text) LIKE UPPER(%s)))
    ) branches LIMIT {candidates}
), ranked AS (
    SELECT g.id, g.name,
        ts_rank(g.search_document, {ranked_words})
            + word_similarity(unaccent(%s), unaccent(g.name)) * 0.5 AS rank,
        count(*) OVER () AS total
    FROM groups_group g WHERE g.id = ANY(ARRAY(SELECT id FROM found))
    ORDER BY rank DESC, g.name, g.id OFFSET %s LIMIT %s
)
SELECT {columns},
    (SELECT count(*) FROM groups_membership m WHERE m.group_id = g.id AND m.status = %s),
    next.title, next.starts_at, next.id, (SELECT count(*) FROM found) >= {candidates}, r.total
FROM ranked r
JOIN groups_group g ON g.id = r.id
LEFT JOIN LATERAL (
    SELECT e.id, e.title, e.starts_at FROM groups_event e
    WHERE e.group_id = g.id AND e.cancelled_at IS NULL AND e.ends_at >= %s
    ORDER BY e.starts_at, e.id LIMIT 1
) next ON true
ORDER BY r.rank DESC, r.name, r.id
"""


class FoundGroups(Found):
    """Open groups ``viewer`` may see whose words, name or tags match ``q``, best first, of
    ``kind`` and with the tag ``tag`` (a skill's slug) when given. Each group has what its
    card shows: ``member_count`` and its next event's ``next_event_title``,
    ``next_event_starts`` and ``next_event_id``."""

    model = Group
    most = CANDIDATES

    def __init__(self, viewer, q: str, *, kind: str = "", tag: str = "", now=None):
        self.q = _tidy(q)
        self.now = now or timezone.now()
        visible, visible_params = Group.objects.visible_sql(viewer, "g")
        listed, params = [visible, "g.closed_at IS NULL"], list(visible_params)
        if kind:
            listed.append("g.kind = %s")
            params.append(kind)
        if tag:
            listed.append(
                "EXISTS (SELECT FROM groups_grouptag t JOIN profiles_skill s ON s.id = t.tag_id"
                " WHERE t.content_object_id = g.id AND s.slug = %s)"
            )
            params.append(tag)
        self.listed = " AND ".join(listed)
        self.listed_params = params

    def sql(self, start: int, stop: int) -> tuple[str, list]:
        sql = _GROUPS.format(
            listed=self.listed,
            words=WORDS,
            ranked_words=RANKED_WORDS,
            name_close_enough=TYPO.format(column="g.name", threshold=float(TYPO_THRESHOLD)),
            typos=int(TYPOS),
            candidates=int(CANDIDATES),
            columns=_GROUP.sql,
        )
        q, listed, pattern = self.q, self.listed_params, containing(self.q)
        params = [
            *listed, q, pattern,  # words or name
            *listed, q, q, q,  # the nearest names close enough
            *listed, pattern,  # tags
            q, q,  # rank
            start, stop - start,
            Membership.Status.ACTIVE.value, self.now,
        ]  # fmt: skip
        return sql, params

    def make(self, row: tuple) -> Group:
        group = _GROUP.make(row)
        (
            group.member_count,
            group.next_event_title,
            group.next_event_starts,
            group.next_event_id,
        ) = row[_GROUP.width : _GROUP.width + 4]
        return group


def search_groups(viewer, q: str, *, kind: str = "", tag: str = "") -> FoundGroups:
    """Open groups ``viewer`` may see whose words, name or tags match ``q``, best first."""
    return FoundGroups(viewer, q, kind=kind, tag=tag)


# --- events ---------------------------------------------------------------------------------

_EVENT = Columns(
    Event,
    "e",
    "group",
    "title",
    "kind",
    "starts_at",
    "ends_at",
    "location",
    "online_url",
    "cancelled_at",
)
_EVENTS_GROUP = Columns(Group, "g", "name", "slug")

# The events a search may find (``{findable}``: their group is open and seen by the viewer,
# read from the copies on the event), each way of matching read through its own index: the
# event's words (event_search), a title containing the text (event_title_trgm), its
# group's or skill's name (group_name_search, skill_name_search, then the event's group or
# skill), or the TYPOS nearest of the titles close enough to the text (``TYPO``,
# event_title_trgm). Then the page of them, coming up first, ranked on the event's words
# and its group's and skill's names (B), with the count and whether they reached the bound.
_EVENTS = """
WITH found AS MATERIALIZED (
    SELECT id FROM (
        (SELECT e.id FROM groups_event e WHERE {findable} AND e.search_document @@ {words})
        UNION ALL
        (SELECT e.id FROM groups_event e WHERE {findable}
            AND UPPER(e.title::text) LIKE UPPER(%s))
        UNION ALL
        (SELECT e.id FROM groups_event e WHERE {findable} AND e.group_id IN (
            SELECT g.id FROM groups_group g
            WHERE to_tsvector('english'::regconfig, COALESCE(g.name, '')) @@ {words}))
        UNION ALL
        (SELECT e.id FROM groups_event e WHERE {findable} AND e.skill_id IN (
            SELECT s.id FROM profiles_skill s
            WHERE to_tsvector('english'::regconfig, COALESCE(s.name, '')) @@ {words}))
        UNION ALL
        (SELECT e.id FROM groups_event e WHERE {findable} AND {title_close_enough}
            ORDER BY UPPER(unaccent(%s)) <<-> UPPER(e.title) LIMIT {typos})
    ) branches LIMIT {candidates}
)
SELECT {event}, {group}, e.cancelled_at IS NULL AND e.ends_at >= %s AS is_upcoming,
    ts_rank(e.search_document || setweight(to_tsvector('english'::regconfig,
            COALESCE(g.name, '') || ' ' || COALESCE(s.name, '')), 'B'), {ranked_words})
        + word_similarity(unaccent(%s), unaccent(e.title)) * 0.5 AS rank,
    (SELECT count(*) FROM found) >= {candidates}, count(*) OVER ()
FROM groups_event e
JOIN groups_group g ON g.id = e.group_id
LEFT JOIN profiles_skill s ON s.id = e.skill_id
WHERE e.id = ANY(ARRAY(SELECT id FROM found))
ORDER BY is_upcoming DESC, rank DESC, e.starts_at, e.id OFFSET %s LIMIT %s
"""


class FoundEvents(Found):
    """Events ``viewer`` may see matching ``q``: upcoming ones first, then past and
    cancelled. Matches the title, the group's name, the skill taught, the description and
    the place. Each event has ``is_upcoming`` (not cancelled, not over) and ``rank``, and
    its ``group`` (name and slug)."""

    model = Event
    most = CANDIDATES

    def __init__(self, viewer, q: str, now=None):
        self.q = _tidy(q)
        self.now = now or timezone.now()
        visible, params = Event.objects.visible_sql(viewer, "e")
        self.findable = f"{visible} AND e.group_open"
        self.findable_params = params

    def sql(self, start: int, stop: int) -> tuple[str, list]:
        sql = _EVENTS.format(
            findable=self.findable,
            words=WORDS,
            ranked_words=RANKED_WORDS,
            title_close_enough=TYPO.format(column="e.title", threshold=float(TYPO_THRESHOLD)),
            typos=int(TYPOS),
            candidates=int(CANDIDATES),
            event=_EVENT.sql,
            group=_EVENTS_GROUP.sql,
        )
        q, findable = self.q, self.findable_params
        params = [
            *findable, q,  # words
            *findable, containing(q),  # title
            *findable, q,  # the group's name
            *findable, q,  # the skill's name
            *findable, q, q, q,  # the nearest titles close enough
            self.now, q, q,  # upcoming, rank
            start, stop - start,
        ]  # fmt: skip
        return sql, params

    def make(self, row: tuple) -> Event:
        event, event.group = Columns.make_each(row, _EVENT, _EVENTS_GROUP)
        event.is_upcoming, event.rank = row[-4:-2]
        return event


def search_events(viewer, q: str, now=None) -> FoundEvents:
    """Events ``viewer`` may see matching ``q``: upcoming ones first (``FoundEvents``)."""
    return FoundEvents(viewer, q, now)
