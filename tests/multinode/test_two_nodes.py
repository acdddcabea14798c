"""Two web nodes, one PostgreSQL and one Redis: nothing depends on which node answers.

Two gunicorn processes run the production settings on two loopback ports against this test's
database and a private redis-server, as two web machines behind one load balancer would.
Every request carries what that load balancer sends: the site's own Host (127.0.0.1, whatever
the node's port) and ``X-Forwarded-Proto: https``, since it ends TLS; a small Browser keeps
the cookies a real browser would, for the one site, across both nodes.
"""

import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, override_settings

from groups.models import RSVP
from sociable.accounts.models import User
from tests.accounts.factories import PASSWORD, staff_of
from tests.groups.factories import make_event, make_group
from tests.helpers import missing_tool, production_settings

ROOT = Path(__file__).resolve().parents[2]
SITE = "127.0.0.1"  # the Host the load balancer passes on to both nodes
SECRET_KEY = secrets.token_urlsafe(64)  # one key for both nodes, as in any deployment
SESSION_COOKIE = "__Secure-sessionid"  # the production cookie names
CSRF_COOKIE = "__Secure-csrftoken"
WAIT = 30  # seconds, at most, for a server to start
TOO_MANY = "Too many failed login attempts"
EDIT = "/people/me/edit/"  # a page only signed-in people get

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("empty_security_store"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen, how: int = signal.SIGTERM) -> None:
    """Stop a server (gunicorn's quick shutdown is SIGINT), waiting a bounded time."""
    if process.poll() is None:
        process.send_signal(how)
    wait_or_kill(process)


def wait_or_kill(process: subprocess.Popen) -> None:
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def redis_server_path() -> str:
    path = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(path).exists():
        missing_tool("redis-server is not installed (sudo apt install redis-server)")
    return path


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A private Redis on a free loopback port, keeping nothing on disk."""
    binary = redis_server_path()
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
    command += ["no", "--dir", str(folder), "--logfile", str(folder / "redis.log")]
    process = subprocess.Popen(command, start_new_session=True)  # noqa: S603
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url, socket_timeout=1)
        deadline = time.monotonic() + WAIT
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("redis-server did not start: " + tail(folder / "redis.log"))
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        stop(process)


def tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-20:]) if log.exists() else ""


def database_url_for_nodes() -> str:
    """The address of this test run's own database, for the nodes."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + settings.DATABASES["default"]["NAME"]))


@dataclass
class Node:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def two_nodes(folder: Path, redis_url: str) -> Iterator[list[Node]]:
    """Start two gunicorn nodes with the production settings, sharing the database and Redis."""
    env = {**os.environ}
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "SECURE_SSL_REDIRECT", "BEHIND_TLS_PROXY"):
        env.pop(name, None)  # exactly the production defaults
    for name in ("S3_BUCKET", "AWS_STORAGE_BUCKET_NAME"):
        env.pop(name, None)
    env |= production_settings(host=SITE) | {
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url_for_nodes(),
        # The directory and searches read from "the replica", here the same database.
        "DATABASE_REPLICA_URL": database_url_for_nodes(),
        "REDIS_URL": redis_url,
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(  # noqa: S603 - the production pages need the static files' manifest
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    started = []
    try:
        for name in ("A", "B"):
            port, log = free_port(), folder / f"node-{name}.log"
            command = [sys.executable, "-m", "gunicorn", "sociable.wsgi", "--bind"]
            command += [f"127.0.0.1:{port}", "--worker-class", "gthread", "--workers", "2"]
            command += ["--threads", "4", "--error-logfile", str(log), "--graceful-timeout", "3"]
            process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
            started.append(Node(name, port, process, log))
        for node in started:
            wait_until_healthy(node)
        yield started
    finally:
        for node in started:  # both at once (quick shutdown), then wait for each
            if node.process.poll() is None:
                node.process.send_signal(signal.SIGINT)
        for node in started:
            wait_or_kill(node.process)


@pytest.fixture(scope="module")
def nodes(django_db_setup, redis_url, tmp_path_factory) -> Iterator[list[Node]]:
    """Two gunicorn nodes with the production settings, sharing the database and Redis."""
    with two_nodes(tmp_path_factory.mktemp("nodes"), redis_url) as started:
        yield started


def wait_until_healthy(node: Node) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            pytest.fail(f"node {node.name} stopped while starting:\n{tail(node.log)}")
        try:
            if requests.get(node.url("/healthz"), timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or its workers still booting
            pass
        time.sleep(0.1)
    pytest.fail(f"node {node.name} did not answer /healthz within {WAIT} s:\n{tail(node.log)}")


@pytest.fixture(autouse=True)
def shared_redis(redis_url) -> Iterator[redis.Redis]:
    """The nodes' Redis, empty at the start of each test (as the database is)."""
    with redis.Redis.from_url(redis_url) as client:
        client.flushall()
        yield client


@dataclass
class Browser:
    """One person's browser: its cookies go to whichever node the load balancer picks."""

    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, node: Node, path: str) -> requests.Response:
        return self._send("GET", node, path)

    def post(self, node: Node, path: str, data: dict[str, str]) -> requests.Response:
        return self._send("POST", node, path, data)

    def form_token(self, node: Node, path: str) -> str:
        """Open a page with a form and return its CSRF token."""
        page = self.get(node, path)
        assert page.status_code == 200, (path, page.status_code)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert found, f"no form on {path}"
        return found.group(1)

    def _send(self, method: str, node: Node, path: str, data=None) -> requests.Response:
        headers = {"Host": SITE, "X-Forwarded-Proto": "https", "Origin": f"https://{SITE}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(
            method,
            node.url(path),
            data=data,
            headers=headers,
            allow_redirects=False,
            timeout=30,
        )
        # Secure cookies: a browser keeps them for https://127.0.0.1, which is what it sees.
        for cookie in response.cookies:
            if cookie.value:
                self.cookies[cookie.name] = cookie.value
            else:
                self.cookies.pop(cookie.name, None)
        return response


def with_production_password(user: User) -> User:
    """Give ``user`` a password the nodes' hashers know (the test suite's MD5 is not one).

    Few iterations keep the test fast; the nodes upgrade the hash when the person signs in.
    """
    hasher = PBKDF2PasswordHasher()
    User.objects.filter(pk=user.pk).update(
        password=hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    )
    return user


def sign_in(browser: Browser, node: Node, email: str, password: str) -> requests.Response:
    token = browser.form_token(node, "/accounts/login/")
    return browser.post(
        node,
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "login": email, "password": password},
    )


def test_signing_in_on_one_node_signs_you_in_on_the_other_and_out_on_both(
    nodes, council, shared_redis
):
    a, b = nodes
    person = with_production_password(staff_of(council, name="Amara Okafor"))
    browser = Browser()

    signed_in = sign_in(browser, a, person.email, PASSWORD)

    assert signed_in.status_code == 302, signed_in.text
    session = browser.cookies[SESSION_COOKIE]
    # Kept in PostgreSQL alone, which both nodes share; never in Redis (ADR 0015).
    assert Session.objects.filter(session_key=session).exists()
    assert not shared_redis.keys("*session*")
    token = browser.form_token(b, EDIT)  # a signed-in-only page, on the other node
    assert Browser().get(b, EDIT).status_code == 302  # without the cookie: sign in first
    # The directory reads from the replica, but knows who is asking (read from the primary).
    directory = browser.get(b, "/people/?q=Okafor")
    assert directory.status_code == 200
    assert "Sign out" in directory.text

    signed_out = browser.post(b, "/accounts/logout/", {"csrfmiddlewaretoken": token})

    assert signed_out.status_code == 302
    assert not Session.objects.filter(session_key=session).exists()
    # The old session cookie, replayed on node A, no longer signs anyone in.
    assert Browser({SESSION_COOKIE: session}).get(a, EDIT).status_code == 302


def test_failed_sign_ins_are_counted_across_both_nodes(nodes, council, shared_redis):
    """allauth's default: after 5 failed sign-ins for one address, refuse for 5 minutes."""
    a, b = nodes
    person = with_production_password(staff_of(council, name="Amara Okafor"))
    browser = Browser()
    token = browser.form_token(a, "/accounts/login/")

    def attempt(node: Node, password: str) -> requests.Response:
        form = {"csrfmiddlewaretoken": token, "login": person.email, "password": password}
        return browser.post(node, "/accounts/login/", form)

    for number in range(5):  # A, B, A, B, A: neither node alone has seen 5
        refused = attempt(nodes[number % 2], "not-the-password")
        assert refused.status_code == 200
        assert TOO_MANY not in refused.text, f"refused early, at attempt {number + 1}"

    sixth = attempt(b, PASSWORD)  # node B has seen only two; even the right password fails

    assert sixth.status_code == 200
    assert TOO_MANY in sixth.text
    assert browser.get(a, EDIT).status_code == 302
    # The count lives in PostgreSQL's security store, keyed by site and address (not by
    # node), and never in Redis, which a flood of pages or an outage could empty (ADR 0015).
    key = hashlib.sha256(f"{SITE}:{person.email}".lower().encode()).hexdigest()
    assert security_keys(f"%:allauth:rl:allauth.account:login_failed:%:{key}")
    assert not shared_redis.keys("*allauth*")


def security_keys(pattern: str) -> list[str]:
    """The keys in the security store (the nodes' default cache) that match ``pattern``."""
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
        cursor.execute(f"SELECT cache_key FROM {table} WHERE cache_key LIKE %s", [pattern])  # noqa: S608
        return [key for (key,) in cursor.fetchall()]


def signed_in_browser(user: User) -> Browser:
    """A browser holding a session for ``user``, made as the nodes make them (their key)."""
    with override_settings(SECRET_KEY=SECRET_KEY):
        client = Client()
        client.force_login(user)
        key = client.session.session_key
    return Browser({SESSION_COOKIE: key})


def test_twenty_people_for_five_places_across_both_nodes_get_five_places(nodes, council):
    organiser = staff_of(council, name="Organiser")
    event = make_event(make_group(organiser), capacity=5)
    people = [staff_of(council, name=f"Rush {n}") for n in range(20)]
    page = event.get_absolute_url()
    rsvp = f"{page}rsvp/"
    browsers = [signed_in_browser(person) for person in people]
    barrier = threading.Barrier(len(people), timeout=60)
    answers: dict[int, int | str] = {}

    def reply(index: int, browser: Browser) -> None:
        node = nodes[index % 2]
        try:
            token = browser.form_token(node, page)
            barrier.wait()  # everyone presses "I'm going" at the same moment
            answers[index] = browser.post(
                node, rsvp, {"csrfmiddlewaretoken": token, "going": "yes"}
            ).status_code
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            barrier.abort()
            answers[index] = repr(error)

    threads = [threading.Thread(target=reply, args=pair) for pair in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    assert not any(thread.is_alive() for thread in threads)
    assert sorted(answers.values(), key=str) == [302] * 20, answers
    replies = RSVP.objects.filter(event=event)
    assert replies.filter(status=RSVP.Status.GOING).count() == 5
    assert replies.filter(status=RSVP.Status.WAITLISTED).count() == 15
