"""Background work for opportunities: asking a line manager to agree, the daily close
and reminders, and each Monday the new ones that suit each person's skills."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from sociable.accounts.models import User
from sociable.links import reverse, site_address

from . import services, suggestions
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


@task()
def suggest_this_week() -> str:
    """The daily job behind Monday's suggestions (``opportunities.suggestions``)."""
    people = suggestions.people_to_tell(timezone.now())
    for user_id in people:
        suggest_to.enqueue(user_id, timezone.now().isoformat())
    return f"queued {len(people)}"


@task()
def suggest_to(user_id: int, when: str) -> str:
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        return "gone"
    told = suggestions.tell(person, datetime.fromisoformat(when))
    return f"told of {told}"
