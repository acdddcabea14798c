"""A weekly session: the organiser makes the series, a guest without an account signs up and
confirms by email, and the organiser messages everyone going (issue 23)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from groups import services
from groups.models import Event, EventSeries, Guest
from sociable.notifications.models import Notification
from tests.accounts.factories import PASSWORD, OrganisationFactory, staff_of
from tests.browser.conftest import serious_accessibility_violations, sign_in
from tests.groups.factories import make_group
from tests.helpers import run_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/guests/[^/\s]+/confirm/)")
CANCEL_LINK = re.compile(r"https?://[^/\s]+(/guests/[^/\s]+/cancel/)")
PHONE = {"width": 390, "height": 844}


def emails_to(address: str) -> list:
    with transaction.atomic():  # run_tasks locks rows, as in a test's own transaction
        run_tasks()
    return [message for message in mail.outbox if message.to == [address]]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_weekly_session_a_guest_signs_up_and_the_organiser_messages_everyone(
    live_server, browser
):
    council = OrganisationFactory(
        name="Kirkfield City Council", slug="council", domain="council.example"
    )
    olu = staff_of(council, name="Olu Organiser")
    amara = staff_of(council, name="Amara Okafor")
    group = make_group(olu, name="Kirkfield walkers", audience="public")

    # 1. The organiser makes a weekly session of six, open to guests.
    organiser = browser.new_context().new_page()
    sign_in(organiser, live_server, olu.email, PASSWORD)
    organiser.goto(live_server.url + group.get_absolute_url())
    organiser.get_by_role("link", name="Add an event").first.click()
    day = timezone.localtime(timezone.now() + timedelta(days=3))
    organiser.get_by_label("Title").fill("Canal walk")
    organiser.get_by_label("Starts").fill(day.strftime("%Y-%m-%dT12:30"))
    organiser.get_by_label("Ends").fill(day.strftime("%Y-%m-%dT13:30"))
    organiser.get_by_label("Places", exact=True).fill("10")
    organiser.get_by_label("People without an account can sign up").check()
    organiser.get_by_label("Every week, on the same day").check()
    organiser.get_by_label("Number of sessions").fill("6")
    assert serious_accessibility_violations(organiser) == []
    organiser.get_by_role("button", name="Add the event").click()

    series = EventSeries.objects.get()
    expect(organiser).to_have_url(f"{live_server.url}/groups/{group.slug}/series/{series.pk}/")
    expect(organiser.locator(".govuk-notification-banner")).to_contain_text("series has been")
    sessions = organiser.get_by_role("table").locator("tbody tr")
    expect(sessions).to_have_count(6)
    assert serious_accessibility_violations(organiser) == []
    first = Event.objects.filter(group=group).order_by("starts_at").first()
    assert Event.objects.filter(group=group, guests_allowed=True).count() == 6
    first_url = live_server.url + first.get_absolute_url()
    expect(sessions.first.get_by_role("link")).to_have_attribute("href", first.get_absolute_url())

    # A member is going to the first session.
    with transaction.atomic():
        services.join_group(group=group, user=amara)
    services.rsvp_to_event(event=first, user=amara, going=True)

    # 2. Signed out, on a phone, a guest signs up and confirms by the emailed link.
    guest = browser.new_context(viewport=PHONE).new_page()
    guest.goto(live_server.url + f"/groups/{group.slug}/series/{series.pk}/")
    expect(guest.get_by_role("table").locator("tbody tr")).to_have_count(6)
    assert no_sideways_scroll(guest), "the series page scrolls sideways on a phone"
    assert serious_accessibility_violations(guest) == []

    guest.goto(first_url)
    expect(guest.get_by_role("heading", name="Come as a guest")).to_be_visible()
    assert no_sideways_scroll(guest), "the event page scrolls sideways on a phone"
    assert serious_accessibility_violations(guest) == []
    guest.get_by_label("Your name").fill("Sam Visitor")
    guest.get_by_label("Your email address").fill("sam@example.net")
    guest.get_by_role("button", name="Send me the link").click()
    expect(guest.locator(".govuk-notification-banner")).to_contain_text("Check your email")

    [confirm_email] = emails_to("sam@example.net")
    assert confirm_email.subject == "[Sociable] Confirm your place: Canal walk"
    confirm = CONFIRM_LINK.search(confirm_email.body)
    assert confirm, confirm_email.body
    guest.goto(live_server.url + confirm.group(1))
    expect(guest.get_by_role("heading", level=1)).to_have_text("Confirm your place")
    assert serious_accessibility_violations(guest) == []
    guest.get_by_role("button", name="Confirm my place").click()
    expect(guest.get_by_role("heading", level=1)).to_have_text("You are going")
    assert serious_accessibility_violations(guest) == []
    assert Guest.objects.get().status == Guest.Status.GOING

    # 3. The organiser writes to everyone going to the first session.
    organiser.goto(first_url)
    organiser.get_by_role("link", name="Message everyone going or waiting").click()
    expect(organiser).to_have_url(f"{first_url}message/")
    expect(organiser.locator("main")).to_contain_text("2 going")
    assert serious_accessibility_violations(organiser) == []
    organiser.get_by_label("Everyone going", exact=True).check()
    organiser.get_by_label("Subject").fill("Meet at the lock gates")
    organiser.get_by_label("Message", exact=True).fill("The towpath is closed: see you at 12:25.")
    organiser.get_by_role("button", name="Send the message").click()
    expect(organiser).to_have_url(first_url)
    expect(organiser.locator(".govuk-notification-banner")).to_contain_text(
        "Your message has been sent to 2 people."
    )

    message = emails_to("sam@example.net")[-1]
    assert message.subject == "[Sociable] Canal walk: Meet at the lock gates"
    assert "The towpath is closed: see you at 12:25." in message.body
    cancel = CANCEL_LINK.search(message.body)
    assert cancel and Guest.objects.get().token in cancel.group(1), message.body

    told = Notification.objects.get(recipient=amara, title="Canal walk: Meet at the lock gates")
    assert told.body == "The towpath is closed: see you at 12:25."
    assert told.url == first.get_absolute_url()
    assert not Notification.objects.filter(recipient=olu, title__contains="lock gates").exists()

    # The guest cannot come after all: the cancel link in the message frees the place.
    guest.goto(live_server.url + cancel.group(1))
    expect(guest.get_by_role("heading", level=1)).to_have_text("Cancel your place?")
    assert serious_accessibility_violations(guest) == []
    guest.get_by_role("button", name="Cancel my place").click()
    expect(guest.get_by_role("heading", level=1)).to_have_text("You are not going")
    assert Guest.objects.get().status == Guest.Status.CANCELLED
