"""The bell: someone's event is cancelled; she sees it, follows it, and chooses her emails."""

import pytest
from playwright.sync_api import expect

from groups import services
from sociable.notifications.models import Channel
from sociable.notifications.services import preferences_for
from tests.accounts.factories import PASSWORD, OrganisationFactory, staff_of
from tests.browser.conftest import serious_accessibility_violations, sign_in
from tests.groups.factories import make_event, make_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bell_shows_news_and_notification_settings_can_be_chosen(live_server, browser):
    council = OrganisationFactory(
        name="Kirkfield City Council", slug="council", domain="council.example"
    )
    tom, amara = staff_of(council, name="Tom Whitaker"), staff_of(council, name="Amara Okafor")
    event = make_event(make_group(tom, name="Lunchtime choir"), title="Rehearsal")
    services.rsvp_to_event(event=event, user=amara, going=True)
    services.cancel_event(event=event)

    page = browser.new_context().new_page()
    sign_in(page, live_server, amara.email, PASSWORD)
    bell = page.get_by_role("link", name="Notifications 1 unread")
    expect(bell).to_be_visible()
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    assert serious_accessibility_violations(page) == []

    news = page.get_by_role("link", name="Unread: Cancelled: Rehearsal")
    news.focus()
    page.keyboard.press("Enter")  # a keyboard user follows it too
    expect(page).to_have_url(f"{live_server.url}{event.get_absolute_url()}")
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()

    phone = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
    sign_in(phone, live_server, amara.email, PASSWORD)
    phone.goto(f"{live_server.url}/notifications/settings/")
    assert serious_accessibility_violations(phone) == []
    replies = phone.get_by_role("group", name="Replies to your posts")
    replies.get_by_label("One email a day (daily digest)").check()
    phone.get_by_role("button", name="Save settings").click()
    expect(phone.locator(".govuk-notification-banner")).to_contain_text("settings are saved")
    assert serious_accessibility_violations(phone) == []
    assert preferences_for(amara)["reply"] == Channel.DIGEST
