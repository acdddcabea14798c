"""Shared fixtures: the people of a small partnership, and clients signed in as them."""

import pytest
from django.core.cache import caches
from django.test import Client

from sociable.cache import PAGES
from tests.accounts.factories import OrganisationFactory, UserFactory, staff_of


@pytest.fixture
def council(db):
    return OrganisationFactory(
        name="Kirkfield City Council", slug="council", domain="council.example.gov.uk"
    )


@pytest.fixture
def trust(db):
    return OrganisationFactory(
        name="Kirkfield Hospitals NHS Trust",
        slug="trust",
        kind="nhs_trust",
        domain="trust.example.nhs.uk",
    )


@pytest.fixture
def staff_member(council):
    return staff_of(council, name="Amara Okafor")


@pytest.fixture
def other_staff(trust):
    """Staff of a different partner organisation."""
    return staff_of(trust, name="Tom Whitaker")


@pytest.fixture
def community_member(db):
    return UserFactory(name="Jordan Reid", email="jordan@example.com")


@pytest.fixture
def client_as():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def pages_kept_by_no_other_test(request):
    """The page cache is on in every test (sociable/settings/test.py). Its rows go with each
    test's transaction; a test that commits (a live server, ``transaction=True``) leaves
    them, and they go after it."""
    yield
    marker = request.node.get_closest_marker("django_db")
    commits = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if commits:
        blocker = request.getfixturevalue("django_db_blocker")
        with blocker.unblock():
            caches[PAGES].clear()
