"""The shared pages' cache: in PostgreSQL, many entries at once in a fixed number of queries;
in Redis, an empty cache (never an error) when Redis is gone or refuses writes."""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from sociable.cache import DatabaseCache, SecurityCache
from tests.helpers import missing_tool

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


def test_keeping_one_page_is_one_query(cache):
    with CaptureQueriesContext(connection) as context:
        cache.set("page:/search/?q=excel", {"html": "<main></main>"}, 30)

    assert len(context.captured_queries) == 1
    assert cache.get("page:/search/?q=excel") == {"html": "<main></main>"}


def _commits_unsynchronised(write) -> list[bool]:
    """Whether each statement ``write`` sends turns synchronous_commit off for its own
    transaction."""
    with CaptureQueriesContext(connection) as context:
        write()
    return [
        "set_config('synchronous_commit', 'off', true)" in q["sql"]
        for q in context.captured_queries
    ]


@pytest.fixture
def synchronous_commit_on():
    """Commits wait for the disk, as on a real server (make test's cluster never waits)."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO on")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET synchronous_commit")


@pytest.mark.django_db(transaction=True)
def test_a_page_kept_does_not_wait_for_the_disk_but_a_lock_out_does(cache, synchronous_commit_on):
    """A page's write is one statement, its own transaction, committed with
    synchronous_commit off (lost in a crash, the page is rendered again); the security
    store's writes wait for the disk as every other write does, and a page kept inside a
    transaction of the request's leaves that transaction's durability alone."""
    security = SecurityCache("sociable_security", {"OPTIONS": {"MAX_ENTRIES": 5000}})
    page = "page:/search/?q=excel"

    assert _commits_unsynchronised(lambda: cache.set(page, {"html": "<main></main>"}, 30)) == [True]
    assert cache.get(page) == {"html": "<main></main>"}  # kept, with its expiry
    cache.set_many({"expired": 1}, -1)
    cache.set_many({"kept": 2}, None)
    assert cache.get_many(["expired", "kept"]) == {"kept": 2}
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"  # for the next transaction, as before
    assert _commits_unsynchronised(lambda: security.set("lockout:someone", 3, 30)) == [False]
    assert security.get("lockout:someone") == 3
    with transaction.atomic():
        assert _commits_unsynchronised(lambda: cache.set(page, {"html": "<p></p>"}, 30)) == [False]
    assert cache.get(page) == {"html": "<p></p>"}
    security.delete("lockout:someone")


def test_the_table_is_counted_on_a_few_writes_and_never_grows_far_past_its_size():
    cache = DatabaseCache("sociable_cache", {"OPTIONS": {"MAX_ENTRIES": 1000}})
    cache.clear()
    try:
        with CaptureQueriesContext(connection) as context:
            for batch in range(300):  # 1,500 keys: half again the table's size
                cache.set_many({f"part:{batch}:{i}": i for i in range(5)}, 30)
        counts = [q for q in context.captured_queries if q["sql"].startswith("SELECT COUNT")]
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM sociable_cache")
            size = cursor.fetchone()[0]
    finally:
        cache.clear()

    assert len(counts) == 300 // 5  # one write in five, for a table of 1,000
    assert size <= 1000 + 5 * 5  # at most the keys of the writes between two counts


# --- the pages' cache in Redis, when Redis fails --------------------------------------------


def redis_pages(settings, location: str) -> None:
    """Production's settings with REDIS_URL=``location``, and the page cache on."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "sociable.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "sociable",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    settings.PAGE_CACHE_SECONDS = 30


@pytest.fixture
def full_redis(tmp_path) -> Iterator[str]:
    """A private redis-server that refuses every write: out of memory, evicting nothing."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        missing_tool("redis-server is not installed (sudo apt install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir"]
    command += [str(tmp_path), "--maxmemory", "1", "--maxmemory-policy", "noeviction"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)  # noqa: S603
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url, socket_timeout=1)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        with pytest.raises(redis.ResponseError, match="maxmemory"):
            client.set("probe", "x")
        client.close()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_pages_are_served_when_redis_is_gone(client, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens once the probe closes
    redis_pages(settings, f"redis://127.0.0.1:{port}/0")

    for url in ("/", "/forums/", "/people/", "/groups/"):
        assert client.get(url).status_code == 200, url


def test_pages_are_served_when_redis_refuses_every_write(client, settings, full_redis):
    redis_pages(settings, full_redis)

    for url in ("/", "/forums/", "/", "/forums/"):
        assert client.get(url).status_code == 200, url
