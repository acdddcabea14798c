"""Staff membership follows verified email domains."""

from allauth.account.models import EmailAddress

from sociable.accounts.services import add_organisation_domain, organisation_for_email
from tests.accounts.factories import OrganisationFactory, UserFactory


def test_adding_a_domain_makes_its_verified_people_staff(db):
    early = UserFactory(email="early@newpartner.example.org")
    unverified = UserFactory(email="late@newpartner.example.org", verified=False)
    partner = OrganisationFactory(
        name="New Partner", slug="new-partner", domain="other.example.org"
    )

    add_organisation_domain(organisation=partner, domain="NewPartner.example.org")

    early.refresh_from_db()
    unverified.refresh_from_db()
    assert early.organisation == partner
    assert unverified.organisation is None
    assert EmailAddress.objects.filter(user=unverified, verified=True).count() == 0


def test_an_address_matches_only_its_exact_domain(council):
    assert organisation_for_email("a@council.example.gov.uk") == council
    assert organisation_for_email("a@sub.council.example.gov.uk") is None
    assert organisation_for_email("not-an-address") is None
