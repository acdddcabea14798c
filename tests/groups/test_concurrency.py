"""Capacity holds when many people press "I'm going" at the same moment.

Real threads, each with its own PostgreSQL connection, all released at once by
a barrier: the event's row lock must serialise them so that exactly the
capacity gets places and everyone else queues, in order, with no error.
"""

import threading

import pytest
from django.db import connection

from groups import services
from groups.models import RSVP, Event
from sociable.accounts.models import User
from tests.accounts.factories import staff_of
from tests.groups.factories import make_event, make_group

pytestmark = pytest.mark.django_db(transaction=True)


def run_at_once(calls, workers: int) -> list[Exception]:
    """Run the calls on ``workers`` threads released together; return what they raised."""
    errors: list[Exception] = []
    pending = list(calls)
    lock = threading.Lock()
    barrier = threading.Barrier(workers)

    def worker():
        barrier.wait(timeout=60)
        try:
            while True:
                with lock:
                    if not pending:
                        return
                    call = pending.pop()
                try:
                    call()
                except Exception as error:  # noqa: BLE001 - collected and asserted on
                    errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return errors


def connection_budget(wanted: int) -> int:
    """As many simultaneous connections as the server has free, up to ``wanted`` (a shared
    server may have other clients: a demo, another test run)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int"
            " - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')"
        )
        free = cursor.fetchone()[0]
    return max(10, min(wanted, free - 10))


def test_200_people_for_20_places_gives_exactly_20_places_and_a_queue(council):
    organiser = staff_of(council, name="Organiser")
    event = make_event(make_group(organiser), capacity=20)
    people = User.objects.bulk_create(
        User(username=f"rush-{n}", email=f"rush-{n}@example.com", name=f"Rush {n}")
        for n in range(200)
    )

    errors = run_at_once(
        [lambda p=p: services.rsvp_to_event(event=event, user=p, going=True) for p in people],
        workers=connection_budget(200),
    )

    assert errors == []
    rsvps = RSVP.objects.filter(event=event)
    assert rsvps.count() == 200
    assert rsvps.filter(status=RSVP.Status.GOING).count() == 20
    waiting = list(rsvps.filter(status=RSVP.Status.WAITLISTED).order_by("queued_at", "pk"))
    assert len(waiting) == 180
    # The queue is in the order people got through: first come, first served.
    assert [r.pk for r in waiting] == sorted(r.pk for r in waiting)
    assert [services.waitlist_position(r) for r in waiting] == list(range(1, 181))


def test_50_simultaneous_replies_by_one_person_leave_one_reply(council):
    organiser = staff_of(council, name="Organiser")
    event = make_event(make_group(organiser), capacity=5)
    eager = staff_of(council, name="Eager")

    errors = run_at_once(
        [lambda: services.rsvp_to_event(event=event, user=eager, going=True)] * 50,
        workers=connection_budget(50),
    )

    assert errors == []
    assert RSVP.objects.filter(event=event).count() == 1
    assert RSVP.objects.get(event=event).status == RSVP.Status.GOING


def test_cancellations_and_replies_at_once_never_overfill(council):
    organiser = staff_of(council, name="Organiser")
    event = make_event(make_group(organiser), capacity=10)
    first = User.objects.bulk_create(
        User(username=f"first-{n}", email=f"first-{n}@example.com") for n in range(10)
    )
    for person in first:
        services.rsvp_to_event(event=event, user=person, going=True)
    later = User.objects.bulk_create(
        User(username=f"later-{n}", email=f"later-{n}@example.com") for n in range(40)
    )

    calls = [
        lambda p=p: services.rsvp_to_event(event=event, user=p, going=False) for p in first[:5]
    ]
    calls += [lambda p=p: services.rsvp_to_event(event=event, user=p, going=True) for p in later]
    errors = run_at_once(calls, workers=connection_budget(45))

    assert errors == []
    event = Event.objects.get(pk=event.pk)
    assert event.rsvps.filter(status=RSVP.Status.GOING).count() == 10
    assert event.rsvps.filter(status=RSVP.Status.WAITLISTED).count() == 35
