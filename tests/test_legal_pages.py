"""The privacy notice, the cookies page and the accessibility statement a council's review
asks for: readable signed out, linked from every page, and saying what this deployment
really does (its controller, its cookies, how long it keeps things)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.checks import Warning
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from forums.models import Board
from forums.services import start_thread
from sociable.checks import deployment_facts
from sociable.notifications.schedule import run_due_jobs
from tests.accounts.factories import signup_timing
from tests.helpers import manage, production_settings, run_tasks

pytestmark = pytest.mark.django_db

LEGAL = ["privacy", "cookies", "accessibility"]
GOOD_PASSWORD = "blue heron at dawn"


def text_of(response) -> str:
    """The page's words, without tags, with runs of spaces made one."""
    assert response.status_code == 200
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def headings(response) -> list[str]:
    """The headings of the page's main content, in order."""
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    found = re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", main, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", h).split()) for h in found]


def test_each_is_readable_signed_out_and_linked_from_every_page(client, client_as, staff_member):
    board = Board.objects.create(name="Open", slug="open", audience="public")
    thread, _ = start_thread(board=board, author=staff_member, title="Bins", body="Which day?")
    signed_out = [reverse(name) for name in ["home", *LEGAL, "account_login"]]
    signed_out.append(thread.get_absolute_url())

    for address in signed_out:
        response = client.get(address)
        assert response.status_code == 200, address
        for name in LEGAL:
            assert f'class="govuk-footer__link" href="{reverse(name)}"' in (
                response.content.decode()
            ), (address, name)
    signed_in = client_as(staff_member).get(reverse("profiles:my-data")).content.decode()
    assert all(f'href="{reverse(name)}"' in signed_in for name in LEGAL)


def test_the_privacy_notice_names_this_deployments_controller_and_how_to_reach_it(client, settings):
    settings.SOCIABLE_CONTROLLER_NAME = "Leodis City Council"
    settings.SOCIABLE_CONTROLLER_ADDRESS = "Civic Hall, Leodis LS1 1UR"
    settings.SOCIABLE_CONTROLLER_ICO_NUMBER = "Z5555555"
    settings.SOCIABLE_PRIVACY_EMAIL = "data.protection@leodis.example"
    settings.SOCIABLE_DPO_EMAIL = "dpo@leodis.example"

    page = client.get(reverse("privacy"))
    text = text_of(page)

    assert "Leodis City Council runs Sociable" in text
    assert "data controller" in text and "Z5555555" in text
    assert "Civic Hall, Leodis LS1 1UR" in text
    assert 'href="mailto:data.protection@leodis.example"' in page.content.decode()
    assert 'href="mailto:dpo@leodis.example"' in page.content.decode()
    assert "Kirkfield" not in text  # nothing of the demo's council
    # Articles 13 and 14: what, where from, why and on what basis, who, how long, rights,
    # complaining to the ICO.
    assert headings(page)[1:] == [
        "Who is responsible for your information",
        "What we hold about you",
        "Your account",
        "Your profile",
        "What you do in Sociable",
        "What others record about you",
        "Technical information",
        "Where your information comes from",
        "Why we use it, and our lawful basis",
        "Who can see it, and who receives it",
        "How long we keep it",
        "Your rights, and how to use them",
        "How to complain",
    ]
    assert "article 6(1)(e)" in text and "HR records" in text
    assert f'href="{reverse("profiles:my-data")}"' in page.content.decode()
    assert 'href="https://ico.org.uk/make-a-complaint/"' in page.content.decode()


def test_the_privacy_notice_says_how_long_this_deployment_keeps_things(client, settings):
    settings.SESSION_COOKIE_AGE = 3 * 24 * 3600
    settings.PAGE_CACHE_SECONDS = 45
    settings.SOCIABLE_LOG_RETENTION_DAYS = 14
    settings.SOCIABLE_BACKUP_RETENTION_DAYS = 28

    text = text_of(client.get(reverse("privacy")))

    assert "about 3 days after you sign in. Expired ones are removed every night." in text
    assert "At most 45 seconds" in text
    assert "Servers’ logs 14 days." in text
    assert "Backups of the database 28 days" in text
    assert "every 6 months" in text  # the reminder to check your profile


def test_the_privacy_notice_names_gov_uk_notify_only_when_it_sends_the_emails(client, settings):
    settings.NOTIFY_API_KEY = ""
    by_smtp = text_of(client.get(reverse("privacy")))
    settings.NOTIFY_API_KEY = "sociable-" + "0" * 36 + "-" + "1" * 36
    by_notify = text_of(client.get(reverse("privacy")))

    assert "GOV.UK Notify" not in by_smtp and "our email service" in by_smtp
    assert "GOV.UK Notify, run by the Government Digital Service" in by_notify
    assert "keeps them for 7 days" in by_notify


def cookies_listed(client) -> set[str]:
    html = client.get(reverse("cookies")).content.decode()
    return set(re.findall(r'<code class="sociable-cookie-name">([^<]+)</code>', html))


def cookies_set_by_a_journey(council) -> dict:
    """Every cookie the site sets while someone signs up, confirms, signs out, signs in
    ("Keep me signed in"), saves their profile and reads: {name: the cookie}."""
    client, seen = Client(), {}

    def remember(response):
        seen.update({name: morsel for name, morsel in response.cookies.items() if morsel.value})
        return response

    for address in [reverse("home"), reverse("privacy"), reverse("profiles:directory")]:
        remember(client.get(address))
    assert seen == {}, "looking around signed out sets no cookie"
    remember(client.get(reverse("account_signup")))
    remember(
        client.post(
            reverse("account_signup"),
            {
                "name": "Sam Taylor",
                "email": "sam@council.example.gov.uk",
                "password1": GOOD_PASSWORD,
                "password2": GOOD_PASSWORD,
                **signup_timing(),
            },
        )
    )
    link = re.search(r"(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body).group(1)
    remember(client.post(link, follow=True))
    remember(client.post(reverse("account_logout")))
    remember(
        client.post(
            reverse("account_login"),
            {"login": "sam@council.example.gov.uk", "password": GOOD_PASSWORD, "remember": "on"},
            follow=True,
        )
    )
    remember(client.post(reverse("notifications:mark-all-read")))  # a message to show
    remember(client.get(reverse("notifications:list")))
    return seen


def test_every_cookie_the_site_sets_is_on_the_cookies_page(client, council):
    seen = cookies_set_by_a_journey(council)

    assert set(seen) == {"sessionid", "csrftoken", "messages"}
    assert cookies_listed(client) == set(seen)
    for morsel in seen.values():
        assert morsel["httponly"] and morsel["samesite"] == "Lax"
    assert seen["sessionid"]["max-age"] == 14 * 24 * 3600  # "Keep me signed in": 2 weeks
    text = text_of(client.get(reverse("cookies")))
    assert "after 2 weeks if you choose “Keep me signed in on this device”" in text
    assert "After 52 weeks." in text  # the form cookie


def test_the_cookies_page_uses_the_names_production_gives_them(client, council, settings):
    settings.SESSION_COOKIE_NAME = "__Secure-sessionid"
    settings.CSRF_COOKIE_NAME = "__Secure-csrftoken"

    seen = cookies_set_by_a_journey(council)

    assert set(seen) == {"__Secure-sessionid", "__Secure-csrftoken", "messages"}
    assert cookies_listed(client) == set(seen)


def test_the_accessibility_statement_has_every_section_of_the_model_statement(client, settings):
    settings.SOCIABLE_CONTROLLER_NAME = "Leodis City Council"
    settings.SOCIABLE_ACCESSIBILITY_EMAIL = "access@leodis.example"
    settings.SOCIABLE_ACCESSIBILITY_PHONE = ""
    settings.SOCIABLE_ACCESSIBILITY_REPLY_DAYS = 10

    page = client.get(reverse("accessibility"))
    text = text_of(page)

    assert headings(page) == [
        "Accessibility statement for Sociable",
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website’s accessibility",
        "Compliance status",
        "Non-accessible content",
        "Non-compliance with the accessibility regulations",
        "Disproportionate burden",
        "Content that’s not within the scope of the accessibility regulations",
        "How we tested this website",
        "Preparation of this accessibility statement",
    ]
    assert "This accessibility statement applies to Sociable at http://testserver" in text
    assert "This website is run by Leodis City Council." in text
    assert 'href="mailto:access@leodis.example"' in page.content.decode()
    assert "get back to you in 10 working days" in text and "by phone" not in text
    assert "Equality and Human Rights Commission (EHRC)" in text
    assert "Equality Advisory and Support Service (EASS)" in text
    assert "Equality Commission for Northern Ireland (ECNI)" in text
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2" in text
    assert re.search(r"This statement was prepared on \d{1,2} \w+ 20\d\d\.", text)
    assert re.search(r"This website was last tested on \d{1,2} \w+ 20\d\d", text)


def test_the_accessibility_statement_claims_nothing_sociable_does_not_do(client):
    text = text_of(client.get(reverse("accessibility")))

    # Never tested with these; posts can hold no images to describe; not all of it is tested.
    for claim in ["JAWS", "NVDA", "VoiceOver", "describe images", "the whole site"]:
        assert claim not in text
    assert "has not yet been tested by people using screen readers" in text


def test_going_live_without_saying_who_the_controller_is_is_flagged(settings):
    settings.SOCIABLE_CONTROLLER_NAME = ""
    settings.SOCIABLE_DPO_EMAIL = " "

    found = deployment_facts(None)

    assert [(w.id, w.hint) for w in found] == [
        ("sociable.W001", "Set CONTROLLER_NAME in the environment (docs/deployment.md)."),
        ("sociable.W001", "Set DPO_EMAIL in the environment (docs/deployment.md)."),
    ]
    assert all(isinstance(w, Warning) for w in found)


def test_production_settings_have_no_demo_controller(settings):
    env = production_settings(host="sociable.example.gov.uk")
    del env["CONTROLLER_NAME"], env["DPO_EMAIL"]
    result = manage("check", "--deploy", env=env, drop=("CONTROLLER_NAME", "DPO_EMAIL"))

    assert "CONTROLLER_NAME" in result.stderr + result.stdout
    assert "DPO_EMAIL" in result.stderr + result.stdout


def test_expired_sessions_are_removed_every_night(client_as, staff_member):
    client_as(staff_member)  # a live session
    Session.objects.create(
        session_key="x" * 32,
        session_data="",
        expire_date=timezone.now() - timedelta(minutes=1),
    )

    evening = datetime(2026, 11, 23, 23, 31, tzinfo=ZoneInfo("Europe/London"))
    assert "expired_sessions" in run_due_jobs(evening)
    run_tasks()

    assert not Session.objects.filter(session_key="x" * 32).exists()
    assert Session.objects.count() == 1
