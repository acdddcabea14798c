"""Mail servers on loopback and background processes, for the tests of the real worker.

``Relay`` is an aiosmtpd handler that accepts mail (after refusing the first deliveries, if
asked, as a busy relay does). ``SilentServer`` accepts connections and never says a word, like
a relay that hangs. ``Process`` runs ``manage.py`` (or any command) against this test's own
database, with its output in a file.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

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
        """Stop the whole process group: SIGTERM, then SIGKILL after 10 seconds."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
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
