"""The read replica: the directory and the searches read there; nothing else does.

The "replica" here is the test database itself, as settings make it under test (TEST MIRROR),
reached through a connection of its own, so the queries each alias runs can be told apart.
A second connection sees only committed rows, hence transactional tests.
"""

import json

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums.models import Board
from forums.services import start_thread
from groups.models import Group
from groups.services import create_group
from profiles.models import Profile
from sociable.db import DEFAULT, REPLICA, replica_reads
from tests.helpers import manage
from tests.profiles.factories import make_profile

REPLICA_PAGES = {
    "directory": "/people/?q=opera",
    "global search": "/search/?q=opera",
    "forum search": "/forums/search/?q=opera",
    "group search": "/groups/?q=opera",
}


@pytest.fixture(scope="class")
def replica(django_db_setup):
    """Add the "replica" alias, a mirror of the test database, for the tests of one class.

    Class-scoped so that it exists before the test's database access is set up (which checks
    the aliases a test may use).
    """
    primary = connections.settings[DEFAULT]
    connections.settings[REPLICA] = {**primary, "TEST": {**primary["TEST"], "MIRROR": DEFAULT}}
    try:
        yield connections[REPLICA]
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def opera_fan(council, staff_member):
    """A person, a group and a discussion that all mention opera."""
    make_profile(staff_member, job_title="Opera singer", teach=["Opera singing"])
    create_group(
        created_by=staff_member, name="Opera lovers", summary="We sing opera", audience="community"
    )
    board = Board.objects.create(name="Open discussion", slug="open", audience="public")
    start_thread(board=board, author=staff_member, title="Opera tickets", body="Who wants some?")
    return staff_member


def tables(queries) -> set[str]:
    """The tables these queries read or write: the first after INTO, or else after FROM."""
    found = (
        q["sql"].split(" INTO ", 1) if " INTO " in q["sql"] else q["sql"].split(" FROM ", 1)
        for q in queries
    )
    return {parts[1].split()[0].strip('"') for parts in found if len(parts) == 2}


@pytest.mark.django_db(transaction=True, databases=[DEFAULT, REPLICA])
@pytest.mark.usefixtures("replica")
class TestWithAReplica:
    @pytest.mark.parametrize("address", REPLICA_PAGES.values(), ids=REPLICA_PAGES.keys())
    def test_directory_and_searches_read_from_the_replica(
        self, replica, opera_fan, client_as, address
    ):
        client = client_as(opera_fan)
        with (
            CaptureQueriesContext(connections[DEFAULT]) as primary,
            CaptureQueriesContext(replica) as copy,
        ):
            response = client.get(address)

        assert response.status_code == 200
        assert "pera" in response.content.decode()  # found, through the replica
        assert len(copy) > 0
        # Who is asking comes from the primary: a new session may not be on the replica yet.
        # So does the page cache (with no Redis, a table written on every miss).
        kept = {"django_session", "accounts_user", settings.CACHES["pages"]["LOCATION"]}
        assert tables(primary) <= kept, [q["sql"] for q in primary]

    def test_other_pages_never_read_from_the_replica(self, replica, opera_fan, client_as):
        client = client_as(opera_fan)
        group = Group.objects.get(name="Opera lovers")
        pages = [
            reverse("home"),
            opera_fan.profile.get_absolute_url(),
            group.get_absolute_url(),
            reverse("forums:board-list"),
            "/people/me/edit/",
        ]
        for page in pages:
            with CaptureQueriesContext(replica) as copy:
                response = client.get(page)
            assert response.status_code == 200, page
            assert len(copy) == 0, (page, [q["sql"] for q in copy])

    def test_a_write_goes_to_the_primary_and_the_rest_of_the_block_reads_there(
        self, replica, opera_fan
    ):
        with replica_reads():
            assert router.db_for_read(Profile) == REPLICA
            profile = Profile.objects.get(user=opera_fan)
            assert profile._state.db == REPLICA

            profile.job_title = "Tenor"
            with CaptureQueriesContext(replica) as copy:
                profile.save(update_fields=["job_title"])
            assert len(copy) == 0

            assert router.db_for_read(Profile) == DEFAULT  # read your own write
        assert Profile.objects.get(user=opera_fan).job_title == "Tenor"

    def test_reads_inside_a_transaction_use_the_primary(self, replica, opera_fan):
        with replica_reads(), transaction.atomic():
            assert router.db_for_read(Profile) == DEFAULT
            with CaptureQueriesContext(replica) as copy:
                Profile.objects.get(user=opera_fan)
            assert len(copy) == 0

    def test_sessions_and_the_database_cache_are_always_read_from_the_primary(self):
        with replica_reads():
            assert router.db_for_read(Profile) == REPLICA
            assert router.db_for_read(Session) == DEFAULT
            cache = DatabaseCache("sociable_cache", {})
            assert router.db_for_read(cache.cache_model_class) == DEFAULT

    def test_outside_a_block_even_rows_read_from_the_replica_use_the_primary(self):
        row = Profile()
        row._state.db = REPLICA
        assert router.db_for_read(Profile, instance=row) == DEFAULT
        assert router.db_for_write(Profile, instance=row) == DEFAULT


def test_without_a_replica_every_read_uses_the_primary():
    assert REPLICA not in connections
    with replica_reads():
        assert router.db_for_read(Profile) == DEFAULT
        assert router.db_for_write(Profile) == DEFAULT


def test_rows_from_the_replica_and_the_primary_may_be_related():
    one, other = Profile(), Profile()
    one._state.db, other._state.db = DEFAULT, REPLICA
    assert router.allow_relation(one, other) is True


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate(DEFAULT, "profiles") is True
    assert router.allow_migrate(REPLICA, "profiles") is False


@pytest.mark.django_db
def test_database_replica_url_adds_a_replica_that_tests_mirror_onto_the_primary():
    code = (
        "import json; from django.conf import settings; d = settings.DATABASES; "
        "print(json.dumps({'names': sorted(d), 'host': d['replica']['HOST'], "
        "'name': d['replica']['NAME'], 'test': d['replica']['TEST'], "
        "'routers': settings.DATABASE_ROUTERS}))"
    )
    result = manage(
        "shell",
        "-c",
        code,
        env={
            "DATABASE_REPLICA_URL": "postgresql://reader@replica.internal:5432/sociable",
            # The test settings drop an exported replica so it never reaches the suite.
            "DJANGO_SETTINGS_MODULE": "sociable.settings.dev",
        },
    )

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["names"] == ["default", "replica"]
    assert (found["host"], found["name"]) == ("replica.internal", "sociable")
    assert found["test"]["MIRROR"] == "default"
    assert found["routers"] == ["sociable.db.ReplicaRouter"]


@pytest.mark.django_db
def test_without_database_replica_url_there_is_one_database():
    code = "from django.conf import settings; print(sorted(settings.DATABASES))"
    result = manage("shell", "-c", code, drop=("DATABASE_REPLICA_URL",))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("['default']")
