"""Writing many rows quickly: primary keys reserved up front, rows streamed in with COPY.

COPY skips the ORM and most of the per-row work of INSERT, but keeps every index,
constraint and foreign key, so the data it writes is checked like any other. Rows
go in a chunk per COPY statement: the foreign-key checks of a statement are queued
until it ends, and smaller statements keep that queue (and our own memory) small.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection

CHUNK = 50_000  # rows per COPY statement


def when(seconds: float) -> datetime:
    """The aware datetime of a POSIX timestamp (the generators count in seconds)."""
    return datetime.fromtimestamp(seconds, UTC)


def reserve_ids(table: str, count: int) -> int:
    """Take ``count`` consecutive primary keys from ``table``'s sequence; return the first.

    The rows are then written with their keys, so other rows can point at them before
    they exist. Anyone else inserting into the table at the same time could take a key
    in between: run this on a database nobody else is writing to.
    """
    if count <= 0:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        if count > 1:
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Stream ``rows`` into ``table`` with COPY, one statement per CHUNK rows; return how many."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    written = 0
    rows = iter(rows)
    with connection.cursor() as cursor:
        while True:
            in_chunk = 0
            with cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    in_chunk += 1
                    if in_chunk == CHUNK:
                        break
            written += in_chunk
            if in_chunk < CHUNK:
                return written


def copy_model(tally: Tally, model, rows: Iterable[dict], *, with_ids: bool = False) -> int:
    """COPY ``rows`` (attribute names to values) into ``model``'s table, in every column the
    model has: those a row leaves out get the field's default, as a new row would, and
    generated columns are the database's. Without ``with_ids`` the primary keys come from
    the table's sequence. Count them in ``tally``."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if (with_ids or not f.primary_key) and not f.generated
    ]
    attnames = [f.attname for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}

    def ordered():
        checked = False
        for row in rows:
            if not checked:  # a name the model does not have is a mistake here
                unknown = set(row) - set(attnames)
                if unknown:
                    raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
                checked = True
            yield [row[name] if name in row else defaults[name] for name in attnames]

    table = model._meta.db_table
    written = copy_rows(table, [f.column for f in fields], ordered())
    tally.add(table, written)
    return written


@dataclass
class Phase:
    name: str
    seconds: float = 0.0
    rows: Counter = field(default_factory=Counter)


@dataclass
class Tally:
    """How long each phase took and how many rows it wrote to each table."""

    say: Callable[[str], None] = print
    phases: list[Phase] = field(default_factory=list)

    @contextmanager
    def phase(self, name: str):
        current = Phase(name)
        self.phases.append(current)
        self.say(f"{name} …")
        started = time.perf_counter()
        try:
            yield current
        finally:
            current.seconds = time.perf_counter() - started
            written = ", ".join(f"{t} {n:,}" for t, n in current.rows.items())
            self.say(f"{name}: {current.seconds:.1f}s{f' ({written})' if written else ''}")

    def add(self, table: str, count: int) -> None:
        self.phases[-1].rows[table] += count

    @property
    def seconds(self) -> float:
        return sum(p.seconds for p in self.phases)

    @property
    def rows(self) -> Counter:
        total: Counter = Counter()
        for phase in self.phases:
            total.update(phase.rows)
        return total
