"""An organiser starts a group and an event; a colleague lands on the waiting list."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from groups import services
from groups.models import RSVP, Event
from tests.accounts.factories import PASSWORD, OrganisationFactory, staff_of
from tests.browser.conftest import serious_accessibility_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_a_group_and_event_then_a_colleague_joins_the_waiting_list(live_server, browser):
    council = OrganisationFactory(
        name="Kirkfield City Council", slug="council", domain="council.example"
    )
    tom = staff_of(council, name="Tom Whitaker")
    amara = staff_of(council, name="Amara Okafor")
    early = staff_of(council, name="Early Bird")

    organiser = browser.new_context().new_page()
    sign_in(organiser, live_server, tom.email, PASSWORD)
    organiser.get_by_role("link", name="Groups", exact=True).click()
    assert serious_accessibility_violations(organiser) == []
    organiser.get_by_role("button", name="Start a group").click()
    assert serious_accessibility_violations(organiser) == []
    organiser.get_by_label("Group name").fill("Phone video workshop")
    organiser.get_by_label("Summary").fill("Learn to film and edit on your phone")
    organiser.get_by_label("Learning").check()
    organiser.get_by_label("What it is about").fill("Video editing")
    organiser.get_by_label("Staff of all the partner organisations").check()
    organiser.get_by_role("button", name="Start the group").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Phone video workshop")
    assert serious_accessibility_violations(organiser) == []

    organiser.get_by_role("link", name="Add an event").first.click()
    day = timezone.localtime(timezone.now() + timedelta(days=7))
    organiser.get_by_label("Title").fill("Editing basics")
    organiser.get_by_label("Starts").fill(day.strftime("%Y-%m-%dT12:30"))
    organiser.get_by_label("Ends").fill(day.strftime("%Y-%m-%dT13:30"))
    organiser.get_by_label("Places", exact=True).fill("1")
    assert serious_accessibility_violations(organiser) == []
    organiser.get_by_role("button", name="Add the event").click()
    expect(organiser.locator("main")).to_contain_text("1 of 1 places left")
    assert serious_accessibility_violations(organiser) == []
    event_url = organiser.url

    # Someone takes the only place first.
    event = Event.objects.get()
    services.rsvp_to_event(event=event, user=early, going=True)

    colleague = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
    sign_in(colleague, live_server, amara.email, PASSWORD)
    colleague.goto(event_url)
    expect(colleague.locator("main")).to_contain_text("0 of 1 places left")
    colleague.get_by_role("button", name="Join the waiting list").click()
    expect(colleague.locator(".govuk-notification-banner")).to_contain_text(
        re.compile("You are number 1 on the waiting list")
    )
    assert serious_accessibility_violations(colleague) == []

    # When the place frees up, she is promoted automatically.
    services.rsvp_to_event(event=event, user=early, going=False)
    colleague.reload()
    expect(colleague.locator("main")).to_contain_text("You are going.")
    assert RSVP.objects.get(event=event, user=amara).status == RSVP.Status.GOING


def test_every_group_page_passes_axe(live_server, page):
    from tests.groups.factories import make_event, make_group

    council = OrganisationFactory(
        name="Kirkfield City Council", slug="council", domain="council.example"
    )
    tom = staff_of(council, name="Tom Whitaker")
    group = make_group(
        tom,
        name="Foster carers' circle",
        join_policy="approval",
        audience="staff",
        description="A *peer* group",
    )
    event = make_event(group, capacity=1, title="Coffee morning")
    waiting = staff_of(council, name="Waiting Person")
    services.join_group(group=group, user=staff_of(council, name="Asking Person"), message="Hi")
    services.rsvp_to_event(event=event, user=tom, going=True)
    services.rsvp_to_event(event=event, user=waiting, going=True)
    services.suggest(created_by=tom, title="A choir", kind="group")

    sign_in(page, live_server, tom.email, PASSWORD)
    for path in [
        "/groups/",
        "/groups/?q=foster",
        group.get_absolute_url(),
        f"{group.get_absolute_url()}members/",
        f"{group.get_absolute_url()}edit/",
        event.get_absolute_url(),
        f"{event.get_absolute_url()}attendees/",
        f"{event.get_absolute_url()}edit/",
        "/groups/suggestions/",
        "/groups/calendar/",
        "/groups/new/",
    ]:
        page.goto(live_server.url + path)
        assert page.locator("h1").count() == 1, path
        assert serious_accessibility_violations(page) == [], path
