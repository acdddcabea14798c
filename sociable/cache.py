"""The shared cache in PostgreSQL, when there is no Redis (settings: CACHES).

Django's database cache writes one key at a time: a count of the table, a read and an
insert or update for every key. Pages that keep several shared
parts at once (home keeps the cards it rendered, up to a dozen) keep them with
``set_many``, which here is one count and one upsert, whatever the number of keys.
Everything else is Django's.
"""

from __future__ import annotations

import base64
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
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
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (our table's name)
            count = cursor.fetchone()[0]
            if count > self._max_entries:
                self._cull(db, cursor, tz_now().replace(microsecond=0), count)
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES {values}"  # noqa: S608
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
