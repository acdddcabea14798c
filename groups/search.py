"""Find groups and events by what they are about, forgiving typos in their names.

Both searches read only what the viewer may see (``Group.objects.visible_to``; an event is
seen by whoever sees its group, read from the copy of the group's audience on the event:
``Event.objects.findable_by``), leave out closed groups as the group list does, and run
as one query each. Each row gets ``rank``: full-text rank plus half the word similarity
(pg_trgm) of its name, as the people directory ranks profiles.

The work is bounded, as the directory's (docs/decisions/0005): each way a row can match is
read through its own indexes (stored words; a name containing the words typed; the
nearest names to a typo; tags; for events their group's and skill's names), and at most
``CANDIDATES`` rows found that way are ranked and counted.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone

from profiles.models import Skill
from profiles.selectors import Unaccent, WordSimilarity, name_vector
from sociable.queries import Among, any_of, nearest

from .models import Event, Group, GroupTag

TYPO_THRESHOLD = 0.5  # word similarity at which "lunchtime quire" finds "Lunchtime choir"
TYPOS = 20  # the nearest names to a typo that are checked against TYPO_THRESHOLD
CANDIDATES = 1000  # the most matches a search ranks and counts


class _Joined(Func):
    """Two tsvectors as one (``||``), for ranking on a stored one and a computed one."""

    template = "(%(expressions)s)"
    arg_joiner = " || "


def event_vector():
    """An event's words: its stored document (title A; description and place C) and its
    group's and skill's names (B). Only computed for the rows a search ranks."""
    names = SearchVector("group__name", "skill__name", weight="B", config="english")
    return _Joined(F("search_document"), names, output_field=Event.search_document.field)


def _tidy(q: str) -> str:
    """Tidy the spacing; PostgreSQL text can never hold a NUL character."""
    return " ".join(q.replace("\x00", " ").split())


def _words(q: str) -> SearchQuery:
    return SearchQuery(q, search_type="websearch", config="english")


def _similarity(q: str, field: str) -> WordSimilarity:
    return WordSimilarity(Unaccent(Value(q)), Unaccent(F(field)))


def _typos(rows: QuerySet, q: str, field: str) -> QuerySet:
    """The ids of those of ``rows`` whose ``field`` is close enough to ``q``, among the
    nearest few (``sociable.queries.nearest``)."""
    rows = rows.alias(similarity=_similarity(q, field))
    close = Q(similarity__gte=TYPO_THRESHOLD)
    return nearest(rows, Unaccent(Value(q)), field, TYPOS, close=close)


def search_groups(viewer, q: str) -> QuerySet[Group]:
    """Open groups ``viewer`` may see whose words, name or tags match ``q``, best first."""
    return match_groups(Group.objects.visible_to(viewer).open(), q)


def match_groups(groups: QuerySet[Group], q: str) -> QuerySet[Group]:
    """The ``groups`` whose words, name or tags match ``q``, best first."""
    q = _tidy(q)
    query = _words(q)
    tagged = GroupTag.objects.filter(tag__name__icontains=q).values("content_object")
    found = any_of(
        [
            groups.filter(Q(search_document=query) | Q(name__icontains=q)),
            _typos(groups, q, "name"),
            groups.filter(pk__in=tagged),
        ],
        CANDIDATES,
    )
    return (
        groups.filter(Among("pk", found))
        .alias(similarity=_similarity(q, "name"))
        .annotate(rank=SearchRank(F("search_document"), query) + F("similarity") * 0.5)
        .order_by("-rank", "name", "pk")
    )


def search_events(viewer, q: str, now=None) -> QuerySet[Event]:
    """Events ``viewer`` may see matching ``q``: upcoming ones first, then past and cancelled.

    Matches the title, the group's name, the skill taught, the description and the place.
    Each row has ``is_upcoming`` (not cancelled, not over) and ``rank``; ``group`` comes with it.
    """
    q = _tidy(q)
    query = _words(q)
    now = now or timezone.now()
    upcoming = Q(cancelled_at__isnull=True, ends_at__gte=now)
    # The group's audience as copied onto each event: every branch filters on the event's
    # own columns as it reads its index (Event.objects.visible_to would test each event
    # against a subquery of every group ``viewer`` may see, once a branch).
    events = Event.objects.findable_by(viewer)
    named_groups = Group.objects.alias(words=name_vector()).filter(words=query)
    named_skills = Skill.objects.alias(words=name_vector()).filter(words=query)
    found = any_of(
        [
            events.filter(search_document=query),
            events.filter(title__icontains=q),
            events.filter(group__in=named_groups),
            events.filter(skill__in=named_skills),
            _typos(events, q, "title"),
        ],
        CANDIDATES,
    )
    return (
        events.filter(Among("pk", found))
        .alias(similarity=_similarity(q, "title"))
        .annotate(
            is_upcoming=ExpressionWrapper(upcoming, output_field=BooleanField()),
            rank=SearchRank(event_vector(), query) + F("similarity") * 0.5,
        )
        .select_related("group")
        .order_by("-is_upcoming", "-rank", "starts_at", "pk")
    )
