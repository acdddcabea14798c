"""New-starter buddies: someone in their first months can ask a colleague who has said they
are happy to buddy a new starter. Volunteers in the new starter's own team are offered
first, then those in their building, then their organisation, then the partnership; among
equals, whoever has been asked least lately, so that nobody is asked by everyone.

A buddy request is a conversation like any other (``Kind.BUDDY``), asked through the same
rules (``services.refusal``): the volunteer must be seen and be open, their "who may ask"
and pause hold, and a block shuts the door without a word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone

from profiles.models import Profile, starting_around
from profiles.selectors import listed_profiles, with_card_data
from profiles.visibility import group_q, view_profile
from sociable.accounts.models import Block

from .models import Conversation, Kind, Openness

NEW_FOR = timedelta(days=90)  # how far back "asked lately" looks
OFFERED = 5

NEARNESS = {0: "In your team", 1: "In your building", 2: "In your organisation"}


def started_on(user, profile: Profile | None) -> date:
    """When ``user`` started: HR's start date, or else the day they joined Sociable."""
    if profile is not None and profile.started_on is not None:
        return profile.started_on
    return timezone.localdate(user.date_joined)


def is_new_starter(user, profile: Profile | None, today: date | None = None) -> bool:
    """Staff in their first three months (or about to start): who may ask for a buddy.
    Without a start date from HR, the day they joined Sociable stands in for it (so on the
    day a whole organisation is first imported, all its staff may ask; home prompts only
    those whose start date HR gave, ``Profile.started_recently``)."""
    if user.organisation_id is None:
        return False
    return starting_around(started_on(user, profile), today or timezone.localdate())


@dataclass(frozen=True)
class Offer:
    view: object  # profiles.visibility.ProfileView, as the new starter sees the volunteer
    nearness: str

    @property
    def reasons(self) -> list[tuple[str, str]]:
        return [("Why them", self.nearness)]


def offered(viewer, profile: Profile | None, today: date | None = None) -> list[Offer]:
    """The volunteers offered to the new starter ``viewer`` (whose profile is ``profile``):
    nearest first, then the least asked lately; never one who has blocked them or is
    pausing today. Three queries, whatever the numbers."""
    today = today or timezone.localdate()
    user = viewer.user
    team_id = profile.team_id if profile else None
    place_id = profile.place_id if profile else None
    paused = Openness.objects.filter(kind=Kind.BUDDY, paused_until__gte=today).filter(
        Q(paused_from__isnull=True) | Q(paused_from__lte=today)
    )
    nearer = []  # the team, the building, the organisation: nearest first
    where = group_q(viewer, "location")  # nearness is told only where it shows
    if team_id:
        nearer.append(When(where & Q(team_id=team_id), then=Value(0)))
    if place_id:
        nearer.append(When(where & Q(place_id=place_id), then=Value(1)))
    nearer.append(When(user__organisation_id=user.organisation_id, then=Value(2)))
    volunteers = (
        listed_profiles(viewer)
        .filter(group_q(viewer, "skills"), open_to_buddy=True, user__is_active=True)
        .exclude(user=user)
        .exclude(user__in=Block.objects.filter(blocked=user).values("blocker"))
        .exclude(user__in=paused.values("user"))
        .annotate(
            nearness=Case(*nearer, default=Value(3), output_field=IntegerField()),
            asked_lately=Count(
                "user__conversations_to_answer",
                filter=Q(
                    user__conversations_to_answer__kind=Kind.BUDDY,
                    user__conversations_to_answer__created_at__gte=timezone.now() - NEW_FOR,
                ),
            ),
        )
        .order_by("nearness", "asked_lately", "user__name", "pk")
    )
    return [
        Offer(view_profile(viewer, found), NEARNESS.get(found.nearness, "Across the partnership"))
        for found in with_card_data(volunteers)[:OFFERED]
    ]


def asked_already(user) -> Conversation | None:
    """The new starter's buddy request still waiting or agreed, if there is one."""
    return (
        Conversation.objects.filter(
            asker=user,
            kind=Kind.BUDDY,
            status__in=[*Conversation.OPEN, Conversation.Status.ACCEPTED],
        )
        .select_related("asked")
        .first()
    )
