"""Guests without an account: signing up on a public event's page, confirming by the link
emailed to them (double opt-in), cancelling by the link in every email, the same places and
one waiting list with members, seen by the organisers only, and deleted after the event."""

from __future__ import annotations

import json
import random
import re
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from groups import guests, services
from groups.models import RSVP, Guest
from sociable.accounts.models import User
from sociable.notifications.models import Notification
from sociable.notifications.schedule import daily_jobs
from tests.accounts.factories import staff_of
from tests.cold import cold_queries, page_budget
from tests.groups.factories import make_event, make_group
from tests.groups.test_concurrency import connection_budget, run_at_once
from tests.helpers import run_tasks
from tests.notifications.servers import Relay, free_port

pytestmark = pytest.mark.django_db

QUESTIONS = ["Do you have any access needs?", "Any dietary needs?"]
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/guests/[^/\s]+/confirm/)")
CANCEL_LINK = re.compile(r"https?://[^/\s]+(/guests/[^/\s]+/cancel/)")


@pytest.fixture
def organiser(council):
    return staff_of(council, name="Olu Organiser")


@pytest.fixture
def social(organiser):
    """A public group's social that takes guests, with two questions and four places."""
    group = make_group(organiser, name="Kirkfield walkers", audience="public")
    return make_event(
        group, title="Canal walk", capacity=4, guests_allowed=True, questions=QUESTIONS
    )


def signup_url(event) -> str:
    return reverse("groups:guest-signup", args=[event.group.slug, event.pk])


def sign_up(client, event, *, name="Sam Visitor", email="sam@example.net", answers=(), **extra):
    data = {"guest-name": name, "guest-email": email}
    data |= {f"guest-answer_{n}": answer for n, answer in enumerate(answers, start=1)}
    return client.post(signup_url(event), data, **extra)


def emails_to(address: str) -> list:
    run_tasks()
    return [message for message in mail.outbox if message.to == [address]]


def link(pattern: re.Pattern, message) -> str:
    found = pattern.search(message.body)
    assert found, message.body
    return found.group(1)


def confirmed_guest(event, name: str, email: str) -> Guest:
    guest = guests.sign_up_guest(event=event, name=name, email=email, answers={})
    return guests.confirm_guest(guest=guest).guest


# --- signing up and confirming --------------------------------------------------------------


def test_a_visitor_signs_up_and_holds_a_place_only_once_they_confirm_by_email(client, social):
    page = client.get(social.get_absolute_url())
    assert "Come as a guest" in page.content.decode()
    assert QUESTIONS[0] in page.content.decode()

    response = sign_up(client, social, answers=["Step-free access, please", ""], follow=True)

    assert "Check your email" in response.content.decode()
    guest = Guest.objects.get()
    assert (guest.status, guest.name, guest.email) == ("pending", "Sam Visitor", "sam@example.net")
    assert guest.answers == {QUESTIONS[0]: "Step-free access, please"}
    [email] = emails_to("sam@example.net")
    assert "Confirm your place: Canal walk" in email.subject
    confirm, cancel = link(CONFIRM_LINK, email), link(CANCEL_LINK, email)
    assert guest.token in confirm and guest.token in cancel

    # A mail scanner opening the link changes nothing: it shows a button.
    shown = Client().get(confirm)
    assert shown.status_code == 200 and "Confirm my place" in shown.content.decode()
    assert Guest.objects.get().status == "pending"

    done = Client().post(confirm)

    assert done.status_code == 200 and "You are going" in done.content.decode()
    guest.refresh_from_db()
    assert guest.status == "going" and guest.confirmed_at is not None
    [_, going] = emails_to("sam@example.net")
    assert going.subject == "[Sociable] You are going: Canal walk"
    assert link(CANCEL_LINK, going) == cancel  # every email carries the cancel link
    assert "1 of 4 places left" not in client.get(social.get_absolute_url()).content.decode()
    assert "3 of 4 places left" in Client().get(social.get_absolute_url()).content.decode()


def test_the_page_with_the_guest_form_is_never_shared_between_visitors(client, social):
    first = Client(enforce_csrf_checks=True)
    page = first.get(social.get_absolute_url())
    assert "private" in page["Cache-Control"]

    second = Client(enforce_csrf_checks=True)
    second_page = second.get(social.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', second_page).group(1)
    response = second.post(
        signup_url(social),
        {"guest-name": "Ali", "guest-email": "ali@example.net", "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302  # its own token worked: the page was made for it
    assert Guest.objects.filter(email="ali@example.net").exists()


def test_signing_up_with_an_address_already_going_reveals_nothing_and_changes_nothing(
    client, social
):
    guest = confirmed_guest(social, "Sam Visitor", "sam@example.net")
    run_tasks()
    mail.outbox.clear()

    response = sign_up(client, social, name="Someone Else", email="SAM@example.net", follow=True)

    assert "Check your email" in response.content.decode()  # the same answer as anyone gets
    guest.refresh_from_db()
    assert (guest.name, guest.status) == ("Sam Visitor", "going")
    assert Guest.objects.count() == 1
    [note] = emails_to("sam@example.net")
    assert "You are already on the list" in note.subject
    assert link(CANCEL_LINK, note) == reverse("groups:guest-cancel", args=[guest.token])


def test_signing_up_again_before_confirming_sends_the_link_again(client, social):
    sign_up(client, social)
    sign_up(client, social, name="Sam V.")

    guest = Guest.objects.get()
    assert (guest.name, guest.status) == ("Sam V.", "pending")
    assert len(emails_to("sam@example.net")) == 2


def test_a_forged_or_unknown_token_is_not_found(client, social):
    guest = guests.sign_up_guest(event=social, name="Sam", email="sam@example.net", answers={})
    forged = guest.token[:-1] + ("A" if guest.token[-1] != "A" else "B")

    for name in ("groups:guest-confirm", "groups:guest-cancel"):
        for token in (forged, "x", "' OR 1=1 --"):
            assert client.get(reverse(name, args=[token])).status_code == 404
            assert client.post(reverse(name, args=[token])).status_code == 404
    assert Guest.objects.get().status == "pending"


def test_the_cancel_link_asks_first_then_gives_the_place_to_the_next_in_line(
    client, social, council
):
    social = services.update_event(event=social, capacity=1)
    guest = confirmed_guest(social, "Sam Visitor", "sam@example.net")
    member = staff_of(council, name="Mo Member")
    services.rsvp_to_event(event=social, user=member, going=True)
    cancel = reverse("groups:guest-cancel", args=[guest.token])

    asked = client.get(cancel)
    assert "Cancel my place" in asked.content.decode()
    assert Guest.objects.get().status == "going"

    done = client.post(cancel)

    assert "You are not going" in done.content.decode()
    assert Guest.objects.get().status == "cancelled"
    assert RSVP.objects.get(user=member).status == "going"
    assert Notification.objects.filter(recipient=member, kind="promoted").exists()
    # The old link now only says so; confirming it again does not take a place.
    again = client.post(reverse("groups:guest-confirm", args=[guest.token]))
    assert "You cancelled this place" in again.content.decode()
    assert Guest.objects.get().status == "cancelled"


def test_a_cancelled_guest_who_signs_up_again_gets_a_new_link(client, social):
    guest = confirmed_guest(social, "Sam Visitor", "sam@example.net")
    guests.cancel_guest(guest=guest)

    sign_up(client, social)

    renewed = Guest.objects.get()
    assert renewed.status == "pending" and renewed.token != guest.token
    assert client.get(reverse("groups:guest-confirm", args=[guest.token])).status_code == 404


# --- places and the waiting list ------------------------------------------------------------


def test_guests_and_members_share_the_places_and_one_waiting_list(client, social, council):
    social = services.update_event(event=social, capacity=2)
    amy, ben, cat = (staff_of(council, name=name) for name in ("Amy", "Ben", "Cat"))

    services.rsvp_to_event(event=social, user=amy, going=True)
    first = confirmed_guest(social, "First Guest", "first@example.net")
    ben_reply = services.rsvp_to_event(event=social, user=ben, going=True)
    second = guests.confirm_guest(
        guest=guests.sign_up_guest(
            event=social, name="Second Guest", email="second@example.net", answers={}
        )
    )
    cat_reply = services.rsvp_to_event(event=social, user=cat, going=True)

    assert first.status == "going"
    assert (ben_reply.rsvp.status, ben_reply.position) == ("waitlisted", 1)
    assert (second.guest.status, second.position) == ("waitlisted", 2)
    assert (cat_reply.rsvp.status, cat_reply.position) == ("waitlisted", 3)
    page = client.get(social.get_absolute_url()).content.decode()
    assert "0 of 2 places left · 2 going · 3 waiting" in page

    services.rsvp_to_event(event=social, user=amy, going=False)  # Ben, first in the queue
    guests.cancel_guest(guest=first)  # the second guest, next in the queue

    assert RSVP.objects.get(user=ben).status == "going"
    second_guest = Guest.objects.get(email="second@example.net")
    assert second_guest.status == "going"
    assert services.waitlist_position(RSVP.objects.get(user=cat)) == 1
    [promoted] = [m for m in emails_to("second@example.net") if "A place came up" in m.subject]
    assert link(CANCEL_LINK, promoted).endswith(f"/guests/{second_guest.token}/cancel/")
    # A member's own page counts the guest ahead of them on the waiting list.
    services.rsvp_to_event(event=social, user=amy, going=True)
    amy_page = Client()
    amy_page.force_login(amy)
    assert (
        "You are number 2 on the waiting list"
        in amy_page.get(social.get_absolute_url()).content.decode()
    )


def test_capacity_cannot_drop_below_guests_going(social):
    for n in range(3):
        confirmed_guest(social, f"Guest {n}", f"guest{n}@example.net")

    with pytest.raises(Exception, match="3 people are already going"):
        services.update_event(event=social, capacity=2)


def test_a_full_event_offers_the_waiting_list(client, social):
    for n in range(4):
        confirmed_guest(social, f"Guest {n}", f"guest{n}@example.net")

    page = client.get(social.get_absolute_url()).content.decode()

    assert "The event is full" in page and "Join the waiting list" in page
    waiting = confirmed_guest(social, "Late Guest", "late@example.net")
    assert waiting.status == "waitlisted"
    confirm = client.get(reverse("groups:guest-confirm", args=[waiting.token]))
    assert "You are number 1 on the waiting list" in confirm.content.decode()


@pytest.mark.django_db(transaction=True)
def test_200_members_and_guests_for_20_places_give_exactly_20_places_and_one_queue(council):
    """Real threads and transactions, released at once (tests/groups/test_concurrency.py):
    members pressing "I'm going" and guests confirming, interleaved."""
    organiser = staff_of(council, name="Organiser")
    event = make_event(make_group(organiser, audience="public"), capacity=20, guests_allowed=True)
    people = User.objects.bulk_create(
        User(username=f"rush-{n}", email=f"rush-{n}@example.com", name=f"Rush {n}")
        for n in range(140)
    )
    pending = [
        guests.sign_up_guest(event=event, name=f"Guest {n}", email=f"g{n}@example.net", answers={})
        for n in range(60)
    ]
    calls = [lambda p=p: services.rsvp_to_event(event=event, user=p, going=True) for p in people]
    calls += [lambda g=g: guests.confirm_guest(guest=g) for g in pending]
    random.Random(23).shuffle(calls)

    errors = run_at_once(calls, workers=connection_budget(200))

    assert errors == []
    going = RSVP.objects.filter(event=event, status="going").count()
    going += Guest.objects.filter(event=event, status="going").count()
    assert going == 20
    waiting = [
        *RSVP.objects.filter(event=event, status="waitlisted"),
        *Guest.objects.filter(event=event, status="waitlisted"),
    ]
    assert len(waiting) == 180
    assert {type(reply) for reply in waiting} == {RSVP, Guest}  # both wait, in one queue
    queue = sorted(waiting, key=services.queue_order)
    assert [services.waitlist_position(reply) for reply in queue] == list(range(1, 181))
    assert (
        "0 of 20 places left · 20 going · 180 waiting"
        in Client().get(event.get_absolute_url()).content.decode()
    )


# --- when guests cannot sign up -------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cancel": True}, "This event has been cancelled."),
        ({"rsvp_deadline": -1}, "Replies to this event have closed."),
        ({"guests_allowed": False}, "This event does not take guests."),
    ],
)
def test_guests_are_told_clearly_when_they_cannot_sign_up(client, social, change, message):
    if change.get("cancel"):
        services.cancel_event(event=social)
    elif "rsvp_deadline" in change:
        services.update_event(event=social, rsvp_deadline=timezone.now() - timedelta(hours=1))
    else:
        services.update_event(event=social, **change)

    page = client.get(social.get_absolute_url()).content.decode()
    response = sign_up(client, social, follow=True)

    assert "Come as a guest" not in page
    assert message in response.content.decode()
    assert not Guest.objects.exists()


def test_a_past_event_takes_no_guests_and_says_so(client, organiser):
    group = make_group(organiser, name="Walkers", audience="public")
    past = make_event(group, days=-3, guests_allowed=True)

    page = client.get(past.get_absolute_url()).content.decode()
    response = sign_up(client, past, follow=True)

    assert "This event has already happened." in page
    assert "This event has already happened." in response.content.decode()
    assert not Guest.objects.exists()


def test_a_pending_guest_cannot_confirm_once_the_event_is_cancelled(client, social):
    guest = guests.sign_up_guest(event=social, name="Sam", email="sam@example.net", answers={})
    services.cancel_event(event=social)

    response = client.post(reverse("groups:guest-confirm", args=[guest.token]))

    assert "This event has been cancelled." in response.content.decode()
    assert Guest.objects.get().status == "pending"


def test_visitors_cannot_see_or_sign_up_to_events_they_cannot_see(client, organiser):
    group = make_group(organiser, name="Staff walkers", audience="staff")
    event = make_event(group, guests_allowed=True)

    assert client.get(event.get_absolute_url()).status_code == 404
    assert sign_up(client, event).status_code == 404
    assert not Guest.objects.exists()


def test_the_event_form_refuses_guests_for_a_group_visitors_cannot_see(client_as, organiser):
    group = make_group(organiser, name="Staff walkers", audience="staff")
    event = make_event(group)
    data = {
        "title": "Walk", "kind": "social", "description": "", "location": "", "online_url": "",
        "capacity": "", "rsvp_deadline": "", "skill_name": "", "guests_allowed": "on",
        "starts_at": timezone.localtime(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
    }  # fmt: skip

    response = client_as(organiser).post(
        reverse("groups:event-edit", args=[group.slug, event.pk]), data
    )

    assert response.status_code == 200
    assert "Only a group everyone can see" in response.content.decode()
    event.refresh_from_db()
    assert not event.guests_allowed


def test_signed_in_people_reply_as_themselves(client_as, social, council):
    member = staff_of(council, name="Mo Member")
    client = client_as(member)

    page = client.get(social.get_absolute_url()).content.decode()
    response = sign_up(client, social)

    assert "Come as a guest" not in page and "I'm going" in page
    assert response.status_code == 302
    assert not Guest.objects.exists()


def test_bad_input_is_refused_with_the_form_kept(client, social):
    response = sign_up(client, social, name="   ", email="not an address", answers=["x" * 501])

    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter your name." in body
    assert "Enter an email address, like name@example.org." in body
    assert "x" * 501 in body  # what they typed is kept
    assert "private" in response["Cache-Control"]
    assert not Guest.objects.exists()


def test_the_guest_form_is_rate_limited_per_connection(client, social):
    for n in range(20):
        assert sign_up(client, social, email=f"person{n}@example.net").status_code == 302

    refused = sign_up(client, social, email="one-more@example.net")
    elsewhere = sign_up(client, social, email="other@example.net", REMOTE_ADDR="192.0.2.7")

    assert refused.status_code == 429
    assert "many sign-ups from your connection" in refused.content.decode()
    assert elsewhere.status_code == 302
    assert not Guest.objects.filter(email="one-more@example.net").exists()


def test_nobody_can_flood_an_address_with_confirmation_emails(client, social, organiser):
    other = make_event(social.group, title="Another walk", guests_allowed=True)
    for event in (social, other, social, other, social):
        sign_up(client, event, email="victim@example.net")

    assert len(emails_to("victim@example.net")) == guests.EMAILS_PER_ADDRESS_PER_HOUR


# --- who sees guests ------------------------------------------------------------------------


def test_guests_are_shown_to_the_organisers_only(client_as, client, social, council, trust):
    confirmed_guest(social, "Gail Guestname", "gail@example.net")
    for n in range(4):
        confirmed_guest(social, f"Waiting Guestname {n}", f"wait{n}@example.net")
    member = staff_of(council, name="Mo Member")
    services.rsvp_to_event(event=social, user=member, going=True)
    outsider = staff_of(trust, name="Tia Trust")
    attendees = reverse("groups:event-attendees", args=[social.group.slug, social.pk])
    csv_url = reverse("groups:event-attendees-csv", args=[social.group.slug, social.pk])

    for viewer in (client, client_as(member), client_as(outsider)):
        page = viewer.get(social.get_absolute_url()).content.decode()
        assert "Guestname" not in page and "example.net" not in page
        # Counted among those going, never named: guests hold all four places.
        assert "and 4 guests without an account" in page
        assert viewer.get(attendees).status_code in (302, 403)
        assert viewer.get(csv_url).status_code in (302, 403)

    organiser = client_as(social.group.created_by)
    listed = organiser.get(attendees).content.decode()
    assert "Gail Guestname" in listed and "Waiting Guestname 3" in listed
    assert "Guest</strong>" in listed
    assert "gail@example.net" not in listed
    csv = organiser.get(csv_url).content.decode()
    assert "Gail Guestname,Guest (no account),Going" in csv
    assert "Waiting Guestname 2,Guest (no account),Going" in csv
    assert "Waiting Guestname 3,Guest (no account),Waiting list,1" in csv
    assert "Mo Member,Kirkfield City Council,Waiting list,2" in csv
    assert "@example.net" not in csv


def test_the_csv_has_guests_answers_only_when_the_organiser_asks(client_as, client, social):
    sign_up(client, social, answers=["Step-free access", "Vegan"])
    guests.confirm_guest(guest=Guest.objects.get())
    organiser = client_as(social.group.created_by)
    csv_url = reverse("groups:event-attendees-csv", args=[social.group.slug, social.pk])

    assert "Step-free" not in organiser.get(csv_url).content.decode()
    assert "Step-free access" in organiser.get(csv_url + "?answers=1").content.decode()


def test_organisers_give_a_waiting_guest_a_place_or_take_a_guest_off(client_as, social):
    social = services.update_event(event=social, capacity=1)
    going = confirmed_guest(social, "Going Guest", "going@example.net")
    waiting = confirmed_guest(social, "Waiting Guest", "waiting@example.net")
    organiser = client_as(social.group.created_by)
    attendees = reverse("groups:event-attendees", args=[social.group.slug, social.pk])

    organiser.post(attendees, {"guest": going.pk, "status": "not_going"})

    assert Guest.objects.get(pk=going.pk).status == "cancelled"
    assert Guest.objects.get(pk=waiting.pk).status == "going"  # the next in line
    assert any("A place came up" in m.subject for m in emails_to("waiting@example.net"))


def test_guests_going_tomorrow_are_reminded_with_their_cancel_link(organiser):
    group = make_group(organiser, name="Walkers", audience="public")
    walk = make_event(group, title="Canal walk", days=1, guests_allowed=True)
    going = confirmed_guest(walk, "Tam Going", "tam@example.net")
    guests.sign_up_guest(event=walk, name="Pat Pending", email="pat@example.net", answers={})
    run_tasks()
    mail.outbox.clear()

    assert guests.remind_guests(timezone.localdate(walk.starts_at)) == 1

    [reminder] = emails_to("tam@example.net")
    assert reminder.subject == "[Sociable] Tomorrow: Canal walk"
    assert link(CANCEL_LINK, reminder).endswith(f"/guests/{going.token}/cancel/")
    assert emails_to("pat@example.net") == []


# --- mail servers that refuse ---------------------------------------------------------------


class Refusing(Relay):
    """A relay that refuses some recipients, as a mail server does an unknown mailbox."""

    def __init__(self, refuse: dict[str, str]):
        super().__init__()
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing():
    handler = Refusing(
        {
            "nobody@example.net": "550 5.1.1 No such mailbox",
            "busy@example.net": "450 4.2.1 Try again later",
        }
    )
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=controller.port,
        EMAIL_TIMEOUT=5,
    ):
        yield handler
    controller.stop()


def test_a_refused_address_leaves_the_guest_holding_nothing(client, social, refusing):
    sign_up(client, social, email="nobody@example.net")
    sign_up(client, social, email="busy@example.net")
    sign_up(client, social, email="fine@example.net")

    run_tasks()

    # Refused for good: the sign-up is gone. For now: kept, and tried again later.
    assert sorted(Guest.objects.values_list("email", flat=True)) == [
        "busy@example.net",
        "fine@example.net",
    ]
    assert [rcpt for rcpt, _ in refusing.delivered] == [["fine@example.net"]]
    from django_tasks_db.models import DBTaskResult

    retry = DBTaskResult.objects.filter(status="READY", args_kwargs__args__1="confirm")
    assert retry.count() == 1


def test_a_place_from_the_waiting_list_goes_on_when_the_address_is_refused(
    social, council, refusing
):
    social = services.update_event(event=social, capacity=1)
    holder = confirmed_guest(social, "Holder", "fine@example.net")
    gone = confirmed_guest(social, "Gone", "nobody@example.net")
    member = staff_of(council, name="Mo Member")
    services.rsvp_to_event(event=social, user=member, going=True)
    Guest.objects.filter(pk=gone.pk).update(status="waitlisted")  # it confirmed before it broke
    run_tasks()

    guests.cancel_guest(guest=holder)
    run_tasks()

    assert Guest.objects.get(pk=gone.pk).status == "cancelled"
    assert RSVP.objects.get(user=member).status == "going"


# --- erasure --------------------------------------------------------------------------------


def test_guests_are_deleted_30_days_after_the_event_and_unconfirmed_ones_after_7(organiser):
    group = make_group(organiser, name="Walkers", audience="public")
    now = timezone.now()
    old = make_event(group, title="Old walk", days=-31, guests_allowed=True)
    recent = make_event(group, title="Recent walk", days=-20, guests_allowed=True)
    coming = make_event(group, title="Coming walk", days=10, guests_allowed=True)
    Guest.objects.create(event=old, name="Old", email="old@example.net", status="going")
    Guest.objects.create(event=recent, name="Recent", email="recent@example.net", status="going")
    Guest.objects.create(event=coming, name="Keen", email="keen@example.net", status="going")
    Guest.objects.create(event=coming, name="Slow", email="slow@example.net")
    Guest.objects.create(event=coming, name="New", email="new@example.net")
    Guest.objects.filter(name="Slow").update(updated_at=now - timedelta(days=8))

    assert guests.erase_guests(now=now) == 2
    assert sorted(Guest.objects.values_list("name", flat=True)) == ["Keen", "New", "Recent"]

    later = now + timedelta(days=11)
    guests.erase_guests(now=later)
    assert sorted(Guest.objects.values_list("name", flat=True)) == ["Keen"]
    assert guests.erase_guests(now=now + timedelta(days=10 + 31)) == 1
    assert not Guest.objects.exists()


def test_erasing_guests_is_a_daily_job():
    assert ("erase_guests", "groups.tasks.erase_old_guests") in [
        (name, task) for name, task, _ in daily_jobs()
    ]


# --- naughty strings ------------------------------------------------------------------------

BLNS = json.loads(
    (Path(__file__).resolve().parents[1] / "forums" / "data" / "blns.json").read_text("utf-8")
)
CORPUS = [*BLNS, *(f"a{chr(code)}b" for code in [*range(0x20), *range(0x7F, 0xA0)])]


def pieces(size: int):
    text = "\n".join(CORPUS)
    return [text[at : at + size] for at in range(0, len(text), size)]


def test_naughty_names_and_answers_are_kept_as_typed_and_escaped_everywhere(client_as, social):
    names, answers = pieces(100), pieces(500)
    social = services.update_event(event=social, capacity=None)
    count = max(len(names), len(answers) // 2 + 1)
    for n in range(count):
        response = sign_up(
            Client(),
            social,
            name=names[n % len(names)],
            email=f"naughty{n}@example.net",
            answers=answers[2 * n % len(answers) : 2 * n % len(answers) + 2],
            REMOTE_ADDR=f"10.0.{n // 200}.{n % 200 + 1}",
        )
        assert response.status_code in (200, 302)
    signed = list(Guest.objects.all())
    assert len(signed) > 100
    for guest in signed:
        guests.confirm_guest(guest=guest)
    run_tasks()  # every email renders and sends

    organiser = client_as(social.group.created_by)
    attendees = reverse("groups:event-attendees", args=[social.group.slug, social.pk])
    listed = organiser.get(attendees).content.decode()
    public = Client().get(social.get_absolute_url()).content.decode()
    for guest in Guest.objects.all():
        assert escape(guest.name) in listed
        for answer in guest.answers.values():
            assert escape(answer) in listed
        page = Client().get(reverse("groups:guest-cancel", args=[guest.token]))
        assert page.status_code == 200 and escape(guest.name) in page.content.decode()
    assert "<script>alert(" not in listed and "<script>alert(" not in public
    csv = organiser.get(reverse("groups:event-attendees-csv", args=[social.group.slug, social.pk]))
    assert csv.status_code == 200
    assert all(m.to[0].startswith("naughty") for m in mail.outbox)


# --- query budgets --------------------------------------------------------------------------


def test_guest_pages_run_a_fixed_number_of_queries(client, client_as, social):
    attendees = reverse("groups:event-attendees", args=[social.group.slug, social.pk])
    organiser = client_as(social.group.created_by)
    first = confirmed_guest(social, "First", "first@example.net")

    def grow(n):
        for _ in range(n):
            at = Guest.objects.count()
            confirmed_guest(social, f"Guest {at}", f"guest{at}@example.net")

    grow(2)
    small = {
        "event": cold_queries(client, social.get_absolute_url()),
        "attendees": cold_queries(organiser, attendees),
        "confirm": cold_queries(client, reverse("groups:guest-confirm", args=[first.token])),
    }
    grow(10)
    assert cold_queries(client, social.get_absolute_url()) == small["event"]
    assert cold_queries(organiser, attendees) == small["attendees"]
    with page_budget(8):
        client.get(social.get_absolute_url())
    with page_budget(12):
        organiser.get(attendees)
    with page_budget(6):
        client.get(reverse("groups:guest-confirm", args=[first.token]))
