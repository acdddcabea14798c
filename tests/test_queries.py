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
    assert database_from_env()["OPTIONS"]["prepare_threshold"] > 10**9

    monkeypatch.setenv("DATABASE_PREPARE", "false")
    assert "prepare_threshold" not in database_from_env()["OPTIONS"]  # Django's: none
