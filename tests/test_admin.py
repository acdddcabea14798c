"""The Django admin: reached only through allauth's sign-in, and only with two-factor."""

import pytest
from django.urls import reverse

from sociable.accounts.models import Organisation, User
from tests.accounts.factories import UserFactory, add_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return UserFactory(name="Helen Marsh", is_staff=True, is_superuser=True)


def test_the_admin_sends_visitors_to_allauths_sign_in(client):
    for path in ["/admin/", "/admin/login/"]:
        response = client.get(path, follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
        assert "next=%2Fadmin%2F" in response.redirect_chain[-1][0]


def test_people_without_admin_rights_are_refused(client_as, staff_member):
    response = client_as(staff_member).get("/admin/login/")

    assert response.status_code == 403


def test_administrators_must_set_up_two_factor_before_using_the_admin(client_as, administrator):
    client = client_as(administrator)

    refused = client.get("/admin/accounts/organisation/")
    add_totp(administrator)
    allowed = client.get("/admin/accounts/organisation/")

    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("mfa_activate_totp"))
    assert allowed.status_code == 200


@pytest.fixture
def admin_client_2fa(client_as, administrator):
    add_totp(administrator)
    return client_as(administrator)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/accounts/organisation/",
        "/admin/accounts/organisation/add/",
        "/admin/accounts/user/",
        "/admin/accounts/user/?q=amara",
        "/admin/accounts/user/add/",
    ],
)
def test_admin_pages_for_organisations_and_people_work(admin_client_2fa, staff_member, path):
    assert admin_client_2fa.get(path).status_code == 200


def test_adding_an_organisation_with_a_domain_makes_its_people_staff(admin_client_2fa, db):
    newcomer = UserFactory(email="ali@voluntary.example.org")

    response = admin_client_2fa.post(
        "/admin/accounts/organisation/add/",
        {
            "name": "Kirkfield Voluntary Action",
            "short_name": "Voluntary Action",
            "slug": "voluntary-action",
            "kind": "voluntary",
            "domains-TOTAL_FORMS": "1",
            "domains-INITIAL_FORMS": "0",
            "domains-MIN_NUM_FORMS": "0",
            "domains-MAX_NUM_FORMS": "1000",
            "domains-0-domain": "voluntary.example.org",
            "sign_in-TOTAL_FORMS": "0",  # no sign-in with the organisation's account
            "sign_in-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].errors
    newcomer.refresh_from_db()
    assert newcomer.organisation == Organisation.objects.get(slug="voluntary-action")


def test_an_invalid_domain_is_refused_with_a_message(admin_client_2fa, db):
    response = admin_client_2fa.post(
        "/admin/accounts/organisation/add/",
        {
            "name": "Typo Trust",
            "slug": "typo-trust",
            "kind": "nhs_trust",
            "domains-TOTAL_FORMS": "1",
            "domains-INITIAL_FORMS": "0",
            "domains-0-domain": "@typo trust.nhs.uk",
        },
    )

    assert response.status_code == 200
    assert "Enter a domain such as" in response.content.decode()
    assert not Organisation.objects.filter(slug="typo-trust").exists()


def test_the_organisation_is_not_editable_by_hand(admin_client_2fa, staff_member, trust):
    """Staff status follows the verified email; the admin shows it read-only."""
    page = admin_client_2fa.get(f"/admin/accounts/user/{staff_member.pk}/change/")
    assert 'name="organisation"' not in page.content.decode()
    assert User.objects.get(pk=staff_member.pk).organisation != trust
