"""Email at once, the daily digest, and one-click unsubscribe (RFC 8058).

Emails go out from the background worker (``run_tasks`` runs it here); each person's
choice per kind decides whether a notification is emailed at once, saved for the digest,
or shown in the site only.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from groups import services as groups
from sociable.notifications import services
from sociable.notifications.models import Channel, Notification, Preference
from sociable.notifications.tasks import send_digests, send_notification_email
from tests.groups.factories import make_event, make_group
from tests.helpers import run_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(staff_member, other_staff):
    event = make_event(make_group(staff_member, name="Lunchtime choir"), title="Rehearsal")
    groups.rsvp_to_event(event=event, user=other_staff, going=True)
    return event


def test_by_default_an_event_cancellation_is_emailed_at_once_with_unsubscribe_headers(
    event, other_staff
):
    groups.cancel_event(event=event)
    assert mail.outbox == []  # nothing is sent while the page waits
    run_tasks()

    [message] = mail.outbox
    assert message.to == [other_staff.email]
    assert message.subject.startswith("[Sociable] Cancelled: Rehearsal")
    assert event.get_absolute_url() in message.body
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body
    assert Notification.objects.get().emailed_at is not None


def test_a_task_run_twice_sends_once(event, other_staff):
    groups.cancel_event(event=event)
    send_notification_email.enqueue(Notification.objects.get().pk)  # a retry, a second worker
    run_tasks()

    assert len(mail.outbox) == 1


def test_in_the_site_only_means_no_email(event, other_staff):
    services.set_preferences(user=other_staff, channels={"event_cancelled": Channel.SITE})
    groups.cancel_event(event=event)
    run_tasks()

    assert mail.outbox == []
    assert Notification.objects.get(recipient=other_staff).kind == "event_cancelled"


def test_the_daily_digest_gathers_everything_once_and_only_what_is_still_visible(
    staff_member, other_staff
):
    services.set_preferences(
        user=other_staff,
        channels={"event_changed": Channel.DIGEST, "event_cancelled": Channel.DIGEST},
    )
    private = make_group(staff_member, name="Carers", audience="members", join_policy="approval")
    groups.add_member(group=private, user=other_staff)
    open_group = make_group(staff_member, name="Walkers")
    secret, walk = make_event(private, title="Carers' coffee"), make_event(open_group, title="Walk")
    for event in (secret, walk):
        groups.rsvp_to_event(event=event, user=other_staff, going=True)
    groups.cancel_event(event=walk)
    groups.cancel_event(event=secret)
    groups.leave_group(group=private, user=other_staff)  # can no longer see the private group
    run_tasks()
    assert mail.outbox == []  # digest kinds wait for the daily run

    send_digests.enqueue()
    send_digests.enqueue()  # the daily job queued twice still sends one digest
    run_tasks()

    [digest] = mail.outbox
    assert digest.subject == "[Sociable] Your daily digest: 1 new thing"
    assert "Cancelled: Walk" in digest.body
    assert "Carers" not in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_one_click_unsubscribe_needs_no_sign_in_and_stops_that_kind_only(event, other_staff):
    groups.cancel_event(event=event)
    run_tasks()
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = link.split("//", 1)[1].split("/", 1)[1]
    mail_program = Client(enforce_csrf_checks=True)  # no cookies, no CSRF token

    page = mail_program.get(f"/{path}")
    assert page.status_code == 200
    assert "Stop emails about cancelled events you were going to" in page.content.decode()
    assert Preference.objects.count() == 0  # looking at the page changes nothing

    done = mail_program.post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert services.preferences_for(other_staff)["event_cancelled"] == Channel.SITE
    assert services.preferences_for(other_staff)["event_changed"] == Channel.EMAIL


def test_unsubscribing_from_the_digest_stops_every_digest_kind(other_staff):
    token = services.unsubscribe_token(other_staff, services.DIGEST)
    Client().post(reverse("notifications:unsubscribe", args=[token]))

    prefs = services.preferences_for(other_staff)
    assert prefs["followed"] == Channel.SITE  # was the digest by default
    assert prefs["mention"] == Channel.EMAIL  # not a digest kind: untouched


@pytest.mark.parametrize("token", ["nonsense", "x" * 300, "WzEsIm1lbnRpb24iXQ:forged:sig"])
def test_a_bad_unsubscribe_link_says_so_and_changes_nothing(token, other_staff):
    response = Client().post(reverse("notifications:unsubscribe", args=[token]))

    assert response.status_code == 404
    assert "This link is not recognised" in response.content.decode()
    assert Preference.objects.count() == 0
