"""Create or update people and their profiles from an HR export (a CSV file).

HR is the authority for who works where: the import creates accounts for new
staff, with a verified address at a partner organisation's domain, and updates
names, job titles, teams and places. It never deletes or archives anyone, and
never brings back a leaver. The whole file is read and checked before anything
is written; the valid rows are then written in one transaction.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.db.models.functions import Lower

from sociable.accounts.models import Organisation, User
from sociable.accounts.services import email_domain, organisation_for_email, sync_organisation
from sociable.text import strip_invisible

from .models import Place, Profile, Team
from .services import (
    ensure_profile,
    find_or_create_place,
    find_or_create_team,
    refresh_search,
    update_profile,
)
from .vocabulary import MAX_NAME_LENGTH, normalise_name

REQUIRED_COLUMNS = ("email", "name")
OPTIONAL_COLUMNS = ("job_title", "team", "place", "start_date")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
LABELS = {
    "email": "email address",
    "name": "name",
    "job_title": "job title",
    "team": "team",
    "place": "place",
    "start_date": "start date",
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")  # as HR systems and UK spreadsheets write them
SAVE_AS_CSV = "save it as 'CSV UTF-8' and try again"
_HEADER_GAPS = re.compile(r"[\s-]+")


class PeopleImportError(Exception):
    """The import could not run; nothing was changed."""


class ImportFileError(PeopleImportError):
    """The file is not a readable HR export."""


@dataclass(frozen=True)
class Row:
    """One person's line of the file, with spaces tidied.

    ``None`` for an optional value means the column is absent or the cell is blank:
    the person's current value is left as it is.
    """

    line: int
    email: str
    name: str
    job_title: str | None = None
    team: str | None = None
    place: str | None = None
    start_date: date | None = None  # when they start (or started): new starters may ask for a buddy
    problem: str = ""  # why the line could not be read, e.g. a stray comma


@dataclass(frozen=True)
class ImportFile:
    rows: list[Row]
    ignored_columns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Rejection:
    line: int
    email: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.email or '(no email address)'}: {self.reason}"


@dataclass
class ImportReport:
    """What the import did (or, for a dry run, would do), by email address."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def summary(self) -> str:
        return (
            f"Created {len(self.created)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, rejected {len(self.rejected)}."
        )

    def lines(self) -> list[str]:
        """Return the report as an operator reads it: summary first, then each rejection."""
        lines = ["Dry run: nothing has been saved."] if self.dry_run else []
        lines.append(self.summary)
        lines += [str(rejection) for rejection in self.rejected]
        if self.ignored_columns:
            lines.append(
                f"Ignored columns: {', '.join(self.ignored_columns)} "
                f"(the import reads {', '.join(COLUMNS)})."
            )
        return lines


def import_people(path: str | Path, *, dry_run: bool = False) -> ImportReport:
    """Read the HR export at ``path`` and create or update the people in it."""
    parsed = read_file(path)
    report = import_rows(parsed.rows, dry_run=dry_run)
    report.ignored_columns = parsed.ignored_columns
    return report


# --- reading the file ---------------------------------------------------------------------


def read_file(path: str | Path) -> ImportFile:
    """Read and tidy every row of the file; raise ImportFileError if it is not a usable CSV."""
    text = _decode(path)
    records = _records(text, name=str(path))
    header_line, header = next(records, (0, []))
    columns = [_HEADER_GAPS.sub("_", cell.strip().lower()) for cell in header]
    _check_header(columns, name=str(path))
    index = {column: columns.index(column) for column in COLUMNS if column in columns}
    ignored = list(dict.fromkeys(c for c in columns if c and c not in COLUMNS))
    rows = [_row(line, record, index, width=len(columns)) for line, record in records]
    return ImportFile(rows=rows, ignored_columns=ignored)


def _decode(path: str | Path) -> str:
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"{name} does not exist.") from None
    except OSError as exc:
        raise ImportFileError(f"{name} cannot be read: {exc.strerror}.") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(f"{name} is not UTF-8 text: {SAVE_AS_CSV}.")
    if b"\x00" in data:
        raise ImportFileError(f"{name} is not a CSV file (it holds binary data): {SAVE_AS_CSV}.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(f"{name} is not UTF-8 text: {SAVE_AS_CSV}.") from None
    if not text.strip():
        raise ImportFileError(f"{name} is empty: it needs a header row and a row per person.")
    return text


def _records(text: str, *, name: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number where it starts, cells) for each record that is not blank."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records, last_line = [], 0
    try:
        for record in reader:
            start, last_line = last_line + 1, reader.line_num
            if any(cell.strip() for cell in record):
                records.append((start, record))
    except csv.Error as exc:
        raise ImportFileError(
            f"{name} is not a readable CSV file (line {reader.line_num}: {exc})."
        ) from None
    return iter(records)


def _check_header(columns: list[str], *, name: str) -> None:
    repeated = sorted({c for c in columns if c in COLUMNS and columns.count(c) > 1})
    if repeated:
        raise ImportFileError(
            f"{name} has more than one column called {', '.join(repeated)}: keep one of each."
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        found = ", ".join(c for c in columns if c) or "none"
        hint = ""
        if any(";" in c or "\t" in c for c in columns):
            hint = " The columns look separated by semicolons or tabs: use commas."
        raise ImportFileError(
            f"{name} is missing the required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (found: {found}). The first row must name the columns: "
            f"email, name and, if you have them, job_title, team, place, start_date.{hint}"
        )


def _tidy(value: str) -> str:
    """One line, single-spaced, without control characters (a name of only those is blank)."""
    return " ".join(strip_invisible(value).split())


def _row(line: int, record: list[str], index: dict[str, int], *, width: int) -> Row:
    def cell(column: str) -> str:
        i = index.get(column)
        return _tidy(record[i]) if i is not None and i < len(record) else ""

    problem = ""
    # Trailing empty cells are harmless (spreadsheets add them); values are not.
    if any(value.strip() for value in record[width:]):
        problem = "has more values than the file has columns (a stray comma?)"
    start_date = _date(cell("start_date"))
    if start_date is False:
        problem = problem or (
            f"start date {cell('start_date')!r} is not a date: write it as 2027-01-04 or 04/01/2027"
        )
    return Row(
        line=line,
        email=cell("email"),
        name=cell("name"),
        job_title=cell("job_title") or None,
        team=cell("team") or None,
        place=cell("place") or None,
        start_date=start_date or None,
        problem=problem,
    )


def _date(text: str) -> date | None | bool:
    """The day ``text`` names, None for a blank cell, False for one that is not a date."""
    if not text:
        return None
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()  # noqa: DTZ007 (a day, not a moment)
        except ValueError:
            continue
    return False


# --- checking and writing -----------------------------------------------------------------


@dataclass
class _Plan:
    row: Row
    user: User | None  # None: a new person
    organisation: Organisation | None  # what sync_organisation will give them
    changes: list[str] = field(default_factory=list)


def import_rows(rows: Iterable[Row], *, dry_run: bool = False) -> ImportReport:
    """Check every row, then write the valid ones in one transaction (unless ``dry_run``)."""
    report = ImportReport(dry_run=dry_run)
    plans = _plan(list(rows), report)
    for plan in plans:
        if plan.user is None:
            report.created.append(plan.row.email)
        elif plan.changes:
            report.updated.append(plan.row.email)
        else:
            report.unchanged.append(plan.row.email)
    if not dry_run:
        with transaction.atomic():
            for plan in plans:
                _apply(plan)
    return report


def _limits() -> dict[str, int]:
    """Return the longest value each column may hold, from the model fields."""
    email_length = EmailAddress._meta.get_field("email").max_length
    return {
        "email": min(User._meta.get_field("email").max_length, email_length),
        "name": User._meta.get_field("name").max_length,
        "job_title": Profile._meta.get_field("job_title").max_length,
        # Team and place names are cut to the vocabulary's length when saved.
        "team": min(Team._meta.get_field("name").max_length, MAX_NAME_LENGTH),
        "place": min(Place._meta.get_field("name").max_length, MAX_NAME_LENGTH),
    }


def _plan(rows: list[Row], report: ImportReport) -> list[_Plan]:
    """Decide what each row does, rejecting the rows that cannot be imported; write nothing."""
    limits = _limits()
    first_line: dict[str, int] = {}
    candidates = []
    for row in rows:
        key = row.email.lower()
        reason = _row_problem(row, limits, first_line.get(key))
        first_line.setdefault(key, row.line)
        if reason:
            report.rejected.append(Rejection(row.line, row.email, reason))
        else:
            candidates.append(row)

    verified, unconfirmed = _accounts({row.email.lower() for row in candidates})
    primary = dict(
        EmailAddress.objects.filter(
            user__in=[user.pk for user in verified.values()], primary=True, verified=True
        ).values_list("user_id", "email")
    )
    organisations: dict[str, Organisation | None] = {}

    def organisation_of(email: str) -> Organisation | None:
        domain = email_domain(email)
        if domain not in organisations:
            organisations[domain] = organisation_for_email(email)
        return organisations[domain]

    plans, line_of_user = [], {}
    for row in candidates:
        key = row.email.lower()
        user = verified.get(key)
        if organisation_of(row.email) is None:
            reason = "not a partner organisation's email address"
        elif user is None and key in unconfirmed:
            reason = (
                "already has an account but has not confirmed this address yet: ask them "
                "to confirm it, or mark it verified in the admin"
            )
        elif user is None:
            plans.append(_Plan(row, None, organisation_of(row.email)))
            continue
        else:
            organisation = organisation_of(primary[user.pk]) if user.pk in primary else None
            reason = _account_problem(row, user, organisation, line_of_user.get(user.pk))
            line_of_user.setdefault(user.pk, row.line)
            if not reason:
                plans.append(_Plan(row, user, organisation, _changes(row, user, organisation)))
                continue
        report.rejected.append(Rejection(row.line, row.email, reason))
    report.rejected.sort(key=lambda rejection: rejection.line)
    return plans


def _row_problem(row: Row, limits: dict[str, int], first_line: int | None) -> str | None:
    """Return why the row cannot be imported, from the file alone, or None."""
    if row.problem:
        return row.problem
    if not row.email:
        return "email address is missing"
    try:
        validate_email(row.email)
    except ValidationError:
        return "not a valid email address"
    if first_line is not None:
        return f"appears more than once in the file (first on line {first_line})"
    if not row.name:
        return "name is missing"
    for column, limit in limits.items():
        value = getattr(row, column)
        if value and len(value) > limit:
            return f"{LABELS[column]} is longer than {limit} characters"
    return None


def _account_problem(
    row: Row, user: User, organisation: Organisation | None, first_line: int | None
) -> str | None:
    """Return why an existing person cannot be updated, or None."""
    if first_line is not None:
        return f"is the same person as line {first_line}"
    if not user.is_active:
        return "their account is deactivated; reactivate it in the admin first"
    profile = _profile_of(user)
    if profile is not None and profile.archived_at is not None:
        return "archived as a leaver; restore them in the admin first"
    if row.team and organisation is None:
        return (
            "their account's primary email address is not a partner organisation's, "
            "so their team cannot be set"
        )
    return None


def _accounts(emails: set[str]) -> tuple[dict[str, User], set[str]]:
    """Return the accounts holding these addresses verified, and the addresses held unconfirmed.

    A verified address identifies the person, as it does when they sign in.
    """
    addresses = (
        EmailAddress.objects.annotate(lower_email=Lower("email"))
        .filter(lower_email__in=emails, verified=True)
        .select_related("user__profile__team", "user__profile__place")
    )
    verified = {address.lower_email: address.user for address in addresses}
    unconfirmed = set(
        User.objects.annotate(lower_email=Lower("email"))
        .filter(lower_email__in=emails - verified.keys())
        .values_list("lower_email", flat=True)
    )
    return verified, unconfirmed


def _profile_of(user: User) -> Profile | None:
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def _same_name(current: Team | Place | None, wanted: str) -> bool:
    return current is not None and current.name.lower() == normalise_name(wanted).lower()


def _changes(row: Row, user: User, organisation: Organisation | None) -> list[str]:
    """Return what importing the row would change about an existing person."""
    profile = _profile_of(user)
    changes = []
    if user.name != row.name:
        changes.append("name")
    if user.organisation_id != (organisation.pk if organisation else None):
        changes.append("organisation")
    if profile is None:
        changes.append("profile")
    if row.job_title is not None and (profile is None or profile.job_title != row.job_title):
        changes.append("job_title")
    team = profile.team if profile else None
    if row.team is not None and not (
        _same_name(team, row.team) and team.organisation_id == organisation.pk
    ):
        changes.append("team")
    if row.place is not None and not _same_name(profile.place if profile else None, row.place):
        changes.append("place")
    if row.start_date is not None and (profile is None or profile.started_on != row.start_date):
        changes.append("start_date")
    return changes


def _apply(plan: _Plan) -> None:
    """Write one checked row; called inside the import's transaction."""
    row = plan.row
    try:
        user = plan.user or _create_user(row)
        if plan.user is not None and "name" in plan.changes:
            user.name = row.name
            user.save(update_fields=["name"])
        sync_organisation(user=user)
        profile = ensure_profile(user=user)
        wanted = set(plan.changes) if plan.user else {"job_title", "team", "place", "start_date"}
        if "start_date" in wanted and row.start_date is not None:  # not searched: no rows to redo
            Profile.objects.filter(pk=profile.pk).update(started_on=row.start_date)
        fields: dict[str, object] = {}
        if "job_title" in wanted and row.job_title is not None:
            fields["job_title"] = row.job_title
        if "team" in wanted and row.team is not None:
            fields["team"] = find_or_create_team(organisation=user.organisation, name=row.team)
        if "place" in wanted and row.place is not None:
            fields["place"] = find_or_create_place(name=row.place)
        if fields:
            update_profile(profile=profile, fields=fields, by_owner=False)
        elif plan.user is not None and {"name", "organisation"} & wanted:
            refresh_search(profiles=[profile])  # the name and organisation are searchable
    except (ValidationError, DatabaseError) as exc:
        raise PeopleImportError(
            f"line {row.line}: {row.email}: could not be saved ({exc}). Nothing was changed."
        ) from exc


def _create_user(row: Row) -> User:
    """Create a staff account with HR's address, verified; they set a password later."""
    email = row.email.lower()
    user = User(email=email, name=row.name)
    user.username = get_adapter().generate_unique_username([row.name, email, "person"])
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user
