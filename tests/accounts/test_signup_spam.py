"""Spam defence at open sign-up: a honeypot, a timing check and a rate per network, all
through the real sign-up page."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sociable.accounts import signup_guard
from sociable.accounts.models import User
from tests.accounts.factories import OrganisationFactory, signup_timing

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "blue heron at dawn"


def details(email="sam@example.com", **extra) -> dict:
    return {
        "name": "Sam Taylor",
        "email": email,
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        **extra,
    }


def sign_up(client, data, address="203.0.113.7"):
    return client.post(reverse("account_signup"), data, REMOTE_ADDR=address)


def test_a_person_who_takes_their_time_gets_an_account(client):
    response = sign_up(client, details(**signup_timing()))

    assert response.status_code == 302
    assert User.objects.filter(email="sam@example.com").exists()


def test_the_page_draws_the_honeypot_out_of_sight_sound_and_tab_order(client):
    html = client.get(reverse("account_signup")).content.decode()

    trap = re.search(r'<div class="govuk-visually-hidden" aria-hidden="true">(.*?)</div>', html)
    assert trap, "the honeypot sits in a visually hidden block hidden from screen readers"
    assert 'for="id_website">Leave this empty</label>' in trap.group(1)
    assert 'tabindex="-1"' in trap.group(1)
    assert 'name="website"' in trap.group(1)
    assert re.search(r'<input type="hidden" name="started" value="[^"]+"', html)


def test_a_form_drawn_by_the_page_is_good_once_a_person_could_have_filled_it_in(client):
    html = client.get(reverse("account_signup")).content.decode()
    started = re.search(r'name="started" value="([^"]+)"', html).group(1)

    too_soon = sign_up(client, details(started=started))
    assert User.objects.count() == 0
    assert signup_guard.REFUSED in too_soon.content.decode()

    drawn = signup_guard.read_started(started)
    later = drawn + timedelta(seconds=signup_guard.min_seconds())
    assert not signup_guard.looks_automated(honeypot="", started=started, now=later)


@pytest.mark.parametrize(
    "trap",
    [  # made as each test runs: the timing is measured from then
        lambda: {"website": "https://cheap-pills.example", **signup_timing()},  # honeypot
        lambda: signup_timing(seconds_ago=1),  # sent back within a second
        lambda: {},  # no timing field at all
        lambda: {"started": "12345"},  # a timing field nobody signed
        lambda: signup_timing(seconds_ago=60 * 60 * 48),  # drawn two days ago
    ],
    ids=["honeypot", "too-fast", "no-timing", "forged-timing", "stale-form"],
)
def test_a_form_filled_in_by_a_program_makes_no_account_and_says_nothing_specific(client, trap):
    response = sign_up(client, details(**trap()))

    assert response.status_code == 200
    assert not User.objects.exists()
    html = response.content.decode()
    assert signup_guard.REFUSED in html
    assert "honeypot" not in html.lower() and "too fast" not in html.lower()
    assert 'value="Sam Taylor"' in html and 'value="sam@example.com"' in html, "kept"
    assert GOOD_PASSWORD not in html, "a password is never sent back"


def test_after_a_refusal_a_person_can_try_again(client):
    refused = sign_up(client, details(**signup_timing(seconds_ago=1)))
    started = re.search(r'name="started" value="([^"]+)"', refused.content.decode()).group(1)
    assert signup_guard.read_started(started) is not None, "the form still has a good timing"

    response = sign_up(client, details(**signup_timing()))

    assert response.status_code == 302
    assert User.objects.filter(email="sam@example.com").exists()


@pytest.mark.parametrize(
    ("first", "same_network", "other_network"),
    [
        ("203.0.113.7", "203.0.113.200", "203.0.114.7"),  # IPv4: the /24
        ("2001:db8:1:2::7", "2001:db8:1:2:ffff::1", "2001:db8:1:3::7"),  # IPv6: the /64
    ],
    ids=["ipv4", "ipv6"],
)
def test_a_network_may_make_five_accounts_an_hour(
    client, settings, first, same_network, other_network
):
    settings.SIGNUP_RATE_PER_NETWORK = 5
    for n in range(5):
        response = sign_up(Client(), details(f"person{n}@example.com", **signup_timing()), first)
        assert response.status_code == 302

    refused = sign_up(client, details("sixth@example.com", **signup_timing()), same_network)

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Please try again later" in html
    assert 'value="sixth@example.com"' in html
    assert not User.objects.filter(email="sixth@example.com").exists()
    elsewhere = sign_up(client, details("elsewhere@example.com", **signup_timing()), other_network)
    assert elsewhere.status_code == 302


def test_a_partners_staff_sign_up_from_one_office_past_the_networks_rate(client, settings):
    """Launch day: a council's staff share one office network. Their addresses must be
    confirmed before their accounts can do anything, so the rate counts them not."""
    OrganisationFactory(name="Kirkfield City Council", domain="kirkfield.gov.uk")
    settings.SIGNUP_RATE_PER_NETWORK = 2
    for n in range(4):
        made = sign_up(Client(), details(f"clerk{n}@kirkfield.gov.uk", **signup_timing()))
        assert made.status_code == 302
    assert User.objects.filter(email__endswith="@kirkfield.gov.uk").count() == 4

    for n in range(2):  # the office's network has all its community sign-ups left
        assert sign_up(Client(), details(f"n{n}@example.com", **signup_timing())).status_code == 302
    refused = sign_up(client, details("third@example.com", **signup_timing()))
    assert "Please try again later" in refused.content.decode()


def test_a_network_may_sign_up_again_once_the_hour_has_passed(settings):
    settings.SIGNUP_RATE_PER_NETWORK = 2
    an_hour_ago = timezone.now() - timedelta(minutes=61)
    for _ in range(2):
        signup_guard.count_signup("198.51.100.9", now=an_hour_ago)
    signup_guard.count_signup("198.51.100.9")
    assert not signup_guard.is_network_over_rate("198.51.100.10")

    signup_guard.count_signup("198.51.100.9")

    assert signup_guard.is_network_over_rate("198.51.100.10")


def test_refused_forms_do_not_use_up_the_network_s_sign_ups(client, settings):
    settings.SIGNUP_RATE_PER_NETWORK = 1
    sign_up(client, details(password2="something else", **signup_timing()))
    sign_up(client, details(**signup_timing(seconds_ago=1)))

    assert sign_up(client, details(**signup_timing())).status_code == 302


def test_the_count_is_kept_in_the_security_store_not_the_page_cache(client, settings):
    """A flood of pages culls the page cache; the security store (ADR 0015) keeps every
    live row, so the count survives it."""
    settings.SIGNUP_RATE_PER_NETWORK = 1
    sign_up(Client(), details("first@example.com", **signup_timing()))
    caches["pages"].clear()
    assert cache.get("sociable:signups:203.0.113.0/24")

    refused = sign_up(client, details("second@example.com", **signup_timing()))

    assert "Please try again later" in refused.content.decode()
    assert not User.objects.filter(email="second@example.com").exists()


def test_addresses_are_grouped_by_network():
    assert signup_guard.network_of("203.0.113.7") == "203.0.113.0/24"
    assert signup_guard.network_of("::ffff:203.0.113.7") == "203.0.113.0/24"
    assert signup_guard.network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert signup_guard.network_of("not an address") == "unknown"
