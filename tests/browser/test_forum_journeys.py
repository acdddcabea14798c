"""Start a thread, reply to a reply, and a moderator hides a reported post from the queue."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from forums.models import Board, Post
from forums.services import report_post
from tests.accounts.factories import PASSWORD, OrganisationFactory, UserFactory, add_totp, staff_of
from tests.browser.conftest import serious_accessibility_violations, sign_in
from tests.browser.test_foundation_journeys import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_thread_reply_to_a_reply_and_a_moderator_hides_it(live_server, browser):
    council = OrganisationFactory(
        name="Kirkfield City Council", slug="council", domain="council.example"
    )
    Board.objects.create(
        name="Staff room", slug="staff-room", audience="staff", description="Try things out safely"
    )
    amara = staff_of(council, name="Amara Okafor")
    tom = staff_of(council, name="Tom Whitaker")
    moderator = UserFactory(name="Priya Shah", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    secret = add_totp(moderator)

    page = browser.new_context().new_page()
    sign_in(page, live_server, amara.email, PASSWORD)
    page.get_by_role("link", name="Discussions").click()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="Staff room").click()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Start a thread").click()
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Title").fill("Weeknotes: who writes them?")
    page.get_by_label("Your post").fill("I started **weeknotes** this month. Anyone else?")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Weeknotes: who writes them?")
    thread_url = page.url

    other = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
    sign_in(other, live_server, tom.email, PASSWORD)
    other.goto(thread_url)
    other.get_by_role("link", name="Reply to Amara Okafor").click()
    other.get_by_label("Your reply").fill("Yes, every Friday.")
    other.get_by_role("button", name="Post your reply").click()

    page.goto(thread_url)
    page.get_by_role("link", name="Reply to Tom Whitaker").click()
    assert serious_accessibility_violations(page) == []  # the reply form
    page.get_by_label("Your reply").fill("Buy the cheapest watches online!!!")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".govuk-inset-text").last).to_contain_text("Buy the cheapest")
    page.get_by_role("button", name="Post your reply").click()
    expect(page.locator(".sociable-post--depth-2")).to_contain_text("Buy the cheapest")
    assert serious_accessibility_violations(page) == []

    spam = Post.objects.get(body__startswith="Buy the cheapest")
    report_post(post=spam, reporter=tom, reason="spam")

    mod = browser.new_context().new_page()
    mod.goto(live_server.url + "/accounts/login/")
    mod.get_by_label("Email address").fill(moderator.email)
    mod.get_by_label("Password", exact=True).fill(PASSWORD)
    mod.get_by_role("button", name="Sign in").click()
    mod.get_by_label(re.compile("code", re.I)).fill(current_code(secret))
    mod.get_by_role("button", name=re.compile("sign in|verify|continue", re.I)).click()
    mod.goto(live_server.url + "/forums/moderation/")
    assert serious_accessibility_violations(mod) == []
    mod.get_by_role("textbox", name=re.compile("Reason for the post by Amara")).fill(
        "Advertising is not allowed here"
    )
    mod.get_by_role("button", name="Hide the post by Amara Okafor").click()

    page.goto(thread_url)
    expect(page.locator(f"#post-{spam.pk}")).to_contain_text(
        "Hidden by a moderator: Advertising is not allowed here"
    )
    expect(page.locator(f"#post-{spam.pk}")).not_to_contain_text("Buy the cheapest")
