"""A community member's post is hidden; she is told why, appeals, and a different
moderator (with two-factor) puts the post back; she is told, and the post is there again."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from forums import services
from forums.models import Board, Post
from tests.accounts.factories import PASSWORD, OrganisationFactory, UserFactory, add_totp, staff_of
from tests.browser.conftest import serious_accessibility_violations, sign_in
from tests.browser.test_foundation_journeys import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def moderator_named(name: str) -> tuple:
    person = UserFactory(name=name, is_staff=True)
    person.groups.add(Group.objects.get(name="Moderators"))
    return person, add_totp(person)


def open_the_bell(page, unread: int) -> None:
    """Follow the bell (behind the menu button on a phone)."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("link", name=f"Notifications {unread} unread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")


def follow(link) -> None:
    """Follow a link with the keyboard (a notice's title wraps over lines on a phone)."""
    link.focus()
    link.page.keyboard.press("Enter")


def test_a_hidden_post_is_appealed_and_a_different_moderator_restores_it(
    live_server, browser, settings
):
    settings.FORUMS_APPROVE_FIRST_POSTS = 0
    council = OrganisationFactory(
        name="Kirkfield City Council", slug="council", domain="council.example"
    )
    board = Board.objects.create(name="Open discussion", slug="open", audience="public")
    amara = staff_of(council, name="Amara Okafor")
    jordan = UserFactory(name="Jordan Reid", email="jordan@example.com")
    acting, _ = moderator_named("Priya Shah")
    deciding, secret = moderator_named("Sam Okoro")
    thread, _ = services.start_thread(
        board=board, author=amara, title="Repair cafes", body="Where can I fix a kettle?"
    )
    post = services.reply(thread=thread, author=jordan, body="The library repair cafe, Saturdays.")
    services.hide_post(post=post, moderator=acting, reason="Looks like advertising")

    # Jordan, on a phone, is told why and appeals.
    phone = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
    sign_in(phone, live_server, jordan.email, PASSWORD)
    open_the_bell(phone, 1)
    assert serious_accessibility_violations(phone) == []
    notice = phone.get_by_role("link", name=re.compile("Unread: A moderator hid your post"))
    expect(notice).to_contain_text("You can ask for this to be looked at again")
    follow(notice)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Ask for this to be looked at again")
    expect(phone.locator("main")).to_contain_text("Looks like advertising")
    expect(phone.locator("main")).not_to_contain_text("Priya")
    assert serious_accessibility_violations(phone) == []
    phone.get_by_role("button", name="Send your appeal").click()  # empty: a clear message
    expect(phone.locator(".govuk-error-summary")).to_contain_text("Say why you think")
    phone.get_by_label("Why should a moderator look at this again?").fill(
        "The repair cafe is free and run by volunteers: I was only answering the question."
    )
    phone.get_by_role("button", name="Send your appeal").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your appeal")
    expect(phone.locator("main")).to_contain_text("Waiting for a moderator")
    assert serious_accessibility_violations(phone) == []

    # A different moderator, with two-factor, opens it from the link they were sent.
    mod = browser.new_context().new_page()
    mod.goto(live_server.url + "/accounts/login/")
    mod.get_by_label("Email address").fill(deciding.email)
    mod.get_by_label("Password", exact=True).fill(PASSWORD)
    mod.get_by_role("button", name="Sign in").click()
    mod.get_by_label(re.compile("code", re.I)).fill(current_code(secret))
    mod.get_by_role("button", name=re.compile("sign in|verify|continue", re.I)).click()
    open_the_bell(mod, 1)
    follow(mod.get_by_role("link", name=re.compile("Unread: An appeal is waiting")))
    expect(mod.get_by_role("heading", level=1)).to_have_text("An appeal")
    assert serious_accessibility_violations(mod) == []
    mod.get_by_label("Uphold the appeal: undo the decision").check()
    mod.get_by_label("Reason").fill("A free community cafe is welcome here. Sorry about that.")
    mod.get_by_role("button", name="Send the decision").click()
    expect(mod.locator("main")).to_contain_text("Upheld")
    assert serious_accessibility_violations(mod) == []

    # Jordan is told, and the post is back on the thread.
    phone.goto(live_server.url + "/")
    open_the_bell(phone, 1)
    phone.get_by_role(
        "link", name=re.compile("Unread: A moderator agreed with your appeal")
    ).click()
    expect(phone.locator("main")).to_contain_text("A free community cafe is welcome here.")
    expect(phone.locator("main")).not_to_contain_text("Sam Okoro")
    phone.goto(live_server.url + thread.get_absolute_url())
    expect(phone.locator(f"#post-{post.pk}")).to_contain_text("The library repair cafe")
    assert Post.objects.get(pk=post.pk).hidden_at is None
