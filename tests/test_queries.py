"""Hand-written reads: prepared when they ask, counted and watched like any other query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sociable.queries import fetch
from sociable.settings.base import database_from_env

pytestmark = pytest.mark.django_db

PEOPLE = "SELECT u.name FROM accounts_user u WHERE u.id = %s"


def prepared() -> list[str]:
    return [row[0] for row in fetch("SELECT statement FROM pg_prepared_statements", [])]


def test_a_read_that_asks_is_prepared_once_for_the_connection(staff_member, other_staff):
    with CaptureQueriesContext(connection) as context:
        first = fetch(PEOPLE, [staff_member.pk], prepare=True)
        second = fetch(PEOPLE, [other_staff.pk], prepare=True)

    assert first == [(staff_member.name,)] and second == [(other_staff.name,)]
    # Counted and logged as queries, as the budgets and anyone debugging need.
    assert [query["sql"] for query in context.captured_queries] == [PEOPLE.replace("%s", "$1")] * 2
    assert prepared().count(PEOPLE.replace("%s", "$1")) == 1


def test_nothing_else_is_prepared(client_as, staff_member):
    """Django's own queries, and reads that do not ask, are planned afresh every time."""
    emails = "SELECT u.email FROM accounts_user u WHERE u.id = %s"
    for _ in range(3):
        fetch(emails, [staff_member.pk])
        assert client_as(staff_member).get("/").status_code == 200

    statements = prepared()
    assert statements  # home's reads of the person's own rows
    assert emails.replace("%s", "$1") not in statements
    assert not [s for s in statements if '"' in s]  # the ORM quotes every name it writes


def test_prepared_statements_can_be_turned_off_for_a_pooler(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://sociable@db.internal:5432/sociable")
    options = database_from_env()["OPTIONS"]
    assert options["prepare_threshold"] > 10**9
    assert "plan_cache_mode=force_generic_plan" in options["options"]

    monkeypatch.setenv("DATABASE_PREPARE", "false")
    options = database_from_env()["OPTIONS"]
    assert "prepare_threshold" not in options  # Django's: none
    assert options["options"] == (
        "-c jit=off -c max_parallel_workers_per_gather=0"
        " -c pg_trgm.word_similarity_threshold=0.4"  # a typo's cut: not the prepared plans'
    )


def test_a_prepared_read_is_planned_once_for_any_values(staff_member, other_staff):
    """What makes preparing pay: PostgreSQL does not plan the query again on every visit."""
    for user in (staff_member, other_staff, staff_member):
        fetch(PEOPLE, [user.pk], prepare=True)

    plans = fetch(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = %s",
        [PEOPLE.replace("%s", "$1")],
    )
    assert plans[0][0] >= 3 and plans[0][1] == 0
