"""GOV.UK Notify as the mail route: an email backend, and the delivery receipts it sends back.

Notify sends each email from a template made in its web interface. Sociable writes its own
emails, so the service needs one template whose subject is ``((subject))`` and whose body is
``((body))``; its id is ``NOTIFY_TEMPLATE_ID``. Notify's own settings decide the sender's
name and the reply-to address (``NOTIFY_EMAIL_REPLY_TO_ID`` picks one of several).

Each message goes to Notify once per recipient. The id Notify gives it is left on the message
as ``delivery_ids`` (by address) for the email tasks to record; when Notify knows whether the
email was delivered, it posts a receipt to ``/notifications/receipts/notify/`` with the bearer
token ``NOTIFY_CALLBACK_TOKEN`` (views.notify_receipt), which marks the notifications that
email carried as delivered or failed.
"""

from __future__ import annotations

import json
import logging
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from .models import EmailStatus

logger = logging.getLogger(__name__)

BACKEND = "sociable.notifications.notify.NotifyEmailBackend"
DEFAULT_BASE_URL = "https://api.notifications.service.gov.uk"

# Notify's final statuses for an email, and what they mean for the notifications it carried.
RECEIPT_OUTCOMES = {
    "delivered": EmailStatus.DELIVERED,
    "permanent-failure": EmailStatus.FAILED,  # the address does not exist
    "temporary-failure": EmailStatus.FAILED,  # e.g. an inbox full for 72 hours
    "technical-failure": EmailStatus.FAILED,  # between Notify and its provider
}


class NotifyError(OSError):
    """Notify refused an email or could not be reached.

    An OSError, as smtplib's errors are, so the email tasks retry it as they retry SMTP.
    """


class NotifyEmailBackend(BaseEmailBackend):
    """Send Django's emails (ours and allauth's) through GOV.UK Notify's API."""

    def __init__(self, fail_silently: bool = False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.client: NotificationsAPIClient | None = None

    def open(self) -> bool:
        if self.client is not None:
            return False
        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY,
            base_url=settings.NOTIFY_BASE_URL or DEFAULT_BASE_URL,
            timeout=settings.EMAIL_TIMEOUT or 30,
        )
        return True

    def close(self) -> None:
        if self.client is not None:
            self.client.request_session.close()
            self.client = None

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        opened = self.open()
        sent = 0
        try:
            for message in email_messages:
                try:
                    self._send(message)
                except NotifyError:
                    if not self.fail_silently:
                        raise
                else:
                    sent += 1
        finally:
            if opened:
                self.close()
        return sent

    def _send(self, message: EmailMessage) -> None:
        if message.attachments:
            raise NotifyError("GOV.UK Notify cannot send attachments")
        headers = message.extra_headers
        # Our Message-ID names the notification or digest ("notification-42"): no personal data,
        # as Notify asks of a reference.
        reference = headers.get("Message-ID", "").strip("<>").split("@")[0] or None
        unsubscribe = headers.get("List-Unsubscribe", "").strip("<>") or None
        delivery_ids = {}
        for recipient in message.recipients():
            try:
                response = self.client.send_email_notification(
                    email_address=parseaddr(recipient)[1] or recipient,
                    template_id=settings.NOTIFY_TEMPLATE_ID,
                    personalisation={"subject": message.subject, "body": message.body},
                    reference=reference,
                    email_reply_to_id=settings.NOTIFY_EMAIL_REPLY_TO_ID or None,
                    one_click_unsubscribe_url=unsubscribe,
                )
            except APIError as error:
                raise NotifyError(f"GOV.UK Notify did not take the email: {error}") from error
            delivery_ids[recipient] = str(response["id"])
        message.delivery_ids = delivery_ids


def read_receipt(body: bytes) -> tuple[str, str | None]:
    """The Notify id and our email status in a delivery receipt (None: a status we ignore).

    Raises ValueError, saying what is wrong, for anything that is not a receipt.
    """
    try:
        receipt = json.loads(body)
    except (ValueError, RecursionError):
        raise ValueError("A delivery receipt is a JSON object") from None
    if not isinstance(receipt, dict):
        raise ValueError("A delivery receipt is a JSON object")
    delivery_id, status = receipt.get("id"), receipt.get("status")
    if not isinstance(delivery_id, str) or not 0 < len(delivery_id) <= 100:
        raise ValueError("A delivery receipt needs the notification's id")
    if not isinstance(status, str):
        raise ValueError("A delivery receipt needs a status")
    outcome = RECEIPT_OUTCOMES.get(status)
    if outcome is None:
        logger.info("Ignored a GOV.UK Notify receipt with status %r", status[:40])
    return delivery_id, outcome
