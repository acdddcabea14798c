"""Redis hangs, dies and comes back under two nodes: the site keeps serving from PostgreSQL.

With ``REDIS_URL`` set, Redis holds only the shared pages (ADR 0015). While it cannot be
reached, each node renders every page fresh: pages, sign-in and the rate limits (which live
in PostgreSQL and stay shut) work as before, more slowly, and ``/healthz`` says 200 with
what is degraded. A hung Redis (a stopped process: connections open, nothing answers) costs
a request at most a short timeout, never seconds each. When Redis is back, the nodes use it
again and a change of content shows at once.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from forums.models import Board
from forums.services import start_thread
from sociable.accounts.models import User
from tests.accounts.factories import PASSWORD, staff_of
from tests.multinode.test_two_nodes import (
    TOO_MANY,
    WAIT,
    Browser,
    Node,
    free_port,
    redis_server_path,
    sign_in,
    stop,
    tail,
    two_nodes,
    with_production_password,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("empty_security_store"),
]

# A request while Redis hangs waits at most its 0.5 s timeout (once a process, then Redis is
# left alone for 5 s) on top of the page itself; generous, for a busy test machine.
QUICK = 3.0  # seconds


class RedisServer:
    """A private redis-server on one loopback port, to hang, kill and start again."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [redis_server_path(), "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        command += ["--logfile", str(self.folder / "redis.log")]
        self.process = subprocess.Popen(command, start_new_session=True)  # noqa: S603
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        deadline = time.monotonic() + WAIT
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("redis-server did not start: " + tail(self.folder / "redis.log"))
                time.sleep(0.05)
        client.close()

    def hang(self) -> None:
        """Stop the process: the kernel still accepts connections, nobody answers."""
        self.process.send_signal(signal.SIGSTOP)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)  # a stopped process dies too
        self.process.wait(timeout=10)

    def keys(self, pattern: str) -> list[bytes]:
        with redis.Redis.from_url(self.url, socket_timeout=1) as client:
            return client.keys(pattern)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.process.send_signal(signal.SIGCONT)
            stop(server.process)


@pytest.fixture(scope="module")
def nodes(django_db_setup, redis_server, tmp_path_factory) -> Iterator[list[Node]]:
    with two_nodes(tmp_path_factory.mktemp("nodes"), redis_server.url) as started:
        yield started


def visit(node: Node, path: str) -> requests.Response:
    """A visitor's request (no cookies: a page the nodes share through Redis), timed."""
    started = time.monotonic()
    response = Browser().get(node, path)
    response.seconds = time.monotonic() - started
    return response


def health(node: Node) -> dict:
    response = requests.get(node.url("/healthz"), timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def post_reply(browser: Browser, node: Node, thread_url: str, body: str) -> None:
    token = browser.form_token(node, thread_url)
    answer = browser.post(node, f"{thread_url}reply/", {"csrfmiddlewaretoken": token, "body": body})
    assert answer.status_code == 302, answer.text


def fails_five_times_then_refuses(nodes: list[Node], person: User) -> bool:
    """Five wrong passwords across both nodes; then even the right one is refused."""
    browser = Browser()
    token = browser.form_token(nodes[0], "/accounts/login/")
    for number in range(5):
        form = {"csrfmiddlewaretoken": token, "login": person.email, "password": "wrong"}
        assert TOO_MANY not in browser.post(nodes[number % 2], "/accounts/login/", form).text
    form = {"csrfmiddlewaretoken": token, "login": person.email, "password": PASSWORD}
    sixth = browser.post(nodes[1], "/accounts/login/", form)
    return sixth.status_code == 200 and TOO_MANY in sixth.text


def test_without_redis_the_site_serves_from_postgresql_and_healthz_says_so(
    nodes, redis_server, council
):
    a, b = nodes
    author = with_production_password(staff_of(council, name="Amara Okafor"))
    board = Board.objects.create(name="Open discussion", slug="open", audience="public")
    thread, _ = start_thread(board=board, author=author, title="Bins", body="When are they?")
    url = thread.get_absolute_url()
    people = [with_production_password(staff_of(council, name=f"Person {n}")) for n in range(4)]
    before = Browser()
    assert sign_in(before, a, author.email, PASSWORD).status_code == 302

    # Redis answers: pages are kept in it and shared by both nodes.
    for node in nodes:
        assert visit(node, "/").status_code == 200
        assert visit(node, url).status_code == 200
        assert health(node) == {"status": "ok", "database": "ok", "cache": "ok"}
    assert redis_server.keys("sociable:1:pages:*")

    redis_server.hang()

    for node in nodes:
        for path in ("/", url, "/forums/", "/people/"):
            page = visit(node, path)
            assert page.status_code == 200, (node.name, path, page.text[-500:])
            assert page.seconds < QUICK, (node.name, path, page.seconds)
        assert health(node) == {"status": "degraded", "database": "ok", "cache": "unavailable"}
    # Signing in works, on one node for the other; the session from before still counts.
    during = Browser()
    assert sign_in(during, a, people[0].email, PASSWORD).status_code == 302
    assert during.get(b, "/people/me/edit/").status_code == 200
    assert before.get(b, "/people/me/edit/").status_code == 200
    # A reply shows at once to visitors on the other node (rendered fresh).
    post_reply(before, a, url, "Tuesdays, while Redis hangs.")
    assert "Tuesdays, while Redis hangs." in visit(b, url).text
    # Failed sign-ins are counted and refused as ever: no limit fails open. (Once: every
    # request here comes from 127.0.0.1, which may fail 10 times a minute.)
    assert fails_five_times_then_refuses(nodes, people[1])

    redis_server.kill()

    for node in nodes:
        assert visit(node, "/").status_code == 200
        assert visit(node, url).status_code == 200
        assert health(node)["status"] == "degraded"
    assert sign_in(Browser(), b, people[2].email, PASSWORD).status_code == 302

    redis_server.start()  # an empty Redis, on the same address

    for node in nodes:
        assert health(node) == {"status": "ok", "database": "ok", "cache": "ok"}
    # Each process tries Redis again within 5 s of its last failure: pages are kept again.
    deadline = time.monotonic() + 15
    while not redis_server.keys("sociable:1:pages:*") and time.monotonic() < deadline:
        for node in nodes:
            visit(node, "/")
        time.sleep(0.5)
    assert redis_server.keys("sociable:1:pages:*")
    time.sleep(6)  # every process is past its pause: Redis is in use everywhere
    for node in nodes:
        assert visit(node, url).status_code == 200
    post_reply(before, b, url, "Thursdays, now Redis is back.")
    for node in nodes:  # a change of content ends every kept copy at once
        assert "Thursdays, now Redis is back." in visit(node, url).text
    assert before.get(a, "/people/me/edit/").status_code == 200
    assert sign_in(Browser(), a, people[3].email, PASSWORD).status_code == 302
