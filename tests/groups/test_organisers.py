"""Organisers' tools: a reason when cancelling, questions asked when people reply (seen by
organisers only, deleted after the event), the check-in list and who came, choosing who
teaches a session, and inviting every learner of its skill."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from groups import organisers, personal_data, services
from groups.models import RSVP, Event, Guest
from profiles import holdings
from profiles.models import Profile, ProfileSkill, Skill
from sociable.accounts.models import User
from sociable.notifications.models import Notification
from sociable.notifications.schedule import daily_jobs
from tests.accounts.factories import staff_of
from tests.cold import cold_queries, page_budget
from tests.groups.factories import make_event, make_group
from tests.groups.test_views import event_form
from tests.helpers import run_tasks
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db

QUESTIONS = ["Do you have any access needs?", "Any dietary needs?"]
BLNS = json.loads(
    (Path(__file__).resolve().parent.parent / "forums" / "data" / "blns.json").read_text("utf-8")
)
# What the forms strip from what people type (sociable.text), and what no row can hold.
STRIPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def url(name: str, event: Event) -> str:
    return reverse(f"groups:{name}", args=[event.group.slug, event.pk])


def started(event: Event, *, hours_ago: float = 1, hours: float = 2) -> Event:
    """Move ``event`` so that it started ``hours_ago`` (around save(): replies stay)."""
    starts = timezone.now() - timedelta(hours=hours_ago)
    Event.objects.filter(pk=event.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=hours)
    )
    event.refresh_from_db()
    return event


@pytest.fixture
def group(staff_member):
    return make_group(staff_member, audience="staff")


@pytest.fixture
def member(group, council):
    person = staff_of(council, name="Maya Member")
    services.join_group(group=group, user=person)
    return person


@pytest.fixture
def asking(group):
    """An event that asks about access and dietary needs."""
    return make_event(group, title="Choir picnic", questions=QUESTIONS)


def going_with(event, person, client_as, answers: list[str]):
    fields = {f"answer_{n}": answer for n, answer in enumerate(answers, start=1)}
    return client_as(person).post(url("event-rsvp", event), {"going": "yes", **fields})


# --- a reason when cancelling ---------------------------------------------------------------


def test_cancelling_asks_why_and_tells_everyone_going_the_reason(
    client_as, staff_member, group, member
):
    event = make_event(group)
    services.rsvp_to_event(event=event, user=member, going=True)
    organiser = client_as(staff_member)

    asked = organiser.get(url("event-cancel", event))
    empty = organiser.post(url("event-cancel", event), {"reason": "  "})
    assert asked.status_code == 200 and "Why is the event cancelled?" in asked.content.decode()
    assert "Say why the event is cancelled" in empty.content.decode()
    assert not Event.objects.get().is_cancelled

    done = organiser.post(url("event-cancel", event), {"reason": "Our conductor is unwell."})

    event.refresh_from_db()
    assert done.status_code == 302 and event.is_cancelled
    assert event.cancel_reason == "Our conductor is unwell."
    told = Notification.objects.get(kind="event_cancelled")
    assert told.recipient == member and told.body == "Our conductor is unwell."
    page = client_as(member).get(event.get_absolute_url()).content.decode()
    assert 'Cancelled: <span class="sociable-pre">Our conductor is unwell.</span>' in page
    again = organiser.get(url("event-cancel", event)).content.decode()
    assert "This event has been cancelled" in again and "<form" not in again.split("main")[1]


def test_a_cancellation_reason_is_shown_as_text_to_everyone_who_sees_the_event(
    client, client_as, staff_member
):
    event = make_event(make_group(staff_member, audience="public"))
    client_as(staff_member).post(
        url("event-cancel", event), {"reason": '<script>alert("x")</script> & <b>bold</b>'}
    )

    page = client.get(event.get_absolute_url()).content.decode()

    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert '<script>alert("x")' not in page and "<b>bold</b>" not in page


def test_only_organisers_cancel_events(client_as, staff_member, group, member, other_staff):
    event = make_event(group)
    secret = make_event(make_group(staff_member, name="Private", audience="members"))

    assert client_as(member).get(url("event-cancel", event)).status_code == 403
    assert client_as(member).post(url("event-cancel", event), {"reason": "x"}).status_code == 403
    assert client_as(other_staff).get(url("event-cancel", secret)).status_code == 404
    assert not Event.objects.filter(cancelled_at__isnull=False).exists()


# --- questions and answers ------------------------------------------------------------------


def test_organisers_ask_up_to_three_questions_on_the_event_form(client_as, staff_member, group):
    organiser = client_as(staff_member)

    create = reverse("groups:event-create", args=[group.slug])

    twice = organiser.post(
        create, event_form(question_1="Any dietary needs?", question_2="any dietary needs? ")
    )
    assert "Ask each question once." in twice.content.decode()
    assert not Event.objects.exists()

    organiser.post(
        create,
        event_form(title="Picnic", question_1=QUESTIONS[0], question_2="", question_3=QUESTIONS[1]),
    )
    event = Event.objects.get(title="Picnic")
    assert event.questions == QUESTIONS
    form = organiser.get(url("event-edit", event)).content.decode()
    assert 'value="Any dietary needs?"' in form


def test_people_going_may_answer_and_are_told_who_sees_their_answers(client_as, asking, member):
    page = client_as(member).get(asking.get_absolute_url()).content.decode()
    assert "Do you have any access needs?" in page
    assert "Only the organisers of Lunchtime choir see your answers" in page
    assert "deleted the day after the event" in page

    going_with(asking, member, client_as, ["Step-free access, please", ""])

    rsvp = RSVP.objects.get(event=asking, user=member)
    assert rsvp.status == "going"
    assert rsvp.answers == {"Do you have any access needs?": "Step-free access, please"}
    own = client_as(member).get(asking.get_absolute_url()).content.decode()
    assert "Step-free access, please" in own and "Save your answers" in own

    going_with(asking, member, client_as, ["", "Vegetarian"])  # changed while going
    assert RSVP.objects.get(event=asking, user=member).answers == {
        "Any dietary needs?": "Vegetarian"
    }
    client_as(member).post(url("event-rsvp", asking), {"going": "no"})
    assert RSVP.objects.get(event=asking, user=member).answers == {}


def test_an_answer_too_long_changes_nothing(client_as, asking, member):
    response = going_with(asking, member, client_as, ["x" * 501])

    assert response.status_code == 302
    assert not RSVP.objects.exists()


def test_only_the_organisers_see_the_answers(
    client, client_as, staff_member, group, member, other_staff, council, asking
):
    services.update_group(group=group, audience="public")
    neighbour = staff_of(council, name="Ned Neighbour")
    services.join_group(group=group, user=neighbour)
    services.rsvp_to_event(event=asking, user=neighbour, going=True)
    going_with(asking, member, client_as, ["Hearing loop", "Halal"])
    check_in = url("event-check-in", asking) + "?answers=1"

    organiser = client_as(staff_member)
    attendees = organiser.get(url("event-attendees", asking)).content.decode()
    assert "Hearing loop" in attendees and "Halal" in attendees
    assert "Hearing loop" in organiser.get(check_in).content.decode()

    for viewer in (client, client_as(neighbour), client_as(other_staff)):
        page = viewer.get(asking.get_absolute_url())
        assert page.status_code == 200 and "Hearing loop" not in page.content.decode()
    assert client.get(url("event-attendees", asking)).status_code == 302  # sign in first
    for viewer in (client_as(neighbour), client_as(other_staff)):
        assert viewer.get(url("event-attendees", asking)).status_code == 403
        assert viewer.get(url("event-attendees-csv", asking) + "?answers=1").status_code == 403
        assert viewer.get(check_in).status_code == 404


def test_the_attendee_csv_leaves_the_answers_out_unless_asked(
    client_as, staff_member, member, asking
):
    going_with(asking, member, client_as, ["=cmd|' /C calc'!A0", "Vegan"])
    organiser = client_as(staff_member)

    plain = organiser.get(url("event-attendees-csv", asking)).content.decode()
    asked = organiser.get(url("event-attendees-csv", asking) + "?answers=1").content.decode()

    assert "Vegan" not in plain and "access needs" not in plain
    header, row = list(csv.reader(io.StringIO(asked)))
    assert header[-2:] == QUESTIONS
    assert row[0] == "Maya Member" and row[-2:] == ["'=cmd|' /C calc'!A0", "Vegan"]
    page = organiser.get(url("event-attendees", asking)).content.decode()
    assert "Download as CSV with the answers" in page and "Keep the file safe" in page


def test_answers_are_deleted_the_day_after_the_event(staff_member, group, member, council):
    today, tomorrow, yesterday, cancelled = (
        make_event(group, title=title, questions=QUESTIONS)
        for title in ("today", "tomorrow", "yesterday", "cancelled")
    )
    guest = Guest.objects.create(
        event=yesterday, name="Gus Guest", email="gus@example.com", status="going"
    )
    Guest.objects.filter(pk=guest.pk).update(answers={QUESTIONS[0]: "A ramp"})
    for event in (today, tomorrow, yesterday, cancelled):
        result = services.rsvp_to_event(event=event, user=member, going=True)
        organisers.set_answers(rsvp=result.rsvp, answers={QUESTIONS[1]: "No nuts"})
    services.cancel_event(event=cancelled, reason="Rain")
    # The clock: 10:00 UK time on a day; "yesterday"'s event ended at 22:00 the day before,
    # "today"'s at 09:00, "tomorrow"'s is still to come; "cancelled" was cancelled yesterday.
    now = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    for event, ends in (
        (today, now - timedelta(hours=1)),
        (yesterday, now - timedelta(hours=12)),
        (tomorrow, now + timedelta(days=1)),
    ):
        Event.objects.filter(pk=event.pk).update(starts_at=ends - timedelta(hours=1), ends_at=ends)
    Event.objects.filter(pk=cancelled.pk).update(cancelled_at=now - timedelta(hours=11))

    assert organisers.forget_answers(now=now) == 3  # two members' answers and a guest's

    kept = dict(RSVP.objects.values_list("event__title", "answers"))
    assert kept == {
        "today": {QUESTIONS[1]: "No nuts"},
        "tomorrow": {QUESTIONS[1]: "No nuts"},
        "yesterday": {},
        "cancelled": {},
    }
    assert Guest.objects.get().answers == {}
    assert organisers.forget_answers(now=now + timedelta(days=1)) == 1  # today's, a day on
    jobs = {name: task for name, task, _ in daily_jobs()}
    assert jobs["rsvp_answers"] == "groups.tasks.forget_rsvp_answers"


def test_changing_a_question_deletes_its_answers(client_as, staff_member, member, asking):
    going_with(asking, member, client_as, ["Hearing loop", "Halal"])

    client_as(staff_member).post(
        url("event-edit", asking),
        event_form(title="Choir picnic", question_1=QUESTIONS[0], question_2="Bringing a friend?"),
    )

    asking.refresh_from_db()
    assert asking.questions == [QUESTIONS[0], "Bringing a friend?"]
    assert RSVP.objects.get().answers == {QUESTIONS[0]: "Hearing loop"}


def test_your_data_holds_your_answers_while_they_are_kept(client_as, member, asking):
    going_with(asking, member, client_as, ["Hearing loop", ""])

    (reply,) = personal_data.export(member)["rsvps"]

    assert reply["answers"] == {QUESTIONS[0]: "Hearing loop"}


def test_the_naughty_strings_in_answers_and_reasons_are_kept_as_typed_and_shown_as_text(
    client_as, staff_member, group, council
):
    event = make_event(group, questions=["One?", "Two?", "Three?"])
    text = "\n".join(BLNS)
    pieces = [text[at : at + 500] for at in range(0, len(text), 500)]
    people = []
    for at in range(0, len(pieces), 3):
        person = staff_of(council)
        services.join_group(group=group, user=person)
        going_with(event, person, client_as, pieces[at : at + 3])
        people.append(person)

    typed = [STRIPPED.sub("", piece).strip() for piece in pieces]
    stored = [
        answer
        for rsvp in RSVP.objects.filter(event=event).order_by("user_id")
        for answer in (rsvp.answers.get(q, "") for q in event.questions)
    ]
    assert [answer for answer in stored if answer] == [piece for piece in typed if piece]
    organiser = client_as(staff_member)
    for page in (
        organiser.get(url("event-attendees", event)),
        organiser.get(url("event-check-in", event) + "?answers=1"),
        client_as(people[0]).get(event.get_absolute_url()),
    ):
        assert page.status_code == 200
        assert "<script>alert(123)</script>" not in page.content.decode()
    rows = list(csv.reader(io.StringIO(
        organiser.get(url("event-attendees-csv", event) + "?answers=1").content.decode()
    )))  # fmt: skip
    assert len(rows) == len(people) + 1

    reason = pieces[1]
    organiser.post(url("event-cancel", event), {"reason": reason})
    event.refresh_from_db()
    assert event.cancel_reason == STRIPPED.sub("", reason).strip()
    page = client_as(people[0]).get(event.get_absolute_url()).content.decode()
    assert "Cancelled:" in page and "<script>alert(123)</script>" not in page


# --- check-in and who came ------------------------------------------------------------------


def test_the_check_in_list_has_everyone_going_by_name_members_and_guests(
    client_as, staff_member, group, council
):
    event = make_event(group, capacity=2)
    for name in ("zoe Zephyr", "Adam Archer", "Will Waiting"):
        person = staff_of(council, name=name)
        services.rsvp_to_event(event=event, user=person, going=True)
    for name, status in (("Bea Guest", "going"), ("Pat Pending", "pending")):
        Guest.objects.create(event=event, name=name, email=f"{name[:3]}@example.com", status=status)

    page = client_as(staff_member).get(url("event-check-in", event)).content.decode()

    names = re.findall(r'<td class="govuk-table__cell">([^<]+)</td>\s*<td', page)
    assert names == ["Adam Archer", "Bea Guest", "zoe Zephyr"]  # not waiting, not unconfirmed
    assert "Print this list" in page and "check-in.css" in page
    assert 'type="checkbox"' not in page  # ticked off on paper until the event starts


def test_only_organisers_reach_the_check_in_list(
    client, client_as, staff_member, group, member, other_staff
):
    event = make_event(group)
    check_in = url("event-check-in", event)

    assert client_as(staff_member).get(check_in).status_code == 200
    assert client_as(member).get(check_in).status_code == 404
    assert client_as(other_staff).get(check_in).status_code == 404
    assert client.get(check_in).status_code == 302  # sign in first
    assert client_as(member).post(check_in, {"came": []}).status_code == 404


def test_answers_are_on_the_check_in_list_only_when_the_organiser_asks(
    client_as, staff_member, member, asking
):
    going_with(asking, member, client_as, ["Hearing loop", ""])
    organiser = client_as(staff_member)

    plain = organiser.get(url("event-check-in", asking)).content.decode()
    shown = organiser.get(url("event-check-in", asking) + "?answers=1").content.decode()

    assert "Hearing loop" not in plain and "Show people's answers" in plain
    assert "Hearing loop" in shown and "Do you have any access needs?" in shown


def test_organisers_tick_who_came_once_the_event_has_started(
    client_as, staff_member, group, member, council
):
    event = make_event(group)
    absent = staff_of(council, name="Abe Absent")
    for person in (member, absent):
        services.rsvp_to_event(event=event, user=person, going=True)
    guest = Guest.objects.create(
        event=event, name="Bea Guest", email="b@example.com", status="going"
    )
    came = [f"m{RSVP.objects.get(user=member).pk}", f"g{guest.pk}"]
    organiser = client_as(staff_member)

    early = organiser.post(url("event-check-in", event), {"came": came}, follow=True)
    assert "once the event has started" in early.content.decode()
    assert not RSVP.objects.filter(attended__isnull=False).exists()

    started(event)
    page = organiser.post(url("event-check-in", event), {"came": came}, follow=True)

    assert dict(RSVP.objects.values_list("user__name", "attended")) == {
        "Maya Member": True,
        "Abe Absent": False,
    }
    assert Guest.objects.get().attended is True
    html = page.content.decode()
    assert "Saved: 2 of 3 came." in html and "Who came: 2 of 3 (1 guest)." in html
    assert html.count(" checked>") == 2


def test_a_forged_tick_changes_nothing(client_as, staff_member, group, member):
    event = started(make_event(group))
    RSVP.objects.create(event=event, user=member, status="going")
    other = make_event(group, title="Other")
    elsewhere = RSVP.objects.create(event=other, user=staff_member, status="going")

    page = client_as(staff_member).post(
        url("event-check-in", event), {"came": [f"m{elsewhere.pk}", "m1; DROP TABLE"]}, follow=True
    )

    assert "nothing was saved" in page.content.decode()
    assert not RSVP.objects.filter(attended__isnull=False).exists()


# --- who teaches ----------------------------------------------------------------------------


def test_organisers_choose_who_teaches_among_the_groups_members(
    client_as, staff_member, group, member, other_staff
):
    make_profile(member, audience="public")
    organiser = client_as(staff_member)
    create = reverse("groups:event-create", args=[group.slug])
    form = organiser.get(create).content.decode()
    assert f'<option value="{member.pk}">Maya Member</option>' in form
    assert f'<option value="{staff_member.pk}" selected>' in form  # whoever adds it
    assert f'value="{other_staff.pk}"' not in form

    organiser.post(create, event_form(kind="learning", title="Harmony", teacher=str(member.pk)))
    organiser.post(create, event_form(kind="learning", title="Rhythm", teacher=""))

    harmony, rhythm = Event.objects.get(title="Harmony"), Event.objects.get(title="Rhythm")
    assert harmony.teacher == member and rhythm.teacher == staff_member
    page = organiser.get(harmony.get_absolute_url()).content.decode()
    assert "Taught by" in page and "Maya Member" in page


@pytest.mark.parametrize("forged", ["outsider", "999999999", "abc", "-1"])
def test_someone_outside_the_group_cannot_be_made_the_teacher(
    client_as, staff_member, group, other_staff, forged
):
    teacher = str(other_staff.pk) if forged == "outsider" else forged
    event = make_event(group, kind="learning", teacher=staff_member)
    organiser = client_as(staff_member)

    made = organiser.post(
        reverse("groups:event-create", args=[group.slug]),
        event_form(kind="learning", title="Forged", teacher=teacher),
    )
    edited = organiser.post(
        url("event-edit", event), event_form(kind="learning", title="Changed", teacher=teacher)
    )

    for response in (made, edited):
        assert response.status_code == 200
        assert "Choose a member of the group to teach the session." in response.content.decode()
    event.refresh_from_db()
    assert event.title == "Rehearsal" and event.teacher == staff_member
    assert not Event.objects.filter(title="Forged").exists()


# --- inviting every learner -----------------------------------------------------------------


def wanting_to_learn(skill: Skill, organisation, count: int) -> list[User]:
    """``count`` staff of ``organisation`` whose listed profiles want to learn ``skill``,
    made in a few statements (``make_profile`` one by one takes a quarter second each)."""
    made = User.objects.bulk_create(
        User(
            username=f"{organisation.slug}-learner-{n}",
            email=f"learner-{n}@{organisation.domains.first().domain}",
            name=f"{organisation.name[:8]} Learner {n:03d}",
            organisation=organisation,
        )
        for n in range(count)
    )
    profiles = Profile.objects.bulk_create(Profile(user=person) for person in made)
    ProfileSkill.objects.bulk_create(
        ProfileSkill(profile=profile, skill=skill, relation=ProfileSkill.Relation.LEARN)
        for profile in profiles
    )
    holdings.settle(profile.pk for profile in profiles)
    return made


def test_every_learner_who_may_see_the_group_is_invited_once_however_many(
    client_as, staff_member, council, trust
):
    group = make_group(staff_member, audience="organisation")
    make_profile(staff_of(trust, name="Partner"), learn=["British Sign Language"])
    skill = Skill.objects.get(name="British Sign Language")
    learners = wanting_to_learn(skill, council, 120)
    wanting_to_learn(skill, trust, 3)  # they cannot see a council-only group
    event = make_event(group, kind="learning", skill=skill)
    organiser = client_as(staff_member)

    page = organiser.get(event.get_absolute_url()).content.decode()
    assert "Kirkfiel Learner 000" in page and "Learner 004" in page and "Learner 005" not in page
    assert "and 115 more" in page and "120 of them have not been invited yet" in page

    first = organiser.post(url("event-invite-learners", event), follow=True).content.decode()
    run_tasks()
    again = organiser.post(url("event-invite-learners", event), follow=True).content.decode()
    run_tasks()

    assert "Invited 120 people." in first
    assert "has been invited already" in again
    told = Notification.objects.filter(kind="invitation")
    assert told.count() == 120
    assert set(told.values_list("recipient_id", flat=True)) == {p.pk for p in learners}
    assert (
        "All of them have been invited." in organiser.get(event.get_absolute_url()).content.decode()
    )


def test_the_learners_preview_runs_a_fixed_number_of_queries(
    client_as, staff_member, council, django_assert_max_num_queries
):
    group = make_group(staff_member)
    make_profile(staff_of(council), learn=["Video editing"])
    event = make_event(group, kind="learning", skill=Skill.objects.get(name="Video editing"))
    client = client_as(staff_member)

    few = cold_queries(client, event.get_absolute_url())
    for _ in range(40):
        make_profile(staff_of(council), learn=["Video editing"])
    assert cold_queries(client, event.get_absolute_url()) == few


# --- query budgets --------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["check-in", "check-in-answers", "cancel", "attendees", "event"])
def test_organisers_pages_run_a_fixed_number_of_queries(
    client_as, staff_member, council, page, django_assert_max_num_queries
):
    group = make_group(staff_member)
    event = make_event(group, questions=QUESTIONS)
    addresses = {
        "check-in": url("event-check-in", event),
        "check-in-answers": url("event-check-in", event) + "?answers=1",
        "cancel": url("event-cancel", event),
        "attendees": url("event-attendees", event),
        "event": event.get_absolute_url(),
    }
    client = client_as(staff_member)
    made = 0

    def grow(to: int) -> None:
        nonlocal made
        for n in range(made, to):
            person = staff_of(council)
            result = services.rsvp_to_event(event=event, user=person, going=True)
            organisers.set_answers(rsvp=result.rsvp, answers={QUESTIONS[0]: f"Need {n}"})
            Guest.objects.create(
                event=event, name=f"Guest {n}", email=f"g{n}@example.com", status="going"
            )
        made = to

    grow(5)
    small = cold_queries(client, addresses[page])
    grow(60)
    assert cold_queries(client, addresses[page]) == small
    with django_assert_max_num_queries(12), page_budget(12):
        client.get(addresses[page])
