"""Amara asks Ben for a chat from his profile; Ben, on his phone, accepts one of her times;
both find it in their calendar files, the same entry."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from conversations.models import Conversation
from tests.accounts.factories import PASSWORD, OrganisationFactory, staff_of
from tests.browser.conftest import serious_accessibility_violations, sign_in
from tests.conversations.factories import open_profile
from tests.profiles.factories import make_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _calendar_entry(page, url: str):
    response = page.request.get(url)
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.body()).walk("VEVENT")
    return event


def test_ask_accept_and_both_have_it_in_their_calendars(live_server, browser):
    council = OrganisationFactory(
        name="Kirkfield City Council", slug="council", domain="council.example"
    )
    amara = staff_of(council, name="Amara Okafor")
    ben = open_profile(
        staff_of(council, name="Ben Ade"), has=["Power BI"], job_title="Data analyst"
    )
    when = (timezone.localtime() + timedelta(days=5)).replace(hour=10, minute=30, second=0)
    when = when.replace(microsecond=0)

    page = browser.new_context().new_page()
    sign_in(page, live_server, amara.email, PASSWORD)
    page.goto(live_server.url + ben.get_absolute_url())
    page.get_by_role("button", name="Ask for a conversation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for a conversation")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Power BI").check()
    page.get_by_label("Online").check()
    page.get_by_label("A time that suits you").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("A note (optional)").fill("I'd love half an hour on dashboards.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your request is with Ben")
    assert serious_accessibility_violations(page) == []

    phone = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
    sign_in(phone, live_server, ben.user.email, PASSWORD)
    phone.goto(live_server.url + "/conversations/")
    assert serious_accessibility_violations(phone) == []
    phone.get_by_role("link", name="Amara Okafor asks for a chat about Power BI").click()
    phone.get_by_label(when.strftime("%A %-d %B at %H:%M")).check()
    phone.get_by_role("button", name="Accept this time").click()
    expect(phone.locator(".govuk-notification-banner")).to_contain_text("Accepted")
    assert serious_accessibility_violations(phone) == []

    conversation = Conversation.objects.get()
    calendar_url = f"{live_server.url}/conversations/{conversation.pk}/calendar.ics"
    bens = _calendar_entry(phone, calendar_url)
    page.goto(live_server.url + "/conversations/")
    expect(page.get_by_role("link", name="A chat with Ben Ade about Power BI")).to_be_visible()
    amaras = _calendar_entry(page, calendar_url)
    assert bens["uid"] == amaras["uid"] and bens.decoded("dtstart") == when
    assert str(amaras["summary"]) == "Chat with Ben Ade"


def test_a_new_starter_asks_for_a_buddy_and_the_buddy_can_report_and_block(live_server, browser):
    """Nia, in her second week, finds "Ask for a buddy" on home (on her phone), asks Rachel
    from her team; Rachel could report the request and block Nia: both pages pass axe."""
    council = OrganisationFactory(
        name="Kirkfield City Council", slug="council", domain="council.example"
    )
    nia = make_profile(staff_of(council, name="Nia New"), team="Customer access")
    nia.started_on = timezone.localdate() - timedelta(days=10)
    nia.save(update_fields=["started_on"])
    rachel = open_profile(
        staff_of(council, name="Rachel Moorhouse"), kinds=("buddy",), team="Customer access"
    )

    phone = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
    sign_in(phone, live_server, nia.user.email, PASSWORD)
    phone.get_by_role("link", name="Ask for a buddy").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("A buddy for your first weeks")
    expect(phone.locator(".sociable-people")).to_contain_text("In your team")
    assert serious_accessibility_violations(phone) == []
    phone.get_by_role("button", name="Ask Rachel Moorhouse to be your buddy").click()
    expect(phone.get_by_label("A buddy for a new starter")).to_be_checked()
    phone.get_by_role("button", name="Send the request").click()
    expect(phone.locator(".govuk-notification-banner")).to_contain_text("Your request is with")
    (asked,) = Conversation.objects.filter(asker=nia.user, kind="buddy")

    desk = browser.new_context().new_page()
    sign_in(desk, live_server, rachel.user.email, PASSWORD)
    desk.goto(live_server.url + asked.get_absolute_url())
    desk.get_by_role("link", name="Report this request").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Report this request")
    assert serious_accessibility_violations(desk) == []
    desk.goto(live_server.url + nia.get_absolute_url())
    desk.get_by_role("link", name="Block Nia New").click()
    assert serious_accessibility_violations(desk) == []
    desk.get_by_role("button", name="Block Nia New").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("You have blocked Nia New")
    asked.refresh_from_db()
    assert asked.status == "declined"  # closed quietly
