"""A person's groups, events and suggestions: their part of the download, and what deleting
their account does to them (``sociable.personal_data`` runs it, through the registry).

Deleting: places held or waited for at upcoming events are given up through the groups
services, so the waiting list moves up and the next person is told; each group they alone
organise is handed to its longest-standing other member, or closed (its upcoming events
cancelled) when nobody else is in it; their suggestions stay while someone else backs them
(anonymous, like posts), the others go.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from sociable.accounts.models import User

from . import services
from .models import RSVP, Backing, CalendarFeed, Event, Group, Membership, Suggestion


def export(user: User) -> dict:
    """The person's groups, events, replies and suggestions, for their download."""
    return _groups(user)


def _groups(user: User) -> dict:
    memberships = (
        Membership.objects.filter(user=user).select_related("group").order_by("created_at")
    )
    events = (
        Event.objects.filter(Q(created_by=user) | Q(teacher=user))
        .select_related("group")
        .order_by("starts_at", "pk")
    )
    rsvps = RSVP.objects.filter(user=user).select_related("event__group").order_by("created_at")
    feed = CalendarFeed.objects.filter(user=user).first()
    suggestions = Suggestion.objects.filter(created_by=user).order_by("created_at")
    backings = Backing.objects.filter(user=user).select_related("suggestion")
    created = Group.objects.filter(created_by=user).order_by("created_at")
    return {
        "groups_started": [{"name": g.name, "url": g.get_absolute_url()} for g in created],
        "memberships": [
            {
                "group": m.group.name,
                "url": m.group.get_absolute_url(),
                "role": m.role,
                "status": m.status,
                "request_message": m.request_message,
                "decision_message": m.decision_message,
                "since": m.created_at,
                "decided_at": m.decided_at,
            }
            for m in memberships
        ],
        "events_organised_or_taught": [
            {
                "title": e.title,
                "group": e.group.name,
                "url": e.get_absolute_url(),
                "you": [
                    role
                    for role, mine in (
                        ("created", e.created_by_id == user.pk),
                        ("teaches", e.teacher_id == user.pk),
                    )
                    if mine
                ],
                "starts_at": e.starts_at,
                "ends_at": e.ends_at,
                "location": e.location,
                "online_url": e.online_url,
                "description": e.description,
                "cancelled_at": e.cancelled_at,
            }
            for e in events
        ],
        "rsvps": [
            {
                "event": r.event.title,
                "group": r.event.group.name,
                "url": r.event.get_absolute_url(),
                "starts_at": r.event.starts_at,
                "status": r.status,
                # Kept until the day after the event (groups.organisers.forget_answers).
                "answers": r.answers,
                "attended": r.attended,
                "replied_at": r.created_at,
                "changed_at": r.updated_at,
            }
            for r in rsvps
        ],
        # The private address itself is a secret: see or renew it on the calendar page.
        "calendar_feed": {"created_at": feed.created_at} if feed else None,
        "suggestions": [
            {
                "title": s.title,
                "kind": s.kind,
                "description": s.description,
                "created_at": s.created_at,
                "fulfilled_at": s.fulfilled_at,
            }
            for s in suggestions
        ],
        "suggestions_backed": [
            {"title": b.suggestion.title, "backed_at": b.created_at} for b in backings
        ],
    }


def _groups_only_they_organise(user: User) -> list[Group]:
    organiser = {"role": Membership.Role.ORGANISER, "status": Membership.Status.ACTIVE}
    others = Membership.objects.filter(
        group=OuterRef("pk"), user__is_active=True, **organiser
    ).exclude(user=user)
    mine = Membership.objects.filter(user=user, **organiser).values("group")
    return list(Group.objects.filter(pk__in=mine).exclude(Exists(others)).order_by("name"))


def _places_held(user: User):
    return RSVP.objects.filter(
        user=user,
        status__in=[RSVP.Status.GOING, RSVP.Status.WAITLISTED],
        event__ends_at__gte=timezone.now(),
        event__cancelled_at__isnull=True,
    )


def plan(user: User, plan) -> None:
    """Say which places the person gives up and which of their groups change hands or close."""
    plan.places_given_up = _places_held(user).count()
    for group in _groups_only_they_organise(user):
        successor = services.next_organiser(group=group, leaving=user)
        if successor:
            plan.handed_over.append((group, successor.user))
        else:
            plan.closing.append(group)


def give_up_places(leaving, result) -> None:
    """Free the person's places at upcoming events, so the waiting list moves up."""
    for rsvp in _places_held(leaving.user):
        services.organiser_set_reply(reply=rsvp, status=RSVP.Status.NOT_GOING)


def hand_over_groups(leaving, result) -> None:
    """Hand each group only they organise to the next organiser, or close it."""
    for group in _groups_only_they_organise(leaving.user):
        successor = services.hand_over_group(group=group, leaving=leaving.user)
        if successor:
            result.handed_over.append((group.name, successor.user.display_name))
        else:
            services.close_group(group=group)
            result.closed.append(group.name)


def drop_unbacked_suggestions(leaving, result) -> None:
    """A suggestion nobody else backs goes with its author; others' backing keeps it."""
    backed_by_others = Backing.objects.filter(suggestion=OuterRef("pk")).exclude(user=leaving.user)
    Suggestion.objects.filter(created_by=leaving.user).exclude(Exists(backed_by_others)).delete()
