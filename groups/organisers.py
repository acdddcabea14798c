"""Organisers' tools for an event: the questions asked when people reply (and deleting the
answers after the event), the check-in list and who came, and inviting everyone who wants
to learn a learning session's skill. (A reason when cancelling is ``services.cancel_event``.)

Answers to the questions may be special-category data under UK GDPR (access needs say
something of health; dietary needs may say something of religion): only the group's
organisers see them (the attendees page, the check-in list when they ask, the CSV when
they ask), and they are deleted the day after the event ends or is cancelled
(``forget_answers``, a daily job). The person sees their own, and gets them in their data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from profiles.models import Profile, ProfileSkill
from profiles.selectors import with_card_data
from profiles.visibility import group_q, view_profile
from sociable.accounts.models import User
from sociable.audience import Audience
from sociable.notifications.models import Notification

from . import notifications
from .models import RSVP, Event, Group, Guest, Membership

MAX_QUESTIONS = 3
QUESTION_LENGTH = 200
ANSWER_LENGTH = 500
HOLDING = (RSVP.Status.GOING, RSVP.Status.WAITLISTED)  # who holds or waits for a place


# --- questions and answers -----------------------------------------------------------------


def clean_answers(event: Event, answers: dict[str, str]) -> dict[str, str]:
    """The answers to ``event``'s questions in ``answers``: trimmed, the empty ones left out,
    any other key dropped; a ``ValidationError`` for an answer that is too long."""
    kept = {}
    for question in event.questions:
        answer = (answers.get(question) or "").strip()
        if len(answer) > ANSWER_LENGTH:
            raise ValidationError(f"Answers can be at most {ANSWER_LENGTH} characters long.")
        if answer:
            kept[question] = answer
    return kept


@transaction.atomic
def set_answers(*, rsvp: RSVP, answers: dict[str, str]) -> RSVP:
    """Keep someone's answers to the event's questions while they hold or wait for a place;
    someone not going keeps none."""
    rsvp = RSVP.objects.select_for_update().select_related("event").get(pk=rsvp.pk)
    kept = clean_answers(rsvp.event, answers) if rsvp.status in HOLDING else {}
    if kept != rsvp.answers:
        rsvp.answers = kept
        rsvp.save(update_fields=["answers"])
    return rsvp


def own_answers(user, event: Event) -> dict[str, str]:
    """``user``'s own answers to ``event``'s questions (they see and change them)."""
    if not event.questions or not user.is_authenticated:
        return {}
    answers = RSVP.objects.filter(event=event, user_id=user.pk).values_list("answers", flat=True)
    return next(iter(answers), None) or {}


@transaction.atomic
def forget_removed_answers(*, events: QuerySet[Event]) -> int:
    """Delete the answers to questions the organisers of ``events`` no longer ask (changed
    or removed); return how many replies changed."""
    asked = {pk: set(questions) for pk, questions in events.values_list("pk", "questions")}
    changed = 0
    for model in (RSVP, Guest):
        rows = model.objects.filter(event_id__in=asked).exclude(answers={})
        stale = [row for row in rows if set(row.answers) - asked[row.event_id]]
        for row in stale:
            row.answers = {q: a for q, a in row.answers.items() if q in asked[row.event_id]}
        model.objects.bulk_update(stale, ["answers"])
        changed += len(stale)
    return changed


def answers_deleted_after(now: datetime | None = None) -> datetime:
    """The moment before which an event that ended (or was cancelled) has its answers
    deleted: the start of today, UK time; the day after the event, whenever it ended."""
    local = timezone.localtime(now or timezone.now())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def forget_answers(*, now: datetime | None = None) -> int:
    """Empty the answers of members and guests to events that ended, or were cancelled,
    before today (UK time); return how many replies lost theirs."""
    cutoff = answers_deleted_after(now)
    over = Q(event__ends_at__lt=cutoff) | Q(event__cancelled_at__lt=cutoff)
    forgotten = 0
    for model in (RSVP, Guest):
        forgotten += model.objects.filter(over).exclude(answers={}).update(answers={})
    return forgotten


def with_answer_list(replies, questions: list[str]) -> list:
    """Give each reply (an RSVP or a Guest) ``answer_list``: its answers in the order of
    ``questions``, for a table."""
    for reply in replies:
        reply.answer_list = [reply.answers.get(question, "") for question in questions]
    return replies


# --- check-in ------------------------------------------------------------------------------


@dataclass
class Attendee:
    """Someone with a place at an event, on its check-in list: a member or a guest."""

    key: str  # "m<RSVP pk>" or "g<Guest pk>": what the list's tick box sends
    name: str
    organisation: str
    guest: bool
    attended: bool | None
    answer_list: list[str] = field(default_factory=list)


def check_in_list(event: Event) -> dict:
    """Everyone going to ``event``, members and confirmed guests, by name, with whether
    they came and how many did (two queries)."""
    rsvps = event.rsvps.filter(status=RSVP.Status.GOING).select_related("user__organisation")
    guests = event.guests.filter(status=Guest.Status.GOING)
    people = [
        Attendee(
            key=f"m{rsvp.pk}",
            name=rsvp.user.display_name,
            organisation=rsvp.user.organisation.name
            if rsvp.user.organisation
            else "Community member",
            guest=False,
            attended=rsvp.attended,
            answer_list=[rsvp.answers.get(q, "") for q in event.questions],
        )
        for rsvp in rsvps
    ] + [
        Attendee(
            key=f"g{guest.pk}",
            name=guest.name,
            organisation="Guest",
            guest=True,
            attended=guest.attended,
            answer_list=[guest.answers.get(q, "") for q in event.questions],
        )
        for guest in guests
    ]
    people.sort(key=lambda person: (person.name.casefold(), person.key))
    came = [person for person in people if person.attended]
    return {
        "people": people,
        "came": len(came),
        "came_guests": sum(person.guest for person in came),
        "ticked": any(person.attended is not None for person in people),
    }


def can_record_attendance(event: Event, now: datetime | None = None) -> bool:
    """Who came can be said once the event has started, unless it was cancelled."""
    return not event.is_cancelled and (now or timezone.now()) >= event.starts_at


@transaction.atomic
def record_attendance(*, event: Event, came: set[str], now: datetime | None = None) -> int:
    """Say who came to ``event``: everyone going whose key (see ``Attendee``) is in ``came``
    came, the others going did not. Returns how many came."""
    if not can_record_attendance(event, now):
        raise ValidationError("You can say who came once the event has started.")
    told = 0
    for model, prefix, going in (
        (RSVP, "m", RSVP.Status.GOING),
        (Guest, "g", Guest.Status.GOING),
    ):
        ids = [int(key[1:]) for key in came if key[:1] == prefix and key[1:].isdigit()]
        rows = model.objects.filter(event=event, status=going)
        rows.update(attended=Case(When(pk__in=ids, then=Value(True)), default=Value(False)))
        told += rows.filter(pk__in=ids).count()
    return told


# --- inviting learners ---------------------------------------------------------------------

PREVIEW = 5  # learners named on the event's page; the others are counted
INVITE_AT_ONCE = 100  # learners each background task tells


def _may_see_group(group: Group) -> Q:
    """Profiles whose person may see ``group``: the audience rule read from the group's
    side (``sociable.audience.can_see``), so that the people invited are found in one
    query, not asked one by one."""
    if group.audience in (Audience.PUBLIC, Audience.COMMUNITY):
        return Q(user__is_active=True)
    if group.audience == Audience.STAFF:
        return Q(user__organisation__isnull=False)
    if group.audience == Audience.ORGANISATION:
        return Q(user__organisation_id=group.audience_organisation_id)
    members = Membership.objects.filter(
        group=group, user=OuterRef("user"), status=Membership.Status.ACTIVE
    )
    return Q(Exists(members))


def learners(event: Event, viewer) -> QuerySet[Profile]:
    """Everyone who wants to learn the session's skill, as far as ``viewer`` (an organiser)
    may see what they want to learn, who may see the group and has not replied: all of
    them, in no order."""
    if event.skill_id is None or event.is_cancelled or event.group.closed_at is not None:
        return Profile.objects.none()
    wants = ProfileSkill.objects.filter(
        profile=OuterRef("pk"), skill_id=event.skill_id, relation=ProfileSkill.Relation.LEARN
    )
    return (
        Profile.objects.listed()
        .filter(group_q(viewer, "skills"))
        .filter(Exists(wants))
        .filter(_may_see_group(event.group))
        .exclude(user_id__in=RSVP.objects.filter(event=event).values("user_id"))
    )


def _invitations(event: Event) -> QuerySet[Notification]:
    return Notification.objects.filter(
        kind=notifications.INVITATION.name, key=notifications.invitation_key(event)
    )


def learners_preview(event: Event, viewer, limit: int = PREVIEW) -> dict:
    """The first ``limit`` learners by name (``learners``) as ``viewer`` may see them, how
    many more there are, and how many are not yet invited (three queries; none without a
    skill)."""
    found = learners(event, viewer)
    if found.query.is_empty():
        return {"shown": [], "more": 0, "total": 0, "to_invite": 0}
    invited = _invitations(event).filter(recipient=OuterRef("user"))
    counts = found.aggregate(total=Count("pk"), invited=Count("pk", filter=Q(Exists(invited))))
    shown = []
    if counts["total"]:
        shown = [
            view_profile(viewer, profile)
            for profile in with_card_data(found).order_by("user__name", "pk")[:limit]
        ]
    return {
        "shown": shown,
        "more": counts["total"] - len(shown),
        "total": counts["total"],
        "to_invite": counts["total"] - counts["invited"],
    }


@transaction.atomic
def invite_learners(*, event: Event, by: User) -> int:
    """Invite everyone who wants to learn the session's skill and may see its group
    (``learners``), however many: the background worker tells them, ``INVITE_AT_ONCE`` a
    task. Returns how many will be told; inviting again tells nobody twice."""
    from .tasks import invite_learners_batch

    if event.is_cancelled or event.skill_id is None or event.ends_at < timezone.now():
        raise ValidationError("Only a coming learning session with a skill can invite learners.")
    if not event.group.memberships.filter(
        user=by, role=Membership.Role.ORGANISER, status=Membership.Status.ACTIVE
    ).exists():
        raise PermissionDenied("Only the group's organisers can do that.")
    invited = _invitations(event).values("recipient_id")
    ids = list(
        learners(event, by)
        .exclude(user_id__in=invited)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    for start in range(0, len(ids), INVITE_AT_ONCE):
        invite_learners_batch.enqueue(event.pk, by.pk, ids[start : start + INVITE_AT_ONCE])
    return len(ids)


def tell_learners(*, event_id: int, by_id: int, user_ids: list[int]) -> int:
    """Tell the people ``user_ids`` of the session (a batch of ``invite_learners``), each
    once, if it is still on; return how many were told."""
    event = (
        Event.objects.filter(pk=event_id, cancelled_at__isnull=True)
        .select_related("group", "skill")
        .first()
    )
    by = User.objects.filter(pk=by_id).first()
    if event is None or event.skill is None or by is None:
        return 0
    people = User.objects.filter(pk__in=user_ids, is_active=True).select_related("profile")
    return notifications.invite_learners(event, people, by=by)
