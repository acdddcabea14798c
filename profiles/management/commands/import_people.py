from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from profiles.importer import PeopleImportError, import_people


class Command(BaseCommand):
    help = (
        "Create or update people and their profiles from an HR export: a CSV file (UTF-8) "
        "with the columns email, name and, optionally, job_title, team, place. Nobody is "
        "deleted or archived."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="The HR export, saved as 'CSV UTF-8'.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, without saving anything.",
        )

    def handle(self, *args, file: Path, dry_run: bool = False, **options) -> None:
        try:
            report = import_people(file, dry_run=dry_run)
        except PeopleImportError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
