"""The journeys every later feature stands on, in a real browser.

A visitor reads the home page, creates an account with a work address and
becomes staff; an administrator signs in through allauth with two-factor and
uses the admin under the Content Security Policy. Every page is scanned with
axe-core, and none may log a CSP violation or script error.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from sociable.accounts.models import User
from tests.accounts.factories import PASSWORD, OrganisationFactory, UserFactory, add_totp
from tests.browser.conftest import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_signs_up_with_a_work_address_and_becomes_staff(live_server, page, problems):
    OrganisationFactory(name="Kirkfield City Council", slug="council", domain="council.example")

    page.goto(live_server.url + "/")
    assert serious_accessibility_violations(page) == []
    page.keyboard.press("Tab")
    expect(page.locator(".govuk-skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()  # the skip link works

    page.get_by_role("link", name="Create an account").first.click()
    assert serious_accessibility_violations(page) == []

    # A mistake first: the error summary lists it and the form keeps what was typed.
    page.get_by_label("Full name").fill("Sam Taylor")
    page.get_by_label("Email address").fill("sam.taylor@council.example")
    page.get_by_label("Create a password").fill("short")
    page.get_by_label("Confirm your password").fill("short")
    page.wait_for_timeout(3500)  # as long as a person takes (signup_guard refuses faster forms)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value("sam.taylor@council.example")
    assert serious_accessibility_violations(page) == []

    page.get_by_label("Create a password").fill("blue heron at dawn")
    page.get_by_label("Confirm your password").fill("blue heron at dawn")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("email", re.I))

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    page.goto(live_server.url + link.group(1))
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()

    expect(page.locator("main")).to_contain_text("staff of Kirkfield City Council")
    assert User.objects.get(email="sam.taylor@council.example").organisation.slug == "council"
    assert problems.messages == []


def test_an_administrator_signs_in_with_two_factor_and_uses_the_admin(live_server, page, problems):
    admin = UserFactory(email="helen@council.example", is_staff=True, is_superuser=True)
    secret = add_totp(admin)

    page.goto(live_server.url + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email address").fill("helen@council.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()

    assert serious_accessibility_violations(page) == []
    page.get_by_label(re.compile("code", re.I)).fill(current_code(secret))
    page.get_by_role("button", name=re.compile("sign in|verify|continue", re.I)).click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.get_by_role("link", name="Organisations", exact=True).click()
    page.get_by_role("link", name=re.compile("add organisation", re.I)).click()
    page.get_by_label("Name:", exact=True).press_sequentially("Kirkfield Voluntary Action")
    # The slug is filled in from the name by the admin's own script, under our CSP.
    expect(page.get_by_label("Slug:")).to_have_value("kirkfield-voluntary-action")
    page.locator("#id_domains-0-domain").fill("kva.example")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert problems.messages == []


def test_the_layout_works_on_a_phone_and_without_javascript(live_server, browser):
    UserFactory(email="jordan@example.com")
    phone = browser.new_context(viewport={"width": 375, "height": 740}, java_script_enabled=False)
    page = phone.new_page()

    page.goto(live_server.url + "/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "nothing may scroll sideways on a phone"

    page.get_by_role("navigation").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address").fill("jordan@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()

    expect(page.locator("main")).to_contain_text("community member")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="Sign in")).to_be_visible()
    phone.close()


def current_code(secret: str) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    # A code read in the last seconds of its 30-second window may expire before the form
    # is sent (allauth allows no drift): wait for the next window instead.
    if 30 - time.time() % 30 < 5:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
