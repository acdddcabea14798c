import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from sociable.notifications.schedule import run_due_jobs
from sociable.notifications.worker import DATABASE_ERRORS, DatabaseBackoff, drop_connections


class Command(BaseCommand):
    help = (
        "Queue the daily jobs (digests, event reminders, profile reminders) when they are due. "
        "Database outages are waited out, with back-off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Check once, then exit.")
        parser.add_argument("--interval", type=float, default=60, help="Seconds between checks.")

    def handle(self, *, once: bool, interval: float, verbosity: int, **options):
        backoff = DatabaseBackoff("The scheduler")
        try:
            while True:
                try:
                    close_old_connections()
                    queued = run_due_jobs()
                except DATABASE_ERRORS as error:
                    if once:
                        raise CommandError(f"The database is unavailable: {error}") from None
                    drop_connections()
                    backoff.wait(error)
                    continue
                backoff.succeeded()
                for name in queued:
                    self.stdout.write(f"Queued {name}")
                if not queued and verbosity >= 2:
                    self.stdout.write(f"Nothing due at {timezone.localtime():%H:%M:%S}")
                if once:
                    return
                time.sleep(interval)
        except KeyboardInterrupt:
            return
