"""The background worker and the scheduler as real processes: killed, and cut off from PostgreSQL.

A worker killed with ``kill -9`` while it waits on a mail relay leaves its task "running"; a
worker started afterwards queues it again once its lease has run out, and the email goes out
once. The demo's processes (``make demo`` runs them through scripts/together.py) live through
a database outage: every connection is cut and new ones are refused for a few seconds, as in
a restart or a failover, and afterwards the worker sends an email queued after the outage
and the scheduler checks its jobs again.
"""

from __future__ import annotations

import subprocess
import sys
import time
from contextlib import contextmanager

import psycopg
import pytest
import requests
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from groups import services as groups
from sociable.notifications.models import EmailStatus, Notification, TaskLease
from tests.accounts.factories import staff_of
from tests.groups.factories import make_event, make_group
from tests.helpers import production_settings
from tests.notifications.servers import (
    ROOT,
    Process,
    Relay,
    SilentServer,
    free_port,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)

SMTP = "django.core.mail.backends.smtp.EmailBackend"
WORKER = ["db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"]


@pytest.fixture
def relay():
    handler = Relay()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


def production_worker_env(*, smtp_port: int, **more: str) -> dict[str, str | None]:
    """A worker as deployed: production settings, mail through the council's SMTP relay."""
    return {
        **production_settings(host="sociable.example.gov.uk"),
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_BACKEND": None,
        "NOTIFY_API_KEY": None,
        "REDIS_URL": None,
        "DATABASE_REPLICA_URL": None,
        **more,
    }


def cancel_an_event(title: str, council, trust):
    """Cancel an event with one person going: one email to them, queued for the worker."""
    organiser = staff_of(council, name=f"Organiser of {title}")
    person = staff_of(trust, name=f"Goer to {title}")
    event = make_event(make_group(organiser, name=f"Group for {title}"), title=title)
    groups.rsvp_to_event(event=event, user=person, going=True)
    groups.cancel_event(event=event)
    return person


def test_an_email_left_running_by_a_killed_worker_is_sent_once_by_the_next(
    tmp_path, relay, council, trust
):
    person = cancel_an_event("Rehearsal", council, trust)
    [task] = DBTaskResult.objects.all()
    hanging = SilentServer()
    try:
        # The first worker takes the task and waits on a relay that never answers.
        first = Process.manage(
            *WORKER,
            env=production_worker_env(
                smtp_port=hanging.port, EMAIL_TIMEOUT="600", TASK_LEASE_SECONDS="2"
            ),
            log=tmp_path / "first.log",
        )
        try:
            assert hanging.connected.wait(60), first.output()
            time.sleep(1.5)  # two renewals of its lease, at a third of the lease each
            task.refresh_from_db()
            lease = TaskLease.objects.get(task=task)
            assert task.status == TaskResultStatus.RUNNING
            assert lease.renewed_at > task.started_at  # a live worker renews its lease
            first.kill()
        finally:
            first.stop()
        task.refresh_from_db()
        assert task.status == TaskResultStatus.RUNNING  # left so by the dead worker
        assert Notification.objects.get().emailed_at is None

        # The next worker, with a working relay, queues it again after the lease and sends it.
        second = Process.manage(
            *WORKER,
            env=production_worker_env(smtp_port=relay.port, TASK_LEASE_SECONDS="2"),
            log=tmp_path / "second.log",
        )
        try:
            wait_for("the email", lambda: relay.delivered, within=60)
            wait_for(
                "the task to succeed",
                lambda: DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.SUCCESSFUL,
            )
            time.sleep(3)  # longer than a lease: time enough for any second copy
        finally:
            second.stop()
    finally:
        hanging.close()

    [(to, content)] = relay.delivered
    assert to == [person.email]
    assert "Subject: [Sociable] Cancelled: Rehearsal" in content
    assert "From: Sociable <sociable@council.example.gov.uk>" in content  # the configured sender
    notification = Notification.objects.get()
    assert notification.emailed_at is not None
    assert notification.email_status == EmailStatus.SENT
    task.refresh_from_db()
    assert len(task.worker_ids) == 2  # the dead worker's run, and the one that sent it
    assert not TaskLease.objects.exists()
    assert "was left running by worker" in second.output()
    assert "queued again" in second.output()


@contextmanager
def database_outage():
    """Cut every connection to this test's database but the test's own, and refuse new ones
    until the block ends: what the processes see while PostgreSQL restarts."""
    name = settings.DATABASES["default"]["NAME"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [own_pid] = cursor.fetchone()
    config = settings.DATABASES["default"]
    server = psycopg.connect(
        dbname="postgres",
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        autocommit=True,
    )
    quoted = psycopg.sql.Identifier(name)
    try:
        server.execute(psycopg.sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(quoted))
        server.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> %s",
            [name, own_pid],
        )
        yield
    finally:
        server.execute(psycopg.sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(quoted))
        server.close()


def healthcheck(port: int) -> int:
    """scripts/healthcheck.py's verdict, as systemd's health check gets it (docs/deployment.md)."""
    url = f"http://127.0.0.1:{port}/healthz"
    return subprocess.run(  # noqa: S603
        [sys.executable, "scripts/healthcheck.py", "--url", url, "--host", "127.0.0.1"],
        cwd=ROOT,
        capture_output=True,
        check=False,
        timeout=60,
    ).returncode


def health(port: int) -> int | None:
    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code
    except requests.ConnectionError:
        return None


def test_the_demo_lives_through_a_database_outage(tmp_path, relay, council, trust):
    port = free_port()
    python = sys.executable
    # What `make demo` runs (Makefile, serve-demo), with quicker intervals.
    demo = Process(
        [
            python,
            "scripts/together.py",
            f"{python} manage.py runserver --skip-checks --noreload 127.0.0.1:{port}",
            f"{python} manage.py db_worker --no-reload --interval 0.2",
            f"{python} manage.py run_scheduler --interval 0.5 --verbosity 2",
        ],
        env={
            "DJANGO_SETTINGS_MODULE": "sociable.settings.dev",
            "EMAIL_BACKEND": SMTP,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(relay.port),
            "REDIS_URL": None,
            "DATABASE_REPLICA_URL": None,
        },
        log=tmp_path / "demo.log",
    )
    try:
        wait_for("the site", lambda: health(port) == 200, within=60)
        cancel_an_event("Before", council, trust)
        wait_for("the first email", lambda: len(relay.delivered) == 1, within=60)
        wait_for("the scheduler's first check", lambda: "Nothing due" in demo.output())

        assert healthcheck(port) == 0  # healthy

        with database_outage():
            time.sleep(4)
            assert health(port) == 503
            assert healthcheck(port) == 2  # answering but unwell: a restart would not help
            assert demo.alive(), demo.output()

        cancel_an_event("After", council, trust)
        wait_for("the email queued after the outage", lambda: len(relay.delivered) == 2, within=60)
        assert health(port) == 200
        back = "The scheduler reached the database again"
        wait_for("the scheduler to come back", lambda: back in demo.output())
        wait_for(
            "a check by the scheduler after the outage",
            lambda: "Nothing due" in demo.output().split(back, 1)[1],
        )
        assert demo.alive(), demo.output()
    finally:
        demo.stop()

    assert healthcheck(port) == 1  # no answer at all: systemd's check restarts the server
    output = demo.output()
    assert "Subject: [Sociable] Cancelled: After" in relay.delivered[1][1]
    # Each process reports the outage once, and its end once: no flood, no traceback.
    assert output.count("The scheduler cannot reach the database") == 1, output
    assert output.count("cannot reach the database") == 2, output
    assert output.count("reached the database again") == 2, output
    assert "Traceback" not in output, output
