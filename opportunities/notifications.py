"""What opportunities tell people: interest shown, where it stands, a change or a
withdrawal, the closing date near. Each notice is anchored to the interest it is about
(its person and the poster only) or, for the poster's own reminders, to the opportunity.
And once a week, new ones that suit your skills (a kind of its own, to turn off alone)."""

from __future__ import annotations

from sociable.links import reverse
from sociable.notifications.kinds import NotificationKind
from sociable.notifications.services import notify

from .models import Interest, Opportunity

OPPORTUNITIES = NotificationKind(
    "opportunity", "Interest in your opportunities, and answers to yours", order=40
)
SUIT_YOU = NotificationKind(
    "opportunity_week", "New opportunities that suit your skills (once a week)", order=41
)
KINDS = [OPPORTUNITIES, SUIT_YOU]


def _tell(
    recipients, *, anchor, title: str, key: str, url: str, body="", by=None, kind=OPPORTUNITIES
) -> int:
    recipients = [r for r in recipients if r is not None]
    if not recipients:
        return 0
    return len(
        notify(
            kind=kind, recipients=recipients, actor=by, title=title, body=body,
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


def changed(opportunity: Opportunity, interests, *, what: str, stamp: str, details="") -> int:
    """Tell everyone whose interest is live that the poster changed (``details``: what) or
    withdrew it."""
    told = 0
    for interest in interests:
        told += _tell(
            [interest.person],
            anchor=interest,
            by=opportunity.posted_by,
            title=f"{opportunity.title}: {what}",
            body=details,
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


def suit_you(person, found: list[Opportunity], *, week: str) -> int:
    """Once a week: the new open opportunities that suit ``person``'s skills (each one
    they may see, checked as they were found), best first. Anchored to none of them: the
    notice names several, and leads to the list's "for you"."""
    more = len(found) - 1
    return _tell(
        [person],
        anchor=None,
        kind=SUIT_YOU,
        title=f"New this week for your skills: {found[0].title}"
        + (f", and {more} more" if more else ""),
        body=" · ".join(opportunity.title for opportunity in found) if more else "",
        url=reverse("opportunities:list") + "#for-you",
        key=f"opportunities:week:{week}",
    )
