"""``manage.py db_worker``: django-tasks-db's worker command, running our ``Worker``.

Same options as django-tasks-db's (this app comes first in INSTALLED_APPS, so this command
replaces it); the worker also leases the tasks it runs and outlives database outages
(sociable/notifications/worker.py).
"""

import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from sociable.notifications.worker import Worker


class Command(db_worker.Command):
    help = (
        "Run the background worker: queued emails, digests and reminders. Tasks left running "
        "by a worker that died are queued again after TASK_LEASE_SECONDS; database outages "
        "are waited out."
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only in the child that runs the tasks
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
