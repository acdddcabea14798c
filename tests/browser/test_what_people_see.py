"""What people see, checked in a real browser: the header at desktop and phone widths, a
thread's reactions, and the admin's moderation log, each scanned with axe-core."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Group as AuthGroup
from django.test import Client
from playwright.sync_api import expect

from forums.models import Board, ModerationLog, Reaction
from forums.services import reply, set_thread_flag, start_thread
from sociable.accounts.models import User
from tests.accounts.factories import OrganisationFactory, UserFactory, add_totp, staff_of
from tests.browser.conftest import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONES = [{"width": 390, "height": 844}, {"width": 320, "height": 640}]


def signed_in(browser, live_server, user, viewport):
    """A browser page signed in as ``user`` (a session made by Django's test client)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def rows_of(page, selector: str) -> int:
    """How many lines the items matching ``selector`` take up."""
    return page.evaluate(
        """(selector) => new Set([...document.querySelectorAll(selector)]
            .map(item => Math.round(item.getBoundingClientRect().top))).size""",
        selector,
    )


def test_the_signed_in_menu_keeps_to_one_line_at_1280_and_fits_a_phone(live_server, browser):
    council = OrganisationFactory(name="Kirkfield City Council", domain="council.example")
    person = staff_of(council, name="Amara Okafor")
    User.objects.filter(pk=person.pk).update(unread_notifications=99)

    page = signed_in(browser, live_server, person, DESKTOP)
    page.goto(live_server.url + "/people/")
    assert rows_of(page, ".govuk-service-navigation__item") == 1
    expect(page.get_by_role("navigation", name="Your account")).to_be_visible()
    assert serious_accessibility_violations(page) == []

    for viewport in PHONES:
        page = signed_in(browser, live_server, person, viewport)
        page.goto(live_server.url + "/people/")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"nothing may scroll sideways at {viewport['width']} px"
        account = page.get_by_role("navigation", name="Your account")
        expect(account.get_by_role("button", name="Sign out")).to_be_visible()
        expect(page.get_by_role("button", name="Menu")).to_be_visible()
        assert serious_accessibility_violations(page) == []
        account.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("link", name="Sign in").first).to_be_attached()


def test_your_reactions_look_pressed_and_say_so(live_server, browser):
    council = OrganisationFactory(name="Kirkfield City Council", domain="council.example")
    author, reader = staff_of(council, name="Amara Okafor"), staff_of(council, name="Tom Lee")
    board = Board.objects.create(name="Staff room", slug="staff-room", audience="staff")
    thread, opening = start_thread(board=board, author=author, title="Bins", body="Which day?")
    answer = reply(thread=thread, author=reader, parent=opening, body="Tuesdays.")

    for viewport in [DESKTOP, *PHONES[:1]]:
        Reaction.objects.get_or_create(post=opening, user=reader, kind="thanks")
        page = signed_in(browser, live_server, reader, viewport)
        page.goto(live_server.url + thread.get_absolute_url())
        first = page.locator(f"#post-{opening.pk} > article")
        thanks = first.get_by_role("button", name="Thanks for this post")
        expect(thanks).to_have_attribute("aria-pressed", "true")
        expect(first.get_by_role("button", name="Helpful for this post")).to_have_attribute(
            "aria-pressed", "false"
        )
        expect(first).to_contain_text("1 person said thanks")
        # The reply is a list item inside the opening post's, and says whom it answers.
        expect(page.locator(f"#post-{opening.pk} ol > #post-{answer.pk}")).to_have_count(1)
        expect(page.locator(f"#post-{answer.pk}")).to_contain_text("Reply to Amara Okafor’s post")
        pressed = thanks.evaluate("b => getComputedStyle(b).backgroundColor")
        assert pressed == "rgb(16, 97, 101)", "a pressed reaction is filled in"
        assert serious_accessibility_violations(page) == []

        thanks.click()  # takes it back
        expect(
            page.locator(f"#post-{opening.pk} > article").get_by_role(
                "button", name="Thanks for this post"
            )
        ).to_have_attribute("aria-pressed", "false")


def test_the_admins_moderation_log_passes_axe(live_server, browser):
    moderator = UserFactory(name="Priya Shah", is_staff=True)
    moderator.groups.add(AuthGroup.objects.get(name="Moderators"))
    add_totp(moderator)
    board = Board.objects.create(name="Open", slug="open", audience="public")
    moderator.moderated_boards.set([board])
    thread, _ = start_thread(board=board, author=moderator, title="Bins", body="Which day?")
    set_thread_flag(thread=thread, moderator=moderator, flag="is_locked", on=True)
    assert ModerationLog.objects.exists()

    page = signed_in(browser, live_server, moderator, DESKTOP)
    for address in ["/admin/forums/moderationlog/", "/admin/forums/moderationlog/?action=lock"]:
        page.goto(live_server.url + address)
        expect(page.locator("div.breadcrumbs")).to_contain_text("Moderation logs")
        assert serious_accessibility_violations(page) == []


def test_the_privacy_cookies_and_accessibility_pages_work_signed_out_on_any_screen(
    live_server, browser
):
    for viewport in [DESKTOP, *PHONES]:
        page = browser.new_context(viewport=viewport).new_page()
        page.goto(live_server.url + "/")
        for name in ["Privacy", "Cookies", "Accessibility statement"]:
            page.get_by_role("contentinfo").get_by_role("link", name=name, exact=True).click()
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways at {viewport['width']} px"
            assert serious_accessibility_violations(page) == []
