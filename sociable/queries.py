"""Query pieces the apps share."""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from django.contrib.postgres.expressions import ArraySubquery
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    BooleanField,
    Count,
    F,
    Func,
    GeneratedField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce


def containing(text: str) -> str:
    """The LIKE pattern of a text containing ``text``, its ``%``, ``_`` and ``\\`` taken
    literally (as Django's ``icontains`` writes it), for hand-written SQL."""
    return f"%{connections[DEFAULT_DB_ALIAS].ops.prep_for_like_query(text)}%"


def count_of(rows: QuerySet, outer_field: str) -> Coalesce:
    """How many of ``rows`` point at the outer row through ``outer_field`` (0 when none).

    A correlated subquery, worked out only for the rows a page shows: never a join grouped
    over every row that matches.
    """
    counted = rows.filter(**{outer_field: OuterRef("pk")}).order_by().values(outer_field)
    return Coalesce(Subquery(counted.annotate(n=Count("*")).values("n")), 0)


def any_of(branches: Sequence[QuerySet], limit: int) -> QuerySet:
    """The ids of rows that any of ``branches`` finds, at most ``limit`` of them, for ``Among``.

    Each branch is one indexable condition read through its own index (an OR of them would
    read every row); the rows they find are then ranked, so ranking is bounded by ``limit``
    however common the words are. A branch already cut to a few ids (sliced) is kept as
    it is.
    """
    first, *rest = (
        branch if branch.query.is_sliced else branch.order_by().values("pk") for branch in branches
    )
    return first.union(*rest, all=True)[:limit]


class Among(Func):
    """A filter: ``field`` is one of ``ids``, a query of a bounded number of ids
    (``any_of``)::

        rows.filter(Among("pk", found))

    Written ``field = ANY(ARRAY(ids))``, not ``field IN (ids)``: PostgreSQL then finds the
    ids first, once, and reads only their rows. With ``IN`` it may misjudge how many rows
    the ids keep, and rank and sort every row of the table before testing each against
    them (1.1 s, not 10 ms, for "Excel" among the 15,000 events at scale M).
    """

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = BooleanField()

    def __init__(self, field: str, ids: QuerySet):
        super().__init__(F(field), ArraySubquery(ids))


class Columns:
    """Some columns of one model in hand-written SQL, and the instances made from them.

    ``Columns(Event, "e", "title", "starts_at")`` reads the event's pk and those fields of
    the table under alias ``e`` (``.sql``, for the SELECT list); ``.make(row, start)`` makes
    the event from the row's values at ``start`` onwards, as the ORM would: a field not read
    is deferred (reading it costs a query, which the query-count tests catch), and a value
    the database gives as text that its field reads (JSON) is read as the ORM reads it.
    """

    def __init__(self, model: type[Model], alias: str, *names: str):
        fields = [model._meta.pk, *(model._meta.get_field(name) for name in names)]
        wanted = {field.attname for field in fields}
        # In the model's own order, as Model.from_db expects them.
        self.attnames = [f.attname for f in model._meta.concrete_fields if f.attname in wanted]
        columns = {f.attname: f.column for f in fields}
        self.sql = ", ".join(f"{alias}.{columns[name]}" for name in self.attnames)
        self.model = model
        self.width = len(self.attnames)
        self.pk_at = self.attnames.index(model._meta.pk.attname)
        by_attname = {f.attname: f for f in fields}
        self.converters = [
            (at, by_attname[name])
            for at, name in enumerate(self.attnames)
            if hasattr(by_attname[name], "from_db_value")
        ]

    @classmethod
    def whole(cls, model: type[Model], alias: str) -> Columns:
        """Every column of ``model`` a page may show: all but those the database generates
        (the words a search reads), which no page does."""
        names = [
            field.name
            for field in model._meta.concrete_fields
            if not field.primary_key and not isinstance(field, GeneratedField)
        ]
        return cls(model, alias, *names)

    @staticmethod
    def make_each(row: Sequence, *columns: Columns) -> list[Model | None]:
        """The instances of ``columns`` read one after the other from the start of ``row``."""
        made, at = [], 0
        for run in columns:
            made.append(run.make(row, at))
            at += run.width
        return made

    def make(self, row: Sequence, start: int = 0) -> Model | None:
        """The instance from ``row[start:start + width]``; None when its pk is NULL (a LEFT
        JOIN that found nothing)."""
        values = row[start : start + self.width]
        if values[self.pk_at] is None:
            return None
        if self.converters:
            values = list(values)
            connection = connections[DEFAULT_DB_ALIAS]
            for at, field in self.converters:
                values[at] = field.from_db_value(values[at], field.cached_col, connection)
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)


class _PreparingCursor(psycopg.Cursor):
    """Parameters bound by the server, and the query prepared on its first use."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)

    def _convert_query(self, query, params=None):
        # psycopg keeps no record of a prepared query it runs; Django's query log reads it
        # there (DatabaseOperations.last_executed_query), so keep it as for any other.
        self._query = converted = super()._convert_query(query, params)
        return converted


def fetch(
    sql: str, params: Sequence, *, prepare: bool = False, using: str = DEFAULT_DB_ALIAS
) -> list[tuple]:
    """The rows of a hand-written query, on the database ``using`` (the default one, or
    where the router sends a read: ``router.db_for_read(model)``).

    ``prepare``: PostgreSQL parses and plans the query once for the connection's life, one
    plan for any values (``plan_cache_mode=force_generic_plan``, which only prepared
    statements heed), saving the 0.2-0.6 ms a join takes to plan. Only for queries with one
    plan that suits every value: reads by index of a few rows found by their keys (a
    person's own rows, the boards they follow, their team), with any constant that steers
    the plan (a limit, a status) written into the SQL; and searches built so that the words
    cannot steer it, every way of matching an index read with its bound in the SQL
    (``sociable.paging.Found``). See docs/decisions/0013 and 0019.
    """
    connection = connections[using]
    if not prepare:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    # connection.cursor(), with a cursor that prepares: wrapped as Django wraps its own, so
    # the query is counted, logged and watched for writes like any other.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = connection._prepare_cursor(_PreparingCursor(connection.connection))
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
