"""Shared fixtures: the people of a small partnership, and clients signed in as them."""

import pytest
from django.test import Client

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
