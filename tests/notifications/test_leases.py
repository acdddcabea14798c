"""Which "running" tasks a worker queues again: only those whose worker stopped renewing its
lease, and not forever (the end-to-end test with real processes is test_worker_processes.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sociable.notifications.models import TaskLease
from sociable.notifications.tasks import send_digests
from sociable.notifications.worker import requeue_abandoned_tasks

pytestmark = pytest.mark.django_db


def running_task(*, runs: int, started: timedelta, renewed: timedelta | None) -> DBTaskResult:
    """A task claimed ``runs`` times, the last ``started`` ago, its lease renewed ``renewed``
    ago (None: claimed with no lease at all)."""
    task = DBTaskResult.objects.get(pk=send_digests.enqueue().id)
    task.status = TaskResultStatus.RUNNING
    task.started_at = timezone.now() - started
    task.worker_ids = [f"worker-{n}" for n in range(runs)]
    task.save()
    if renewed is not None:
        TaskLease.objects.create(
            task=task, worker_id=task.worker_ids[-1], renewed_at=timezone.now() - renewed
        )
    return task


@override_settings(TASK_LEASE_SECONDS=60, TASK_MAX_ATTEMPTS=3)
def test_only_tasks_whose_lease_ran_out_are_queued_again_and_not_forever():
    alive = running_task(runs=1, started=timedelta(hours=1), renewed=timedelta(seconds=10))
    dead = running_task(runs=1, started=timedelta(minutes=5), renewed=timedelta(minutes=2))
    unleased = running_task(runs=2, started=timedelta(minutes=5), renewed=None)
    fresh_unleased = running_task(runs=1, started=timedelta(seconds=5), renewed=None)
    killer = running_task(runs=3, started=timedelta(minutes=5), renewed=timedelta(minutes=2))

    assert requeue_abandoned_tasks() == 3

    status = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert status[alive.pk] == TaskResultStatus.RUNNING  # its worker is still renewing
    assert status[fresh_unleased.pk] == TaskResultStatus.RUNNING  # not a lease's time yet
    assert status[dead.pk] == TaskResultStatus.READY
    assert status[unleased.pk] == TaskResultStatus.READY
    assert status[killer.pk] == TaskResultStatus.FAILED  # three runs, each worker died
    assert "Left running by 3 workers" in DBTaskResult.objects.get(pk=killer.pk).traceback
    assert list(TaskLease.objects.values_list("task", flat=True)) == [alive.pk]
    assert requeue_abandoned_tasks() == 0
