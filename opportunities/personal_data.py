"""A person's opportunities: their part of the download, and what deleting their account
does. What they offered that is still a draft, open or closed is withdrawn (the people
interested told); done ones stay, offered by "a former member". Their interest goes."""

from __future__ import annotations

from sociable.accounts.models import User

from . import services
from .models import Interest, Opportunity


def export(user: User) -> dict:
    posted = Opportunity.objects.filter(posted_by=user).order_by("created_at", "pk")
    shown = Interest.objects.filter(person=user).select_related("opportunity").order_by("pk")
    return {
        "opportunities_offered": [
            {"title": o.title, "kind": o.kind, "status": o.status, "description": o.description,
             "closes_on": o.closes_on, "what_happened": o.what_happened, "posted_at": o.created_at}
            for o in posted
        ],
        "interest_shown": [
            {"opportunity": i.opportunity.title, "note": i.note, "status": i.status,
             "manager_name": i.manager_name, "manager_email": i.manager_email,
             "at": i.created_at}
            for i in shown
        ],
    }  # fmt: skip


def leave_opportunities(leaving, result) -> None:
    user = leaving.user
    live = [Opportunity.Status.DRAFT, Opportunity.Status.OPEN, Opportunity.Status.CLOSED]
    for opportunity in Opportunity.objects.filter(posted_by=user, status__in=live):
        services.withdraw(opportunity=opportunity, by=user)
