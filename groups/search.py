"""Find groups and events by what they are about, forgiving typos in their names.

Both searches read only what the viewer may see (``Group.objects.visible_to``; an event is
seen by whoever sees its group), leave out closed groups as the group list does, and run
as one query each. Each row gets ``rank``: full-text rank plus half the word similarity
(pg_trgm) of its name, as the people directory ranks profiles.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone

from profiles.selectors import Unaccent, WordSimilarity

from .models import Event, Group, GroupTag

TYPO_THRESHOLD = 0.5  # word similarity at which "lunchtime quire" finds "Lunchtime choir"


def group_vector() -> SearchVector:
    """The words of a group, written exactly as the ``group_search`` GIN index defines them."""
    return SearchVector("name", "summary", "description", config="english")


def event_vector() -> SearchVector:
    return (
        SearchVector("title", weight="A", config="english")
        + SearchVector("group__name", "skill__name", weight="B", config="english")
        + SearchVector("description", "location", weight="C", config="english")
    )


def _tidy(q: str) -> str:
    """Tidy the spacing; PostgreSQL text can never hold a NUL character."""
    return " ".join(q.replace("\x00", " ").split())


def _words(q: str) -> SearchQuery:
    return SearchQuery(q, search_type="websearch", config="english")


def _similarity(q: str, field: str) -> WordSimilarity:
    return WordSimilarity(Unaccent(Value(q)), Unaccent(F(field)))


def search_groups(viewer, q: str) -> QuerySet[Group]:
    """Open groups ``viewer`` may see whose words, name or tags match ``q``, best first."""
    return match_groups(Group.objects.visible_to(viewer).open(), q)


def match_groups(groups: QuerySet[Group], q: str) -> QuerySet[Group]:
    """The ``groups`` whose words, name or tags match ``q``, best first."""
    q = _tidy(q)
    query = _words(q)
    tagged = GroupTag.objects.filter(content_object=OuterRef("pk"), tag__name__icontains=q)
    return (
        groups.alias(document=group_vector(), similarity=_similarity(q, "name"))
        .filter(
            Q(document=query)
            | Q(name__icontains=q)
            | Q(similarity__gte=TYPO_THRESHOLD)
            | Exists(tagged)
        )
        .annotate(rank=SearchRank(group_vector(), query) + F("similarity") * 0.5)
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
    return (
        Event.objects.visible_to(viewer)
        .filter(group__closed_at__isnull=True)
        .alias(document=event_vector(), similarity=_similarity(q, "title"))
        .filter(Q(document=query) | Q(title__icontains=q) | Q(similarity__gte=TYPO_THRESHOLD))
        .annotate(
            is_upcoming=ExpressionWrapper(upcoming, output_field=BooleanField()),
            rank=SearchRank(event_vector(), query) + F("similarity") * 0.5,
        )
        .select_related("group")
        .order_by("-is_upcoming", "-rank", "starts_at", "pk")
    )
