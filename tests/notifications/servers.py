"""Mail servers on loopback and background processes, for the tests of the real worker.

``Relay`` is an aiosmtpd handler that accepts mail (after refusing the first deliveries, if
asked, as a busy relay does). ``SilentServer`` accepts connections and never says a word, like
a relay that hangs. ``FakeNotify`` speaks GOV.UK Notify's API for sending email. ``Process``
runs ``manage.py`` (or any command) against this test's own database, its output in a file.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import jwt
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Relay:
    """Accepts mail, after refusing the first ``fail_first`` deliveries with 451."""

    def __init__(self, fail_first: int = 0):
        self.fail_first = fail_first
        self.attempts = 0
        self.delivered: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.attempts += 1
        if self.attempts <= self.fail_first:
            return "451 4.3.0 Try again later"
        self.delivered.append((envelope.rcpt_tos, envelope.content.decode("utf8", "replace")))
        return "250 OK"


class SilentServer:
    """Accepts TCP connections on loopback and never answers: a mail relay that hangs."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connected = threading.Event()
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # closed
            self.connections.append(connection)
            self.connected.set()

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


def database_url_for_processes() -> str:
    """The address of this test run's own database, for processes started by the test."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + settings.DATABASES["default"]["NAME"]))


class Process:
    """A command run in its own process group, its output (both streams) kept in a file."""

    def __init__(self, args: list[str], *, env: dict[str, str | None], log: Path):
        """Run ``args`` with this environment, where None removes a variable."""
        environment = {**os.environ, "DATABASE_URL": database_url_for_processes()}
        environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        for name, value in env.items():
            if value is None:
                environment.pop(name, None)
            else:
                environment[name] = value
        self.log = log
        self._out = log.open("wb")
        self.popen = subprocess.Popen(  # noqa: S603 - our own manage.py, or scripts/
            args,
            cwd=ROOT,
            env=environment,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @classmethod
    def manage(cls, *args: str, env: dict[str, str | None], log: Path) -> Process:
        return cls([sys.executable, "manage.py", *args], env=env, log=log)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """``kill -9``: no clean-up of any kind, as when a machine or the OOM killer stops it."""
        os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        """Stop the whole process group: SIGTERM, then SIGKILL after 10 seconds. The group
        is stopped even when its first process is gone (``kill`` stops that one alone), so
        no child of it (a server's worker) outlives the test holding a connection to the
        test database, which could then not be dropped."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError):  # the group has no process left
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)
        self._out.close()


def wait_for(what: str, condition: Callable[[], object], *, within: float = 30) -> object:
    """Wait until ``condition()`` is true (and return it), or fail saying what never came."""
    deadline = time.monotonic() + within
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"Waited {within} s for {what}")
        time.sleep(0.1)


class FakeNotify:
    """GOV.UK Notify's API for sending email, on loopback: what the real one checks and answers.

    It checks the bearer token as Notify does (a JWT signed with the API key's secret, issued by
    the service id, within 30 seconds), the template and its personalisation, and answers 201
    with Notify's response, or Notify's error shapes. ``fail_next`` makes the next requests fail
    with that status (a 500 as Notify's own trouble, a 429 as its rate limit).
    """

    def __init__(self, *, service_id: str, secret: str, template_id: str):
        self.sent: list[dict] = []
        self.fail_next: list[int] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def error(self, status: int, kind: str, message: str) -> None:
                self.answer(
                    status, {"errors": [{"error": kind, "message": message}], "status_code": status}
                )

            def do_POST(self):  # noqa: N802 (http.server's hook name)
                length = int(self.headers.get("Content-Length") or 0)
                request = json.loads(self.rfile.read(length) or b"{}")
                if self.path != "/v2/notifications/email":
                    return self.error(404, "ResourceNotFound", "Not found")
                scheme, _, token = self.headers.get("Authorization", "").partition(" ")
                try:
                    claims = jwt.decode(token, secret, algorithms=["HS256"])
                except jwt.PyJWTError:
                    claims = {}
                if scheme != "Bearer" or claims.get("iss") != service_id:
                    return self.error(403, "AuthError", "Invalid token: API key not found")
                if abs(time.time() - claims.get("iat", 0)) > 30:
                    return self.error(
                        403,
                        "AuthError",
                        "Error: Your system clock must be accurate to within 30 seconds",
                    )
                if fake.fail_next:
                    status = fake.fail_next.pop(0)
                    return self.error(status, "Exception", "Internal server error")
                if request.get("template_id") != template_id:
                    return self.error(400, "BadRequestError", "Template not found")
                personalisation = request.get("personalisation") or {}
                for field in ("subject", "body"):
                    if field not in personalisation:
                        return self.error(
                            400, "BadRequestError", f"Missing personalisation: {field}"
                        )
                if "@" not in request.get("email_address", ""):
                    return self.error(
                        400, "ValidationError", "email_address Not a valid email address"
                    )
                notification_id = str(uuid.uuid4())
                fake.sent.append({**request, "id": notification_id})
                base = f"http://127.0.0.1:{fake.port}"
                self.answer(
                    201,
                    {
                        "id": notification_id,
                        "reference": request.get("reference"),
                        "content": {
                            "subject": personalisation["subject"],
                            "body": personalisation["body"],
                            "from_email": "sociable@notifications.service.gov.uk",
                            "one_click_unsubscribe_url": request.get("one_click_unsubscribe_url"),
                        },
                        "uri": f"{base}/v2/notifications/{notification_id}",
                        "template": {
                            "id": template_id,
                            "version": 1,
                            "uri": f"{base}/services/{service_id}/templates/{template_id}",
                        },
                        "scheduled_for": None,
                    },
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
