"""A staff member fills in their profile, with skill suggestions, and finds themselves."""

import re

import pytest
from playwright.sync_api import expect

from profiles.models import Skill
from tests.accounts.factories import PASSWORD, OrganisationFactory, staff_of
from tests.browser.conftest import serious_accessibility_violations, sign_in
from tests.profiles.factories import make_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_edit_your_profile_add_skills_and_find_yourself(live_server, page, problems):
    council = OrganisationFactory(
        name="Kirkfield City Council", slug="council", domain="council.example"
    )
    me = staff_of(council, name="Imogen Hart")
    Skill.objects.create(name="Opera singing", curated=True)
    make_profile(
        staff_of(council, name="Chloe Dunn"), teach=["Video editing"], place="Merrion House"
    )

    sign_in(page, live_server, me.email, PASSWORD)
    page.get_by_role("link", name="Your profile", exact=True).click()
    page.get_by_role("button", name="Edit your profile").click()
    assert serious_accessibility_violations(page) == []

    page.get_by_label("Job title").fill("Housing officer")
    page.get_by_label("Building").fill("Merrion House")
    teach = page.get_by_label("Skills you can teach")
    teach.press_sequentially("oper")
    suggestion = page.get_by_role("option", name="Opera singing")
    expect(suggestion).to_be_visible()
    teach.press("ArrowDown")
    teach.press("Enter")
    expect(teach).to_have_value("Opera singing, ")
    page.get_by_label("Skills you want to learn").fill("video editing")
    page.get_by_role("button", name="Save your profile").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Imogen Hart")
    expect(page.locator("main")).to_contain_text("Opera singing")
    # Someone in the same building can teach what she wants to learn.
    expect(page.locator("main")).to_contain_text("Chloe Dunn")
    assert serious_accessibility_violations(page) == []

    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_label("Search people").fill("opra singer")
    page.get_by_role("button", name="Search").click()
    results = page.locator(".sociable-people")
    expect(results).to_contain_text("Imogen Hart")
    expect(results).to_contain_text(re.compile("Can teach:\\s*Opera singing"))
    assert serious_accessibility_violations(page) == []

    page.goto(live_server.url + "/skills/opera-singing/")
    expect(page.locator("main")).to_contain_text("Imogen Hart")
    assert serious_accessibility_violations(page) == []
    assert problems.messages == []


def test_every_profile_page_passes_axe_on_desktop_and_phone(live_server, browser):
    council = OrganisationFactory(
        name="Kirkfield City Council", slug="council", domain="council.example"
    )
    me = staff_of(council, name="Imogen Hart")
    chloe = make_profile(
        staff_of(council, name="Chloe Dunn"),
        teach=["Video editing"],
        team="Housing",
        place="Merrion House",
        bio="**Hello** there",
    )
    pages = [
        "/people/",
        "/people/?q=nobody+knows+this",
        "/people/?q=video",
        chloe.get_absolute_url(),
        f"/people/{chloe.user.username}/correction/",
        "/skills/",
        "/skills/video-editing/",
        chloe.team.get_absolute_url(),
        chloe.place.get_absolute_url(),
    ]
    for viewport in [{"width": 1280, "height": 900}, {"width": 375, "height": 740}]:
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        sign_in(page, live_server, me.email, PASSWORD)
        for path in pages:
            page.goto(live_server.url + path)
            assert serious_accessibility_violations(page) == [], (path, viewport)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (path, viewport)
        # The edit form with errors too.
        page.goto(live_server.url + "/people/me/edit/")
        page.get_by_label("Photo", exact=True).set_input_files(
            files=[{"name": "me.jpg", "mimeType": "image/jpeg", "buffer": b"not a photo"}]
        )
        page.get_by_role("button", name="Save your profile").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "The photo must be a JPEG, PNG or WebP file"
        )
        assert serious_accessibility_violations(page) == []
        context.close()
