"""Signing in with your organisation's account, end to end, against a real OpenID provider.

tests/oidc_provider/server.js runs node-oidc-provider (an OpenID-certified
implementation) on 127.0.0.1 with two "tenants": Kirkfield Council's directory,
and an impostor that answers at its own address but signs tokens in the
council's name. Each test drives the whole flow with ``requests`` as a browser
would: the button on Sociable's sign-in page, the provider's sign-in and consent
forms, and back to Sociable's callback on the live server.
"""

import html
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from sociable.accounts.models import OrganisationSignIn, User
from tests.accounts.factories import UserFactory
from tests.helpers import missing_tool

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc_provider"
TENANT_A = "6f1d2c7e-0000-4a8b-9c1d-00000000000a"
TENANT_B = "9b3e4f5a-0000-4c2d-8e6f-00000000000b"
CLIENT_ID = "sociable-council"
CLIENT_SECRET = "a-client-secret-for-tests-only"
TIMEOUT = 10  # seconds, for every request and for the provider to start

ACCOUNTS = {
    # Council staff in the council's own directory.
    "alice": {
        "email": "alice.adeyemi@council.example.gov.uk",
        "email_verified": True,
        "name": "Alice Adeyemi",
        "preferred_username": "alice.adeyemi@council.example.gov.uk",
        "tid": TENANT_A,
    },
    # Someone from another directory (tenant), even with a council-looking address.
    "visitor": {
        "email": "visitor@council.example.gov.uk",
        "email_verified": True,
        "name": "Vic Itor",
        "tid": TENANT_B,
    },
    # Council staff whose directory address is not at a council domain.
    "dee": {
        "email": "dee@mail.example",
        "email_verified": True,
        "name": "Dee Okoro",
        "tid": TENANT_A,
    },
    # Council staff who already have a Sociable account with a password.
    "sam": {
        "email": "sam.taylor@council.example.gov.uk",
        "name": "Sam Taylor",
        "tid": TENANT_A,
    },
}


def _node_or_stop() -> str:
    node = shutil.which("node")
    if node is None:
        problem = (
            "Node.js is not installed (sudo apt install nodejs npm); the organisation "
            "sign-in tests run a real OpenID provider with it"
        )
    elif not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        problem = "tests/oidc_provider has no node_modules: run `make test`, or `npm ci` there"
    else:
        return node
    missing_tool(problem)


@pytest.fixture(scope="session")
def oidc_provider(live_server):
    """Start the provider on a free loopback port; return its origin (http://127.0.0.1:PORT)."""
    node = _node_or_stop()
    callback = f"{live_server.url}/accounts/oidc/council/login/callback/"
    client = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [callback]}
    config = {
        "tenants": [
            {"path": "/tenant-a", "clients": [client], "accounts": ACCOUNTS},
            {
                "path": "/impostor",
                "issuer_path": "/tenant-a",
                "clients": [client],
                "accounts": ACCOUNTS,
            },
        ]
    }
    env = {**os.environ, "OIDC_TEST_CONFIG": json.dumps(config), "OIDC_TEST_MAX_SECONDS": "300"}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # noqa: S603 - a fixed command line
            [node, "server.js"],
            cwd=PROVIDER_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        )
        try:
            ready, _, _ = select.select([process.stdout], [], [], TIMEOUT)
            line = process.stdout.readline() if ready else b""
            if not line:
                process.kill()
                process.wait(TIMEOUT)
                log.seek(0)
                pytest.fail(f"the OpenID provider did not start:\n{log.read().decode()}")
            yield json.loads(line)["origin"]
        finally:
            process.stdin.close()  # the server stops when its input closes
            try:
                process.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(TIMEOUT)


@pytest.fixture
def council_sign_in(council, oidc_provider):
    return OrganisationSignIn.objects.create(
        organisation=council,
        issuer=f"{oidc_provider}/tenant-a",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        tenant_id=TENANT_A,
    )


SIGN_IN_FORM = re.compile(
    r'<form method="post" action="(?P<action>[^"]+)" class="sociable-organisation-sign-in">'
    r'.*?name="csrfmiddlewaretoken" value="(?P<csrf>[^"]+)"'
    r".*?<button[^>]*>\s*(?P<label>[^<]*?)\s*</button>",
    re.S,
)


def form_action(page: requests.Response) -> str:
    match = re.search(r'<form[^>]* action="([^"]+)"', page.text)
    assert match, page.text
    return html.unescape(match.group(1))


def sign_in_with_organisation(
    live_server, account: str, button: str = "Sign in with Kirkfield City Council"
) -> tuple[requests.Session, requests.Response]:
    """Press the organisation's button, sign in and consent at the provider; return the end."""
    browser = requests.Session()
    login_page = browser.get(f"{live_server.url}/accounts/login/", timeout=TIMEOUT)
    forms = {m["label"]: m for m in SIGN_IN_FORM.finditer(login_page.text)}
    assert button in forms, f"no '{button}' button on the sign-in page: {list(forms)}"
    form = forms[button]

    provider_login = browser.post(
        urljoin(login_page.url, html.unescape(form["action"])),
        data={"csrfmiddlewaretoken": form["csrf"]},
        timeout=TIMEOUT,
    )
    assert 'name="prompt" value="login"' in provider_login.text, provider_login.text
    consent = browser.post(
        form_action(provider_login),
        data={"prompt": "login", "login": account, "password": "any password"},
        timeout=TIMEOUT,
    )
    assert 'name="prompt" value="consent"' in consent.text, consent.text
    back = browser.post(form_action(consent), data={"prompt": "consent"}, timeout=TIMEOUT)
    assert back.url.startswith(live_server.url), back.url
    return browser, back


def is_signed_in(browser: requests.Session, live_server) -> bool:
    """Whether a page that needs signing in loads (rather than sending to the sign-in page)."""
    page = browser.get(f"{live_server.url}/accounts/email/", timeout=TIMEOUT)
    return page.status_code == 200 and "/accounts/login/" not in page.url


def test_staff_sign_in_with_their_organisations_account_and_become_its_staff(
    live_server, council, council_sign_in
):
    browser, back = sign_in_with_organisation(live_server, "alice")

    assert back.status_code == 200
    assert back.url == f"{live_server.url}/"
    assert is_signed_in(browser, live_server)
    alice = User.objects.get(email="alice.adeyemi@council.example.gov.uk")
    assert alice.organisation == council
    assert alice.name == "Alice Adeyemi"
    assert alice.username == "alice-adeyemi", "readable, not the directory's user name"
    assert not alice.has_usable_password()
    assert EmailAddress.objects.get(user=alice).verified, "at a council domain: trusted"
    assert SocialAccount.objects.get(user=alice).provider == "council"


def test_an_account_from_another_tenant_is_refused_and_nothing_is_created(
    live_server, council_sign_in, caplog
):
    people_before = User.objects.count()

    browser, back = sign_in_with_organisation(live_server, "visitor")

    assert back.status_code == 403
    assert "You cannot sign in with that account" in back.text
    assert "belongs to a different organisation" in back.text
    assert User.objects.count() == people_before
    assert not SocialAccount.objects.exists()
    assert not is_signed_in(browser, live_server)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "other_tenant" in logged
    assert "visitor" not in logged, "no names or addresses in the log"


def test_tokens_from_an_issuer_other_than_the_organisations_are_refused(
    live_server, council_sign_in, oidc_provider
):
    # The server at the configured address signs its tokens as another issuer.
    council_sign_in.issuer = f"{oidc_provider}/impostor"
    council_sign_in.save()

    browser, back = sign_in_with_organisation(live_server, "alice")

    assert back.status_code == 403
    assert "did not confirm that this account belongs to" in back.text
    assert not User.objects.filter(email="alice.adeyemi@council.example.gov.uk").exists()
    assert not is_signed_in(browser, live_server)


def test_an_address_outside_the_organisations_domains_must_still_be_confirmed(
    live_server, council, council_sign_in
):
    browser, back = sign_in_with_organisation(live_server, "dee")

    assert "Check your email" in back.text
    assert not is_signed_in(browser, live_server)
    dee = User.objects.get(email="dee@mail.example")
    assert not EmailAddress.objects.get(user=dee).verified, "the directory's word is not enough"
    assert dee.organisation == council, "signed in through the council's directory"


def test_an_existing_account_with_the_same_work_address_is_linked_not_duplicated(
    live_server, council, council_sign_in
):
    sam = UserFactory(name="Sam Taylor", email="sam.taylor@council.example.gov.uk")

    browser, back = sign_in_with_organisation(live_server, "sam")

    assert back.url == f"{live_server.url}/"
    assert is_signed_in(browser, live_server)
    assert User.objects.filter(email__iexact=sam.email).count() == 1
    assert SocialAccount.objects.get(provider="council").user == sam
    sam.refresh_from_db()
    assert sam.organisation == council
    assert sam.has_usable_password(), "a verified account keeps its password"


def test_an_existing_account_at_another_domain_is_not_taken_over(live_server, council_sign_in):
    someone = UserFactory(name="Someone Else", email="dee@mail.example")

    browser, back = sign_in_with_organisation(live_server, "dee")

    assert not is_signed_in(browser, live_server)
    assert not SocialAccount.objects.filter(user=someone).exists()
    assert User.objects.filter(email__iexact="dee@mail.example").count() == 1
    someone.refresh_from_db()
    assert someone.has_usable_password()
    assert someone.organisation is None
