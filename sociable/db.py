"""Send the directory's and the searches' reads to a read replica, when there is one.

With ``DATABASE_REPLICA_URL`` set, settings add a "replica" database. ``ReplicaRouter`` sends
a read there only inside a ``replica_reads()`` block (the views marked ``@reads_from_replica``),
only while that block has written nothing and only outside any transaction: everything else,
and every write and migration, uses the primary. Without a replica it always answers
"default", so a single-database deployment behaves exactly as before.

A replica lags the primary by a moment, so only pages where a second-old answer is fine read
from it: who is asking (session and user) is always read from the primary first.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

DEFAULT = "default"
REPLICA = "replica"
# Shared state that must never be a moment old: sessions, and the database caches (the rate
# limits' security store, and the pages' cache when there is no Redis).
PRIMARY_ONLY = frozenset({"sessions", "django_cache"})


@dataclass
class _Block:
    wrote: bool = False


# One per request (thread or task): never shared between people, never kept between requests.
_block: ContextVar[_Block | None] = ContextVar("sociable_replica_reads", default=None)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let the reads inside this block go to the replica (when one is configured).

    Once the block has written anything (every write goes to the primary), the rest of it
    reads from the primary too, so that it sees its own writes.
    """
    if not replica_configured():
        yield  # one database: nothing to route
        return
    block = _Block()
    token = _block.set(block)

    caches = _cache_tables()

    def note_writes(execute, sql, params, many, context):
        statement = str(sql).lstrip()
        # What the page cache keeps is no content of the page's: reads may still go on.
        if statement[:6].upper() != "SELECT" and not any(t in statement for t in caches):
            block.wrote = True
        return execute(sql, params, many, context)

    try:
        with connections[DEFAULT].execute_wrapper(note_writes):
            yield
    finally:
        _block.reset(token)


def reads_from_replica(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run a read-only view's queries on the replica; who is asking still comes from the primary.

    The session and user are loaded before the block: a session made a moment ago (just signed
    in) may not have reached the replica yet.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 - loads the lazy session and user now
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapper


def _cache_tables() -> list[str]:
    """The quoted tables of the database caches (the page cache, without Redis)."""
    return [
        f'"{cache["LOCATION"]}"'
        for cache in settings.CACHES.values()
        if cache["BACKEND"].endswith("DatabaseCache")
    ]


def replica_configured() -> bool:
    return REPLICA in connections


def use_replica() -> bool:
    """Tell whether a read here and now may go to the replica."""
    block = _block.get()
    return (
        block is not None
        and not block.wrote
        and replica_configured()
        # Inside a transaction, reads must see its own writes (and its locks).
        and not connections[DEFAULT].in_atomic_block
    )


class ReplicaRouter:
    """Reads in a replica_reads() block go to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints) -> str:
        if model._meta.app_label in PRIMARY_ONLY:
            return DEFAULT
        return REPLICA if use_replica() else DEFAULT

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # Both hold the same data: a row read from the replica may point at one from the primary.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name=None, **hints) -> bool:
        return db == DEFAULT  # the replica copies the primary's schema; never migrate it
