"""The rules around signing in with an organisation's account: what is offered, what is
accepted, and who it makes staff. The whole flow is in test_oidc_sign_in.py."""

import re

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.core.exceptions import ValidationError
from django.urls import reverse

from sociable.accounts import oidc
from sociable.accounts.adapter import SocialAccountAdapter
from sociable.accounts.admin import OrganisationSignInForm
from sociable.accounts.models import Organisation, OrganisationSignIn
from sociable.accounts.services import resync_domain, resync_sign_in, sync_organisation
from tests.accounts.factories import UserFactory, add_totp, staff_of

pytestmark = pytest.mark.django_db

ISSUER = "https://login.microsoftonline.com/6f1d2c7e-0000-4a8b-9c1d-00000000000a/v2.0"
TENANT = "6f1d2c7e-0000-4a8b-9c1d-00000000000a"


def set_up_sign_in(organisation: Organisation, **kwargs) -> OrganisationSignIn:
    return OrganisationSignIn.objects.create(
        organisation=organisation,
        issuer=ISSUER,
        client_id="client",
        client_secret="secret",
        tenant_id=TENANT,
        **kwargs,
    )


def link(user, organisation: Organisation) -> SocialAccount:
    """Record that ``user`` signed in through ``organisation``'s identity provider."""
    return SocialAccount.objects.create(user=user, provider=organisation.slug, uid=user.username)


def test_the_sign_in_page_offers_each_organisation_that_has_its_sign_in_switched_on(
    client, council, trust
):
    set_up_sign_in(council)
    set_up_sign_in(trust, enabled=False)

    page = client.get(reverse("account_login")).content.decode()

    assert "Sign in with your organisation's account" in page
    assert "Sign in with Kirkfield City Council" in page
    assert "Kirkfield Hospitals NHS Trust" not in page
    form = re.search(r'<form method="post" action="([^"]+)" class="sociable-organisation', page)
    assert form and form.group(1).startswith("/accounts/oidc/council/login/")
    assert 'name="csrfmiddlewaretoken"' in page.split("sociable-organisation-sign-in", 1)[1]


def test_no_organisation_section_when_no_sign_in_is_set_up(client, council):
    page = client.get(reverse("account_login")).content.decode()

    assert "Sign in with your organisation's account" not in page
    assert "sociable-organisation-sign-in" not in page


def test_starting_a_sign_in_needs_a_post(client, council):
    set_up_sign_in(council)

    page = client.get("/accounts/oidc/council/login/")

    assert page.status_code == 200, "a confirmation page, not a redirect to the provider"
    assert "Sign in with Kirkfield City Council" in page.content.decode()


def test_allauths_own_app_table_is_never_read(rf, council):
    SocialApp.objects.create(provider="openid_connect", provider_id="rogue", name="Rogue")
    set_up_sign_in(council)

    apps = SocialAccountAdapter().list_apps(rf.get("/"))

    assert [app.provider_id for app in apps] == ["council"]
    assert apps[0].settings["server_url"] == ISSUER
    assert apps[0].settings["organisation"]["domains"] == ["council.example.gov.uk"]


def test_a_switched_off_sign_in_is_found_by_its_slug_but_not_offered(rf, council):
    set_up_sign_in(council, enabled=False)
    adapter = SocialAccountAdapter()

    assert adapter.list_apps(rf.get("/")) == []
    assert adapter.get_app(rf.get("/"), provider="council").settings["organisation"] == {
        "id": council.pk,
        "enabled": False,
        "issuer": ISSUER,
        "tenant_id": TENANT,
        "domains": ["council.example.gov.uk"],
    }


PIN = {
    "id": 1,
    "enabled": True,
    "issuer": ISSUER,
    "tenant_id": TENANT,
    "domains": ["council.example.gov.uk"],
}
GOOD_TOKEN = {"iss": ISSUER, "tid": TENANT, "sub": "abc"}


def test_an_id_token_from_the_organisations_issuer_and_tenant_is_accepted():
    oidc.check_id_token(pin=PIN, extra_data={"id_token": GOOD_TOKEN, "userinfo": {"sub": "abc"}})
    oidc.check_id_token(
        pin={**PIN, "tenant_id": ""}, extra_data={"id_token": {"iss": ISSUER, "sub": "abc"}}
    )


@pytest.mark.parametrize(
    ("pin", "extra_data", "reason"),
    [
        (PIN, {"id_token": {**GOOD_TOKEN, "iss": ISSUER + "/"}}, oidc.Refusal.OTHER_ISSUER),
        (
            PIN,
            {"id_token": {**GOOD_TOKEN, "iss": "https://login.microsoftonline.com/other/v2.0"}},
            oidc.Refusal.OTHER_ISSUER,
        ),
        (PIN, {"id_token": {**GOOD_TOKEN, "tid": "another-tenant"}}, oidc.Refusal.OTHER_TENANT),
        (PIN, {"id_token": {"iss": ISSUER, "sub": "abc"}}, oidc.Refusal.OTHER_TENANT),
        (PIN, {"userinfo": {"sub": "abc"}}, oidc.Refusal.NO_ID_CLAIMS),
        (
            PIN,
            {"id_token": GOOD_TOKEN, "userinfo": {"sub": "someone-else"}},
            oidc.Refusal.MISMATCHED_USERINFO,
        ),
        ({**PIN, "enabled": False}, {"id_token": GOOD_TOKEN}, oidc.Refusal.SWITCHED_OFF),
    ],
    ids=["trailing-slash", "other-issuer", "other-tenant", "no-tid", "no-id-token",
         "userinfo-about-someone-else", "switched-off"],
)  # fmt: skip
def test_other_id_tokens_are_refused_with_the_reason(pin, extra_data, reason):
    with pytest.raises(oidc.SignInRefused) as refused:
        oidc.check_id_token(pin=pin, extra_data=extra_data)

    assert refused.value.reason == reason


def test_only_addresses_at_the_organisations_domains_are_trusted():
    assert oidc.is_trusted_email(pin=PIN, email="Alice@Council.Example.gov.uk")
    assert not oidc.is_trusted_email(pin=PIN, email="alice@evil-council.example.gov.uk")
    assert not oidc.is_trusted_email(pin=PIN, email="alice@mail.example")


def test_signing_in_through_an_organisation_outlasts_email_domain_changes(council, trust):
    person = staff_of(trust, name="Tom Whitaker")
    set_up_sign_in(council)

    link(person, council)
    person.refresh_from_db()
    resync_domain(domain="trust.example.nhs.uk")
    person.refresh_from_db()

    assert person.organisation == council, "the council's own directory vouched for them"


def test_switching_a_sign_in_off_returns_its_people_to_their_email_domain(council, trust):
    person = staff_of(trust, name="Tom Whitaker")
    sign_in = set_up_sign_in(council)
    link(person, council)

    sign_in.enabled = False
    sign_in.save()
    resync_sign_in(organisation=council)
    person.refresh_from_db()
    assert person.organisation == trust

    sign_in.enabled = True
    sign_in.save()
    resync_sign_in(organisation=council)
    person.refresh_from_db()
    assert person.organisation == council


def test_removing_a_sign_in_unlinks_its_people(council, django_capture_on_commit_callbacks):
    person = UserFactory(email="someone@mail.example")
    set_up_sign_in(council)
    link(person, council)
    person.refresh_from_db()
    assert person.organisation == council

    with django_capture_on_commit_callbacks(execute=True):
        OrganisationSignIn.objects.get(organisation=council).delete()

    person.refresh_from_db()
    assert person.organisation is None
    assert not SocialAccount.objects.filter(user=person).exists()


def test_an_organisation_with_a_sign_in_can_be_deleted(
    council, trust, django_capture_on_commit_callbacks
):
    person = staff_of(trust, name="Tom Whitaker")
    set_up_sign_in(council)
    link(person, council)

    with django_capture_on_commit_callbacks(execute=True):
        council.delete()

    person.refresh_from_db()
    assert person.organisation == trust
    assert not SocialAccount.objects.exists()


def test_unlinking_makes_you_a_community_member_again(council):
    person = UserFactory(email="someone@mail.example")
    set_up_sign_in(council)
    account = link(person, council)
    person.refresh_from_db()
    assert person.organisation == council

    account.delete()

    person.refresh_from_db()
    assert person.organisation is None
    assert sync_organisation(user=person) is None


@pytest.mark.parametrize(
    ("issuer", "stored"),
    [
        (ISSUER + "/.well-known/openid-configuration", ISSUER),
        ("http://127.0.0.1:8080/realms/test", "http://127.0.0.1:8080/realms/test"),
    ],
)
def test_issuers_are_stored_without_the_discovery_suffix(council, issuer, stored):
    sign_in = OrganisationSignIn(
        organisation=council, issuer=issuer, client_id="c", client_secret="s"
    )
    sign_in.full_clean()

    assert sign_in.issuer == stored


def test_an_issuer_must_use_https_unless_it_is_on_this_machine(council):
    sign_in = OrganisationSignIn(
        organisation=council,
        issuer="http://idp.example.com/tenant",
        client_id="c",
        client_secret="s",
    )

    with pytest.raises(ValidationError) as error:
        sign_in.full_clean()

    assert error.value.message_dict["issuer"] == ["Enter an issuer URL that starts with https://"]


def test_the_client_secret_is_needed_once_and_never_shown_again(council):
    data = {"enabled": "on", "issuer": ISSUER, "client_id": "client", "tenant_id": ""}

    first = OrganisationSignInForm(data=data, instance=OrganisationSignIn(organisation=council))
    assert not first.is_valid()
    assert first.errors["client_secret"] == ["Enter the client secret"]

    sign_in = set_up_sign_in(council)
    edit = OrganisationSignInForm(data={**data, "client_id": "new-client"}, instance=sign_in)
    assert edit.is_valid(), edit.errors
    edit.save()
    sign_in.refresh_from_db()
    assert (sign_in.client_id, sign_in.client_secret) == ("new-client", "secret")
    assert "value=" not in str(OrganisationSignInForm(instance=sign_in)["client_secret"])


def test_administrators_see_sign_in_settings_on_the_organisation(client_as, council):
    administrator = UserFactory(is_staff=True, is_superuser=True)
    add_totp(administrator)
    admin = client_as(administrator)
    set_up_sign_in(council)

    listing = admin.get("/admin/accounts/organisation/").content.decode()
    change = admin.get(f"/admin/accounts/organisation/{council.pk}/change/").content.decode()

    assert "Sign-in with its account" in listing and ">On<" in listing
    assert 'name="sign_in-0-issuer"' in change
    assert 'name="slug"' not in change, "the slug is part of the redirect URI now"
    assert admin.get("/admin/socialaccount/socialapp/").status_code == 404
    assert admin.get("/admin/socialaccount/socialaccount/").status_code == 200


def test_switching_a_sign_in_off_in_the_admin_moves_its_people_at_once(client_as, council, trust):
    administrator = UserFactory(is_staff=True, is_superuser=True)
    add_totp(administrator)
    person = staff_of(trust, name="Tom Whitaker")
    set_up_sign_in(council)
    link(person, council)

    response = client_as(administrator).post(
        f"/admin/accounts/organisation/{council.pk}/change/",
        {
            "name": council.name,
            "short_name": "",
            "kind": council.kind,
            "domains-TOTAL_FORMS": "1",
            "domains-INITIAL_FORMS": "1",
            "domains-0-id": council.domains.get().pk,
            "domains-0-organisation": council.pk,
            "domains-0-domain": "council.example.gov.uk",
            "sign_in-TOTAL_FORMS": "1",
            "sign_in-INITIAL_FORMS": "1",
            "sign_in-0-organisation": council.pk,
            "sign_in-0-issuer": ISSUER,
            "sign_in-0-client_id": "client",
            "sign_in-0-client_secret": "",
            "sign_in-0-tenant_id": TENANT,
            # "enabled" left out: the box is unticked
        },
    )

    assert response.status_code == 302, response.context["adminform"].errors
    person.refresh_from_db()
    assert person.organisation == trust
    assert OrganisationSignIn.objects.get(organisation=council).client_secret == "secret"


def test_people_can_see_and_remove_their_organisation_sign_in(client_as, council, trust):
    person = staff_of(trust, name="Tom Whitaker")
    set_up_sign_in(council)
    account = link(person, council)
    client = client_as(person)

    page = client.get(reverse("socialaccount_connections")).content.decode()
    removed = client.post(reverse("socialaccount_connections"), {"account": account.pk})

    assert "Your Kirkfield City Council account" in page
    assert removed.status_code == 302
    person.refresh_from_db()
    assert person.organisation == trust, "back to their email domain"


def test_you_cannot_remove_your_only_way_of_signing_in(client_as, council):
    person = UserFactory(email="someone@mail.example")
    person.set_unusable_password()
    person.save()
    set_up_sign_in(council)
    account = link(person, council)

    page = client_as(person).post(reverse("socialaccount_connections"), {"account": account.pk})

    assert page.status_code == 200
    assert "Set a password for your account before you remove" in page.content.decode()
    assert SocialAccount.objects.filter(pk=account.pk).exists()
