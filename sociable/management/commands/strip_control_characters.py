from django.core.management.base import BaseCommand

from sociable.text import strip_stored_text


class Command(BaseCommand):
    help = (
        "Strip control characters from every text column, for rows stored before the site "
        "stripped them on the way in (docs/decisions/0016-control-characters.md)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the rows to change; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        changed, clashes = strip_stored_text(dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        for name, count in changed.items():
            self.stdout.write(f"{name}: {verb} {count} row{'s' if count != 1 else ''}")
        for name in clashes:
            self.stdout.write(
                f"{name}: left as it is: stripping would make rows the same that must "
                "differ; correct them in the admin, then run this again"
            )
        if not changed and not clashes:
            self.stdout.write("No control characters are stored.")
