"""Daily jobs: each is queued once a day, however many nodes run the scheduler.

The scheduler (``manage.py run_scheduler``) wakes every minute and queues any
job whose time of day (UK time) has passed and that has not run today; the
unique (job, day) row decides which node wins, in the same transaction as the
queued task.
"""

from __future__ import annotations

from datetime import datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from sociable import registry

from .models import ScheduledRun

# The site's own jobs: (name, task, UK time of day). The apps add theirs
# (``registry.daily_jobs``: name -> (task, time)), e.g. groups' event reminders.
DAILY_JOBS: list[tuple[str, str, time]] = [
    ("digests", "sociable.notifications.tasks.send_digests", time(7, 0)),
    # Expired cache rows go (rendered pages can name people), not only when a table fills.
    ("purge_expired_cache", "sociable.tasks.purge_expired_cache", time(23, 0)),
    ("expired_sessions", "sociable.accounts.tasks.clear_expired_sessions", time(23, 30)),
]


def daily_jobs() -> list[tuple[str, str, time]]:
    """Every daily job, the site's and the apps', earliest first."""
    jobs = DAILY_JOBS + [(name, task, at) for name, (task, at) in registry.daily_jobs.items()]
    return sorted(jobs, key=lambda job: job[2])


def run_due_jobs(now: datetime | None = None) -> list[str]:
    """Queue today's jobs that are due and not yet queued, and the jobs that have something
    to do (``registry.due_jobs``); return their names."""
    local = timezone.localtime(now or timezone.now())
    # One read a wake-up, which also tells the scheduler at once when the database is away.
    started = set(ScheduledRun.objects.filter(day=local.date()).values_list("job", flat=True))
    queued = []
    for name, path, at in daily_jobs():
        if local.time() < at or name in started:
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=name, day=local.date())
                import_string(path).enqueue()
        except IntegrityError:
            continue  # another node (or an earlier wake-up) queued it today
        queued.append(name)
    for name, (is_due, path) in registry.due_jobs.items():
        if is_due():
            import_string(path).enqueue()
            queued.append(name)
    return queued
