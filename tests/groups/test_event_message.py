"""An organiser messages everyone going to an event, or waiting, or both: members as their
notification settings say, guests by email with their cancel link; organisers only, and
a few messages an hour at most."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from groups import event_messages, guests, services
from sociable.notifications.models import Notification
from sociable.notifications.services import set_preferences
from tests.accounts.factories import staff_of
from tests.cold import cold_queries, page_budget
from tests.groups.factories import make_event, make_group
from tests.helpers import run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(council):
    return staff_of(council, name="Olu Organiser")


@pytest.fixture
def walk(organiser, council):
    """A public social with two places: a member and a guest going, a member and a guest
    waiting."""
    group = make_group(organiser, name="Kirkfield walkers", audience="public")
    event = make_event(group, title="Canal walk", capacity=2, guests_allowed=True)
    event.going_member = staff_of(council, name="Gina Going")
    event.waiting_member = staff_of(council, name="Walt Waiting")
    services.rsvp_to_event(event=event, user=event.going_member, going=True)
    event.going_guest = _guest(event, "Gus Guest", "gus@example.net")
    services.rsvp_to_event(event=event, user=event.waiting_member, going=True)
    event.waiting_guest = _guest(event, "Wendy Guest", "wendy@example.net")
    run_tasks()
    mail.outbox.clear()
    return event


def _guest(event, name, email):
    guest = guests.sign_up_guest(event=event, name=name, email=email, answers={})
    return guests.confirm_guest(guest=guest).guest


def message_url(event) -> str:
    return reverse("groups:event-message", args=[event.group.slug, event.pk])


def told(event) -> set[str]:
    """Who heard: members by their notifications, guests by email."""
    run_tasks()
    members = Notification.objects.filter(kind="event_message").values_list(
        "recipient__name", flat=True
    )
    emailed = {message.to[0] for message in mail.outbox}
    return {*members, *(address for address in emailed if address.endswith("@example.net"))}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("going", {"Gina Going", "gus@example.net"}),
        ("waiting", {"Walt Waiting", "wendy@example.net"}),
        ("both", {"Gina Going", "gus@example.net", "Walt Waiting", "wendy@example.net"}),
    ],
)
def test_the_organiser_messages_people_going_or_waiting_or_both(
    client_as, walk, organiser, who, expected
):
    response = client_as(organiser).post(
        message_url(walk),
        {"who": who, "subject": "Meet at the lock", "body": "Bring boots: it is muddy."},
        follow=True,
    )

    assert f"sent to {len(expected)} people" in response.content.decode()
    assert told(walk) == expected


def test_members_hear_as_they_chose_and_guests_get_their_cancel_link(client_as, walk, organiser):
    set_preferences(user=walk.going_member, channels={"event_message": "site"})

    client_as(organiser).post(
        message_url(walk),
        {"who": "going", "subject": "Meet at the lock", "body": "Bring boots: it is muddy."},
    )
    run_tasks()

    note = Notification.objects.get(recipient=walk.going_member)
    assert note.title == "Canal walk: Meet at the lock"
    assert note.body == "Bring boots: it is muddy."
    assert note.channel == "site"
    [email] = mail.outbox  # the member chose the site only: the guest's email alone
    assert email.to == ["gus@example.net"]
    assert email.subject == "[Sociable] Canal walk: Meet at the lock"
    assert "Bring boots: it is muddy." in email.body
    cancel = reverse("groups:guest-cancel", args=[walk.going_guest.token])
    assert cancel in email.body and "gus@example.net" not in email.body.split("Hello")[0]
    assert "Olu Organiser" not in email.body  # guests are not told organisers' names


def test_members_who_want_email_get_one(client_as, walk, organiser):
    client_as(organiser).post(
        message_url(walk), {"who": "waiting", "subject": "Room change", "body": "Room 4."}
    )
    run_tasks()

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [walk.waiting_member.email, "wendy@example.net"]
    )


def test_only_the_organisers_may_message(client, client_as, walk, council, trust):
    outsider_group = make_group(staff_of(trust, name="Tia"), name="Trust only", audience="staff")
    outsider_event = make_event(outsider_group)
    data = {"who": "both", "subject": "Hi", "body": "Spam"}

    assert client_as(walk.going_member).get(message_url(walk)).status_code == 403
    assert client_as(walk.going_member).post(message_url(walk), data).status_code == 403
    assert client.post(message_url(walk), data).status_code == 302  # to sign in
    assert client_as(walk.going_member).get(message_url(outsider_event)).status_code == 403
    community = client_as(staff_of(council, name="Other Staff"))
    assert community.post(message_url(walk), data).status_code == 403
    assert told(walk) == set()


def test_the_organisers_page_links_to_it_and_nobody_elses(client_as, walk, organiser):
    link = message_url(walk)

    assert link in client_as(organiser).get(walk.get_absolute_url()).content.decode()
    assert link not in client_as(walk.going_member).get(walk.get_absolute_url()).content.decode()


def test_a_few_messages_an_hour_at_most(walk, organiser):
    now = timezone.now()
    for n in range(event_messages.MESSAGES_PER_HOUR):
        event_messages.message_event(
            event=walk, by=organiser, subject=f"News {n}", body="More news.", who="both", now=now
        )

    with pytest.raises(ValidationError, match="the most we allow"):
        event_messages.message_event(
            event=walk, by=organiser, subject="Again", body="More.", who="both", now=now
        )
    later = now + timedelta(hours=1, minutes=1)
    assert (
        event_messages.message_event(
            event=walk, by=organiser, subject="Later", body="More.", who="going", now=later
        )
        == 2
    )


def test_the_limit_is_shown_on_the_form_with_what_was_typed(client_as, walk, organiser):
    client = client_as(organiser)
    data = {"who": "going", "subject": "Hello", "body": "A message kept as typed."}
    for _ in range(event_messages.MESSAGES_PER_HOUR):
        client.post(message_url(walk), data)

    refused = client.post(message_url(walk), data)

    assert refused.status_code == 200
    assert "the most we allow" in refused.content.decode()
    assert "A message kept as typed." in refused.content.decode()


def test_empty_or_too_long_messages_are_refused(client_as, walk, organiser):
    response = client_as(organiser).post(
        message_url(walk), {"who": "everyone", "subject": "", "body": "x" * 501}
    )

    assert response.status_code == 200
    assert told(walk) == set()


def test_naughty_subjects_and_messages_are_escaped_and_kept_on_one_subject_line(
    client_as, walk, organiser
):
    naughty = "<script>alert('x')</script>\r\nBcc: everyone@example.com"
    client_as(organiser).post(
        message_url(walk), {"who": "both", "subject": naughty, "body": naughty}
    )
    run_tasks()

    for email in mail.outbox:
        assert "\n" not in email.subject and "\r" not in email.subject
        assert email.bcc == []
    page = client_as(walk.going_member).get(reverse("notifications:list")).content.decode()
    assert "<script>alert(" not in page and "&lt;script&gt;alert(" in page


def test_the_message_page_runs_a_fixed_number_of_queries(client_as, walk, organiser, council):
    client = client_as(organiser)
    small = cold_queries(client, message_url(walk))
    for n in range(10):
        services.rsvp_to_event(event=walk, user=staff_of(council), going=True)
        _guest(walk, f"Guest {n}", f"guest{n}@example.net")

    assert cold_queries(client, message_url(walk)) == small
    with page_budget(10):
        client.get(message_url(walk))
