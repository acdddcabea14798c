"""The site's two caches (settings: CACHES; docs/decisions/0015).

- ``default``, the *security store*: allauth's rate limits and lock-outs, their locks, its
  used two-factor codes, and whatever else reaches Django's default cache. Always in
  PostgreSQL (``SecurityCache``), in a table of its own that page traffic never writes to,
  and no live row is ever removed to make room: a row goes when it expires. So a flood of
  pages cannot wipe a lock-out, and a Redis outage cannot open one.
- ``pages``, the shared pages and parts of pages (``sociable.pagecache``): Redis when
  ``REDIS_URL`` is set (``RedisCache``: while Redis cannot be reached it answers as an empty
  cache, so pages are rendered fresh from PostgreSQL), otherwise ``DatabaseCache`` in
  PostgreSQL, culled when full.

Expired rows of both tables are purged daily (``purge_expired``), not left for a cull.
"""

from __future__ import annotations

import base64
import logging
import pickle
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.db import connections, router
from django.utils.timezone import now as tz_now

logger = logging.getLogger(__name__)

PAGES = "pages"  # the alias of the shared pages' cache
T = TypeVar("T")


# A condition that turns ``synchronous_commit`` off for the rest of the transaction it runs in
# (``SET LOCAL``), written into a statement so that it costs no statement of its own: in a
# statement that is its own transaction, that one commits without waiting for the disk.
_UNSYNCHRONISED = "WHERE set_config('synchronous_commit', 'off', true) = 'off'"


class DatabaseCache(DjangoDatabaseCache):
    """The shared pages in PostgreSQL, when there is no Redis.

    Django's database cache writes one key at a time: a count of the table, a read and an
    insert or update for every key. Here a write, of one key (``set``) or of several at once
    (home keeps the cards it rendered, up to a dozen), is one upsert, whatever the number of
    keys. And the table is counted, to make room when it is full, on one write in
    ``_checks_every``, not on each: the count read every row's entry (0.5-0.6 ms at 5,000
    rows, twice for a page that keeps its parts and then itself), and a page a visitor asks
    for afresh writes every time. Between two counts the table can grow past
    ``MAX_ENTRIES`` by what those writes keep, a few hundred rows at most (a two-hundredth
    of it, times the keys a write keeps). Everything else is Django's.

    A write of its own (not inside a transaction of the request's) does not wait for
    PostgreSQL to flush it to disk (``synchronous_commit`` off, for that statement's
    transaction alone): a page lost in a crash is rendered again, and a sync worker waiting
    on the disk serves no one meanwhile (a page asked for afresh writes its parts and then
    itself).
    """

    #: Whether a write waits for the disk: the security store's do (``SecurityCache``).
    synchronous = False

    def __init__(self, table, params):
        super().__init__(table, params)
        self._writes = 0

    @property
    def _checks_every(self) -> int:
        return max(1, self._max_entries // 200)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self.set_many({key: value}, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        if not data:
            return []
        rows = {
            self.make_and_validate_key(key, version=version): base64.b64encode(
                pickle.dumps(value, self.pickle_protocol)
            ).decode("latin1")
            for key, value in data.items()
        }
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        expires = connection.ops.adapt_datetimefield_value(self._expiry(timeout))
        values = ", ".join(["(%s, %s, %s)"] * len(rows))
        params = [item for key, value in rows.items() for item in (key, value, expires)]
        self._writes += 1
        if not self.synchronous and not connection.in_atomic_block:
            # The write's own transaction (autocommit) commits without waiting for the disk.
            values = f"SELECT * FROM (VALUES {values}) v {_UNSYNCHRONISED}"  # noqa: S608
        else:
            values = f"VALUES {values}"
        with connection.cursor() as cursor:
            if self._writes % self._checks_every == 0:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (our table's name)
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, tz_now().replace(microsecond=0), count)
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) {values}"  # noqa: S608
                " ON CONFLICT (cache_key) DO UPDATE"
                " SET value = EXCLUDED.value, expires = EXCLUDED.expires",
                params,
            )
        return []

    def _expiry(self, timeout) -> datetime:
        """When an entry kept now with ``timeout`` expires, as Django's ``set`` works it out."""
        timeout = self.get_backend_timeout(timeout)
        zone = UTC if settings.USE_TZ else None
        if timeout is None:
            return datetime.max.replace(microsecond=0, tzinfo=zone)
        return datetime.fromtimestamp(timeout, tz=zone).replace(microsecond=0)

    def purge_expired(self) -> int:
        """Delete the rows that have expired; return how many."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [now])  # noqa: S608
            return cursor.rowcount


class SecurityCache(DatabaseCache):
    """The security store: a database cache that never drops a live row to make room.

    Django's database cache, when it holds more than ``MAX_ENTRIES`` rows, deletes the
    expired ones and then a third of the rest, lowest keys first: whatever they are. Here a
    full table only purges its expired rows, so ``MAX_ENTRIES`` only says how big the table
    grows before a write also purges them. Nothing in it lasts long (a lock-out lasts
    minutes), and only the sign-in flows write to it, never pages. Its writes wait for the
    disk, as every other write does: a lock-out must outlast a crash.
    """

    synchronous = True

    def _cull(self, db, cursor, now, num) -> None:
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        expired = connection.ops.adapt_datetimefield_value(now)
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [expired])  # noqa: S608


# Until when (time.monotonic()) each Redis server counts as unreachable: shared by every
# thread of a process, since each thread has its own cache object (Django's ``caches``).
_unreachable_until: dict[str, float] = {}
_unreachable_lock = threading.Lock()


class RedisCache(DjangoRedisCache):
    """Redis for the shared pages that, while Redis cannot be reached, acts as an empty cache.

    Reads find nothing and writes are dropped, so every page is rendered from PostgreSQL:
    slower, never an error. Connecting and each reply wait at most ``socket_connect_timeout``
    and ``socket_timeout`` (half a second unless OPTIONS say otherwise), and after a failure
    the process leaves Redis alone for ``RETRY_AFTER`` seconds, so a dead or hung Redis costs
    one request in each process half a second now and then, not every request seconds.

    Nothing here may be security state: a write dropped while Redis was away is lost, and
    what Redis held from before may be read again when it comes back (a page for at most
    ``PAGE_CACHE_SECONDS``). Rate limits and lock-outs are in ``SecurityCache``.
    """

    RETRY_AFTER = 5.0  # seconds
    # Gone, hung, refusing writes (out of memory, a read-only replica after a failover): any
    # error of Redis's own makes it an empty cache for a while, never a failed page.
    ERRORS = (redis.RedisError, OSError)

    def __init__(self, server, params):
        options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        options |= params.get("OPTIONS", {})
        super().__init__(server, {**params, "OPTIONS": options})
        self._server = server if isinstance(server, str) else ",".join(server)

    # --- what a failure costs --------------------------------------------------------------

    def reachable(self) -> bool:
        """Ask Redis now, whatever happened before (for /healthz); remember the answer."""
        try:
            self._cache.get_client(None).ping()
        except self.ERRORS as error:
            self._unreachable(error)
            return False
        with _unreachable_lock:
            _unreachable_until.pop(self._server, None)
        return True

    def _guard(self, operation: Callable[[], T], fallback: T) -> T:
        if time.monotonic() < _unreachable_until.get(self._server, 0.0):
            return fallback
        try:
            return operation()
        except self.ERRORS as error:
            self._unreachable(error)
            return fallback

    def _unreachable(self, error: Exception) -> None:
        with _unreachable_lock:
            already = time.monotonic() < _unreachable_until.get(self._server, 0.0)
            _unreachable_until[self._server] = time.monotonic() + self.RETRY_AFTER
        if not already:
            logger.warning(
                "Redis (the page cache) cannot be used: pages are rendered without it "
                "and it is tried again in %s s (%s: %s)",
                self.RETRY_AFTER,
                type(error).__name__,
                error,
            )

    # --- Django's cache interface, each call guarded ---------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guard(lambda: super(RedisCache, self).add(key, value, timeout, version), False)

    def get(self, key, default=None, version=None) -> Any:
        return self._guard(lambda: super(RedisCache, self).get(key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._guard(lambda: super(RedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._guard(lambda: super(RedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None) -> bool:
        return self._guard(lambda: super(RedisCache, self).delete(key, version), False)

    def get_many(self, keys, version=None) -> dict:
        return self._guard(lambda: super(RedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None) -> bool:
        return self._guard(lambda: super(RedisCache, self).has_key(key, version), False)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        failed = list(data)
        return self._guard(lambda: super(RedisCache, self).set_many(data, timeout, version), failed)

    def delete_many(self, keys, version=None) -> None:
        self._guard(lambda: super(RedisCache, self).delete_many(keys, version), None)

    def clear(self) -> bool:
        return self._guard(lambda: super(RedisCache, self).clear(), False)


def pages_cache_reachable() -> bool:
    """Tell whether the shared pages' cache answers (in PostgreSQL it is the database)."""
    backend = caches[PAGES]
    return backend.reachable() if isinstance(backend, RedisCache) else True


def purge_expired() -> dict[str, int]:
    """Delete the expired rows of every cache kept in the database; say how many, by alias."""
    purged = {}
    for alias in settings.CACHES:
        backend = caches[alias]
        if isinstance(backend, DatabaseCache):
            purged[alias] = backend.purge_expired()
    return purged
