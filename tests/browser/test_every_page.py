"""Every page type of the demo, signed out and as each README demo person, in Chromium:
axe-core finds no violation on any page, and the W3C Nu HTML checker no error in any.

The demo partnership is seeded (`seed_demo`) into the test database; tests/site_pages.py
finds the pages by following links, keeping one of each kind per viewer. axe runs on each
page as it is shown; the HTML the server sent is kept, and one run of the Nu HTML checker
(vnu.jar, installed by `npm ci` in tests/browser/vnu; it needs Java) checks all of it at the
end. Django admin pages are scanned with axe but not given to the checker: Django's own
admin markup has errors of its own (empty elements, unknown attributes) that we do not write.
"""

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.exceptions import SuspiciousOperation
from django.core.management import call_command
from django.test import RequestFactory
from django.views import defaults

from sociable.accounts.models import User
from sociable.demo_credentials import DEMO_PASSWORD
from tests import site_pages
from tests.helpers import missing_tool
from tests.site_pages import Fetched, Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VNU_JAR = Path(__file__).parent / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Lists of our own models in the admin that axe scans as well as the index and the lists in
# site_pages.ADMIN_PAGES (Django's add and change forms are Django's markup, not ours).
ADMIN_LISTS = [
    "/admin/accounts/user/",
    "/admin/profiles/profile/",
    "/admin/groups/group/",
    "/admin/groups/event/",
    "/admin/forums/board/",
    "/admin/forums/thread/",
    "/admin/forums/post/",
    "/admin/forums/moderationlog/",
]

_axe = Axe()


def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        missing_tool("Java is not installed (sudo apt install default-jre-headless)")
    if not VNU_JAR.exists():
        missing_tool("The Nu HTML checker is not installed (cd tests/browser/vnu && npm ci)")
    return [java, "-jar", str(VNU_JAR), "--errors-only", "--no-langdetect", "--format", "json"]


def content_key(html: str) -> str:
    """What axe would see of a page apart from the header and the form tokens: two viewers
    who get the same (an account page, a search with no results) need only one scan."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'<header class="govuk-template__header">.*?</header>', "", html, flags=re.S)
    return hashlib.sha256(html.encode()).hexdigest()


class Visitor:
    """One viewer in one browser context: shows pages, runs axe, keeps what was sent."""

    def __init__(self, browser, base_url: str, who: str, scanned: set[str]):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.base_url = base_url
        self.who = who
        self.scanned = scanned  # content_key of every page axe has seen, for every viewer
        self.pages: list[Page] = []
        self.violations: list[str] = []

    def fetch(self, url: str) -> Fetched:
        response = self.page.goto(self.base_url + url)
        return Fetched(
            url=self.page.url.removeprefix(self.base_url),
            status=response.status,
            content_type=response.headers.get("content-type", ""),
            html=response.text(),
        )

    def check(self, page: Page) -> None:
        """Run axe on the page now shown (once per content); keep its HTML for the checker."""
        self.pages.append(page)
        key = content_key(page.html)
        if key in self.scanned:
            return
        self.scanned.add(key)
        for violation in _axe.run(self.page).response["violations"]:
            targets = [node["target"] for node in violation["nodes"]]
            self.violations.append(
                f"{self.who} {page.url}: {violation['id']} ({violation['impact']}): "
                f"{violation['help']} at {targets[:3]}"
            )

    def show(self, url: str) -> None:
        fetched = self.fetch(url)
        route = site_pages.route_name(fetched.url) or ""
        self.check(Page(route, fetched.url, fetched.status, fetched.html))

    def sign_in(self, email: str) -> None:
        """Sign in through the real pages, with two-factor where the person has it, then
        confirm the password again (allauth asks before two-factor settings change)."""
        self.page.goto(self.base_url + "/accounts/login/")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()
        if "/accounts/2fa/authenticate/" in self.page.url:
            self.show("/accounts/2fa/authenticate/")
            self.page.get_by_label("Code").fill(site_pages.demo_totp_code())
            self.page.get_by_role("button", name="Continue").click()
            self.page.wait_for_load_state()
        assert "/accounts/" not in self.page.url, f"{email} could not sign in"
        self.page.goto(self.base_url + "/accounts/reauthenticate/")
        self.page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        self.page.get_by_role("button", name="Continue").click()
        self.page.wait_for_load_state()

    def show_error_pages(self) -> None:
        """The 400 and 500 pages as Django's handlers render them, served at made-up
        addresses (the test server cannot be made to fail on purpose)."""
        request = RequestFactory().get("/")
        for response in [
            defaults.bad_request(request, SuspiciousOperation()),
            defaults.server_error(request),
        ]:
            url = f"/__error_{response.status_code}__/"
            self.page.route(self.base_url + url, _fulfil_with(response))
            self.page.goto(self.base_url + url)
            page = Page(str(response.status_code), url, response.status_code, response.text)
            self.check(page)

    def show_skill_merge(self) -> None:
        """The admin's skill merge page (our template): pick two skills, choose the action."""
        self.page.goto(self.base_url + "/admin/profiles/skill/")
        self.page.locator("input[name=_selected_action]").nth(0).check()
        self.page.locator("input[name=_selected_action]").nth(1).check()
        self.page.locator("select[name=action]").select_option("merge")
        with self.page.expect_navigation() as navigation:
            self.page.locator("button[name=index]").click()
        page = Page("admin:merge", "/admin/profiles/skill/ (merge)", 200, navigation.value.text())
        self.check(page)

    def close(self) -> None:
        self.context.close()


def _fulfil_with(response):
    def fulfil(route, request):
        route.fulfill(
            status=response.status_code,
            content_type=response["Content-Type"],
            body=response.content,
        )

    return fulfil


def html_errors(pages: list[tuple[str, Page]], folder: Path) -> list[str]:
    """Check every page with one run of the Nu HTML checker; its errors, each with its page."""
    names = {}
    for number, (who, page) in enumerate(pages):
        path = folder / f"{number:04d}.html"
        path.write_text(page.html)
        names[path.name] = f"{who} {page.url}"
    result = subprocess.run(  # noqa: S603 - our own fixed command
        [*vnu_command(), *sorted(str(folder / name) for name in names)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr)["messages"]  # with --format json it writes there
    return [
        f"{names.get(Path(m.get('url', '')).name, m.get('url'))} line {m.get('lastLine')}: "
        f"{m['message']} [{m.get('extract', '').strip()}]"
        for m in messages
        if m["type"] in {"error", "non-document-error"}
    ]


def test_every_page_passes_axe_and_the_nu_html_checker(live_server, browser, tmp_path):
    vnu_command()  # skip (or fail in CI) before the slow part when the checker is missing
    call_command("seed_demo", force=True)

    scanned: set[str] = set()
    violations: list[str] = []
    shown: list[tuple[str, Page]] = []
    for email in site_pages.VIEWERS:
        who = (email or "signed-out").split("@")[0]
        visitor = Visitor(browser, live_server.url, who, scanned)
        user = None
        if email is None:
            visitor.show_error_pages()
        else:
            user = User.objects.get(email=email)
            visitor.sign_in(email)
        start = site_pages.start_urls(user)
        if user is not None and user.is_superuser:
            start += ADMIN_LISTS
        site_pages.crawl(visitor.fetch, start, per_kind=1, visit=visitor.check)
        if user is not None and user.is_superuser:
            visitor.show_skill_merge()
        visitor.close()
        violations += visitor.violations
        shown += [(who, page) for page in visitor.pages]

    assert site_pages.unreached([site_pages.Crawl(pages=[page for _, page in shown])]) == set()
    ours = [(who, page) for who, page in shown if not page.route.startswith("admin:")]
    errors = html_errors(ours, tmp_path)
    problems = [f"axe: {line}" for line in violations] + [f"Nu: {line}" for line in errors]
    if problems:
        pytest.fail(
            f"{len(violations)} axe violations on {len(shown)} pages and {len(errors)} "
            f"HTML errors on {len(ours)} pages:\n" + "\n".join(problems),
            pytrace=False,
        )
