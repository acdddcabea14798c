"""Signing up, verifying, and becoming staff through a verified work email."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sociable.accounts.models import User
from tests.accounts.factories import PASSWORD, signup_timing

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "blue heron at dawn"


def sign_up(client, email, password=GOOD_PASSWORD, name="Sam Taylor"):
    return client.post(
        reverse("account_signup"),
        {
            "name": name,
            "email": email,
            "password1": password,
            "password2": password,
            **signup_timing(),
        },
    )


def confirm_from_last_email(client):
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    return client.post(link.group(1))


def test_signing_up_with_a_partner_domain_makes_you_staff_once_verified(client, council):
    response = sign_up(client, "sam.taylor@council.example.gov.uk")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="sam.taylor@council.example.gov.uk")
    assert user.name == "Sam Taylor"
    assert user.organisation is None, "not staff before the address is verified"

    confirm_from_last_email(client)

    user.refresh_from_db()
    assert user.organisation == council
    assert user.is_partner_staff
    assert client.get(reverse("home")).context["user"] == user  # signed in on confirmation


def test_domains_match_whatever_the_case_of_the_address(client, council):
    sign_up(client, "Sam.Taylor@COUNCIL.Example.gov.uk")
    confirm_from_last_email(client)

    assert User.objects.get(email__iexact="sam.taylor@council.example.gov.uk").organisation == (
        council
    )


def test_anyone_else_becomes_a_community_member(client, council):
    sign_up(client, "sam@gmail.example")
    confirm_from_last_email(client)

    user = User.objects.get(email="sam@gmail.example")
    assert user.organisation is None
    assert user.is_active


def test_a_lookalike_subdomain_is_not_the_organisation(client, council):
    sign_up(client, "sam@evil-council.example.gov.uk")
    confirm_from_last_email(client)

    assert User.objects.get(email="sam@evil-council.example.gov.uk").organisation is None


def test_you_cannot_sign_in_before_verifying(client, council):
    sign_up(client, "sam.taylor@council.example.gov.uk")
    client.logout()

    response = client.post(
        reverse("account_login"),
        {"login": "sam.taylor@council.example.gov.uk", "password": GOOD_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_changing_to_a_work_address_makes_you_staff_only_after_verifying(
    client_as, community_member, council
):
    client = client_as(community_member)

    response = client.post(
        reverse("account_email"),
        {"email": "jordan@council.example.gov.uk", "action_add": ""},
    )
    assert response.status_code == 302
    community_member.refresh_from_db()
    assert community_member.organisation is None

    confirm_from_last_email(client)

    community_member.refresh_from_db()
    assert community_member.email == "jordan@council.example.gov.uk"
    assert community_member.organisation == council


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass1", "at least 12 characters"),
        ("password1234", "too common"),
        ("aaaaaaaaaaaa", "Repeats like"),
        ("123456789012", "harder to guess"),
        ("qwertyuiopas", "harder to guess"),
        ("Kirkfield2026", "harder to guess"),
        ("sociable-demo-2026", "published in Sociable&#x27;s instructions"),
        ("Sociable-Demo-2026", "published in Sociable&#x27;s instructions"),
        ("sam.taylor.sam", "harder to guess"),
        ("SamTaylor1987", "harder to guess"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(client, password, message):
    response = sign_up(client, "sam@example.com", password=password)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="sam@example.com").exists()
    assert 'value="sam@example.com"' in response.content.decode(), "keeps what was typed"


def test_a_password_made_of_your_own_name_is_refused_for_you_alone(client):
    refused = sign_up(client, "amara.okafor@example.com", "okafor-amara-1978", "Amara Okafor")

    assert refused.status_code == 200
    assert "mostly your name" in refused.content.decode()
    assert not User.objects.exists()
    assert sign_up(client, "sam@example.com", "okafor-amara-1978").status_code == 302


def test_long_passwords_need_no_digits_or_symbols(client):
    sign_up(client, "sam@example.com", password="correct horse battery")

    assert User.objects.filter(email="sam@example.com").exists()


def test_signing_up_again_with_a_taken_address_reveals_nothing(client, staff_member):
    response = sign_up(client, staff_member.email.upper())

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact=staff_member.email).count() == 1
    # The owner of the address is told instead, by email.
    assert mail.outbox[-1].to == [staff_member.email]


def test_password_reset_answers_the_same_for_unknown_addresses(client, staff_member):
    known = client.post(reverse("account_reset_password"), {"email": staff_member.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_signing_out_needs_a_post(client_as, staff_member):
    client = client_as(staff_member)

    client.get(reverse("account_logout"))
    assert "_auth_user_id" in client.session

    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_repeated_failed_sign_ins_are_rate_limited(client, staff_member):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": staff_member.email, "password": "wrong"})

    response = client.post(
        reverse("account_login"), {"login": staff_member.email, "password": PASSWORD}
    )

    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_a_verified_address_is_recorded_for_new_staff(client, council):
    sign_up(client, "sam.taylor@council.example.gov.uk")
    confirm_from_last_email(client)

    assert EmailAddress.objects.get(email="sam.taylor@council.example.gov.uk").verified


def test_signing_in_again_greets_you_by_name(client, staff_member):
    staff_member.last_login = timezone.now() - timedelta(days=3)
    staff_member.save(update_fields=["last_login"])

    response = client.post(
        reverse("account_login"),
        {"login": staff_member.email, "password": PASSWORD},
        follow=True,
    )

    html = response.content.decode()
    assert f"Successfully signed in as {staff_member.name}." in html
    assert "Welcome back, Amara" in html
    assert "Welcome to Sociable" not in html


def success_banners(html: str) -> list[str]:
    return re.findall(
        r'govuk-notification-banner--success".*?__heading">(.*?)</p>', html, flags=re.S
    )


def test_a_new_account_is_welcomed_once_when_it_first_signs_in(client, council):
    sign_up(client, "sam.taylor@council.example.gov.uk")

    link = re.search(r"(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body).group(1)
    first = client.post(link, follow=True).content.decode()
    later = client.get(reverse("home")).content.decode()

    assert success_banners(first) == [
        "Welcome to Sociable, Sam. Your email address is confirmed and you are signed in."
    ]
    assert "Welcome back" not in first
    assert success_banners(later) == []
    assert "Welcome back, Sam" in later


def test_a_first_sign_in_with_a_password_is_welcomed_too(client, staff_member):
    response = client.post(
        reverse("account_login"),
        {"login": staff_member.email, "password": PASSWORD},
        follow=True,
    )

    html = response.content.decode()
    assert success_banners(html) == ["Welcome to Sociable, Amara."]
    assert "Welcome back" not in html


def test_usernames_are_readable_and_unique(client):
    sign_up(client, "sam.taylor@example.com", name="Sam Taylor")
    sign_up(client, "sam.t@example.org", name="Sam Taylor")

    assert set(User.objects.values_list("username", flat=True)) == {"sam-taylor", "sam-taylor-2"}


def test_a_bad_new_address_is_explained_once(client_as, staff_member):
    response = client_as(staff_member).post(
        reverse("account_email"), {"email": "not-an-address", "action_add": ""}
    )

    html = response.content.decode()
    assert html.count("There is a problem") == 1
    assert 'value="not-an-address"' in html


def test_changing_your_password_to_a_guessable_one_is_refused(client_as, staff_member):
    client = client_as(staff_member)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Kirkfield2026", "password2": "Kirkfield2026"},
    )

    assert response.status_code == 200
    assert "harder to guess" in response.content.decode()
    staff_member.refresh_from_db()
    assert staff_member.check_password(PASSWORD)


@pytest.mark.parametrize(("refused", "signs_in"), [(True, False), (False, True)])
def test_the_demo_password_signs_nobody_in_under_production_settings(
    client, settings, staff_member, refused, signs_in
):
    """Demo accounts loaded into production by mistake stay shut; the demo itself works."""
    from sociable.demo_credentials import DEMO_PASSWORD

    settings.SOCIABLE_REFUSE_DEMO_PASSWORD = refused
    staff_member.set_password(DEMO_PASSWORD)
    staff_member.save(update_fields=["password"])

    client.post(reverse("account_login"), {"login": staff_member.email, "password": DEMO_PASSWORD})

    assert ("_auth_user_id" in client.session) is signs_in
