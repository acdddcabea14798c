"""The shared cache in PostgreSQL keeps many entries at once in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sociable.cache import DatabaseCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache():
    """The cache as settings make it without REDIS_URL (the table ``createcachetable`` makes)."""
    cache = DatabaseCache("sociable_cache", {"OPTIONS": {"MAX_ENTRIES": 5000}})
    cache.clear()
    yield cache
    cache.clear()


def test_many_entries_are_kept_in_the_same_few_queries_as_one(cache):
    counts = []
    for n in (1, 12):
        with CaptureQueriesContext(connection) as context:
            cache.set_many({f"card:{n}:{i}": {"html": f"<li>{i}</li>"} for i in range(n)}, 30)
        counts.append(len(context.captured_queries))

    assert counts[0] == counts[1] <= 2
    assert cache.get_many(["card:12:0", "card:12:11"]) == {
        "card:12:0": {"html": "<li>0</li>"},
        "card:12:11": {"html": "<li>11</li>"},
    }


def test_keeping_an_entry_again_replaces_it_and_its_expiry(cache):
    cache.set_many({"generation": "a", "part": "old"}, 30)
    cache.set_many({"part": "new"}, -1)  # expired already
    cache.set_many({"generation": "b"}, None)  # kept for good

    assert cache.get_many(["generation", "part"]) == {"generation": "b"}


def test_a_full_cache_makes_room(cache, monkeypatch):
    monkeypatch.setattr(cache, "_max_entries", 10)
    for batch in range(4):
        cache.set_many({f"part:{batch}:{i}": i for i in range(5)}, 30)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM sociable_cache")
        assert cursor.fetchone()[0] <= 15
    assert cache.get("part:3:4") == 4  # the newest are kept
