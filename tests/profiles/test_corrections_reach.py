"""Notes left about a profile reach its owner and, for leavers, the people administrators
of the person's organisation, who archive the profile in one step."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums.models import ModerationLog
from profiles import corrections, roles, services
from profiles.models import ProfileCorrection
from sociable.notifications.models import Notification
from tests.accounts.factories import UserFactory, add_totp, staff_of
from tests.helpers import run_tasks
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db

Kind = ProfileCorrection.Kind
Status = ProfileCorrection.Status


def people_administrator(organisation, **kwargs):
    person = staff_of(organisation, **kwargs)
    person.groups.add(Group.objects.get(name=roles.PEOPLE_ADMINISTRATORS))
    add_totp(person)
    return person


@pytest.fixture
def leaver(council):
    return make_profile(staff_of(council, name="Sam Leaver"), job_title="Planner")


@pytest.fixture
def council_admin(council):
    return people_administrator(council, name="Helen Marsh")


@pytest.fixture
def trust_admin(trust):
    return people_administrator(trust, name="Ruth Okoro")


def told(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind))


def leave_note(client_as, reporter, profile, kind=Kind.LEFT, message="Left in March"):
    return client_as(reporter).post(
        reverse("profiles:correction-create", args=[profile.user.username]),
        {"kind": kind, "message": message},
    )


def test_the_owner_is_told_of_a_note_in_the_site_and_by_email_with_a_way_to_act(
    client_as, staff_member, leaver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = leave_note(client_as, staff_member, leaver, Kind.CORRECTION, "New phone")
    assert response.status_code == 302
    (notice,) = told(leaver.user, "correction_note")
    assert "New phone" in notice.body and "mark the note done or dismiss it" in notice.body
    assert notice.url == reverse("profiles:profile-detail", args=[leaver.user.username])
    assert not told(staff_member, "correction_note")  # not the person who left it
    run_tasks()
    (email,) = [m for m in mail.outbox if leaver.user.email in m.to]
    assert "New phone" in email.body
    page = client_as(leaver.user).get(notice.url).content.decode()
    assert "New phone" in page and "I have fixed it" in page


def test_the_owner_may_close_a_note_about_their_profile_and_nobody_else_may(
    client_as, staff_member, other_staff, leaver
):
    note = services.report_correction(
        profile=leaver, reported_by=staff_member, kind=Kind.CORRECTION, message="Old team"
    )
    url = reverse("profiles:correction-resolve", args=[note.pk])
    assert client_as(other_staff).post(url, {"status": "dismissed"}).status_code == 404
    assert client_as(leaver.user).post(url, {"status": "done"}).status_code == 302
    note.refresh_from_db()
    assert note.status == Status.DONE and note.resolved_by == leaver.user


def test_a_leaver_note_reaches_the_people_administrators_of_their_organisation_only(
    client_as, staff_member, leaver, council_admin, trust_admin
):
    leaver.audience = "public"  # anyone may see the profile, but it is not the trust's
    leaver.save(update_fields=["audience"])
    leave_note(client_as, staff_member, leaver)
    (notice,) = told(council_admin, "correction_left")
    assert "Sam Leaver has left" in notice.title and "Left in March" in notice.body
    assert notice.url == reverse("profiles:corrections")
    assert not told(trust_admin, "correction_left")
    # Only a leaver note goes to the administrators; the owner hears of every note.
    leave_note(client_as, staff_member, leaver, Kind.CORRECTION, "Wrong floor")
    assert len(told(council_admin, "correction_left")) == 1
    assert len(told(leaver.user, "correction_note")) == 2


def test_administrators_hear_of_their_own_people_even_when_they_cannot_see_the_profile(
    staff_member, leaver, council_admin, trust_admin
):
    """The note's audience is its organisation's administrators, not the profile's."""
    leaver.audience = "organisation"  # the council's staff only: hidden from the trust
    leaver.save(update_fields=["audience"])
    note = services.report_correction(
        profile=leaver, reported_by=staff_member, kind=Kind.LEFT, message=""
    )
    # HR closes the account: nobody may see the profile now, and the note still reaches.
    leaver.user.is_active = False
    leaver.user.save(update_fields=["is_active"])
    assert not leaver.__class__.objects.active().filter(pk=leaver.pk).exists()
    assert corrections.audience(council_admin).filter(pk=note.pk).exists()
    assert Notification.objects.visible_to(council_admin).filter(kind="correction_left").exists()
    assert not corrections.audience(trust_admin).filter(pk=note.pk).exists()
    assert not told(trust_admin, "correction_left")


def test_the_role_without_an_organisation_administers_nobody(db, leaver, staff_member):
    citizen = UserFactory()
    citizen.groups.add(Group.objects.get(name=roles.PEOPLE_ADMINISTRATORS))
    services.report_correction(profile=leaver, reported_by=staff_member, kind=Kind.LEFT, message="")
    assert not corrections.administers_people(citizen)
    assert not corrections.open_notes(citizen).exists()
    assert not told(citizen, "correction_left")


def test_only_people_administrators_reach_the_page_and_only_for_their_own_people(
    client_as, staff_member, leaver, council_admin, trust_admin, trust
):
    other = make_profile(staff_of(trust, name="Tim Trust"))
    ours = services.report_correction(
        profile=leaver, reported_by=staff_member, kind=Kind.LEFT, message="Gone"
    )
    theirs = services.report_correction(
        profile=other, reported_by=staff_member, kind=Kind.LEFT, message="Gone too"
    )
    page = reverse("profiles:corrections")
    assert client_as(staff_member).get(page).status_code == 404
    response = client_as(council_admin).get(page)
    assert response.status_code == 200
    assert "Sam Leaver" in response.content.decode()
    assert "Tim Trust" not in response.content.decode()
    for name in ("profiles:correction-archive", "profiles:correction-dismiss"):
        assert client_as(council_admin).post(reverse(name, args=[theirs.pk])).status_code == 404
        assert client_as(staff_member).post(reverse(name, args=[ours.pk])).status_code == 404
    other.refresh_from_db()
    assert other.archived_at is None
    assert ProfileCorrection.objects.get(pk=theirs.pk).status == Status.OPEN


def test_a_people_administrator_sets_up_two_factor_first(client_as, council):
    person = staff_of(council)
    person.groups.add(Group.objects.get(name=roles.PEOPLE_ADMINISTRATORS))
    response = client_as(person).get(reverse("profiles:corrections"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_archiving_a_leaver_takes_one_step_is_logged_and_thanks_whoever_told_us(
    client_as, staff_member, other_staff, leaver, council_admin, django_capture_on_commit_callbacks
):
    first = services.report_correction(
        profile=leaver, reported_by=staff_member, kind=Kind.LEFT, message="Left in March"
    )
    second = services.report_correction(
        profile=leaver, reported_by=other_staff, kind=Kind.LEFT, message=""
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(council_admin).post(
            reverse("profiles:correction-archive", args=[first.pk])
        )
    assert response.status_code == 302 and response.url == reverse("profiles:corrections")
    leaver.refresh_from_db()
    assert leaver.archived_at is not None
    for note in (first, second):
        note.refresh_from_db()
        assert note.status == Status.DONE and note.resolved_by == council_admin
    (entry,) = ModerationLog.objects.filter(action=ModerationLog.Action.ARCHIVE_PROFILE)
    assert entry.moderator == council_admin and entry.subject == leaver.user
    assert entry.reason == "Left in March"
    for reporter in (staff_member, other_staff):
        (thanks,) = told(reporter, "correction_done")
        assert "Sam Leaver" in thanks.title and thanks.title.startswith("Thank you")
    assert not told(leaver.user, "correction_done")
    page = client_as(council_admin).get(reverse("profiles:corrections")).content.decode()
    assert "There are no open notes" in page


def test_dismissing_a_note_leaves_the_profile_as_it_is(
    client_as, staff_member, leaver, council_admin
):
    note = services.report_correction(
        profile=leaver, reported_by=staff_member, kind=Kind.LEFT, message="I think"
    )
    response = client_as(council_admin).post(reverse("profiles:correction-dismiss", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    leaver.refresh_from_db()
    assert note.status == Status.DISMISSED and leaver.archived_at is None
    assert not ModerationLog.objects.filter(action=ModerationLog.Action.ARCHIVE_PROFILE).exists()


def test_a_superuser_sees_every_organisations_notes_leavers_first(
    client_as, staff_member, leaver, trust
):
    boss = UserFactory(is_superuser=True, is_staff=True)
    add_totp(boss)
    other = make_profile(staff_of(trust, name="Tim Trust"))
    services.report_correction(
        profile=other, reported_by=staff_member, kind=Kind.CORRECTION, message="Old title"
    )
    services.report_correction(profile=leaver, reported_by=staff_member, kind=Kind.LEFT, message="")
    page = client_as(boss).get(reverse("profiles:corrections")).content.decode()
    assert page.index("Sam Leaver") < page.index("Tim Trust")


def test_notes_are_escaped_on_the_administrators_page(
    client_as, staff_member, leaver, council_admin
):
    services.report_correction(
        profile=leaver, reported_by=staff_member, kind=Kind.LEFT, message="<b>gone</b>"
    )
    page = client_as(council_admin).get(reverse("profiles:corrections")).content.decode()
    assert "&lt;b&gt;gone&lt;/b&gt;" in page and "<b>gone</b>" not in page


def test_the_form_says_truly_who_will_read_the_note(client_as, staff_member, other_staff, leaver):
    page = client_as(other_staff).get(
        reverse("profiles:correction-create", args=[leaver.user.username])
    )
    text = page.content.decode()
    assert "Sam Leaver will be told of your note" in text
    assert "people administrators at Kirkfield City Council" in text
    assert "the administrators will see" not in text


def test_the_page_reads_a_fixed_number_of_queries_however_many_notes(
    client, client_as, council, staff_member, council_admin
):
    def notes(count):
        for n in range(count):
            profile = make_profile(staff_of(council, name=f"Person {n}"))
            services.report_correction(
                profile=profile, reported_by=staff_member, kind=Kind.LEFT, message=f"Note {n}"
            )

    def queries():
        viewer = client_as(council_admin)
        with CaptureQueriesContext(connection) as captured:
            assert viewer.get(reverse("profiles:corrections")).status_code == 200
        return len(captured)

    notes(2)
    few = queries()
    notes(30)
    assert queries() == few
    assert few <= 7
