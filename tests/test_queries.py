"""Reads go through Django's own cursors: no statement is prepared on the server, so a
connection pooler in transaction mode serves the site as it is."""

import pytest
from django.db import connection

from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db


def test_home_prepares_no_statement_on_the_server(client_as, staff_member):
    make_profile(staff_member, team="Housing", place="Civic Hall", learn=["Excel"])
    client = client_as(staff_member)
    for _visit in range(3):
        assert client.get("/").status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone() == (0,)
