"""/healthz tells a load balancer whether this instance can serve, and what is degraded.

Only a database it cannot reach makes it 503: without Redis (the shared pages' cache) every
page and sign-in still works, more slowly, so it says 200 and "degraded".
"""

import json
import socket
import time

import pytest

from tests.helpers import manage

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_sign_in_and_does_not_redirect(client):
    assert client.get("/healthz", secure=False).status_code == 200


def test_healthz_answers_503_when_the_database_is_down():
    # A real instance pointed at a port where no database listens.
    probe = (
        "from django.test import Client; r = Client().get('/healthz', HTTP_HOST='localhost'); "
        "print(r.status_code, r.content.decode())"
    )
    result = manage(
        "shell",
        "-c",
        probe,
        env={
            "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/nowhere",
            "DATABASE_CONN_MAX_AGE": "0",
            "PGCONNECT_TIMEOUT": "2",
        },
    )

    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"status": "error", "database": "unavailable"}


def redis_pages_cache(location: str) -> dict:
    """The caches as production settings make them with REDIS_URL=``location``."""
    from django.conf import settings

    return {
        **settings.CACHES,
        "pages": {
            "BACKEND": "sociable.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "sociable",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe closes


def test_healthz_says_degraded_but_serving_when_redis_is_gone(client, settings):
    settings.CACHES = redis_pages_cache(f"redis://127.0.0.1:{closed_port()}/0")

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}


def test_healthz_answers_within_a_second_when_redis_hangs(client, settings):
    """A Redis that accepts connections and never answers (a hung server, a dropped route)."""
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)  # the kernel completes connections; nothing ever reads or replies
        settings.CACHES = redis_pages_cache(f"redis://127.0.0.1:{hung.getsockname()[1]}/0")
        started = time.monotonic()

        response = client.get("/healthz")

        assert time.monotonic() - started < 1.5
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
