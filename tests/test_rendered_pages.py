"""No page shows template syntax: every page type, rendered with the demo partnership's data,
signed out and as each of the README's demo people (tests/site_pages.py finds the pages)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.management import call_command
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from sociable.accounts.models import User
from sociable.demo_credentials import DEMO_PASSWORD
from sociable.templatetags.machine_readable import tel_uri
from tests import site_pages
from tests.site_pages import Fetched, Page

# What the template language would have replaced, had it been written right: {{ }}, {% %},
# {# #}. Nothing the site renders (user text, Markdown, scripts) uses these pairs.
TEMPLATE_SYNTAX = re.compile(r"\{[{%#]|[}%#]\}")


def fetcher(client: Client):
    def fetch(url: str) -> Fetched:
        response = client.get(url, follow=True)
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        return Fetched(
            url=final,
            status=response.status_code,
            content_type=response.get("Content-Type", ""),
            html=response.content.decode(),
        )

    return fetch


def sign_in(client: Client, email: str) -> list[Page]:
    """Sign in through allauth's form (and its two-factor step); return the pages shown."""
    response = client.post(
        reverse("account_login"), {"login": email, "password": DEMO_PASSWORD}, follow=True
    )
    shown = []
    if response.redirect_chain and response.redirect_chain[-1][0] == reverse("mfa_authenticate"):
        shown.append(Page("mfa_authenticate", reverse("mfa_authenticate"), 200, response.text))
        client.post(reverse("mfa_authenticate"), {"code": site_pages.demo_totp_code()})
    assert "_auth_user_id" in client.session, f"{email} could not sign in"
    # Confirm the password again, as allauth asks before two-factor settings change.
    client.post(reverse("account_reauthenticate"), {"password": DEMO_PASSWORD})
    return shown


@pytest.fixture(scope="module")
def crawls(django_db_setup, django_db_blocker) -> dict[str | None, site_pages.Crawl]:
    """Seed the demo, crawl it as each viewer (two pages of each kind), and roll it all back."""
    found = {}
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True)
        for email in site_pages.VIEWERS:
            client = Client()
            user, shown = None, []
            if email is not None:
                user = User.objects.get(email=email)
                shown = sign_in(client, email)
            found[email] = site_pages.crawl(
                fetcher(client), site_pages.start_urls(user), per_kind=2
            )
            found[email].pages[:0] = shown
        transaction.set_rollback(True)
    return found


def template_syntax(page: Page) -> list[str]:
    return [
        f"{page.url} ({page.route}): ...{page.html[max(0, m.start() - 40) : m.end() + 40]!r}..."
        for m in TEMPLATE_SYNTAX.finditer(page.html)
    ]


@pytest.mark.parametrize("email", site_pages.VIEWERS, ids=lambda e: (e or "signed-out")[:6])
def test_no_page_shows_template_syntax(crawls, email):
    crawl = crawls[email]

    assert len(crawl.pages) > 30
    assert [found for page in crawl.pages for found in template_syntax(page)] == []


def test_the_crawl_reaches_every_page_type(crawls):
    """Signed out and as the demo people, every named page is visited (or is no page)."""
    assert site_pages.unreached(crawls.values()) == set()
    statuses = {page.status for crawl in crawls.values() for page in crawl.pages}
    assert statuses == {200, 403, 404}


# HTML's forms of the machine-readable values pages carry (the Nu HTML checker, in
# tests/browser/test_every_page.py, checks everything; this runs without Java).
TIME = re.compile(r'<time datetime="([^"]*)"')
VALID_TIME = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d))?")
TEL = re.compile(r'href="(tel:[^"]*)"')
VALID_TEL = re.compile(r"tel:\+?\d+(;ext=\d+)?")


def test_dates_and_phone_links_are_written_as_html_allows(crawls):
    pages = [page for crawl in crawls.values() for page in crawl.pages]
    times = [(page.url, value) for page in pages for value in TIME.findall(page.html)]
    phones = [(page.url, value) for page in pages for value in TEL.findall(page.html)]

    assert len(times) > 100 and len(phones) > 2
    assert [(url, value) for url, value in times if not VALID_TIME.fullmatch(value)] == []
    assert [(url, value) for url, value in phones if not VALID_TEL.fullmatch(value)] == []


@pytest.mark.parametrize(
    ("written", "link"),
    [
        ("0113 496 0152", "tel:01134960152"),
        ("+44 (0)113 496 0152", "tel:+441134960152"),
        ("0113-496-0152 ext. 23", "tel:01134960152;ext=23"),
        ("ask at reception", ""),  # shown as text, not as a link
    ],
)
def test_a_phone_number_becomes_a_link_without_spaces(written, link):
    assert tel_uri(written) == link


@pytest.mark.django_db
def test_the_error_pages_show_no_template_syntax():
    request = RequestFactory().get("/")
    pages = [
        defaults.bad_request(request, SuspiciousOperation()),
        defaults.server_error(request),
    ]

    for response in pages:
        html = response.content.decode()
        assert response.status_code in {400, 500} and "</html>" in html
        assert TEMPLATE_SYNTAX.findall(html) == []


def test_no_template_has_a_comment_django_would_print():
    """{# #} only works on one line; a longer comment needs {% comment %}."""
    folders = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]
    unclosed = [
        f"{path}:{number}"
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\{#(?!.*#\})", line)
    ]

    assert unclosed == []
