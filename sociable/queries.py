"""Query pieces the apps share."""

from collections.abc import Sequence

from django.contrib.postgres.search import TrigramWordDistance
from django.db.models import Case, Count, Expression, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce, Upper


def count_of(rows: QuerySet, outer_field: str) -> Coalesce:
    """How many of ``rows`` point at the outer row through ``outer_field`` (0 when none).

    A correlated subquery, worked out only for the rows a page shows: never a join grouped
    over every row that matches.
    """
    counted = rows.filter(**{outer_field: OuterRef("pk")}).order_by().values(outer_field)
    return Coalesce(Subquery(counted.annotate(n=Count("*")).values("n")), 0)


def nearest(rows: QuerySet, text: Expression, field: str, limit: int, *, close: Q) -> QuerySet:
    """The ids of those of ``rows`` whose ``field`` is ``close`` to ``text`` (a typo), among the
    ``limit`` nearest.

    Nearest by pg_trgm's word distance, read in that order from a GiST trigram index on
    ``UPPER(field)``: no row is read that is not among them. ``close`` (a filter on
    ``rows``' annotations) is only checked on those: a row that is not close gives NULL,
    which ``pk__in`` never matches. A typo search so finds at most ``limit``.
    """
    distance = TrigramWordDistance(Upper(text), Upper(field))
    close_id = Case(When(close, then=F("pk")), default=None)
    return rows.order_by(distance).values(close_id=close_id)[:limit]


def any_of(branches: Sequence[QuerySet], limit: int) -> QuerySet:
    """The ids of rows that any of ``branches`` finds, at most ``limit`` of them, for ``pk__in``.

    Each branch is one indexable condition read through its own index (an OR of them would
    read every row); the rows they find are then ranked, so ranking is bounded by ``limit``
    however common the words are. A branch already cut to a few ids (``nearest``) is kept
    as it is.
    """
    first, *rest = (
        branch if branch.query.is_sliced else branch.order_by().values("pk") for branch in branches
    )
    return first.union(*rest, all=True)[:limit]
