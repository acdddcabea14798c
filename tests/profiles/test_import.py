"""`manage.py import_people` keeps people and profiles in step with an HR export."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from profiles import importer, services
from profiles.models import Place, Profile, ProfileSearch, Team
from sociable.accounts.models import User
from tests.accounts.factories import UserFactory, staff_of
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db

HEADER = "email,name,job_title,team,place\n"


def write(tmp_path, text: str, *, encoding: str = "utf-8", name: str = "hr.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(path, *args: str) -> list[str]:
    out = StringIO()
    call_command("import_people", str(path), *args, stdout=out)
    return out.getvalue().splitlines()


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (User, EmailAddress, Profile, Team, Place, ProfileSearch)
    )


def test_new_people_get_a_verified_staff_account_and_a_profile(tmp_path, council, trust):
    path = write(
        tmp_path,
        HEADER + "Nadia.Begum@council.example.gov.uk,Nadia Begum,Housing Officer,Housing Options,"
        "Merrion House\n"
        "mei.chen@trust.example.nhs.uk,Mei Chen,Pharmacist,Pharmacy,St James's Hospital\n",
    )

    output = run(path)

    assert output == ["Created 2, updated 0, unchanged 0, rejected 0."]
    nadia = User.objects.get(email="nadia.begum@council.example.gov.uk")
    assert nadia.name == "Nadia Begum"
    assert nadia.username == "nadia-begum"
    assert nadia.organisation == council
    assert not nadia.has_usable_password()
    assert EmailAddress.objects.filter(
        user=nadia, email="nadia.begum@council.example.gov.uk", primary=True, verified=True
    ).exists()
    profile = nadia.profile
    assert profile.job_title == "Housing Officer"
    assert (profile.team.name, profile.team.organisation) == ("Housing Options", council)
    assert profile.place.name == "Merrion House"
    assert ProfileSearch.objects.filter(profile=profile, terms__contains="Housing").exists()
    mei = User.objects.get(email="mei.chen@trust.example.nhs.uk")
    assert (mei.organisation, mei.profile.team.organisation) == (trust, trust)


def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path, council):
    path = write(
        tmp_path,
        HEADER + "nadia.begum@council.example.gov.uk,Nadia Begum,Housing Officer,Housing Options,"
        "Merrion House\n"
        "gareth.lloyd@council.example.gov.uk,Gareth Lloyd,Social Worker,,\n",
    )
    run(path)
    first = counts()

    output = run(path)

    assert output == ["Created 0, updated 0, unchanged 2, rejected 0."]
    assert counts() == first


def test_columns_are_found_in_any_order_and_case_and_extra_ones_are_reported_once(
    tmp_path, council
):
    path = write(
        tmp_path,
        " Team ,Staff number,NAME,Email , Job Title,staff number\n"
        "Digital Services,C100,Helen Marsh,helen.marsh@council.example.gov.uk,Developer,C100\n",
    )

    output = run(path)

    assert output == [
        "Created 1, updated 0, unchanged 0, rejected 0.",
        "Ignored columns: staff_number "
        "(the import reads email, name, job_title, team, place, start_date).",
    ]
    profile = Profile.objects.get(user__email="helen.marsh@council.example.gov.uk")
    assert (profile.job_title, profile.team.name) == ("Developer", "Digital Services")


def test_an_update_changes_the_name_job_title_and_team(tmp_path, council, staff_member):
    profile = make_profile(staff_member, job_title="Analyst", team="Insight", place="Civic Centre")
    path = write(
        tmp_path,
        HEADER + f"{staff_member.email.upper()},Amara Okafor-Jones,Senior Analyst,"
        "Digital Services,civic centre\n",
    )

    output = run(path)

    assert output == ["Created 0, updated 1, unchanged 0, rejected 0."]
    staff_member.refresh_from_db()
    profile.refresh_from_db()
    assert staff_member.name == "Amara Okafor-Jones"
    assert profile.job_title == "Senior Analyst"
    assert (profile.team.name, profile.team.organisation) == ("Digital Services", council)
    assert profile.place.name == "Civic Centre"  # same building, whatever the case
    assert Place.objects.count() == 1
    assert User.objects.count() == 1 and EmailAddress.objects.count() == 1
    assert ProfileSearch.objects.filter(profile=profile, terms__contains="Okafor-Jones").exists()


def test_a_blank_cell_leaves_the_current_value_alone(tmp_path, council, staff_member):
    profile = make_profile(staff_member, job_title="Analyst", team="Insight", place="Civic Centre")
    path = write(tmp_path, HEADER + f"{staff_member.email},Amara Okafor,,,\n")

    assert run(path) == ["Created 0, updated 0, unchanged 1, rejected 0."]
    profile.refresh_from_db()
    assert (profile.job_title, profile.team.name, profile.place.name) == (
        "Analyst",
        "Insight",
        "Civic Centre",
    )


def test_people_missing_from_the_file_are_left_alone(tmp_path, council, staff_member):
    profile = make_profile(staff_member, job_title="Analyst", team="Insight")
    path = write(tmp_path, HEADER + "new.starter@council.example.gov.uk,New Starter,,,\n")

    run(path)

    profile.refresh_from_db()
    staff_member.refresh_from_db()
    assert profile.archived_at is None
    assert (profile.job_title, profile.team.name) == ("Analyst", "Insight")
    assert staff_member.is_active and staff_member.organisation == council


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (",No Email,,,", "(no email address): email address is missing"),
        ("not-an-address,Someone,,,", "not-an-address: not a valid email address"),
        (
            "jo@gmail.com,Jo Parkinson,,,",
            "jo@gmail.com: not a partner organisation's email address",
        ),
        ("jo@council.example.gov.uk,,,,", "jo@council.example.gov.uk: name is missing"),
        (
            f"jo@council.example.gov.uk,{'N' * 151},,,",
            "jo@council.example.gov.uk: name is longer than 150 characters",
        ),
        (
            f"jo@council.example.gov.uk,Jo,{'J' * 151},,",
            "jo@council.example.gov.uk: job title is longer than 150 characters",
        ),
        (
            f"jo@council.example.gov.uk,Jo,,{'T' * 101},",
            "jo@council.example.gov.uk: team is longer than 100 characters",
        ),
        (
            f"jo@council.example.gov.uk,Jo,,,{'P' * 101}",
            "jo@council.example.gov.uk: place is longer than 100 characters",
        ),
        (
            "jo@council.example.gov.uk,Jo Parkinson,Clerk,Finance,Civic Centre,Leeds",
            "jo@council.example.gov.uk: has more values than the file has columns (a stray comma?)",
        ),
    ],
)
def test_a_row_that_cannot_be_imported_is_rejected_with_its_line_and_reason(
    tmp_path, council, row, reason
):
    path = write(tmp_path, HEADER + "ok@council.example.gov.uk,Okay Person,,,\n" + row + "\n")

    output = run(path)

    assert output == ["Created 1, updated 0, unchanged 0, rejected 1.", f"line 3: {reason}"]
    assert list(User.objects.values_list("email", flat=True)) == ["ok@council.example.gov.uk"]


def test_the_second_row_with_the_same_email_is_rejected(tmp_path, council):
    path = write(
        tmp_path,
        HEADER + "jo@council.example.gov.uk,Jo Parkinson,Clerk,,\n"
        "\n"
        "JO@council.example.gov.uk,Joanne Parkinson,Manager,,\n",
    )

    output = run(path)

    assert output == [
        "Created 1, updated 0, unchanged 0, rejected 1.",
        "line 4: JO@council.example.gov.uk: appears more than once in the file (first on line 2)",
    ]
    assert Profile.objects.get().job_title == "Clerk"


def test_trailing_empty_cells_are_not_a_stray_comma(tmp_path, council):
    path = write(tmp_path, HEADER + "jo@council.example.gov.uk,Jo Parkinson,Clerk,,,,\n")

    assert run(path) == ["Created 1, updated 0, unchanged 0, rejected 0."]


def test_a_leaver_is_rejected_and_stays_archived(tmp_path, council, staff_member):
    profile = make_profile(staff_member, job_title="Analyst")
    services.archive_profile(profile=profile)
    path = write(tmp_path, HEADER + f"{staff_member.email},Amara Okafor,Director,,\n")

    output = run(path)

    assert output == [
        "Created 0, updated 0, unchanged 0, rejected 1.",
        f"line 2: {staff_member.email}: archived as a leaver; restore them in the admin first",
    ]
    profile.refresh_from_db()
    assert profile.archived_at is not None
    assert profile.job_title == "Analyst"


def test_an_account_whose_address_is_unconfirmed_is_not_taken_over(tmp_path, council):
    squatter = UserFactory(email="jo@council.example.gov.uk", name="Not Jo", verified=False)
    path = write(tmp_path, HEADER + "jo@council.example.gov.uk,Jo Parkinson,Clerk,,\n")

    output = run(path)

    assert output[0] == "Created 0, updated 0, unchanged 0, rejected 1."
    assert "has not confirmed this address yet" in output[1]
    squatter.refresh_from_db()
    assert squatter.name == "Not Jo" and squatter.organisation is None
    assert not EmailAddress.objects.filter(verified=True).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "e-mail,full name,team\njo@council.example.gov.uk,Jo,Finance\n",
            "is missing the required columns email, name (found: e_mail, full_name, team)",
        ),
        ("name,job_title\nJo,Clerk\n", "is missing the required column email (found: name, "),
        (
            "email;name\njo@council.example.gov.uk;Jo\n",
            "separated by semicolons or tabs: use commas",
        ),
        ("", "is empty"),
        ("\n  \n", "is empty"),
        ("email,name,email\n", "has more than one column called email"),
    ],
)
def test_a_file_with_the_wrong_columns_changes_nothing(tmp_path, staff_member, content, message):
    make_profile(staff_member, job_title="Analyst")
    before = counts()
    path = write(tmp_path, content)

    with pytest.raises(CommandError) as error:
        run(path)

    assert str(error.value).startswith(str(path))
    assert message in str(error.value)
    assert counts() == before
    assert Profile.objects.get().job_title == "Analyst"


def test_a_spreadsheet_saved_in_windows_encoding_is_refused(tmp_path, council):
    path = write(
        tmp_path,
        HEADER + "zoe@council.example.gov.uk,Zoë Brontë,Café manager,,\n",
        encoding="cp1252",
    )

    with pytest.raises(CommandError) as error:
        run(path)

    assert str(error.value) == (f"{path} is not UTF-8 text: save it as 'CSV UTF-8' and try again.")
    assert User.objects.count() == 0


def test_a_binary_file_is_refused(tmp_path, council):
    path = tmp_path / "people.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" * 20)

    with pytest.raises(CommandError, match="is not a CSV file"):
        run(path)
    assert User.objects.count() == 0


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run(tmp_path / "nowhere.csv")


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path, council):
    path = write(
        tmp_path,
        HEADER + "zoe@council.example.gov.uk,Zoë Brontë,Café manager,,\n",
        encoding="utf-8-sig",
    )

    assert run(path) == ["Created 1, updated 0, unchanged 0, rejected 0."]
    zoe = User.objects.get()
    assert (zoe.name, zoe.profile.job_title) == ("Zoë Brontë", "Café manager")


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(tmp_path, council, staff_member):
    make_profile(staff_member, job_title="Analyst")
    before = counts()
    path = write(
        tmp_path,
        HEADER + f"{staff_member.email},Amara Okafor,Senior Analyst,Insight,Civic Centre\n"
        "nadia@council.example.gov.uk,Nadia Begum,Housing Officer,Housing Options,\n"
        "jo@gmail.com,Jo Parkinson,,,\n",
    )

    output = run(path, "--dry-run")

    assert output == [
        "Dry run: nothing has been saved.",
        "Created 1, updated 1, unchanged 0, rejected 1.",
        "line 4: jo@gmail.com: not a partner organisation's email address",
    ]
    assert counts() == before
    assert Profile.objects.get().job_title == "Analyst"


def test_a_failure_part_way_through_keeps_nothing(tmp_path, council, monkeypatch):
    calls = []

    def failing_update_profile(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise DatabaseError("the database went away")
        return services.update_profile(**kwargs)

    monkeypatch.setattr(importer, "update_profile", failing_update_profile)
    path = write(
        tmp_path,
        HEADER
        + "a@council.example.gov.uk,Ann Able,Clerk,,\nb@council.example.gov.uk,Ben Bell,Clerk,,\n",
    )

    with pytest.raises(CommandError, match=r"line 3: b@council.example.gov.uk: could not be saved"):
        run(path)
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_someone_already_signed_up_becomes_staff_with_their_profile_kept(tmp_path, council):
    person = staff_of(council, name="Priya Shah")
    profile = make_profile(person, bio="I sing in the choir.")
    path = write(tmp_path, HEADER + f"{person.email},Priya Shah,Team Leader,Finance,\n")

    assert run(path) == ["Created 0, updated 1, unchanged 0, rejected 0."]
    profile.refresh_from_db()
    assert (profile.bio, profile.job_title, profile.team.name) == (
        "I sing in the choir.",
        "Team Leader",
        "Finance",
    )
    assert Profile.objects.count() == 1


def test_a_deactivated_account_is_rejected_and_left_alone(tmp_path, council, staff_member):
    staff_member.is_active = False
    staff_member.save(update_fields=["is_active"])
    path = write(tmp_path, HEADER + f"{staff_member.email},Someone Else,Director,,\n")

    output = run(path)

    assert output[1] == (
        f"line 2: {staff_member.email}: their account is deactivated; reactivate it in the admin "
        "first"
    )
    staff_member.refresh_from_db()
    assert staff_member.name == "Amara Okafor" and not staff_member.is_active


def test_a_person_whose_work_address_is_not_their_primary_one_gets_no_team(tmp_path, council):
    person = UserFactory(name="Jo Parkinson", email="jo@example.com")
    EmailAddress.objects.create(user=person, email="jo@council.example.gov.uk", verified=True)
    path = write(
        tmp_path,
        HEADER + "jo@council.example.gov.uk,Jo Parkinson,Clerk,Finance,\n"
        "jo@council.example.gov.uk,Jo Parkinson,Clerk,,\n",
    )

    output = run(path)

    assert output == [
        "Created 0, updated 0, unchanged 0, rejected 2.",
        "line 2: jo@council.example.gov.uk: their account's primary email address is not a "
        "partner organisation's, so their team cannot be set",
        "line 3: jo@council.example.gov.uk: appears more than once in the file (first on line 2)",
    ]
    path = write(tmp_path, HEADER + "jo@council.example.gov.uk,Jo Parkinson,Clerk,,\n")
    assert run(path) == ["Created 0, updated 1, unchanged 0, rejected 0."]
    assert Profile.objects.get(user=person).job_title == "Clerk"
    assert User.objects.count() == 1


def test_a_start_date_is_read_in_either_form_and_a_wrong_one_is_rejected(
    tmp_path, council, staff_member
):
    profile = make_profile(staff_member)
    path = write(
        tmp_path,
        "email,name,start_date\n"
        f"{staff_member.email},Amara Okafor,04/01/2027\n"
        "new.starter@council.example.gov.uk,Nia New,2027-01-11\n"
        "late@council.example.gov.uk,Lee Late,next Monday\n",
    )

    output = run(path)

    assert output == [
        "Created 1, updated 1, unchanged 0, rejected 1.",
        "line 4: late@council.example.gov.uk: start date 'next Monday' is not a date: write it "
        "as 2027-01-04 or 04/01/2027",
    ]
    profile.refresh_from_db()
    assert str(profile.started_on) == "2027-01-04"
    assert str(Profile.objects.get(user__name="Nia New").started_on) == "2027-01-11"
    assert not User.objects.filter(name="Lee Late").exists()
    assert run(path)[0] == "Created 0, updated 0, unchanged 2, rejected 1."
