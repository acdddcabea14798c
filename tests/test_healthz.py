"""/healthz tells a load balancer whether this instance can reach its database."""

import json

import pytest

from tests.helpers import manage

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
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
