import time

from django.core.management.base import BaseCommand

from sociable.notifications.schedule import run_due_jobs


class Command(BaseCommand):
    help = "Queue the daily jobs (digests, event reminders, profile reminders) when they are due."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Check once, then exit.")
        parser.add_argument("--interval", type=float, default=60, help="Seconds between checks.")

    def handle(self, *, once: bool, interval: float, **options):
        while True:
            for name in run_due_jobs():
                self.stdout.write(f"Queued {name}")
            if once:
                return
            time.sleep(interval)
