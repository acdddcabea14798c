"""`make bench` hooks: the query count header and the ceiling view exist only with SOCIABLE_BENCH=1.

The switch is read by the production settings, so it is checked in a separate process
with those settings, as gunicorn would start them. What the header counts is checked here.
"""

import json

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path

from sociable import bench
from sociable.urls import urlpatterns as site_urlpatterns
from tests.helpers import manage, production_settings

pytestmark = pytest.mark.django_db

# The site's addresses plus the ceiling, as sociable/urls.py has them under SOCIABLE_BENCH=1.
urlpatterns = [path(bench.CEILING_PATH, bench.ceiling), *site_urlpatterns]
COUNTING = ["sociable.bench.QueryCountMiddleware", *settings.MIDDLEWARE]

PROBE = """
import json
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve
try:
    ceiling = resolve("/_bench/ceiling/").func.__name__
except Resolver404:
    ceiling = None
Client().get("/healthz", secure=True)  # the first also counts opening the connection
health = Client().get("/healthz", secure=True)
print(json.dumps({
    "middleware": "sociable.bench.QueryCountMiddleware" in settings.MIDDLEWARE,
    "ceiling": ceiling,
    "header": health.get("X-Sociable-Queries"),
}))
"""


def production(**env: str) -> dict:
    result = manage(
        "shell",
        "-c",
        PROBE,
        env={**production_settings(host="testserver"), **env},
        drop=() if "SOCIABLE_BENCH" in env else ("SOCIABLE_BENCH",),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("switch", [None, "0", "false"])
def test_production_has_no_ceiling_and_no_query_header_unless_switched_on(switch):
    env = {} if switch is None else {"SOCIABLE_BENCH": switch}

    found = production(**env)

    assert found == {"middleware": False, "ceiling": None, "header": None}


def test_sociable_bench_adds_the_ceiling_and_the_query_header_to_production():
    found = production(SOCIABLE_BENCH="1")

    assert found == {"middleware": True, "ceiling": "ceiling", "header": "1"}  # SELECT 1


@pytest.mark.urls(__name__)
@override_settings(MIDDLEWARE=COUNTING)
def test_the_ceiling_loads_the_session_and_user_when_signed_in_and_nothing_else(
    client, client_as, staff_member
):
    signed_out = client.get("/" + bench.CEILING_PATH)
    signed_in = client_as(staff_member).get("/" + bench.CEILING_PATH)

    assert signed_out.status_code == 200
    assert signed_out.content == b"ceiling; signed in: no\n"
    assert signed_out[bench.QUERIES_HEADER] == "0"
    assert signed_in.content == b"ceiling; signed in: yes\n"
    assert signed_in[bench.QUERIES_HEADER] == "2"  # the session, then the user


@pytest.mark.urls(__name__)
@override_settings(MIDDLEWARE=COUNTING)
def test_the_query_header_counts_every_query_of_a_page(client_as, staff_member):
    viewer = client_as(staff_member)
    viewer.get("/forums/")  # per-process caches (content types) filled once

    with CaptureQueriesContext(connection) as queries:
        response = viewer.get("/forums/")

    assert response.status_code == 200
    assert int(response[bench.QUERIES_HEADER]) == len(queries) > 2
