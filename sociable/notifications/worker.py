"""Run queued background tasks in this process, the way ``manage.py db_worker`` runs them.

For seeding the demo inside its transaction, and for tests: the real worker
closes database connections between tasks, which neither can allow.
"""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_due_tasks(limit: int = 10_000) -> int:
    """Run every task that is due (including ones they queue); return how many ran."""
    worker = Worker(
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
