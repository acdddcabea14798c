"""HR's figures about an organisation's opportunities: published and filled by kind, the
people interested and offered (never a number under five), the skills asked for and offered
(only those five or more opportunities name), as a page and a CSV, for superusers and the
organisation's HR only, in a fixed number of queries."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.utils import timezone

from opportunities import services, stats
from opportunities.models import Opportunity
from sociable.links import reverse
from tests.accounts.factories import UserFactory, staff_of
from tests.cold import cold_queries
from tests.opportunities.factories import post

pytestmark = pytest.mark.django_db

PAGE = "/opportunities/stats/"
CSV = "/opportunities/stats.csv"


def _hr(organisation, name="Harriet Rowe"):
    person = staff_of(organisation, name=name)
    person.groups.add(AuthGroup.objects.get_or_create(name="HR")[0])
    return person


def _superuser():
    return UserFactory(name="Helen Marsh", is_staff=True, is_superuser=True)


def _people(organisation, n, start=0):
    return [staff_of(organisation, name=f"Keen {i}") for i in range(start, start + n)]


def _interest(opportunity, people, *, offer=()):
    """``people`` express interest in ``opportunity``; its poster offers those in ``offer``."""
    shown = [
        services.express_interest(opportunity=opportunity, person=person, note="Me")
        for person in people
    ]
    for interest in shown:
        if interest.person in offer:
            services.answer(interest=interest, by=opportunity.posted_by, status="offered")


def _cells(html: str, label: str) -> list[str]:
    """The cells of the row headed ``label`` in the page's tables, as text."""
    header = rf'<th scope="row"[^>]*>(?:<a [^>]*>)?{re.escape(label)}(?:</a>)?</th>'
    row = re.search(header + r"(.*?)</tr>", html, re.S)
    assert row, f"no row {label!r}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def _csv_row(rows: list[list[str]], label: str) -> list[str]:
    return next(row for row in rows if row and row[0] == label)


def test_the_figures_count_what_was_published_filled_and_who_was_interested(
    council, trust, staff_member, other_staff
):
    keen = _people(trust, 6)
    filled_loan = post(staff_member, kind="loan", places=2)
    _interest(filled_loan, keen, offer=keen[:2])  # filled: it closed at the second offer
    open_loan = post(staff_member, kind="loan")
    _interest(open_loan, keen[:3])
    shadowing = post(staff_member, kind="shadowing")
    _interest(shadowing, keen[3:4], offer=keen[3:4])
    services.mark_done(opportunity=shadowing, by=staff_member)
    secondment = post(staff_member, kind="secondment")
    _interest(secondment, keen[4:5])
    services.withdraw(opportunity=secondment, by=staff_member)
    post(staff_member, kind="project", publish=False)  # a draft was never published
    long_ago = post(staff_member, kind="loan")
    _interest(long_ago, keen[5:], offer=keen[5:])
    Opportunity.objects.filter(pk=long_ago.pk).update(
        published_at=timezone.now() - timedelta(days=400)
    )
    post(other_staff, kind="loan")  # the trust's

    found = stats.organisation_stats(council)

    rows = {row.kind: row for row in found.kinds}
    assert list(rows) == [kind for kind, _ in Opportunity._meta.get_field("kind").choices]
    loan, shadow, second = rows["loan"], rows["shadowing"], rows["secondment"]
    assert (loan.published, loan.filled, loan.interested.number) == (2, 1, 6)
    assert loan.offered.suppressed  # two people
    assert (shadow.published, shadow.filled) == (1, 1)
    assert (second.published, second.filled) == (1, 0)  # withdrawn, so never filled
    assert rows["project"].published == 0 and rows["project"].interested.suppressed
    total = found.total
    assert (total.published, total.filled, total.interested.number) == (4, 2, 6)
    assert total.offered.suppressed  # three people: the one offered long ago is not counted

    earlier = stats.Period(start=timezone.localdate() - timedelta(days=500), end=found.period.end)
    assert stats.organisation_stats(council, earlier).total.published == 5


def test_a_count_of_people_under_five_is_shown_only_as_fewer_than_five(
    client_as, council, staff_member
):
    loan = post(staff_member, kind="loan", places=10)
    keen = _people(council, 5)
    _interest(loan, keen[:4], offer=keen[:4])
    hr = client_as(_hr(council))

    found = stats.organisation_stats(council)
    assert found.total.interested == stats.People(None)  # the 4 is not kept
    assert str(found.total.offered) == "fewer than 5"
    assert _cells(hr.get(PAGE).content.decode(), "A short loan") == [
        "1", "0", "fewer than 5", "fewer than 5",
    ]  # fmt: skip
    assert _csv_row(_csv(hr.get(CSV)), "A short loan") == ["A short loan", "1", "0", "<5", "<5"]

    _interest(loan, keen[4:], offer=keen[4:])

    assert _cells(hr.get(PAGE).content.decode(), "A short loan") == ["1", "0", "5", "5"]
    assert _csv_row(_csv(hr.get(CSV)), "All kinds") == ["All kinds", "1", "0", "5", "5"]


def test_a_skill_is_listed_only_when_five_opportunities_name_it(client_as, council, staff_member):
    for _ in range(4):
        post(staff_member, needs=["Excel", "Welding"], teaches=["Service design"])
    post(staff_member, needs=["Welding"], teaches=["Service design"])
    hr = client_as(_hr(council))

    found = stats.organisation_stats(council)
    assert [(s.name, s.opportunities) for s in found.skills_needed] == [("Welding", 5)]
    assert [(s.name, s.opportunities) for s in found.skills_taught] == [("Service design", 5)]
    page = hr.get(PAGE).content.decode()
    assert _cells(page, "Welding") == ["5"] and "Excel" not in page
    assert "Excel" not in hr.get(CSV).content.decode()

    post(staff_member, needs=["Excel"])

    assert [s.name for s in stats.organisation_stats(council).skills_needed] == [
        "Excel",
        "Welding",
    ]  # five each, by name
    assert _csv_row(_csv(hr.get(CSV)), "Excel") == ["Excel", "5"]


def test_only_the_ten_skills_most_asked_for_are_listed(council, staff_member):
    many = [f"Skill {n:02}" for n in range(12)]
    for i in range(6):
        post(staff_member, needs=many if i < 5 else ["Skill 11"])

    needed = stats.organisation_stats(council).skills_needed

    assert [s.name for s in needed] == ["Skill 11", *many[:9]]
    assert needed[0].opportunities == 6


def test_hr_see_their_own_organisation_only_and_a_superuser_any(
    client_as, council, trust, staff_member, other_staff
):
    post(staff_member, title="Council loan")
    post(other_staff, title="Trust loan")
    hr, admin = client_as(_hr(council)), client_as(_superuser())

    own = hr.get(PAGE)
    assert own.status_code == 200 and "Kirkfield City Council" in own.content.decode()
    assert 'name="organisation"' not in own.content.decode()  # nothing to choose
    today = timezone.localdate().isoformat()
    assert f'name="end" value="{today}"' in own.content.decode()  # a date field's format
    assert hr.get(PAGE, {"organisation": "council"}).status_code == 200
    assert hr.get(PAGE, {"organisation": "trust"}).status_code == 404
    assert hr.get(CSV, {"organisation": "trust"}).status_code == 404

    chosen = admin.get(PAGE, {"organisation": "trust"})
    assert chosen.status_code == 200
    page = chosen.content.decode()
    assert 'name="organisation"' in page and "Kirkfield Hospitals NHS Trust" in page
    assert _cells(page, "A short loan")[0] == "1"
    assert admin.get(PAGE, {"organisation": "nowhere"}).status_code == 404


def test_nobody_else_finds_the_figures(client, client_as, council, staff_member, community_member):
    django_staff = staff_of(council, name="Ida Staff", is_staff=True)
    outside_hr = UserFactory(name="Casey Hart")  # in the HR group, but staff of no organisation
    outside_hr.groups.add(AuthGroup.objects.get_or_create(name="HR")[0])

    for person in (staff_member, django_staff, community_member, outside_hr):
        signed_in = client_as(person)
        assert signed_in.get(PAGE).status_code == 404, person
        assert signed_in.get(CSV).status_code == 404, person
    for url in (PAGE, CSV):
        signed_out = client.get(url)
        assert signed_out.status_code == 302
        assert signed_out["Location"] == f"{reverse('account_login')}?next={url}"
    assert client_as(_hr(council)).get(PAGE).status_code == 200


def test_the_csv_is_named_for_the_organisation_and_the_day(client_as, council, staff_member):
    for _ in range(5):
        post(staff_member, needs=["=HYPERLINK(1)"])
    response = client_as(_hr(council)).get(CSV, {"start": "2020-01-01"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="opportunities-council-{today}.csv"'
    )
    assert not response.content.startswith(b"\xef\xbb\xbf")
    rows = _csv(response)
    assert rows[:3] == [
        ["Organisation", "Kirkfield City Council"],
        ["Published from", "2020-01-01"],
        ["Published to", today],
    ]
    assert _csv_row(rows, "Kind")[1:] == [
        "Opportunities published",
        "Opportunities filled",
        "People who expressed interest",
        "People offered a place",
    ]
    assert _csv_row(rows, "All kinds") == ["All kinds", "5", "0", "<5", "<5"]
    assert ["'=HYPERLINK(1)", "5"] in rows  # not a formula in a spreadsheet


def test_a_period_ending_before_it_starts_is_refused(client_as, council):
    hr = client_as(_hr(council))

    response = hr.get(PAGE, {"start": "2026-03-01", "end": "2026-02-01"})

    assert response.status_code == 400
    assert "The end must be on or after the start." in response.content.decode()
    assert hr.get(CSV, {"start": "2026-03-01", "end": "2026-02-01"}).status_code == 400
    assert hr.get(PAGE, {"start": "not a date"}).status_code == 400


def test_the_figures_take_a_fixed_number_of_queries(
    client_as, django_assert_max_num_queries, council, trust, staff_member
):
    hr = client_as(_hr(council))
    keen = _people(trust, 3)

    def grow(n: int) -> None:
        for i in range(n):
            found = post(staff_member, kind=["loan", "shadowing"][i % 2], places=2,
                         needs=[f"Need {i % 3}"], teaches=[f"Teach {i % 4}"])  # fmt: skip
            _interest(found, keen, offer=keen[:1])

    grow(1)
    with django_assert_max_num_queries(stats.QUERIES):
        stats.organisation_stats(council)
    little = cold_queries(hr, PAGE)

    grow(15)
    with django_assert_max_num_queries(stats.QUERIES):
        found = stats.organisation_stats(council)
    lots = cold_queries(hr, PAGE)

    assert found.total.published == 16 and found.skills_needed  # the rows were there
    assert lots == little
