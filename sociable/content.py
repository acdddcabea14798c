"""Seeing content change: the database says which of the tables pages show were written.

Each app names its content models (``registry.content_models``: the rows its pages show)
in its ``AppConfig.ready()``. After every ``migrate`` each of their tables (and their
many-to-many tables) gets a statement trigger, ``sociable_content``, that raises a notice
naming the table; a table no longer named loses it. The notice reaches the connection that
wrote, whatever wrote: a ``save()``, a queryset ``update()``, an admin bulk action, raw SQL.
That connection then starts a new generation of the shared pages' cache for the apps whose
tables it wrote (``pagecache.content_changed``): at once, and again when the transaction commits
(what someone else rendered from the old rows in between is not served).

An update of only a model's bookkeeping fields (a person's last sign-in, the count on their
bell) is not a change of content: the trigger on it fires only for its other columns.
Writes made outside the site (``psql``) start no generation: what was rendered before them
is served until it expires (``PAGE_CACHE_SECONDS``).
"""

from __future__ import annotations

import threading
from functools import cache

from django.apps import apps
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import Model

from . import registry

TRIGGER = "sociable_content"
NOTICE = "sociable:content:"
FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION sociable_content_written() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE '{NOTICE}%', TG_TABLE_NAME;
    RETURN NULL;
END
$$
"""


def content(*labels: str, bookkeeping: tuple[str, ...] = ()) -> None:
    """Name models whose rows pages show ("forums.Post"); ``bookkeeping``: their fields whose
    change alone no page shows."""
    for label in labels:
        registry.content_models.add(label, tuple(bookkeeping))


def content_tables() -> dict[str, tuple[str, ...] | None]:
    """Each content table, with the columns whose update counts (None: any column)."""
    tables: dict[str, tuple[str, ...] | None] = {}
    for label, bookkeeping in registry.content_models.items():
        model = apps.get_model(label)
        tables[model._meta.db_table] = _counted_columns(model, bookkeeping)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                tables[through._meta.db_table] = None
    return tables


def apps_of(*labels: str) -> tuple[str, ...]:
    """The apps whose content ``labels`` name: models ("forums.Post") or whole apps ("forums").
    Shared parts end when any content of those apps changes."""
    known = {label.split(".")[0] for label, _ in registry.content_models.items()}
    found = {label.split(".")[0] for label in labels}
    if unknown := found - known:
        raise LookupError(f"no content registered for: {', '.join(sorted(unknown))}")
    return tuple(sorted(found))


@cache
def _apps_by_table() -> dict[str, str]:
    found = {}
    for label, _ in registry.content_models.items():
        model = apps.get_model(label)
        found[model._meta.db_table] = model._meta.app_label
        for field in model._meta.local_many_to_many:
            if field.remote_field.through._meta.auto_created:
                found[field.remote_field.through._meta.db_table] = model._meta.app_label
    return found


def apps_written(tables) -> set[str]:
    """The apps whose content the ``tables`` written hold (every app's, when None)."""
    by_table = _apps_by_table()
    if tables is None:
        return set(by_table.values())
    return {by_table[table] for table in tables if table in by_table}


def _counted_columns(model: type[Model], bookkeeping: tuple[str, ...]) -> tuple[str, ...] | None:
    if not bookkeeping:
        return None
    return tuple(
        field.column for field in model._meta.concrete_fields if field.name not in bookkeeping
    )


def install_triggers(using: str = "default", **kwargs) -> None:
    """Give every content table its trigger, and take it from tables no longer content
    (a ``post_migrate`` receiver: the tables exist by then)."""
    connection = connections[using]
    wanted = content_tables()
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s",
            [TRIGGER],
        )
        for (table,) in cursor.fetchall():
            if table not in wanted:
                cursor.execute(f"DROP TRIGGER {TRIGGER} ON {connection.ops.quote_name(table)}")
        existing = set(connection.introspection.table_names(cursor))
        for table, columns in wanted.items():
            if table not in existing:
                continue  # an app's table not migrated yet (migrate --plan, a partial run)
            update = "UPDATE"
            if columns is not None:
                update += " OF " + ", ".join(map(connection.ops.quote_name, columns))
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER} "
                f"AFTER INSERT OR {update} OR DELETE OR TRUNCATE "
                f"ON {connection.ops.quote_name(table)} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION sociable_content_written()"
            )


# --- on each connection -------------------------------------------------------------------

_written = threading.local()


def _noticed(diagnostic) -> None:
    message = diagnostic.message_primary or ""
    if message.startswith(NOTICE):
        tables = getattr(_written, "tables", None)
        if tables is None:
            tables = _written.tables = set()
        tables.add(message[len(NOTICE) :])


def _after_writes(execute, sql, params, many, context):
    """Start a new generation for the tables a statement wrote, once it has run (when not
    in a transaction, it has then committed), and again when its transaction commits."""
    _written.tables = None
    try:
        return execute(sql, params, many, context)
    finally:
        tables = getattr(_written, "tables", None)
        _written.tables = None
        if tables:
            _changed(context["connection"], frozenset(tables))


class _Pending:
    """The tables a transaction has written so far: a new generation for them on commit."""

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self) -> None:
        from .pagecache import content_changed

        content_changed(frozenset(self.tables))


def _changed(connection, tables: frozenset[str]) -> None:
    from .pagecache import content_changed

    if not connection.in_atomic_block:
        content_changed(tables)  # committed already
        return
    pending = next((f for _, f, _ in connection.run_on_commit if isinstance(f, _Pending)), None)
    if pending is None:
        pending = _Pending()
        connection.on_commit(pending, robust=True)
    pending.tables |= tables
    # Now too, so the transaction itself is not served what was rendered before its change.
    content_changed(tables)


def _watch(sender, connection, **kwargs) -> None:
    if connection.vendor != "postgresql":
        return
    if _after_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_after_writes)
    raw = connection.connection
    if raw is not None and not getattr(raw, "_sociable_noticed", False):
        raw.add_notice_handler(_noticed)
        raw._sociable_noticed = True


def watch_content_writes() -> None:
    """Watch every database connection, open or to come (called once, at start-up)."""
    connection_created.connect(_watch, dispatch_uid="sociable.content")
    for connection in connections.all(initialized_only=True):
        _watch(None, connection)
