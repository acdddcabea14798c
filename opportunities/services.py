"""Posting an opportunity, expressing interest in one, and answering: every change goes
through here. Each function checks who may do it and what state things must be in, and
changes them in one transaction (the opportunity's row locked where places are counted, so
that two offers at once never give more places than there are).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from profiles.models import Skill
from profiles.services import resolve_skills
from safety import screening
from sociable.accounts.models import User
from sociable.audience import Audience
from sociable.markdown import render_markdown

from . import notifications
from .models import OPEN_TO_RESIDENTS, ApprovalRule, Decision, Interest, Opportunity, Report

Status = Opportunity.Status
# A change to any of these is one the people interested are told of.
MATERIAL = ("title", "description", "where", "place_id", "starts_on", "ends_on", "hours_a_week",
            "days", "closes_on", "manager_must_agree")  # fmt: skip
FIELDS = ("kind", "title", "description", "team", "place", "where", "hours_a_week", "days",
          "starts_on", "ends_on", "closes_on", "places", "manager_must_agree",
          "audience")  # fmt: skip


def _check_poster(user: User) -> None:
    if user.organisation_id is None:
        raise PermissionDenied("Opportunities are offered by staff of the partner organisations.")


def _check_dates(opportunity: Opportunity, today: date) -> None:
    errors = {}
    closes, starts, ends = opportunity.closes_on, opportunity.starts_on, opportunity.ends_on
    if closes is not None and closes < today:
        errors["closes_on"] = "The closing date must be today or later."
    if starts and ends and ends < starts:
        errors["ends_on"] = "The end must be on or after the start."
    if starts and closes and starts < closes:
        errors["starts_on"] = "It should start after the closing date, once people are chosen."
    if errors:
        raise ValidationError(errors)


def _check_audience(opportunity: Opportunity) -> None:
    if opportunity.audience not in (Audience.ORGANISATION, Audience.STAFF) and (
        opportunity.kind not in OPEN_TO_RESIDENTS
    ):
        raise ValidationError(
            {"audience": "Only volunteering and apprenticeships can be offered to residents."}
        )
    if opportunity.audience == Audience.MEMBERS:
        raise ValidationError({"audience": "Choose who may see it."})


@transaction.atomic
def save(
    *,
    poster: User,
    opportunity: Opportunity | None = None,
    needs: Iterable[str] = (),
    teaches: Iterable[str] = (),
    publish: bool = False,
    today: date | None = None,
    **fields,
) -> Opportunity:
    """Post a new opportunity (a draft, or published at once) or change one of the poster's
    own. The skills are names from the one vocabulary (new ones are added to it). The
    people interested in an open one are told of a change to what it asks or offers."""
    today = today or timezone.localdate()
    _check_poster(poster)
    if opportunity is None:
        opportunity = Opportunity(posted_by=poster, organisation_id=poster.organisation_id)
    else:
        opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
        if opportunity.posted_by_id != poster.pk:
            raise PermissionDenied("Only the person who posted it can change it.")
        if opportunity.status not in (Status.DRAFT, Status.PENDING, Status.OPEN):
            raise ValidationError(f"It is {opportunity.get_status_display().lower()}.")
    before = {name: getattr(opportunity, name) for name in MATERIAL}
    for name in FIELDS:
        if name in fields:
            setattr(opportunity, name, fields[name])
    opportunity.audience_organisation_id = (
        poster.organisation_id if opportunity.audience == Audience.ORGANISATION else None
    )
    opportunity.description_html = render_markdown(opportunity.description)
    _check_audience(opportunity)
    _check_dates(opportunity, today)
    screened = screening.check(  # words that would hold a post flag the opportunity
        {"title": opportunity.title, "description": opportunity.description},
        author=poster,
        content_kind="opportunity",
        labels={"title": "title", "description": "description"},
    )
    if publish and opportunity.status == Status.DRAFT:
        if ApprovalRule.objects.filter(organisation_id=opportunity.organisation_id).exists():
            opportunity.status = Status.PENDING  # a moderator approves it first
        else:
            opportunity.status = Status.OPEN
            opportunity.published_at = timezone.now()
    opportunity.full_clean(exclude=["posted_by"])
    changed = opportunity.pk is not None and any(
        getattr(opportunity, name) != value for name, value in before.items()
    )
    opportunity.save()
    opportunity.skills_needed.set(_skills(needs))
    opportunity.skills_taught.set(_skills(teaches))
    screened.record(opportunity, author=poster)
    if changed and opportunity.status == Status.OPEN:
        live = opportunity.interest.live().select_related("person")
        stamp = f"changed:{timezone.now():%Y%m%d%H%M%S}"
        notifications.changed(
            opportunity, live, what="the poster changed it", stamp=stamp,
            details="; ".join(material_changes(before, opportunity)),
        )  # fmt: skip
    return opportunity


def material_changes(before: dict, opportunity: Opportunity) -> list[str]:
    """What changed that someone interested would want to know, in words: "closes 21
    January (was 14 January)". ``before`` holds the MATERIAL fields as they were."""

    def day(value) -> str:
        return f"{value:%-d %B %Y}" if value else "no date"

    said, was = [], before
    if was["title"] != opportunity.title:
        said.append(f"new title (was “{was['title']}”)")
    if was["description"] != opportunity.description:
        said.append("what you would do and learn is rewritten")
    if was["where"] != opportunity.where or was["place_id"] != opportunity.place_id:
        place = f", {opportunity.place.name}" if opportunity.place else ""
        said.append(f"now {opportunity.get_where_display().lower()}{place}")
    for name, words in (("starts_on", "starts"), ("ends_on", "ends"), ("closes_on", "closes")):
        if before[name] != getattr(opportunity, name):
            said.append(f"{words} {day(getattr(opportunity, name))} (was {day(before[name])})")
    if (was["hours_a_week"], was["days"]) != (opportunity.hours_a_week, opportunity.days):
        said.append(f"time asked: {opportunity.time_asked or 'not said'}")
    if was["manager_must_agree"] != opportunity.manager_must_agree:
        said.append(
            "your line manager must now agree"
            if opportunity.manager_must_agree
            else "your line manager's agreement is no longer asked"
        )
    return said


def _skills(names: Iterable[str]) -> list[Skill]:
    return resolve_skills(names=[n for n in names if n.strip()], kind=Skill.Kind.SKILL).skills


@transaction.atomic
def withdraw(*, opportunity: Opportunity, by: User) -> Opportunity:
    """The poster takes it down: it leaves every list, and the people interested are told."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opportunity.posted_by_id != by.pk:
        raise PermissionDenied("Only the person who posted it can withdraw it.")
    if opportunity.status not in (Status.DRAFT, Status.PENDING, Status.OPEN, Status.CLOSED):
        raise ValidationError(f"It is {opportunity.get_status_display().lower()}.")
    live = list(opportunity.interest.live().select_related("person"))
    opportunity.status = Status.WITHDRAWN
    opportunity.save(update_fields=["status", "updated_at"])
    notifications.changed(opportunity, live, what="withdrawn by the poster", stamp="withdrawn")
    return opportunity


@transaction.atomic
def mark_done(
    *, opportunity: Opportunity, by: User, what_happened: str = "", shown: bool = False
) -> Opportunity:
    """After it: what happened, which the poster may publish on the opportunity's page."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opportunity.posted_by_id != by.pk:
        raise PermissionDenied("Only the person who posted it can say what happened.")
    if opportunity.status not in (Status.OPEN, Status.CLOSED, Status.DONE):
        raise ValidationError(f"It is {opportunity.get_status_display().lower()}.")
    opportunity.status = Status.DONE
    opportunity.what_happened = (what_happened or "").strip()
    opportunity.what_happened_shown = shown and bool(opportunity.what_happened)
    opportunity.full_clean(exclude=["posted_by"])
    opportunity.save()
    return opportunity


# --- the lifecycle, day by day -------------------------------------------------------------

REMIND_DAYS_BEFORE = 2


def close_and_remind(today: date | None = None) -> tuple[int, int]:
    """Close what has passed its closing date (its poster told), and remind posters two days
    before. Each opportunity once: the state it moves to says it is done. Returns (closed,
    reminded)."""
    today = today or timezone.localdate()
    closed = reminded = 0
    for pk in Opportunity.objects.open().filter(closes_on__lt=today).values_list("pk", flat=True):
        closed += _close(pk)
    soon = Opportunity.objects.open().filter(
        closes_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
        closes_on__gte=today,
        reminded_at__isnull=True,
    )
    for pk in soon.values_list("pk", flat=True):
        reminded += _remind(pk)
    return closed, reminded


@transaction.atomic
def _close(pk: int) -> int:
    opportunity = Opportunity.objects.select_for_update().get(pk=pk)
    if opportunity.status != Status.OPEN:
        return 0
    opportunity.status = Status.CLOSED
    opportunity.save(update_fields=["status", "updated_at"])
    notifications.closed(opportunity, interested=opportunity.interest.live().count())
    return 1


@transaction.atomic
def _remind(pk: int) -> int:
    opportunity = Opportunity.objects.select_for_update().get(pk=pk)
    if opportunity.status != Status.OPEN or opportunity.reminded_at is not None:
        return 0
    opportunity.reminded_at = timezone.now()
    opportunity.save(update_fields=["reminded_at"])
    notifications.closing_soon(opportunity, interested=opportunity.interest.live().count())
    return 1


# --- interest ------------------------------------------------------------------------------


@transaction.atomic
def express_interest(
    *,
    opportunity: Opportunity,
    person: User,
    note: str,
    manager_name: str = "",
    manager_email: str = "",
    today: date | None = None,
) -> Interest:
    """Say you are interested, with a short note (and your manager, where they must agree:
    they are sent a link to agree with). Once per person; only while it is open, to people
    in its audience."""
    today = today or timezone.localdate()
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not (opportunity.is_visible_to(person) and opportunity.status in Opportunity.LISTED):
        raise PermissionDenied("You cannot express interest in this.")
    if opportunity.posted_by_id == person.pk:
        raise ValidationError("This is yours: you cannot express interest in it.")
    if opportunity.status != Status.OPEN or opportunity.closes_on < today:
        raise ValidationError("This has closed: it is no longer taking interest.")
    if Interest.objects.filter(opportunity=opportunity, person=person).exists():
        raise ValidationError("You have expressed interest already: see where it stands below.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say in a line or two why you are interested."})
    interest = Interest(
        opportunity=opportunity, person=person, note=note,
        manager_name=manager_name.strip(), manager_email=manager_email.strip(),
    )  # fmt: skip
    if opportunity.manager_must_agree:
        errors = {}
        if not interest.manager_name:
            errors["manager_name"] = "Give your line manager's name: they must agree."
        if not interest.manager_email:
            errors["manager_email"] = "Give their email address, so they can agree."
        if errors:
            raise ValidationError(errors)
        interest.manager = Interest.ManagerAnswer.WAITING
        interest.manager_token = secrets.token_urlsafe(32)
    interest.full_clean()
    try:
        with transaction.atomic():
            interest.save()
    except IntegrityError:  # sent twice at once: the first stands
        raise ValidationError(
            "You have expressed interest already: see where it stands below."
        ) from None
    notifications.interest_shown(interest)
    if interest.manager_token:
        from .tasks import ask_manager

        transaction.on_commit(lambda: ask_manager.enqueue(interest.pk))
    return interest


@transaction.atomic
def withdraw_interest(*, interest: Interest, by: User) -> Interest:
    interest = Interest.objects.select_for_update().get(pk=interest.pk)
    if interest.person_id != by.pk:
        raise PermissionDenied("This is not your interest to withdraw.")
    if interest.status in (Interest.Status.WITHDRAWN, Interest.Status.DECLINED):
        raise ValidationError("It is closed already.")
    interest.status = Interest.Status.WITHDRAWN
    interest.save(update_fields=["status", "updated_at"])
    return interest


ANSWERS = {Interest.Status.SHORTLISTED, Interest.Status.OFFERED, Interest.Status.DECLINED}


@transaction.atomic
def answer(*, interest: Interest, by: User, status: str, message: str = "") -> Interest:
    """The poster shortlists, offers or declines (kindly, with an optional message). An offer
    takes a place: when the last is offered, the opportunity is filled and closes. Two
    offers at once for the last place give it once (the opportunity's row is locked)."""
    if status not in ANSWERS:
        raise ValidationError({"status": "Choose shortlist, offer or decline."})
    opportunity = Opportunity.objects.select_for_update().get(pk=interest.opportunity_id)
    interest = Interest.objects.select_for_update().get(pk=interest.pk)
    if opportunity.posted_by_id != by.pk:
        raise PermissionDenied("Only the person who posted it can answer.")
    if interest.status in (Interest.Status.WITHDRAWN, Interest.Status.DECLINED):
        raise ValidationError("This interest is closed.")
    if interest.status == status:
        return interest
    if status == Interest.Status.OFFERED:
        if opportunity.status not in (Status.OPEN, Status.CLOSED):
            raise ValidationError(f"It is {opportunity.get_status_display().lower()}.")
        if interest.manager == Interest.ManagerAnswer.WAITING:
            raise ValidationError("Their manager has not agreed yet.")
        offered = opportunity.interest.filter(status=Interest.Status.OFFERED).count()
        if offered >= opportunity.places:
            raise ValidationError(
                f"All {opportunity.places} place{'s' if opportunity.places > 1 else ''} "
                "are offered."
            )
        if offered + 1 == opportunity.places and opportunity.status == Status.OPEN:
            opportunity.status = Status.CLOSED  # filled
            opportunity.save(update_fields=["status", "updated_at"])
    interest.status = status
    interest.message = (message or "").strip()
    interest.full_clean()
    interest.save(update_fields=["status", "message", "updated_at"])
    notifications.answered(interest, by=by)
    return interest


@transaction.atomic
def manager_agrees(*, token: str) -> Interest:
    """The line manager agrees, through the link they were sent: once (the link then goes)."""
    interest = (
        Interest.objects.select_for_update()
        .filter(manager_token=token, manager=Interest.ManagerAnswer.WAITING)
        .exclude(manager_token="")
        .first()
    )
    if interest is None or not token:
        raise PermissionDenied("This link has been used, or is not one we sent.")
    interest.manager = Interest.ManagerAnswer.AGREED
    interest.manager_token = ""
    interest.save(update_fields=["manager", "manager_token", "updated_at"])
    notifications.manager_agreed(interest)
    return interest


# --- moderation ----------------------------------------------------------------------------


@transaction.atomic
def report(*, opportunity: Opportunity, by: User, reason: str, details: str = "") -> Report:
    """Report an opportunity you may see to the moderators (once while your report is open)."""
    if not opportunity.is_visible_to(by) or opportunity.posted_by_id == by.pk:
        raise PermissionDenied("You cannot report this.")
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": "Choose what is wrong."})
    if opportunity.reports.filter(reporter=by, status=Report.Status.OPEN).exists():
        raise ValidationError("You have reported this already: a moderator will look at it.")
    found = Report(opportunity=opportunity, reporter=by, reason=reason, details=details.strip())
    found.full_clean()
    found.save()
    return found


MODERATED = {
    Decision.Action.APPROVE: "approved",
    Decision.Action.HIDE: "hidden by a moderator",
    Decision.Action.RESTORE: "shown again by a moderator",
}


@transaction.atomic
def moderate(
    *, opportunity: Opportunity, moderator: User, action: str, reason: str = ""
) -> Decision:
    """A moderator approves one waiting for approval, hides one (the reason is told to its
    poster) or restores it, or dismisses its reports. Each is written to its decisions, and
    closes its open reports."""
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    reason = (reason or "").strip()
    if action == Decision.Action.APPROVE:
        if opportunity.status != Status.PENDING:
            raise ValidationError("It is not waiting for approval.")
        opportunity.status = Status.OPEN
        opportunity.published_at = timezone.now()
    elif action == Decision.Action.HIDE:
        if not reason:
            raise ValidationError({"reason": "Say why: its poster is told."})
        if opportunity.hidden_at is not None:
            raise ValidationError("It is hidden already.")
        opportunity.hidden_at, opportunity.hidden_reason = timezone.now(), reason
    elif action == Decision.Action.RESTORE:
        if opportunity.hidden_at is None:
            raise ValidationError("It is not hidden.")
        opportunity.hidden_at, opportunity.hidden_reason = None, ""
    elif action != Decision.Action.DISMISS:
        raise ValidationError({"action": "Choose what to do."})
    opportunity.save()
    acted = action != Decision.Action.DISMISS
    opportunity.reports.filter(status=Report.Status.OPEN).update(
        status=Report.Status.RESOLVED if acted else Report.Status.DISMISSED
    )
    decision = Decision.objects.create(
        opportunity=opportunity, moderator=moderator, action=action, reason=reason
    )
    if action in MODERATED:
        notifications.moderated(
            opportunity, what=MODERATED[action], reason=reason, stamp=decision.pk
        )
    return decision
