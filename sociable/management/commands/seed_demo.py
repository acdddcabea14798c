from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sociable import demo


class Command(BaseCommand):
    help = "Load the demo partnership (idempotent: run it as often as you like)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run with DEBUG off too (demo accounts share a published password).",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password; it only runs with "
                "DEBUG on (or --force on a throwaway database)."
            )
        demo.seed()
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"\nDemo sign-ins (password for all: {demo.DEMO_PASSWORD}):")
        for person in demo.SIGN_INS:
            self.stdout.write(f"  {person.role:<32} {person.email}")
        self.stdout.write(
            "  The moderator and administrator have two-factor set up: `make totp` prints "
            "their current code.\n"
        )
