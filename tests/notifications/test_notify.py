"""Email through GOV.UK Notify, and Notify's delivery receipts marking emails delivered or failed.

Notify's API lies outside this machine: a fake on loopback (servers.FakeNotify) checks and
answers as the real one does, and the real client (notifications-python-client) talks to it.
Receipts are posted to our endpoint in the shape Notify posts them.
"""

from __future__ import annotations

import json
import secrets
import uuid

import pytest
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from groups import services as groups
from sociable.notifications.models import Channel, EmailStatus, Notification
from sociable.notifications.services import set_preferences
from sociable.notifications.tasks import send_digests
from tests.groups.factories import make_event, make_group
from tests.helpers import run_tasks
from tests.notifications.servers import FakeNotify

pytestmark = pytest.mark.django_db

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
TEMPLATE_ID = str(uuid.uuid4())
CALLBACK_TOKEN = secrets.token_urlsafe(32)
RECEIPTS = "/notifications/receipts/notify/"


@pytest.fixture
def notify():
    fake = FakeNotify(service_id=SERVICE_ID, secret=SECRET, template_id=TEMPLATE_ID)
    with override_settings(
        EMAIL_BACKEND="sociable.notifications.notify.NotifyEmailBackend",
        NOTIFY_API_KEY=f"sociable_live-{SERVICE_ID}-{SECRET}",
        NOTIFY_TEMPLATE_ID=TEMPLATE_ID,
        NOTIFY_BASE_URL=fake.url,
        NOTIFY_CALLBACK_TOKEN=CALLBACK_TOKEN,
        NOTIFICATIONS_RETRY_DELAYS=[0, 0],
        SOCIABLE_SITE_URL="https://sociable.example.gov.uk",
    ):
        yield fake
    fake.close()


@pytest.fixture
def cancelled(staff_member, other_staff):
    """An event Tom was going to, cancelled: one notification, emailed at once."""
    event = make_event(make_group(staff_member, name="Lunchtime choir"), title="Rehearsal")
    groups.rsvp_to_event(event=event, user=other_staff, going=True)
    groups.cancel_event(event=event)
    return Notification.objects.get(recipient=other_staff)


def receipt(notify_id: str, status: str, **more) -> dict:
    """A delivery receipt, as GOV.UK Notify posts it to the callback URL."""
    return {
        "id": notify_id,
        "reference": "notification-1",
        "to": "tom@trust.example.nhs.uk",
        "status": status,
        "created_at": "2026-11-23T09:15:30.000000Z",
        "completed_at": "2026-11-23T09:15:41.000000Z",
        "sent_at": "2026-11-23T09:15:32.000000Z",
        "notification_type": "email",
        "template_id": TEMPLATE_ID,
        "template_version": 1,
        **more,
    }


def post_receipt(client, body, token: str | None = CALLBACK_TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(RECEIPTS, data=data, content_type="application/json", headers=headers)


def test_a_notification_email_goes_through_notify_with_its_subject_body_and_unsubscribe_link(
    notify, cancelled, other_staff
):
    run_tasks()

    [sent] = notify.sent
    assert sent["email_address"] == other_staff.email
    assert sent["template_id"] == TEMPLATE_ID
    assert sent["personalisation"]["subject"].startswith("[Sociable] Cancelled: Rehearsal on ")
    body = sent["personalisation"]["body"]
    assert "Rehearsal" in body and "https://sociable.example.gov.uk/" in body
    assert sent["reference"] == f"notification-{cancelled.pk}"  # no personal data
    unsubscribe = sent["one_click_unsubscribe_url"]
    assert unsubscribe.startswith("https://sociable.example.gov.uk/notifications/unsubscribe/")
    assert unsubscribe in body
    cancelled.refresh_from_db()
    assert cancelled.email_status == EmailStatus.SENT
    assert cancelled.email_delivery_id == sent["id"]


def test_notifys_receipts_mark_the_email_delivered_or_failed(client, notify, cancelled):
    run_tasks()
    [sent] = notify.sent

    delivered = post_receipt(client, receipt(sent["id"], "delivered"))
    cancelled.refresh_from_db()
    assert delivered.status_code == 204
    assert cancelled.email_status == EmailStatus.DELIVERED

    failed = post_receipt(client, receipt(sent["id"], "permanent-failure"))
    cancelled.refresh_from_db()
    assert failed.status_code == 204
    assert cancelled.email_status == EmailStatus.FAILED


@pytest.mark.parametrize(
    ("token", "status"),
    [(None, 401), ("", 401), ("not-the-token", 403), (CALLBACK_TOKEN[:-1], 403)],
)
def test_a_receipt_without_our_bearer_token_changes_nothing(
    client, notify, cancelled, token, status
):
    run_tasks()
    [sent] = notify.sent

    response = post_receipt(client, receipt(sent["id"], "permanent-failure"), token=token)

    assert response.status_code == status
    cancelled.refresh_from_db()
    assert cancelled.email_status == EmailStatus.SENT


def test_a_receipt_for_an_email_we_did_not_send_changes_nothing(client, notify, cancelled):
    run_tasks()

    response = post_receipt(client, receipt(str(uuid.uuid4()), "permanent-failure"))

    assert response.status_code == 204  # acknowledged, so Notify does not retry it
    assert list(Notification.objects.values_list("email_status", flat=True)) == [EmailStatus.SENT]


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b"\xff\xfe", b"[" * 100_000, {"status": "delivered"}, {"id": 7}],
)
def test_a_receipt_that_is_not_one_gets_a_clear_400(client, notify, cancelled, body):
    run_tasks()

    response = post_receipt(client, body)

    assert response.status_code == 400
    assert "delivery receipt" in response.json()["error"]
    cancelled.refresh_from_db()
    assert cancelled.email_status == EmailStatus.SENT


def test_receipts_are_refused_when_no_callback_token_is_set(client, notify, cancelled):
    with override_settings(NOTIFY_CALLBACK_TOKEN=""):
        response = post_receipt(client, receipt(str(uuid.uuid4()), "delivered"), token="")

    assert response.status_code == 404


def test_the_receipt_address_takes_only_posts(client, notify):
    assert client.get(RECEIPTS).status_code == 405


def test_when_notify_fails_the_email_is_tried_again_and_sent_once(notify, cancelled):
    notify.fail_next = [500]

    run_tasks()  # the first attempt fails, its retry (no delay here) succeeds

    assert len(notify.sent) == 1
    outcomes = list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True))
    assert outcomes == [TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL]
    cancelled.refresh_from_db()
    assert cancelled.email_status == EmailStatus.SENT


def test_one_receipt_for_a_digest_marks_every_notification_it_carried(
    client, notify, staff_member, other_staff
):
    set_preferences(user=other_staff, channels={"event_cancelled": Channel.DIGEST})
    group = make_group(staff_member, name="Lunchtime choir")
    for title in ("Rehearsal", "Concert"):
        event = make_event(group, title=title)
        groups.rsvp_to_event(event=event, user=other_staff, going=True)
        groups.cancel_event(event=event)
    send_digests.enqueue()
    run_tasks()

    [digest] = notify.sent
    assert digest["personalisation"]["subject"].startswith("[Sociable] Your daily digest: 2")
    post_receipt(client, receipt(digest["id"], "delivered"))

    statuses = Notification.objects.filter(recipient=other_staff).values_list(
        "email_status", "email_delivery_id"
    )
    assert sorted(statuses) == [(EmailStatus.DELIVERED, digest["id"])] * 2


def test_account_emails_go_through_notify_too(client, notify, other_staff):
    response = client.post(reverse("account_reset_password"), {"email": other_staff.email})

    assert response.status_code == 302
    [sent] = notify.sent
    assert sent["email_address"] == other_staff.email
    assert "Password Reset" in sent["personalisation"]["subject"]
