"""The real worker (``manage.py db_worker``) sends to a real SMTP server, and retries.

An aiosmtpd server on loopback stands in for the council's mail relay. It refuses the first
delivery with a temporary error (451), as a busy relay does; the worker queues a retry, and
the next run delivers the message exactly once.
"""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import override_settings

from groups import services as groups
from sociable.notifications.models import Notification
from sociable.notifications.schedule import run_due_jobs
from tests.groups.factories import make_event, make_group
from tests.notifications.servers import Relay, free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def relay():
    handler = Relay(fail_first=1)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=controller.port,
        EMAIL_TIMEOUT=5,
        NOTIFICATIONS_RETRY_DELAYS=[0, 0, 0],
    ):
        yield handler
    controller.stop()


def worker() -> None:
    """One run of the real worker: every task that is due, then exit."""
    call_command("db_worker", "--batch", "--interval=0", "--no-startup-delay", "--no-reload",
                 verbosity=0)  # fmt: skip


def test_the_worker_retries_after_the_relay_fails_and_delivers_once(relay, council, trust):
    from tests.accounts.factories import staff_of

    organiser, person = staff_of(council, name="Amara Okafor"), staff_of(trust, name="Tom W")
    event = make_event(make_group(organiser), title="Rehearsal")
    groups.rsvp_to_event(event=event, user=person, going=True)
    groups.cancel_event(event=event)

    worker()  # first attempt refused (451), retry queued, and the retry delivered
    worker()  # nothing left to do: no second copy

    assert relay.attempts == 2
    [(to, content)] = relay.delivered
    assert to == [person.email]
    assert "Subject: [Sociable] Cancelled: Rehearsal" in content
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in content
    assert Notification.objects.get().emailed_at is not None


def test_the_scheduler_queues_each_daily_job_once_however_often_it_wakes(relay):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    morning = datetime(2026, 11, 23, 7, 30, tzinfo=ZoneInfo("Europe/London"))
    assert run_due_jobs(morning.replace(hour=6)) == []  # before 7am: nothing due
    assert run_due_jobs(morning) == ["digests", "opportunities", "roulette"]
    assert run_due_jobs(morning) == []  # a second node, or the next minute
    assert run_due_jobs(morning.replace(hour=11)) == [
        "opportunities_week",  # queued daily; it tells people on Mondays only
        "conversation_days",
        "event_reminders",
        "stale_profiles",
    ]
    worker()  # the queued jobs run without error with nothing to send
    assert relay.delivered == []
