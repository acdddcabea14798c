"""Every change to groups, memberships, events, RSVPs and suggestions goes through here.

Capacity is decided in the database: an RSVP, a cancellation and a capacity
change each lock the event's row (SELECT ... FOR UPDATE) before counting who
is going, so concurrent presses of "I'm going" queue up behind one another and
the count can never pass the capacity. Promotion from the waiting list happens
inside the same locked transaction that frees the place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from profiles.models import Skill
from profiles.services import resolve_skills
from sociable.accounts.models import User
from sociable.markdown import render_markdown

from . import guest_mail, notifications
from .models import RSVP, Backing, CalendarFeed, Event, Group, Guest, Membership, Suggestion

Status = RSVP.Status


# --- groups and members --------------------------------------------------------------------


# Addresses under /groups/ that are pages of their own, never a group's slug.
RESERVED_SLUGS = {"new", "suggestions", "calendar", "teach"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "group"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Group.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_group(*, created_by: User, tags: list[str] = (), **fields) -> Group:
    """Start a group; its creator becomes its first organiser."""
    group = Group(created_by=created_by, slug=_unique_slug(fields.get("name", "")), **fields)
    group.description_html = render_markdown(group.description)
    group.full_clean()
    group.save()
    set_group_tags(group=group, names=tags)
    Membership.objects.create(
        group=group,
        user=created_by,
        role=Membership.Role.ORGANISER,
        status=Membership.Status.ACTIVE,
    )
    return group


@transaction.atomic
def update_group(*, group: Group, tags: list[str] | None = None, **fields) -> Group:
    for name, value in fields.items():
        setattr(group, name, value)
    group.description_html = render_markdown(group.description)
    group.full_clean()
    group.save()
    if tags is not None:
        set_group_tags(group=group, names=tags)
    return group


def set_group_tags(*, group: Group, names: list[str]) -> list[Skill]:
    skills = resolve_skills(names=names, kind=Skill.Kind.SKILL).skills
    group.tags.set(skills)
    return skills


@transaction.atomic
def join_group(*, group: Group, user: User, message: str = "") -> Membership:
    """Join an open group at once, or ask to join one that needs approval."""
    if not group.is_visible_to(user) or group.closed_at is not None:
        raise PermissionDenied("You cannot join this group.")
    membership = Membership.objects.select_for_update().filter(group=group, user=user).first()
    if membership and membership.status == Membership.Status.ACTIVE:
        return membership
    if membership and membership.status == Membership.Status.DECLINED:
        raise ValidationError("The organisers declined your request to join this group.")
    status = (
        Membership.Status.ACTIVE
        if group.join_policy == Group.JoinPolicy.OPEN
        else Membership.Status.PENDING
    )
    if membership is None:
        membership = Membership(group=group, user=user)
    membership.status = status
    membership.request_message = message.strip()[:500]
    membership.save()
    if status == Membership.Status.PENDING:
        notifications.join_requested(membership)
    return membership


@transaction.atomic
def add_member(*, group: Group, user: User) -> Membership:
    """An organiser adds someone directly: the way into a private (members-only) group."""
    membership, _ = Membership.objects.update_or_create(
        group=group, user=user, defaults={"status": Membership.Status.ACTIVE}
    )
    return membership


@transaction.atomic
def leave_group(*, group: Group, user: User) -> None:
    membership = Membership.objects.select_for_update().filter(group=group, user=user).first()
    if membership is None:
        return
    if membership.role == Membership.Role.ORGANISER and not _other_organisers(membership):
        raise ValidationError(
            "You are this group's only organiser: make someone else an organiser first."
        )
    membership.delete()


def _other_organisers(membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            group=membership.group, role=Membership.Role.ORGANISER, status=Membership.Status.ACTIVE
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def decide_membership(*, membership: Membership, approve: bool, message: str = "") -> Membership:
    """An organiser approves or declines a request to join."""
    if membership.status != Membership.Status.PENDING:
        raise ValidationError("This request has already been decided.")
    membership.status = Membership.Status.ACTIVE if approve else Membership.Status.DECLINED
    membership.decision_message = message.strip()[:500]
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decision_message", "decided_at"])
    notifications.membership_decided(membership)
    return membership


@transaction.atomic
def remove_member(*, membership: Membership) -> None:
    if membership.role == Membership.Role.ORGANISER and not _other_organisers(membership):
        raise ValidationError("A group needs at least one organiser.")
    membership.delete()


@transaction.atomic
def set_role(*, membership: Membership, role: str) -> Membership:
    if membership.status != Membership.Status.ACTIVE:
        raise ValidationError("Only members can become organisers.")
    if role == Membership.Role.MEMBER and not _other_organisers(membership):
        raise ValidationError("A group needs at least one organiser.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


# --- events --------------------------------------------------------------------------------


@transaction.atomic
def create_event(*, group: Group, created_by: User, **fields) -> Event:
    event = Event(group=group, created_by=created_by, **fields)
    event.description_html = render_markdown(event.description)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def update_event(*, event: Event, **fields) -> Event:
    """Change an event; capacity may not drop below the people already going."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    moved = "starts_at" in fields and fields["starts_at"] != event.starts_at
    if moved and fields["starts_at"] < timezone.now():
        raise ValidationError({"starts_at": "An event cannot be moved into the past."})
    for name, value in fields.items():
        setattr(event, name, value)
    going = going_count(event)
    if event.capacity is not None and event.capacity < going:
        raise ValidationError(
            {"capacity": f"{going} people are already going: the capacity cannot be lower."}
        )
    event.description_html = render_markdown(event.description)
    event.sequence += 1
    event.full_clean()
    event.save()
    fill_places(event)
    notifications.event_changed(event)
    tell_guests(event, "changed")
    return event


@transaction.atomic
def cancel_event(*, event: Event, reason: str = "", tell: bool = True) -> Event:
    """Cancel an event, saying why (``reason``): everyone going or waiting is told it (the
    members by the caller instead when not ``tell``: a series tells them once)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_cancelled:
        return event
    event.cancelled_at = timezone.now()
    event.cancel_reason = reason.strip()[:500]  # the form says so; others give none
    event.sequence += 1
    event.save(update_fields=["cancelled_at", "cancel_reason", "sequence", "updated_at"])
    if tell:
        notifications.event_cancelled(event)
    tell_guests(event, "cancelled")
    return event


def tell_guests(event: Event, what: str) -> None:
    """Email the guests going to or waiting for ``event`` (``guest_mail.EMAILS``)."""
    on_the_lists = [Guest.Status.GOING, Guest.Status.WAITLISTED]
    for guest in event.guests.filter(status__in=on_the_lists):
        guest_mail.queue(guest, what)


@dataclass(frozen=True)
class RsvpResult:
    rsvp: RSVP
    position: int | None  # place on the waiting list, 1 = next


def rsvp_to_event(*, event: Event, user: User, going: bool) -> RsvpResult:
    """Say you are going (a place, or the waiting list when full) or not going.

    Safe under any number of simultaneous calls: see the module docstring.
    """
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _rsvp_locked(event.pk, user, going)
        except IntegrityError:
            # Two first RSVPs by the same person raced to insert; the other won. Retry
            # once it has committed: the row now exists and is updated instead.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _rsvp_locked(event_id: int, user: User, going: bool) -> RsvpResult:
    event = Event.objects.select_for_update().select_related("group").get(pk=event_id)
    if not event.group.is_visible_to(user):
        raise PermissionDenied("You cannot reply to this event.")
    if event.is_cancelled:
        raise ValidationError("This event has been cancelled.")
    if event.replies_closed:
        raise ValidationError("Replies to this event have closed.")
    if event.ends_at < timezone.now():
        raise ValidationError("This event has already happened.")
    rsvp = RSVP.objects.filter(event=event, user=user).first() or RSVP(event=event, user=user)
    if not going:
        was_going = rsvp.status == Status.GOING
        if rsvp.pk is None:
            rsvp.status = Status.NOT_GOING
            rsvp.save()
        elif rsvp.status != Status.NOT_GOING:
            rsvp.status, rsvp.queued_at = Status.NOT_GOING, None
            rsvp.save(update_fields=["status", "queued_at", "updated_at"])
        if was_going:
            fill_places(event)
        return RsvpResult(rsvp, None)
    if rsvp.status in (Status.GOING, Status.WAITLISTED):
        return RsvpResult(rsvp, waitlist_position(rsvp))
    if event.capacity is None or going_count(event) < event.capacity:
        rsvp.status, rsvp.queued_at = Status.GOING, None
    else:
        rsvp.status, rsvp.queued_at = Status.WAITLISTED, timezone.now()
    rsvp.save()
    return RsvpResult(rsvp, waitlist_position(rsvp))


def going_count(event: Event) -> int:
    """The places taken: members going and confirmed guests going."""
    members = RSVP.objects.filter(event=event, status=Status.GOING).count()
    return members + Guest.objects.filter(event=event, status=Guest.Status.GOING).count()


_NEVER = datetime.min.replace(tzinfo=UTC)


def queue_order(reply: RSVP | Guest) -> tuple:
    """Where a reply waits in the one waiting list of members and guests: by when they
    joined it (``queued_at``); at the same moment, members first, then in order of rows."""
    return (reply.queued_at is None, reply.queued_at or _NEVER, isinstance(reply, Guest), reply.pk)


def fill_places(event: Event) -> list[RSVP | Guest]:
    """Promote people from the waiting list into free places, first come first served,
    members and guests alike (one queue: ``queue_order``).

    Call only with the event's row locked.
    """
    members = RSVP.objects.filter(event=event, status=Status.WAITLISTED).order_by("queued_at", "pk")
    guests = Guest.objects.filter(event=event, status=Guest.Status.WAITLISTED).order_by(
        "queued_at", "pk"
    )
    free = None
    if event.capacity is not None:
        free = event.capacity - going_count(event)
        if free <= 0:
            return []
        members, guests = members[:free], guests[:free]
    waiting = sorted([*members.select_related("user"), *guests], key=queue_order)
    promoted = waiting if free is None else waiting[:free]
    for reply in promoted:
        reply.status, reply.queued_at = Status.GOING, None
        reply.save(update_fields=["status", "queued_at", "updated_at"])
        _tell_promoted(reply, event)
    return promoted


def _tell_promoted(reply: RSVP | Guest, event: Event) -> None:
    """Tell a member (a notification) or a guest (an email) they have a place."""
    if isinstance(reply, Guest):
        reply.event = event
        guest_mail.queue(reply, "promoted")
    else:
        notifications.promoted_from_waitlist(reply)


def waitlist_position(reply: RSVP | Guest) -> int | None:
    """A member's or a guest's place on the event's one waiting list (1: next), or None."""
    if reply.status != Status.WAITLISTED:
        return None
    waiting = {"event_id": reply.event_id, "status": Status.WAITLISTED}
    if reply.queued_at is None:  # not stamped (older rows): after everyone who is
        ahead = [RSVP.objects.filter(queued_at__isnull=False, **waiting)]
        ahead.append(Guest.objects.filter(queued_at__isnull=False, **waiting))
        return sum(rows.count() for rows in ahead) + 1
    earlier = Q(queued_at__lt=reply.queued_at)
    same_time = Q(queued_at=reply.queued_at)
    if isinstance(reply, Guest):
        members = RSVP.objects.filter(earlier | same_time, **waiting)
        guests = Guest.objects.filter(earlier | (same_time & Q(pk__lt=reply.pk)), **waiting)
    else:
        members = RSVP.objects.filter(earlier | (same_time & Q(pk__lt=reply.pk)), **waiting)
        guests = Guest.objects.filter(earlier, **waiting)
    return members.count() + guests.count() + 1


@transaction.atomic
def organiser_set_reply(*, reply: RSVP | Guest, status: str) -> RSVP | Guest:
    """An organiser gives a waiting member or guest a place (``status`` going), or takes
    them off the lists (not going: the place goes to the next in line)."""
    event = Event.objects.select_for_update().get(pk=reply.event_id)
    found = type(reply).objects.filter(pk=reply.pk).first()  # again, under the lock
    if found is None:
        raise ValidationError("They are no longer on the lists.")
    reply = found
    if status == Status.GOING:
        if reply.status != Status.WAITLISTED:
            raise ValidationError("Only people on the waiting list can be given a place.")
        if event.capacity is not None and going_count(event) >= event.capacity:
            raise ValidationError("The event is full: raise its capacity first.")
        reply.status, reply.queued_at = Status.GOING, None
        reply.save(update_fields=["status", "queued_at", "updated_at"])
        _tell_promoted(reply, event)
    elif status == Status.NOT_GOING:
        was_going = reply.status == Status.GOING
        off = Guest.Status.CANCELLED if isinstance(reply, Guest) else Status.NOT_GOING
        reply.status, reply.queued_at = off, None
        reply.save(update_fields=["status", "queued_at", "updated_at"])
        if was_going:
            fill_places(event)
    else:
        raise ValidationError("Unknown change.")
    return reply


# --- calendars and suggestions -------------------------------------------------------------


def calendar_feed_for(*, user: User) -> CalendarFeed:
    return CalendarFeed.objects.get_or_create(user=user)[0]


@transaction.atomic
def renew_calendar_feed(*, user: User) -> CalendarFeed:
    """Give the person a new private calendar address; the old one stops working."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)


@transaction.atomic
def suggest(*, created_by: User, title: str, kind: str, description: str = "") -> Suggestion:
    suggestion = Suggestion(
        created_by=created_by, title=title.strip(), kind=kind, description=description.strip()
    )
    suggestion.full_clean()
    suggestion.save()
    Backing.objects.create(suggestion=suggestion, user=created_by)
    return suggestion


def back_suggestion(*, suggestion: Suggestion, user: User, backing: bool = True) -> None:
    if backing:
        Backing.objects.get_or_create(suggestion=suggestion, user=user)
    else:
        Backing.objects.filter(suggestion=suggestion, user=user).delete()


@transaction.atomic
def fulfil_suggestion(
    *, suggestion: Suggestion, by: User, group: Group | None = None, event: Event | None = None
) -> Suggestion:
    """Mark a suggestion as come true with the group or event that answers it; tell backers."""
    if group is None and event is None:
        raise ValidationError("Choose the group or event that answers this suggestion.")
    target_group = group or event.group
    if not target_group.memberships.filter(
        user=by, role=Membership.Role.ORGANISER, status=Membership.Status.ACTIVE
    ).exists():
        raise PermissionDenied("Only the group's organisers can do that.")
    suggestion.fulfilled_group = target_group
    suggestion.fulfilled_event = event
    suggestion.fulfilled_at = timezone.now()
    suggestion.save(update_fields=["fulfilled_group", "fulfilled_event", "fulfilled_at"])
    notifications.suggestion_fulfilled(suggestion)
    return suggestion


# --- handing over and closing (used when an organiser deletes their account) -----------------


def next_organiser(*, group: Group, leaving: User) -> Membership | None:
    """The member who takes over when ``leaving`` goes: the longest-standing other member."""
    return (
        Membership.objects.filter(
            group=group, status=Membership.Status.ACTIVE, user__is_active=True
        )
        .exclude(user=leaving)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )


@transaction.atomic
def hand_over_group(*, group: Group, leaving: User) -> Membership | None:
    """Make the next organiser (see ``next_organiser``) one; None if nobody else is in."""
    successor = next_organiser(group=group, leaving=leaving)
    if successor is None:
        return None
    return set_role(membership=successor, role=Membership.Role.ORGANISER)


@transaction.atomic
def close_group(*, group: Group) -> Group:
    """Close a group nobody can run: nobody joins any more, its upcoming events are cancelled."""
    if group.closed_at is None:
        group.closed_at = timezone.now()
        group.save(update_fields=["closed_at"])
    for event in group.events.upcoming().filter(cancelled_at__isnull=True):
        cancel_event(event=event)  # tells everyone going or waiting
    return group
