"""Query pieces the apps share."""

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_of(rows: QuerySet, outer_field: str) -> Coalesce:
    """How many of ``rows`` point at the outer row through ``outer_field`` (0 when none).

    A correlated subquery, worked out only for the rows a page shows: never a join grouped
    over every row that matches.
    """
    counted = rows.filter(**{outer_field: OuterRef("pk")}).order_by().values(outer_field)
    return Coalesce(Subquery(counted.annotate(n=Count("*")).values("n")), 0)
