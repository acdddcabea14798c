"""Background work for opportunities: asking a line manager to agree, and the daily close
and reminders."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django_tasks import task

from sociable.links import reverse, site_address

from . import services
from .models import Interest

logger = logging.getLogger(__name__)


@task()
def ask_manager(interest_id: int) -> str:
    """Email the line manager named in an interest the link to agree (once: the link goes
    when used). The manager need not have an account."""
    interest = (
        Interest.objects.filter(pk=interest_id, manager=Interest.ManagerAnswer.WAITING)
        .select_related("opportunity", "person")
        .first()
    )
    if interest is None or not interest.manager_token or not interest.manager_email:
        return "nothing to send"
    link = site_address() + reverse("opportunities:agree", args=[interest.manager_token])
    body = render_to_string(
        "opportunities/emails/manager.txt",
        {"interest": interest, "opportunity": interest.opportunity, "link": link},
    )
    EmailMessage(
        subject=f"[Sociable] {interest.person.display_name} would like your agreement: "
        f"{interest.opportunity.title}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[interest.manager_email],
        headers={"Auto-Submitted": "auto-generated"},
    ).send()
    return "sent"


@task()
def close_and_remind() -> str:
    closed, reminded = services.close_and_remind()
    return f"closed {closed}, reminded {reminded}"
