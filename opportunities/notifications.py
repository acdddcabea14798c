"""What opportunities tell people: interest shown, where it stands, a change or a
withdrawal, the closing date near. Each notice is anchored to the interest it is about
(its person and the poster only) or, for the poster's own reminders, to the opportunity."""

from __future__ import annotations

from sociable.notifications.kinds import NotificationKind
from sociable.notifications.services import notify

from .models import Interest, Opportunity

OPPORTUNITIES = NotificationKind(
    "opportunity", "Interest in your opportunities, and answers to yours", order=40
)
KINDS = [OPPORTUNITIES]


def _tell(recipients, *, anchor, title: str, key: str, url: str, body: str = "", by=None) -> int:
    recipients = [r for r in recipients if r is not None]
    if not recipients:
        return 0
    return len(
        notify(
            kind=OPPORTUNITIES, recipients=recipients, actor=by, title=title, body=body,
            url=url, anchor=anchor, key=key,
        )
    )  # fmt: skip


def interest_shown(interest: Interest) -> int:
    opportunity = interest.opportunity
    return _tell(
        [opportunity.posted_by],
        anchor=interest,
        by=interest.person,
        title=f"{interest.person.display_name} is interested in {opportunity.title}",
        body=interest.note,
        url=opportunity.get_absolute_url() + "#interest",
        key=f"interest:{interest.pk}:shown",
    )


ANSWERS = {
    Interest.Status.SHORTLISTED: "You are on the shortlist for {title}",
    Interest.Status.OFFERED: "You are offered {title}",
    Interest.Status.DECLINED: "Not this time: {title}",
}


def answered(interest: Interest, *, by) -> int:
    opportunity = interest.opportunity
    return _tell(
        [interest.person],
        anchor=interest,
        by=by,
        title=ANSWERS[interest.status].format(title=opportunity.title),
        body=interest.message,
        url=opportunity.get_absolute_url(),
        key=f"interest:{interest.pk}:{interest.status}",
    )


def changed(opportunity: Opportunity, interests, *, what: str, stamp: str) -> int:
    """Tell everyone whose interest is live that the poster changed or withdrew it."""
    told = 0
    for interest in interests:
        told += _tell(
            [interest.person],
            anchor=interest,
            by=opportunity.posted_by,
            title=f"{opportunity.title}: {what}",
            url=opportunity.get_absolute_url(),
            key=f"interest:{interest.pk}:{stamp}",
        )
    return told


def manager_agreed(interest: Interest) -> int:
    opportunity = interest.opportunity
    return _tell(
        [interest.person, opportunity.posted_by],
        anchor=interest,
        title=f"{interest.manager_name} agreed to {interest.person.display_name}'s interest in "
        f"{opportunity.title}",
        url=opportunity.get_absolute_url(),
        key=f"interest:{interest.pk}:agreed",
    )


def closing_soon(opportunity: Opportunity, *, interested: int) -> int:
    return _tell(
        [opportunity.posted_by],
        anchor=opportunity,
        title=f"{opportunity.title} closes on {opportunity.closes_on:%-d %B}: "
        f"{interested} interested so far",
        url=opportunity.get_absolute_url() + "#interest",
        key=f"opportunity:{opportunity.pk}:closing",
    )


def closed(opportunity: Opportunity, *, interested: int) -> int:
    return _tell(
        [opportunity.posted_by],
        anchor=opportunity,
        title=f"{opportunity.title} has closed: {interested} interested",
        url=opportunity.get_absolute_url() + "#interest",
        key=f"opportunity:{opportunity.pk}:closed",
    )


def moderated(opportunity: Opportunity, *, what: str, reason: str, stamp: int) -> int:
    """Tell the poster what a moderator did, and why."""
    return _tell(
        [opportunity.posted_by],
        anchor=opportunity,
        title=f"{opportunity.title}: {what}",
        body=reason,
        url=opportunity.get_absolute_url(),
        key=f"opportunity:{opportunity.pk}:moderated:{stamp}",
    )
