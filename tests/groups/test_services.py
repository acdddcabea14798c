"""Joining, replying, the waiting list and suggestions, tested through the services."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from groups import services
from groups.models import RSVP, Membership
from sociable.notifications.models import Notification
from tests.accounts.factories import UserFactory, staff_of
from tests.groups.factories import make_event, make_group
from tests.helpers import run_tasks

pytestmark = pytest.mark.django_db
GOING, WAITING = RSVP.Status.GOING, RSVP.Status.WAITLISTED


@pytest.fixture
def people(council):
    return [staff_of(council, name=f"Person {n}") for n in range(5)]


def status(event, user):
    return RSVP.objects.get(event=event, user=user).status


def test_when_full_people_queue_and_are_promoted_in_order_and_told(staff_member, people):
    event = make_event(make_group(staff_member), capacity=2)
    results = [services.rsvp_to_event(event=event, user=p, going=True) for p in people[:4]]

    assert [r.rsvp.status for r in results] == [GOING, GOING, WAITING, WAITING]
    assert [r.position for r in results[2:]] == [1, 2]

    services.rsvp_to_event(event=event, user=people[0], going=False)
    run_tasks()

    assert status(event, people[2]) == GOING
    assert status(event, people[3]) == WAITING
    assert services.waitlist_position(RSVP.objects.get(event=event, user=people[3])) == 1
    promoted = Notification.objects.get(kind="promoted")
    assert promoted.recipient == people[2] and promoted.anchor == event.group
    assert [m.to for m in mail.outbox] == [[people[2].email]]
    assert "A place came up" in mail.outbox[0].subject


def test_replying_twice_keeps_one_reply_and_your_place(staff_member, people):
    event = make_event(make_group(staff_member), capacity=1)

    first = services.rsvp_to_event(event=event, user=people[0], going=True)
    again = services.rsvp_to_event(event=event, user=people[0], going=True)

    assert first.rsvp.pk == again.rsvp.pk and again.rsvp.status == GOING
    assert RSVP.objects.filter(event=event).count() == 1


def test_capacity_cannot_drop_below_who_is_going_and_raising_it_promotes(staff_member, people):
    event = make_event(make_group(staff_member), capacity=2)
    for person in people[:3]:
        services.rsvp_to_event(event=event, user=person, going=True)

    with pytest.raises(ValidationError, match="2 people are already going"):
        services.update_event(event=event, capacity=1)
    services.update_event(event=event, capacity=3)

    assert status(event, people[2]) == GOING


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cancelled_at": "now"}, "cancelled"),
        ({"rsvp_deadline": "past"}, "Replies to this event have closed"),
    ],
)
def test_replies_are_refused_when_they_no_longer_make_sense(staff_member, people, change, message):
    event = make_event(make_group(staff_member))
    if "cancelled_at" in change:
        services.cancel_event(event=event)
    else:
        event.rsvp_deadline = timezone.now() - timezone.timedelta(minutes=1)
        event.save()

    with pytest.raises(ValidationError, match=message):
        services.rsvp_to_event(event=event, user=people[0], going=True)
    assert not RSVP.objects.filter(event=event).exists()


def test_cancelling_tells_everyone_going_or_waiting(staff_member, people):
    event = make_event(make_group(staff_member), capacity=1)
    for person in people[:2]:
        services.rsvp_to_event(event=event, user=person, going=True)

    services.cancel_event(event=event)
    run_tasks()

    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people[:2])
    assert all(m.subject.startswith("[Sociable] Cancelled:") for m in mail.outbox)


def test_organisers_give_places_and_take_people_off_the_lists(staff_member, people):
    event = make_event(make_group(staff_member), capacity=1)
    for person in people[:3]:
        services.rsvp_to_event(event=event, user=person, going=True)
    waiting = RSVP.objects.get(event=event, user=people[1])

    with pytest.raises(ValidationError, match="full"):
        services.organiser_set_reply(reply=waiting, status=GOING)
    services.organiser_set_reply(
        reply=RSVP.objects.get(event=event, user=people[0]), status=RSVP.Status.NOT_GOING
    )

    assert status(event, people[1]) == GOING  # promoted into the freed place
    assert status(event, people[2]) == WAITING


def test_a_group_needing_approval_takes_requests(staff_member, other_staff):
    group = make_group(staff_member, join_policy="approval", audience="staff")

    request = services.join_group(group=group, user=other_staff, message="I foster too")
    run_tasks()
    assert request.status == Membership.Status.PENDING
    assert mail.outbox[-1].to == [staff_member.email]
    assert "I foster too" in mail.outbox[-1].body

    services.decide_membership(membership=request, approve=False, message="Carers only")
    run_tasks()
    assert mail.outbox[-1].to == [other_staff.email]
    assert "Carers only" in mail.outbox[-1].body
    with pytest.raises(ValidationError, match="declined"):
        services.join_group(group=group, user=other_staff)


def test_a_group_always_keeps_an_organiser(staff_member, other_staff):
    group = make_group(staff_member)
    services.join_group(group=group, user=other_staff)
    organiser = group.memberships.get(user=staff_member)

    with pytest.raises(ValidationError, match="only organiser"):
        services.leave_group(group=group, user=staff_member)
    services.set_role(membership=group.memberships.get(user=other_staff), role="organiser")
    services.leave_group(group=group, user=staff_member)

    assert not Membership.objects.filter(pk=organiser.pk).exists()


def test_backers_are_told_when_a_suggestion_comes_true_if_they_can_see_it(
    staff_member, other_staff, community_member
):
    suggestion = services.suggest(created_by=community_member, title="A choir", kind="group")
    services.back_suggestion(suggestion=suggestion, user=other_staff)
    group = make_group(staff_member, audience="staff")  # community members cannot see it

    services.fulfil_suggestion(suggestion=suggestion, by=staff_member, group=group)
    run_tasks()

    assert [m.to for m in mail.outbox] == [[other_staff.email]]
    assert not Notification.objects.filter(recipient=community_member).exists()


def test_only_organisers_can_answer_a_suggestion(staff_member, other_staff):
    from django.core.exceptions import PermissionDenied

    suggestion = services.suggest(created_by=other_staff, title="A choir", kind="group")
    group = make_group(staff_member)

    with pytest.raises(PermissionDenied):
        services.fulfil_suggestion(suggestion=suggestion, by=other_staff, group=group)


def test_inactive_people_get_no_email(staff_member):
    gone = UserFactory()
    event = make_event(make_group(staff_member), capacity=1)
    services.rsvp_to_event(event=event, user=gone, going=True)
    gone.is_active = False
    gone.save()

    services.cancel_event(event=event)
    run_tasks()

    assert mail.outbox == []
    assert not Notification.objects.filter(recipient=gone).exists()


def test_the_services_refuse_people_who_cannot_see_the_group(staff_member, community_member):
    from django.core.exceptions import PermissionDenied

    group = make_group(staff_member, audience="staff")
    event = make_event(group)

    with pytest.raises(PermissionDenied):
        services.join_group(group=group, user=community_member)
    with pytest.raises(PermissionDenied):
        services.rsvp_to_event(event=event, user=community_member, going=True)
    assert not RSVP.objects.exists()
