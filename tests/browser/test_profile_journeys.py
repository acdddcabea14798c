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
    page.get_by_role("link", name="Your profile").click()
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
