"""The transparency report: each figure of a year, right, in a fixed number of queries."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums.models import Board, ModerationLog, Report, Suspension
from forums.services import start_thread
from safety import transparency
from safety.models import Appeal, Flag
from tests.accounts.factories import UserFactory, add_totp

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Action = ModerationLog.Action
Reason = Report.Reason


def at(year, month, day, hour=10):
    return datetime(year, month, day, hour, tzinfo=LONDON)


@pytest.fixture
def reader():
    person = UserFactory(name="Helen Marsh", is_staff=True, is_superuser=True)
    add_totp(person)
    return person


@pytest.fixture
def known_year(staff_member):
    """A small, known 2025 (and a little of the years either side, which must not count)."""
    board = Board.objects.create(name="Open discussion", slug="open", audience="public")
    _, post = start_thread(board=board, author=staff_member, title="Bins", body="Tuesdays?")
    # (reason, created, waited until decided or None, status)
    reports = [
        (Reason.ILLEGAL, at(2025, 2, 1), timedelta(hours=2), Report.Status.RESOLVED),
        (Reason.ILLEGAL, at(2025, 2, 2), timedelta(hours=48), Report.Status.RESOLVED),
        (Reason.ILLEGAL, at(2025, 2, 3), None, Report.Status.OPEN),
        (Reason.SPAM, at(2025, 3, 1), timedelta(hours=1), Report.Status.DISMISSED),
        (Reason.SPAM, at(2025, 3, 2), timedelta(hours=5), Report.Status.RESOLVED),
        (Reason.ABUSIVE, at(2024, 12, 31, 23), timedelta(hours=1), Report.Status.RESOLVED),
        (Reason.ILLEGAL, at(2026, 1, 1, 0), None, Report.Status.OPEN),
    ]
    for reason, created, waited, status in reports:
        Report.objects.create(
            post=post,
            reporter=UserFactory(),
            reason=reason,
            status=status,
            created_at=created,
            resolved_at=created + waited if waited else None,
        )
    moderator, u1, u2, u3 = (UserFactory() for _ in range(4))
    for action, created, subject in [
        (Action.HIDE, at(2025, 2, 1, 12), None),
        (Action.HIDE, at(2025, 2, 4), None),
        (Action.SUSPEND, at(2025, 5, 1), u1),
        (Action.ARCHIVE_PROFILE, at(2025, 6, 1), u2),
        (Action.HIDE, at(2024, 6, 1), None),
    ]:
        ModerationLog.objects.create(
            moderator=moderator, action=action, subject=subject, created_at=created
        )
    for person, created in [(u1, at(2025, 5, 1)), (u1, at(2025, 9, 1)), (u2, at(2025, 7, 1))]:
        Suspension.objects.create(
            user=person, until=created + timedelta(days=7), reason="Spam", created_at=created
        )
    Suspension.objects.create(
        user=u3, until=at(2024, 3, 8), reason="Spam", created_at=at(2024, 3, 1)
    )
    # (received, decided, status): the entries they are about were logged in 2023
    for received, decided, status in [
        (at(2025, 4, 1), at(2025, 4, 2), Appeal.Status.UPHELD),
        (at(2025, 12, 30), at(2026, 1, 2), Appeal.Status.REFUSED),
        (at(2024, 12, 30), at(2025, 1, 3), Appeal.Status.REFUSED),
        (at(2025, 10, 1), None, Appeal.Status.OPEN),
    ]:
        entry = ModerationLog.objects.create(
            moderator=moderator, action=Action.HIDE, post=post, created_at=at(2023, 6, 1)
        )
        Appeal.objects.create(
            entry=entry,
            appellant=staff_member,
            statement="Please look again",
            status=status,
            created_at=received,
            decided_at=decided,
            decided_by=moderator if decided else None,
        )
    post_type = ContentType.objects.get_for_model(post)
    for created, status in [
        (at(2025, 2, 1), Flag.Status.ACTED),
        (at(2025, 8, 1), Flag.Status.OPEN),
        (at(2024, 8, 1), Flag.Status.DISMISSED),
    ]:
        Flag.objects.create(
            content_type=post_type,
            object_id=post.pk,
            author=staff_member,
            field="body",
            excerpt="Tuesdays?",
            matched="Tuesdays",
            status=status,
            created_at=created,
        )
    return 2025


def figures(report):
    return {(row.section, row.label): row.value for row in report.rows}


def test_each_figure_of_a_year_is_right(known_year, django_assert_num_queries):
    with django_assert_num_queries(5):
        found = figures(transparency.report_for(known_year))
    assert found[("Reports received", "All reports")] == 5
    assert found[("Reports received", "Illegal")] == 3
    assert found[("Reports received", "Spam or advertising")] == 2
    assert found[("Reports received", "Abusive or harassing")] == 0
    # Decided in 1, 2, 5 and 48 hours: the median is 3½ hours; of illegal ones, 2 and 48.
    assert found[("Time to act", "Median time from report to decision")] == "3 hours 30 minutes"
    assert found[("Time to act", "Median time for reports of illegal content")] == "1 day 1 hour"
    # One of three illegal reports was decided within a day (one is still open).
    assert found[("Time to act", "Illegal-content reports decided within 24 hours")] == "33%"
    assert found[("Actions taken", "All actions")] == 4
    assert found[("Actions taken", "Hid a post")] == 2
    assert found[("Actions taken", "Suspended an account")] == 1
    assert found[("Actions taken", "Archived the profile of someone who has left")] == 1
    assert found[("Actions taken", "Accounts suspended")] == 2  # one person twice, one once
    assert found[("Appeals", "Appeals received")] == 3
    assert found[("Appeals", "Appeals upheld")] == 1
    assert found[("Appeals", "Appeals turned down")] == 1  # received in 2024, decided in 2025
    assert found[("Watched words", "Texts flagged or held")] == 2
    assert found[("Watched words", "Acted on")] == 1
    assert found[("Watched words", "Nothing wrong")] == 0


def test_a_year_with_nothing_says_none_rather_than_zero_time(db):
    found = figures(transparency.report_for(2019))
    assert found[("Reports received", "All reports")] == 0
    assert found[("Time to act", "Median time from report to decision")] == "None decided yet"
    assert (
        found[("Time to act", "Illegal-content reports decided within 24 hours")] == "None received"
    )


def test_the_page_shows_the_year_asked_for_in_tables_with_headers(client_as, reader, known_year):
    response = client_as(reader).get(reverse("safety:transparency"), {"year": "2025"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Transparency report 2025" in page
    assert '<caption class="govuk-table__caption govuk-table__caption--m">Appeals, 2025' in page
    assert 'scope="row"' in page and 'scope="col"' in page
    assert "3 hours 30 minutes" in page
    assert f"{reverse('safety:transparency-csv')}?year=2025" in page


def test_the_page_shows_this_year_unless_asked(client_as, reader):
    response = client_as(reader).get(reverse("safety:transparency"))
    assert response.status_code == 200
    assert f"Transparency report {timezone.localdate().year}" in response.content.decode()


@pytest.mark.parametrize("typed", ["twenty", "1999", "99999", "3000", "2025-01"])
def test_a_bad_year_gets_a_clear_message_and_keeps_what_was_typed(client_as, reader, typed):
    response = client_as(reader).get(reverse("safety:transparency"), {"year": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Enter a year" in page
    assert f'value="{typed}"' in page
    assert "govuk-table" not in page


def test_what_was_typed_is_escaped(client_as, reader):
    response = client_as(reader).get(reverse("safety:transparency"), {"year": '"><b>x'})
    assert "<b>x" not in response.content.decode()


def test_the_csv_has_the_same_rows_as_the_page(client_as, reader, known_year):
    response = client_as(reader).get(reverse("safety:transparency-csv"), {"year": "2025"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="transparency-2025.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Year", "Section", "Figure", "Value", "What it counts"]
    report = transparency.report_for(2025)
    assert [row[2] for row in rows[1:]] == [row.label for row in report.rows]
    assert ["2025", "Appeals", "Appeals upheld", "1"] == rows[1:][-5][:4]
    # Nothing in it begins as a spreadsheet formula would.
    assert not any(cell[:1] in "=+-@" and cell for row in rows for cell in row)
    bad = client_as(reader).get(reverse("safety:transparency-csv"), {"year": "soon"})
    assert bad.status_code == 400


def test_only_superusers_and_moderation_leads_may_read_it(client_as, staff_member, reader):
    lead = UserFactory()
    lead.groups.add(Group.objects.get(name=transparency.LEADS))
    add_totp(lead)
    for name in ("safety:transparency", "safety:transparency-csv"):
        assert client_as(staff_member).get(reverse(name)).status_code == 404
        assert client_as(lead).get(reverse(name)).status_code == 200
        assert client_as(reader).get(reverse(name)).status_code == 200
    assert client_as(staff_member).get(reverse("safety:transparency")).status_code == 404


def test_the_page_reads_a_fixed_number_of_queries_however_much_data(client_as, reader, known_year):
    viewer = client_as(reader)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert viewer.get(reverse("safety:transparency"), {"year": "2025"}).status_code == 200
        return len(captured)

    few = queries()
    post = Report.objects.first().post
    Report.objects.bulk_create(
        Report(post=post, reporter=UserFactory(), reason=Reason.OTHER, created_at=at(2025, 5, 5))
        for _ in range(30)
    )
    assert queries() == few
    assert few <= 8  # the session, the account, two-factor and the report's five
