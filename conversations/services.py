"""Asking for a conversation and answering: every change to a request goes through here.

Each function checks who may do it and what state the request must be in, changes it in
one transaction (the request row locked, so that two answers at once make one change),
then tells the other person and, for a time agreed or called off, sends both a calendar
invitation once the change is committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from profiles.models import Profile, Skill
from profiles.services import ensure_profile
from profiles.visibility import visible_groups
from safety import screening
from sociable.accounts import blocks
from sociable.accounts.models import User
from sociable.audience import can_see

from . import notifications
from .buddies import is_new_starter
from .models import LENGTH, Conversation, Kind, Message, Openness, ProposedTime, Reason, Report

Status = Conversation.Status

MOST_TIMES = 3  # times one may suggest at once
SOONEST = timedelta(hours=1)  # how soon a suggested time may be
LATEST = timedelta(days=365)  # how far ahead
NEW_ACCOUNT_DAYS = 30  # community accounts this new get the tighter limits


@dataclass(frozen=True)
class Limits:
    open_at_once: int
    per_week: int
    messages_per_hour: int


STAFF_LIMITS = Limits(open_at_once=10, per_week=20, messages_per_hour=30)
NEW_COMMUNITY_LIMITS = Limits(open_at_once=3, per_week=5, messages_per_hour=10)


def limits_for(user: User, now: datetime | None = None) -> Limits:
    """Kinder limits for staff and settled accounts than for new community accounts."""
    now = now or timezone.now()
    new = user.date_joined > now - timedelta(days=NEW_ACCOUNT_DAYS)
    if user.organisation_id is None and new:
        return getattr(settings, "CONVERSATIONS_NEW_LIMITS", NEW_COMMUNITY_LIMITS)
    return getattr(settings, "CONVERSATIONS_LIMITS", STAFF_LIMITS)


# --- how open people are --------------------------------------------------------------------


def openness_of(user: User, kind: str) -> Openness:
    return Openness.objects.filter(user=user, kind=kind).first() or Openness.defaults(user, kind)


def is_open_to(profile: Profile, kind: str) -> bool:
    return bool(getattr(profile, f"open_to_{kind}", False))


def refusal(asker: User, profile: Profile, kind: str, *, today=None) -> str:
    """Why ``asker`` may not ask the person of ``profile`` for ``kind`` now, or "".

    The caller has checked that the asker may see the profile (``permissions``); what is
    said here is about what the person shows (open or not) or the asker's own account.
    """
    asked = profile.user
    if asker.pk == asked.pk:
        return "This is you: you cannot ask yourself."
    # A block reads as any other closed door: the blocked person is not told.
    if not asked.is_active or profile.archived_at is not None or blocks.has_blocked(asked, asker):
        return f"{profile.display_name} is not taking requests."
    # What someone is open to shows with their skills: unseen, it is as good as unsaid.
    if "skills" not in visible_groups(asker, profile) or not is_open_to(profile, kind):
        return f"{profile.display_name} has not said they are open to this."
    today = today or timezone.localdate()
    if kind == Kind.BUDDY and not is_new_starter(
        asker, Profile.objects.filter(user=asker).first(), today
    ):
        return "Buddies are for new starters, in their first three months here."
    openness = openness_of(asked, kind)
    if not can_see(asker, openness.who_may_ask, organisation_id=asked.organisation_id):
        return f"{profile.display_name} takes requests like this from {_who(openness)} only."
    if openness.paused_on(today):
        return (
            f"{profile.display_name} is taking a break from requests until "
            f"{openness.paused_until:%-d %B %Y}. Do ask after that."
        )
    return ""


def _who(openness: Openness) -> str:
    return openness.get_who_may_ask_display().lower()


@transaction.atomic
def set_openness(
    *, user: User, kind: str, is_open: bool, per_month, who_may_ask, when_full, paused_from,
    paused_until,
) -> Openness:  # fmt: skip
    """Save how open ``user`` is to ``kind``; the profile's flag says whether at all."""
    profile = Profile.objects.select_for_update().get(user=user)
    setattr(profile, f"open_to_{kind}", is_open)
    profile.save(update_fields=[f"open_to_{kind}"])  # (not in the search rows' texts)
    openness = openness_of(user, kind)
    openness.per_month, openness.who_may_ask, openness.when_full = (
        per_month,
        who_may_ask,
        when_full,
    )
    openness.paused_from, openness.paused_until = paused_from, paused_until
    openness.full_clean(exclude=["user"])
    openness.save()
    return openness


# --- asking ---------------------------------------------------------------------------------


def _check_times(times: Sequence[datetime], *, now: datetime, openness: Openness | None) -> None:
    if len(times) > MOST_TIMES:
        raise ValidationError({"times": f"Suggest at most {MOST_TIMES} times."})
    if len(set(times)) != len(times):
        raise ValidationError({"times": "Two of the times are the same."})
    for when in times:
        if when < now + SOONEST:
            raise ValidationError(
                {"times": "Each time must be in the future, at least an hour from now."}
            )
        if when > now + LATEST:
            raise ValidationError({"times": "Each time must be within the next year."})
        day = timezone.localtime(when).date()
        if openness is not None and openness.paused_on(day):
            raise ValidationError(
                {
                    "times": f"They are taking a break from {openness.paused_from:%-d %B} to "
                    f"{openness.paused_until:%-d %B %Y}: choose a time outside it."
                }
            )


def _check_rate(asker: User, now: datetime) -> None:
    limits = limits_for(asker, now)
    mine = Conversation.objects.filter(asker=asker)
    if mine.open().count() >= limits.open_at_once:
        raise ValidationError(
            f"You have {limits.open_at_once} requests waiting for an answer, the most at "
            "once. Wait for an answer, or withdraw one, before asking someone else."
        )
    if mine.filter(created_at__gte=now - timedelta(days=7)).count() >= limits.per_week:
        raise ValidationError(
            f"You have asked {limits.per_week} people this week, the most we allow. "
            "Please ask again in a few days."
        )


def _month_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@transaction.atomic
def ask(
    *,
    asker: User,
    profile: Profile,
    kind: str,
    way: str,
    times: Sequence[datetime] = (),
    skill: Skill | None = None,
    about: str = "",
    note: str = "",
    form_key: UUID | None = None,
    now: datetime | None = None,
) -> Conversation:
    """Ask the person of ``profile`` for a conversation: at one of ``times``, or at a time
    they suggest (none given). The form's ``form_key`` makes a second send of the same form
    return the first request. Over their monthly limit, the request waits in their queue or
    is refused kindly, as they choose."""
    now = now or timezone.now()
    if form_key is not None:
        done = Conversation.objects.filter(asker=asker, form_key=form_key).first()
        if done is not None:
            return done
    asked = profile.user
    # One asker at a time: their limits are counted without a second request slipping by.
    User.objects.select_for_update().filter(pk=asker.pk).first()
    if reason := refusal(asker, profile, kind, today=timezone.localdate(now)):
        raise PermissionDenied(reason)
    if Conversation.objects.filter(asker=asker, asked=asked, status__in=Conversation.OPEN):
        raise ValidationError(
            f"You have asked {profile.display_name} already and they have not answered yet: "
            "see Your conversations."
        )
    openness = openness_of(asked, kind)
    _check_times(times, now=now, openness=openness)
    _check_rate(asker, now)
    screened = screening.check(  # words that would hold a post flag the request
        {"about": about.strip(), "note": note.strip()}, author=asker, content_kind="request"
    )
    status = Status.WAITING
    if openness.per_month is not None:
        taken = Conversation.objects.counted_against(asked, _month_start(now)).filter(kind=kind)
        if taken.count() >= openness.per_month:
            if openness.when_full == Openness.WhenFull.REFUSE:
                raise PermissionDenied(
                    f"{profile.display_name} has had as many requests like this as they "
                    "have room for this month. Do ask again next month."
                )
            status = Status.QUEUED
    conversation = Conversation(
        asker=asker,
        asked=asked,
        kind=kind,
        skill=skill,
        about=about.strip(),
        way=way,
        note=note.strip(),
        status=status,
        waiting_on=asked,
        form_key=form_key,
    )
    conversation.full_clean()
    try:
        with transaction.atomic():
            conversation.save()
    except IntegrityError:  # the same form, sent twice at once: the first one stands
        return Conversation.objects.get(asker=asker, form_key=form_key)
    ProposedTime.objects.bulk_create(
        ProposedTime(conversation=conversation, starts_at=when, proposed_by=asker)
        for when in sorted(times)
    )
    screened.record(conversation, author=asker)
    notifications.asked(conversation)
    return conversation


# --- answering ------------------------------------------------------------------------------


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def _check_party(conversation: Conversation, user: User) -> None:
    if user.pk not in (conversation.asker_id, conversation.asked_id):
        raise PermissionDenied("This request is not yours.")


def _check_turn(conversation: Conversation, user: User) -> None:
    _check_party(conversation, user)
    if conversation.status != Status.WAITING:
        raise ValidationError(f"This request is {conversation.get_status_display().lower()}.")
    if conversation.waiting_on_id != user.pk:
        raise ValidationError("It is the other person's turn to answer.")


def latest_times(conversation: Conversation) -> list[ProposedTime]:
    """The times the one whose turn it is may accept: the other's latest suggestions."""
    times = list(conversation.times.all())
    newest = max((t.round for t in times), default=0)
    return [
        t for t in times if t.round == newest and t.proposed_by_id != conversation.waiting_on_id
    ]


@transaction.atomic
def accept(
    *, conversation: Conversation, by: User, time_id: int, now: datetime | None = None
) -> Conversation:
    """Accept one of the other's suggested times: the conversation is booked. Two accepts
    at once book one time: the second finds it no longer waiting."""
    now = now or timezone.now()
    conversation = _locked(conversation)
    _check_turn(conversation, by)
    chosen = next((t for t in latest_times(conversation) if t.pk == time_id), None)
    if chosen is None:
        raise ValidationError({"time": "Choose one of the times suggested."})
    if chosen.starts_at < now:
        raise ValidationError({"time": "That time has passed: suggest another."})
    conversation.status = Status.ACCEPTED
    conversation.starts_at = chosen.starts_at
    conversation.ends_at = chosen.starts_at + LENGTH[Kind(conversation.kind)]
    conversation.waiting_on = None
    conversation.save()
    notifications.accepted(conversation, by=by)
    return conversation


@transaction.atomic
def open_from_queue(*, conversation: Conversation, by: User) -> Conversation:
    """Take a request out of the queue: it waits for an answer like any other."""
    conversation = _locked(conversation)
    if conversation.asked_id != by.pk or conversation.status != Status.QUEUED:
        raise ValidationError("This request is not in your queue.")
    conversation.status = Status.WAITING
    conversation.save(update_fields=["status", "updated_at"])
    return conversation


@transaction.atomic
def suggest(
    *, conversation: Conversation, by: User, starts_at: datetime, now: datetime | None = None
) -> Conversation:
    """Suggest another time: now it is the other person's turn to accept it (or another)."""
    now = now or timezone.now()
    conversation = _locked(conversation)
    _check_turn(conversation, by)
    asked_openness = None
    if by.pk == conversation.asker_id and conversation.asked is not None:
        asked_openness = openness_of(conversation.asked, conversation.kind)
    _check_times([starts_at], now=now, openness=asked_openness)
    newest = max((t.round for t in conversation.times.all()), default=0)
    ProposedTime.objects.update_or_create(
        conversation=conversation,
        starts_at=starts_at,
        defaults={"proposed_by": by, "round": newest + 1},
    )
    conversation.waiting_on = conversation.other(by)
    conversation.save(update_fields=["waiting_on", "updated_at"])
    notifications.suggested(conversation, by=by, starts_at=starts_at)
    return conversation


@transaction.atomic
def decline(*, conversation: Conversation, by: User, reason: str = "") -> Conversation:
    """Say no, kindly: with one of the pre-written reasons, or none."""
    conversation = _locked(conversation)
    if conversation.asked_id != by.pk:
        raise PermissionDenied("Only the person asked can decline.")
    if conversation.status not in Conversation.OPEN:
        raise ValidationError(f"This request is {conversation.get_status_display().lower()}.")
    if reason and reason not in Reason.values:
        raise ValidationError({"reason": "Choose one of the reasons, or none."})
    conversation.status = Status.DECLINED
    conversation.reason = reason
    conversation.waiting_on = None
    conversation.save()
    notifications.declined(conversation)
    return conversation


@transaction.atomic
def withdraw(*, conversation: Conversation, by: User) -> Conversation:
    """The asker takes back a request not yet accepted."""
    conversation = _locked(conversation)
    if conversation.asker_id != by.pk:
        raise PermissionDenied("Only the person who asked can withdraw it.")
    if conversation.status not in Conversation.OPEN:
        raise ValidationError(f"This request is {conversation.get_status_display().lower()}.")
    conversation.status = Status.WITHDRAWN
    conversation.waiting_on = None
    conversation.save()
    return conversation


@transaction.atomic
def cancel(*, conversation: Conversation, by: User, now: datetime | None = None) -> Conversation:
    """Call off a booked conversation that has not started: both calendars are told."""
    now = now or timezone.now()
    conversation = _locked(conversation)
    _check_party(conversation, by)
    if conversation.status != Status.ACCEPTED or conversation.starts_at <= now:
        raise ValidationError("Only a booked conversation that has not started can be cancelled.")
    conversation.status = Status.CANCELLED
    conversation.sequence += 1
    conversation.save()
    notifications.cancelled(conversation, by=by)
    return conversation


def close_requests_from(*, blocked: User, blocker: User) -> int:
    """On a block: the blocked person's requests still open for the blocker are closed as
    declined with no reason, which they see as any quiet "no"; nobody is told."""
    return Conversation.objects.filter(
        asker=blocked, asked=blocker, status__in=Conversation.OPEN
    ).update(status=Status.DECLINED, reason="", waiting_on=None, updated_at=timezone.now())


def _check_messages_rate(user: User, now: datetime) -> None:
    limit = limits_for(user, now).messages_per_hour
    recent = Message.objects.filter(author=user, created_at__gte=now - timedelta(hours=1))
    if recent.count() >= limit:
        raise ValidationError(
            f"You have sent {limit} messages in the last hour, the most we allow. "
            "Please wait a little."
        )


@transaction.atomic
def send_message(
    *, conversation: Conversation, by: User, body: str, now: datetime | None = None
) -> Message:
    """A short message to the other person, inside the request."""
    now = now or timezone.now()
    _check_party(conversation, by)
    if conversation.other(by) is None:
        raise ValidationError("The other person has left Sociable.")
    if conversation.status in (Status.DECLINED, Status.WITHDRAWN):
        # A "no" is an answer: no messages after it, so that nobody is pressed.
        raise ValidationError(f"This request is {conversation.get_status_display().lower()}.")
    if blocks.has_blocked(conversation.other(by), by):
        raise ValidationError(f"{conversation.other(by).display_name} is not taking messages.")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something first."})
    _check_messages_rate(by, now)
    screened = screening.check({"body": body}, author=by, content_kind="message")
    message = Message(conversation=conversation, author=by, body=body)
    message.full_clean()
    message.save()
    screened.record(message, author=by)
    notifications.messaged(conversation, by=by)
    return message


@transaction.atomic
def record_afterwards(
    *,
    conversation: Conversation,
    by: User,
    happened: bool,
    thanks: str = "",
    now: datetime | None = None,
) -> Conversation:
    """Afterwards, say whether it happened; the asker may leave a thank-you note."""
    now = now or timezone.now()
    conversation = _locked(conversation)
    _check_party(conversation, by)
    if conversation.status != Status.ACCEPTED or conversation.starts_at > now:
        raise ValidationError("You can say how it went once it has taken place.")
    thanks = (thanks or "").strip()
    if thanks and by.pk != conversation.asker_id:
        raise ValidationError({"thanks": "Only the person who asked can leave a thank-you."})
    if thanks and not happened:
        raise ValidationError({"thanks": "A thank-you is for a conversation that happened."})
    conversation.happened = happened
    if thanks:
        conversation.thanks = thanks
        conversation.full_clean()
        notifications.thanked(conversation)
    conversation.save()
    return conversation


@transaction.atomic
def show_thanks(*, conversation: Conversation, by: User, shown: bool) -> Conversation:
    """The person thanked chooses whether the note shows on their profile."""
    conversation = _locked(conversation)
    if conversation.asked_id != by.pk or not conversation.thanks:
        raise PermissionDenied("Only the person thanked can show a thank-you.")
    conversation.thanks_shown = shown
    conversation.save(update_fields=["thanks_shown", "updated_at"])
    return conversation


@transaction.atomic
def report(
    *, conversation: Conversation, by: User, reason: str, details: str = "", block: bool = False
) -> Report:
    """Report a request as abusive: moderators may then read it (and only it). Reporting
    may also block the other person, which closes their requests still waiting for you."""
    _check_party(conversation, by)
    other = conversation.other(by)
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": "Choose what is wrong."})
    if conversation.reports.filter(reporter=by, status=Report.Status.OPEN).exists():
        raise ValidationError("You have reported this already: a moderator will look at it.")
    found = Report(
        conversation=conversation, reporter=by, reported=other, reason=reason,
        details=(details or "").strip(),
    )  # fmt: skip
    found.full_clean()
    found.save()
    if block and other is not None:
        blocks.block(by=by, person=other)
    return found


@transaction.atomic
def close_report(*, report: Report, moderator: User, acted: bool) -> Report:
    """A moderator closes a report: acted on (they may also have suspended the account, in
    the admin's suspensions) or dismissed."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Report.Status.OPEN:
        return report
    report.status = Report.Status.RESOLVED if acted else Report.Status.DISMISSED
    report.handled_by, report.handled_at = moderator, timezone.now()
    report.save(update_fields=["status", "handled_by", "handled_at"])
    return report


def own_profile(user: User) -> Profile:
    return ensure_profile(user=user)
