"""Every kind of notification reaches the right people once, and nobody who cannot see it.

Each test sets up a happening, lets the background worker run (``run_tasks``), and looks at
who was told. Running the work again never tells anyone twice.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from forums import services as forums
from forums.models import Board, Post
from groups import services as groups
from groups.models import RSVP
from groups.notifications import remind_attendees
from profiles.models import Profile
from profiles.tasks import remind_stale_profiles
from sociable.notifications.models import Notification
from tests.accounts.factories import UserFactory, staff_of
from tests.groups.factories import make_event, make_group
from tests.helpers import run_tasks
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db


def told(kind: str) -> set:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__name", flat=True))


@pytest.fixture
def staff_board(db):
    return Board.objects.create(name="Staff room", slug="staff-room", audience="staff")


@pytest.fixture
def open_board(db):
    return Board.objects.create(name="Open discussion", slug="open", audience="community")


@pytest.fixture
def colleague(council):
    return staff_of(council, name="Chidi Anagonye")


# --- forums ---------------------------------------------------------------------------------


def test_a_mention_tells_the_person_once_and_never_someone_who_cannot_see_the_board(
    staff_board, staff_member, colleague, community_member
):
    community_member.username = "jordan-reid"
    community_member.save()
    text = f"Ask @{colleague.username} and @jordan-reid about rotas"
    thread, _ = forums.start_thread(
        board=staff_board, author=staff_member, title="Rotas", body=text
    )
    run_tasks()
    forums.notifications.post_published(thread.posts.get())  # the worker runs it again
    run_tasks()

    assert told("mention") == {"Chidi Anagonye"}
    note = Notification.objects.get(kind="mention")
    assert note.title == "Amara Okafor mentioned you in “Rotas”"
    assert note.actor == staff_member and note.anchor == staff_board
    assert not Notification.objects.filter(recipient=community_member).exists()
    assert not Notification.objects.filter(recipient=staff_member).exists()  # not about yourself


def test_replies_tell_the_person_replied_to_and_followers_once_each(
    open_board, staff_member, colleague, other_staff, community_member
):
    thread, first = forums.start_thread(
        board=open_board, author=staff_member, title="Book swap", body="Bring a book"
    )
    forums.follow(user=other_staff, thread=thread)
    answer = forums.reply(thread=thread, author=colleague, body="I have three", parent=first)
    run_tasks()
    assert told("reply") == {"Amara Okafor"}  # the thread's author, replied to
    assert told("followed") == {"Tom Whitaker"}  # following, not replied to

    forums.reply(thread=thread, author=other_staff, body=f"@{staff_member.username} me too",
                 parent=answer)  # fmt: skip
    run_tasks()
    # Amara is mentioned and follows the thread (as its author): told once, as a mention.
    # Chidi was replied to and follows (as a replier): told once, as a reply.
    latest = Notification.objects.filter(key__endswith=str(thread.posts.latest("pk").pk))
    assert {(n.recipient.name, n.kind) for n in latest} == {
        ("Amara Okafor", "mention"),
        ("Chidi Anagonye", "reply"),
    }


def test_a_new_thread_tells_the_boards_followers_who_can_still_see_it(
    staff_board, staff_member, other_staff, community_member
):
    forums.follow(user=other_staff, board=staff_board)
    forums.follow(user=community_member, board=staff_board)  # followed before it closed
    forums.start_thread(board=staff_board, author=staff_member, title="Car share", body="Who?")
    run_tasks()

    assert told("followed") == {"Tom Whitaker"}
    assert Notification.objects.get().title == "New thread in Staff room: “Car share”"


def test_a_post_waiting_for_approval_tells_nobody_until_a_moderator_approves_it(
    open_board, staff_member, community_member
):
    forums.follow(user=staff_member, board=open_board)
    thread, first = forums.start_thread(
        board=open_board, author=community_member, title="Hello", body="Hi all"
    )
    run_tasks()
    assert first.status == Post.Status.PENDING
    assert not Notification.objects.exists()

    forums.approve_post(post=first, moderator=staff_member)
    run_tasks()
    assert told("approval") == {"Jordan Reid"}
    assert told("followed") == {"Amara Okafor"}  # published now: the board's followers hear


# --- groups ---------------------------------------------------------------------------------


def test_join_requests_go_to_organisers_and_decisions_to_the_person(
    staff_member, other_staff, colleague
):
    group = make_group(staff_member, join_policy="approval", audience="staff")
    groups.join_group(group=group, user=colleague)
    groups.decide_membership(membership=group.memberships.get(user=colleague), approve=True)
    request = groups.join_group(group=group, user=other_staff, message="Can I come?")

    assert told("join_request") == {"Amara Okafor"}  # not Chidi, a member but no organiser
    assert Notification.objects.filter(kind="join_request").count() == 2
    assert Notification.objects.filter(kind="join_request").first().body == "Can I come?"
    groups.decide_membership(membership=request, approve=True)
    assert told("approval") == {"Chidi Anagonye", "Tom Whitaker"}


def test_event_changes_and_cancellations_tell_people_going_or_waiting_who_can_see_it(
    staff_member, colleague, other_staff
):
    group = make_group(staff_member, audience="members", join_policy="approval")
    groups.add_member(group=group, user=colleague)
    groups.add_member(group=group, user=other_staff)
    event = make_event(group, capacity=1)
    groups.rsvp_to_event(event=event, user=colleague, going=True)
    groups.rsvp_to_event(event=event, user=other_staff, going=True)  # waiting list
    groups.leave_group(group=group, user=other_staff)  # cannot see the private group now

    groups.update_event(event=event, starts_at=event.starts_at + timedelta(hours=1),
                        ends_at=event.ends_at + timedelta(hours=1))  # fmt: skip
    groups.cancel_event(event=event)

    assert told("event_changed") == {"Chidi Anagonye"}
    assert told("event_cancelled") == {"Chidi Anagonye"}


def test_promotion_from_the_waiting_list_tells_only_the_promoted(
    staff_member, colleague, other_staff
):
    event = make_event(make_group(staff_member), capacity=1)
    groups.rsvp_to_event(event=event, user=colleague, going=True)
    groups.rsvp_to_event(event=event, user=other_staff, going=True)
    groups.rsvp_to_event(event=event, user=colleague, going=False)

    assert told("promoted") == {"Tom Whitaker"}


def test_reminders_go_the_day_before_to_people_going_once(staff_member, colleague, other_staff):
    tomorrow = timezone.localdate() + timedelta(days=1)
    noon = timezone.make_aware(timezone.datetime.combine(tomorrow, timezone.datetime.min.time()))
    event = make_event(make_group(staff_member), capacity=1, days=0)
    event.starts_at, event.ends_at = noon + timedelta(hours=12), noon + timedelta(hours=13)
    event.save()
    later = make_event(make_group(staff_member, name="Walkers"), days=5)
    groups.rsvp_to_event(event=event, user=colleague, going=True)
    groups.rsvp_to_event(event=event, user=other_staff, going=True)  # waiting: not going
    groups.rsvp_to_event(event=later, user=other_staff, going=True)

    assert remind_attendees(tomorrow) == 1
    assert remind_attendees(tomorrow) == 0  # a second run of the daily job tells nobody twice
    assert told("reminder") == {"Chidi Anagonye"}
    assert RSVP.objects.filter(user=other_staff, status=RSVP.Status.WAITLISTED).exists()


def test_backers_hear_their_suggestion_came_true_only_if_they_can_see_the_group(
    staff_member, other_staff, community_member
):
    suggestion = groups.suggest(created_by=community_member, title="A choir", kind="group")
    groups.back_suggestion(suggestion=suggestion, user=other_staff)
    groups.fulfil_suggestion(
        suggestion=suggestion, by=staff_member, group=make_group(staff_member, audience="staff")
    )

    assert told("suggestion") == {"Tom Whitaker"}


# --- profiles -------------------------------------------------------------------------------


def test_people_with_a_stale_profile_are_asked_once_per_stale_spell(staff_member, colleague):
    stale = make_profile(staff_member)
    make_profile(colleague)
    long_ago = timezone.now() - timedelta(days=200)
    Profile.objects.filter(pk=stale.pk).update(updated_at=long_ago, confirmed_at=long_ago)

    assert remind_stale_profiles.call() == 1
    assert remind_stale_profiles.call() == 0
    assert told("stale_profile") == {"Amara Okafor"}


def test_inactive_people_are_never_told(staff_member):
    gone = UserFactory(name="Gone Person")
    event = make_event(make_group(staff_member))
    groups.rsvp_to_event(event=event, user=gone, going=True)
    gone.is_active = False
    gone.save()
    groups.cancel_event(event=event)

    assert not Notification.objects.exists()


def test_organisers_invite_people_who_want_to_learn_the_sessions_skill_once(
    client_as, staff_member, colleague, other_staff, community_member
):
    from django.urls import reverse

    from profiles.models import Skill

    for person in (colleague, other_staff, community_member):
        make_profile(person, learn=["British Sign Language"])
    group = make_group(staff_member, name="BSL tasters", audience="organisation")
    event = make_event(
        group, title="Greetings", skill=Skill.objects.get(name="British Sign Language")
    )
    url = reverse("groups:event-invite-learners", args=[group.slug, event.pk])
    organiser = client_as(staff_member)

    page = organiser.post(url, follow=True).content.decode()
    run_tasks()  # the background worker tells them (groups.organisers.invite_learners)
    again = organiser.post(url, follow=True).content.decode()

    assert "Invited 1 person." in page  # the others cannot see a council-only group
    assert "has been invited already" in again
    assert told("invitation") == {"Chidi Anagonye"}
    assert client_as(colleague).post(url).status_code == 403  # only organisers invite
