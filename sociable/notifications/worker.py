"""The background worker: runs queued tasks, survives database outages, and loses no task.

``manage.py db_worker`` (our command of that name, which replaces django-tasks-db's) runs
``Worker``. Beside what django-tasks-db's worker does, it

- holds a *lease* on the task it runs (a ``TaskLease`` row), renewed from a second thread
  every third of ``TASK_LEASE_SECONDS``. A task whose lease has not been renewed for that long
  was left "running" by a worker that died (``kill -9``, out of memory, its machine gone):
  every worker looks for such tasks now and then and queues them again, up to
  ``TASK_MAX_ATTEMPTS`` runs in all. A second run must do no harm: each email task locks its
  notifications and marks them sent in one transaction (tasks.py), so a task rerun after its
  worker died mid-send sends once; the daily jobs notify under unique keys;
- keeps going when PostgreSQL goes away (a restart, a failover, a dropped connection): it
  logs the outage once, tries again after 1, 2, 4 ... up to 30 seconds, and logs when the
  database is back. A task that lost the database while running is queued again, not failed.

``run_due_tasks`` runs due tasks inside the calling process (the demo's seeding, tests).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
    transaction,
)
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.compat import TaskContext, TaskResultStatus, task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult

from .models import TaskLease

logger = logging.getLogger(__name__)

# What a lost or refused database connection raises (psycopg's errors, as Django wraps them).
DATABASE_ERRORS = (OperationalError, InterfaceError)
DEFAULT_LEASE_SECONDS = 300
DEFAULT_MAX_ATTEMPTS = 5


def lease_length() -> timedelta:
    return timedelta(seconds=getattr(settings, "TASK_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def max_attempts() -> int:
    return getattr(settings, "TASK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)


def drop_connections() -> None:
    """Close this thread's database connections, broken or not, so the next query reconnects."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            pass  # it was broken: closing it is all that was wanted


class DatabaseBackoff:
    """Wait longer after each failed attempt to reach the database; say so once an outage."""

    def __init__(self, who: str, *, first: float = 1.0, longest: float = 30.0):
        self.who = who
        self.first = first
        self.longest = longest
        self.failures = 0
        self.down_since: float | None = None

    def wait(self, error: Exception) -> None:
        """Record a failure, log it if it starts an outage, and sleep before the next try."""
        if self.down_since is None:
            self.down_since = time.monotonic()
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            logger.warning(
                "%s cannot reach the database (%s); trying again every %g to %g seconds",
                self.who,
                reason,
                self.first,
                self.longest,
            )
        delay = min(self.longest, self.first * 2**self.failures)
        self.failures += 1
        # A little jitter, so that many workers do not all knock at the same moment.
        time.sleep(delay * random.uniform(0.8, 1.0))  # noqa: S311 - not for security

    def succeeded(self) -> None:
        if self.down_since is not None:
            logger.warning(
                "%s reached the database again after %.0f seconds",
                self.who,
                time.monotonic() - self.down_since,
            )
        self.down_since = None
        self.failures = 0


class AbandonedTaskError(Exception):
    """A task was left running, again and again, by workers that died while running it."""


def requeue_abandoned_tasks(*, lease: timedelta | None = None, limit: int = 100) -> int:
    """Queue again the tasks whose worker stopped renewing its lease; return how many.

    A task that has been claimed ``TASK_MAX_ATTEMPTS`` times is failed instead (it may be
    what kills its workers).
    """
    cutoff = timezone.now() - (lease or lease_length())
    with transaction.atomic():
        abandoned = list(
            DBTaskResult.objects.running()
            .filter(
                # Claimed without a lease (by another kind of worker) counts from its start.
                Q(lease__renewed_at__lt=cutoff) | Q(lease__isnull=True, started_at__lt=cutoff)
            )
            .select_for_update(of=("self",), skip_locked=True)
            .order_by("started_at")[:limit]
        )
        for task in abandoned:
            attempts = len(task.worker_ids)
            last_worker = task.worker_ids[-1] if task.worker_ids else "?"
            if attempts >= max_attempts():
                logger.error(
                    "Task %s (%s) was left running by %d workers in turn; not trying again",
                    task.pk,
                    task.task_path,
                    attempts,
                )
                task.set_failed(
                    AbandonedTaskError(f"Left running by {attempts} workers that stopped")
                )
            else:
                logger.warning(
                    "Task %s (%s) was left running by worker %s, which stopped renewing its "
                    "lease; queued again (run %d of at most %d)",
                    task.pk,
                    task.task_path,
                    last_worker,
                    attempts + 1,
                    max_attempts(),
                )
                task.status = TaskResultStatus.READY
                task.save(update_fields=["status"])
        TaskLease.objects.filter(task__in=[t.pk for t in abandoned]).delete()
    return len(abandoned)


class LeaseKeeper(threading.Thread):
    """Renew a worker's lease on the task it is running, from beside it, until stopped."""

    def __init__(self, *, task_id, worker_id: str, every: float):
        super().__init__(name=f"lease-{task_id}", daemon=True)
        self.task_id = task_id
        self.worker_id = worker_id
        self.every = every
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.done.wait(self.every):
                try:
                    held = TaskLease.objects.filter(
                        task_id=self.task_id, worker_id=self.worker_id
                    ).update(renewed_at=timezone.now())
                except DATABASE_ERRORS:
                    drop_connections()  # the worker's own loop reports the outage
                    continue
                if not held:
                    logger.warning(
                        "Task %s was queued again while this worker (%s) still ran it: its "
                        "lease ran out unrenewed. Its locks keep its work from being done twice.",
                        self.task_id,
                        self.worker_id,
                    )
                    return
        finally:
            connections.close_all()  # this thread's own connection

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=10)


class Worker(DatabaseWorker):
    """django-tasks-db's worker, with leases on running tasks and database reconnection."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.backoff = DatabaseBackoff(f"The worker {self.worker_id}")
        self.next_requeue = 0.0

    def run(self) -> None:
        logger.info(
            "Starting worker %s for queues %s (lease on running tasks: %s seconds)",
            self.worker_id,
            ",".join(self.queue_names),
            int(lease_length().total_seconds()),
        )
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - spreads workers started together

        while self.running:
            try:
                close_old_connections()
                self.requeue_abandoned_now_and_then()
                task = self.claim_next()
                self.backoff.succeeded()
                if task is not None:
                    self.run_task(task)
            except DATABASE_ERRORS as error:
                drop_connections()
                self.backoff.wait(error)
                continue

            if task is None and self.batch:
                logger.info("No more tasks to run for worker %s; exiting", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Ran %d tasks on worker %s; exiting", self._run_tasks, self.worker_id)
                return
            if self.running and task is None:
                time.sleep(self.interval)

    def requeue_abandoned_now_and_then(self) -> None:
        """Look for abandoned tasks at start-up, then every quarter of a lease."""
        now = time.monotonic()
        if now >= self.next_requeue:
            requeue_abandoned_tasks()
            self.next_requeue = now + lease_length().total_seconds() / 4

    def claim_next(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with transaction.atomic(using=tasks.db):
            task = tasks.get_locked()
            if task is None:
                return None
            task.claim(self.worker_id)  # "running", so no other worker takes it
            TaskLease.objects.update_or_create(
                task=task, defaults={"worker_id": self.worker_id, "renewed_at": task.started_at}
            )
        return task

    def run_task(self, db_task_result: DBTaskResult) -> None:
        keeper = LeaseKeeper(
            task_id=db_task_result.pk,
            worker_id=self.worker_id,
            every=max(0.2, lease_length().total_seconds() / 3),
        )
        keeper.start()
        try:
            self.run_task_holding_lease(db_task_result)
        finally:
            keeper.stop()

    def run_task_holding_lease(self, db_task_result: DBTaskResult) -> None:
        """Run the task and record how it went, as django-tasks-db does, except that a task
        that lost the database is queued again rather than failed."""
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = task.get_backend()
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                value = task.call(
                    TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs
                )
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            db_task_result.set_successful(value)
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except DATABASE_ERRORS as error:
            self.queue_again_after_database_error(db_task_result, error)
        except BaseException as error:  # as django-tasks-db: record any failure, even Ctrl-C
            db_task_result.set_failed(error)
            try:
                sender = type(db_task_result.task.get_backend())
                task_result = db_task_result.task_result
            except (ImportError, SuspiciousOperation):
                logger.exception("Task %s failed unexpectedly", db_task_result.pk)
            else:
                task_finished.send(sender=sender, task_result=task_result)
        finally:
            self.running_task = False
            self._run_tasks += 1
        TaskLease.objects.filter(task_id=db_task_result.pk, worker_id=self.worker_id).delete()

    def queue_again_after_database_error(self, db_task_result: DBTaskResult, error) -> None:
        """Queue the task again (its transaction was rolled back), unless it has had its runs.

        If the database is still away, this raises too: the task stays "running" until its
        lease runs out, and then any worker queues it again.
        """
        drop_connections()
        attempts = len(db_task_result.worker_ids)
        if attempts >= max_attempts():
            db_task_result.set_failed(error)
            return
        logger.warning(
            "Task %s (%s) lost the database while running; queued again",
            db_task_result.pk,
            db_task_result.task_path,
        )
        DBTaskResult.objects.filter(pk=db_task_result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY
        )


def run_due_tasks(limit: int = 10_000) -> int:
    """Run every task that is due (including ones they queue); return how many ran.

    For seeding the demo inside its transaction, and for tests: in this process and its
    transaction, so without leases (a second thread could not see the uncommitted rows).
    """
    worker = DatabaseWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="in-process",
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit:
        result = DBTaskResult.objects.ready().get_locked()
        if result is None:
            return ran
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    raise RuntimeError(f"More than {limit} tasks in a row: is a task queueing itself forever?")
