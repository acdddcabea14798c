"""Helen offers a loan to the digital team; Amara, who wants to learn service design, finds
it "for you", says she is interested on her phone; Helen offers it to her."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from opportunities.models import Interest, Opportunity
from tests.accounts.factories import PASSWORD, OrganisationFactory, staff_of
from tests.browser.conftest import serious_accessibility_violations, sign_in
from tests.profiles.factories import make_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_post_find_express_interest_and_offer(live_server, browser):
    council = OrganisationFactory(
        name="Kirkfield City Council", slug="council", domain="council.example"
    )
    helen = staff_of(council, name="Helen Marsh")
    amara = staff_of(council, name="Amara Okafor")
    make_profile(amara, learn=["Service design"], has=["Customer service"])
    closes = timezone.localdate() + timedelta(days=10)

    desk = browser.new_context().new_page()
    sign_in(desk, live_server, helen.email, PASSWORD)
    desk.goto(live_server.url + "/opportunities/new/")
    assert serious_accessibility_violations(desk) == []
    desk.get_by_label("A short loan").check()
    desk.get_by_label("Title").fill("Help us test the new bins form")
    desk.get_by_label("What you will do and learn").fill("Two days a week: **user research**.")
    desk.get_by_label("Skills someone will learn (optional)").fill("Service design")
    desk.get_by_label("Hours a week").fill("14")
    desk.get_by_label("Closing date").fill(closes.isoformat())
    desk.get_by_label("Staff of every partner organisation").check()
    desk.get_by_role("button", name="Publish").click()
    expect(desk.locator(".govuk-notification-banner")).to_contain_text("It is published")
    assert serious_accessibility_violations(desk) == []

    phone = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
    sign_in(phone, live_server, amara.email, PASSWORD)
    phone.goto(live_server.url + "/opportunities/")
    expect(phone.get_by_role("heading", name="For you")).to_be_visible()
    assert serious_accessibility_violations(phone) == []
    phone.get_by_role("link", name="Help us test the new bins form").first.click()
    phone.get_by_label("Why you are interested").fill("I talk to residents about bins daily.")
    phone.get_by_role("button", name="Express interest").click()
    expect(phone.locator(".govuk-notification-banner")).to_contain_text("Sent")
    assert serious_accessibility_violations(phone) == []

    loan = Opportunity.objects.get()
    desk.goto(live_server.url + loan.get_absolute_url())
    expect(desk.locator("#interest")).to_contain_text("Interest (1)")
    desk.get_by_label("Offer it").check()
    desk.get_by_role("button", name="Send the answer").click()
    expect(desk.locator(".govuk-notification-banner")).to_contain_text("Amara Okafor is told")
    assert serious_accessibility_violations(desk) == []
    assert Interest.objects.get().status == "offered"
    loan.refresh_from_db()
    assert loan.status == "closed"  # its one place is filled
