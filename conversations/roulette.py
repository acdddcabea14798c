"""Coffee roulette: each round, everyone who has opted in (and is not skipping) is
introduced to one person from another team, whom they have not been introduced to in the
last six months, preferring someone who shares their interests and works in the same
building, and someone from another organisation.

Rounds fall on the 1st and the 15th of each month (UK dates): people who chose "once a
month" take the 1st's only. Pairing is greedy, in a shuffled order fixed by the round:
each person still unpaired takes the best of the next ``LOOK_AHEAD`` people still
unpaired, from their own building first and then from everyone, who may meet them. It
reads everything it needs in five queries; a round of 100,000 opted in takes about 16 s on
2 cores, a quarter of it pairing and half writing (``bench/roulette.py``, bench/RESULTS.md). The
odd one out, or someone nobody may meet, waits for the next round.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from profiles.models import Profile, ProfileSkill
from sociable.accounts.models import Block

from .models import Conversation, Introduction, Kind, RouletteMember, Way

NO_REPEAT = timedelta(days=183)  # six months
LOOK_AHEAD = 40  # the unpaired people each person's partner is chosen among, per pool
ROUND_DAYS = (1, 15)
INTRODUCTION = "Coffee roulette: an introduction"


def is_round(day: date) -> bool:
    return day.day in ROUND_DAYS


@dataclass
class Person:
    pk: int
    organisation: int | None
    team: int | None
    place: int | None
    interests: frozenset = frozenset()
    met: set = field(default_factory=set)


def _may_meet(a: Person, b: Person) -> bool:
    if a.pk == b.pk or b.pk in a.met:
        return False
    return not (a.team is not None and a.team == b.team)


def _score(a: Person, b: Person) -> int:
    shared = len(a.interests & b.interests)
    return (
        3 * min(shared, 3)
        + 2 * (a.place is not None and a.place == b.place)
        + (a.organisation != b.organisation)
    )


def pair(people: list[Person], *, seed: int) -> list[tuple[Person, Person]]:
    """Pair ``people`` as the module says; the same people and seed give the same pairs."""
    order = list(people)
    random.Random(seed).shuffle(order)  # noqa: S311 (a fair order, not a secret)
    position = {person.pk: n for n, person in enumerate(order)}
    by_place: dict[int | None, list[Person]] = defaultdict(list)
    for person in order:
        by_place[person.place].append(person)
    cursors: dict[int | None, int] = defaultdict(int)
    everyone_cursor = 0
    paired: set[int] = set()
    pairs = []

    def candidates(pool: list[Person], start: int, me: Person):
        """Up to LOOK_AHEAD unpaired people of ``pool`` from ``start``, after ``me``."""
        found = 0
        for n in range(start, len(pool)):  # not pool[start:], which copies the rest each time
            other = pool[n]
            if found >= LOOK_AHEAD:
                return
            if other.pk in paired or other.pk == me.pk:
                continue
            found += 1
            yield other

    for me in order:
        if me.pk in paired:
            continue
        paired.add(me.pk)
        pool = by_place[me.place]
        while cursors[me.place] < len(pool) and pool[cursors[me.place]].pk in paired:
            cursors[me.place] += 1
        while everyone_cursor < len(order) and order[everyone_cursor].pk in paired:
            everyone_cursor += 1
        options = [
            other
            for other in (
                *candidates(pool, cursors[me.place], me),
                *candidates(order, everyone_cursor, me),
            )
            if _may_meet(me, other) and _may_meet(other, me)
        ]
        if not options:
            paired.discard(me.pk)  # they may still be someone else's best
            continue
        best = max(options, key=lambda other: (_score(me, other), -position[other.pk]))
        paired.add(best.pk)
        pairs.append((me, best))
    return pairs


def taking_part(day: date):
    """Who is in the round on ``day``: not skipping it, and monthly people on the 1st only."""
    members = RouletteMember.objects.filter(
        Q(skip_until__isnull=True) | Q(skip_until__lt=day), user__is_active=True
    ).exclude(user__organisation__isnull=True)
    if day.day != ROUND_DAYS[0]:
        members = members.filter(every=RouletteMember.Every.FORTNIGHT)
    return members


def people_for(day: date) -> list[Person]:
    """Everyone taking part on ``day`` with what pairing weighs: five queries."""
    ids = list(taking_part(day).values_list("user_id", flat=True))
    profiles = Profile.objects.filter(user_id__in=ids).values_list(
        "user_id", "user__organisation_id", "team_id", "place_id", "pk"
    )
    people, by_profile = {}, {}
    for user_id, organisation, team, place, profile_id in profiles:
        people[user_id] = Person(user_id, organisation, team, place)
        by_profile[profile_id] = people[user_id]
    interests = defaultdict(set)
    for profile_id, skill_id in ProfileSkill.objects.filter(
        profile_id__in=list(by_profile), relation=ProfileSkill.Relation.INTEREST
    ).values_list("profile_id", "skill_id"):
        interests[profile_id].add(skill_id)
    for profile_id, person in by_profile.items():
        person.interests = frozenset(interests[profile_id])
    met = Introduction.objects.filter(round__gt=day - NO_REPEAT).values_list(
        "first_id", "second_id"
    )
    # Someone blocked is never introduced: as if they had met.
    blocked = Block.objects.filter(blocker_id__in=ids).values_list("blocker_id", "blocked_id")
    for first, second in [*met, *blocked]:
        if first in people and second in people:
            people[first].met.add(second)
            people[second].met.add(first)
    return list(people.values())


TELL_AT_ONCE = 500  # introductions each background task tells both people of


@transaction.atomic
def run_round(day: date) -> list[Introduction]:
    """Pair the round of ``day`` once (a second run finds it done): each pair gets a chat
    waiting for either to suggest a time, and both are told by the background worker."""
    from .tasks import tell_introduced

    if not is_round(day) or Introduction.objects.filter(round=day).exists():
        return []
    pairs = pair(people_for(day), seed=day.toordinal())
    conversations = Conversation.objects.bulk_create(
        Conversation(
            asker_id=first.pk, asked_id=second.pk, waiting_on_id=second.pk, kind=Kind.CHAT,
            way=Way.IN_PERSON, about=INTRODUCTION,
        )
        for first, second in pairs
    )  # fmt: skip
    introductions = Introduction.objects.bulk_create(
        Introduction(round=day, first_id=first.pk, second_id=second.pk, conversation=c)
        for (first, second), c in zip(pairs, conversations, strict=True)
    )
    ids = [introduction.pk for introduction in introductions]
    for start in range(0, len(ids), TELL_AT_ONCE):
        chunk = ids[start : start + TELL_AT_ONCE]
        transaction.on_commit(lambda chunk=chunk: tell_introduced.enqueue(chunk))
    return introductions


# --- taking part ---------------------------------------------------------------------------


def next_round(day: date) -> date:
    """The first round's day after ``day``."""
    for days in range(1, 32):
        later = day + timedelta(days=days)
        if is_round(later):
            return later
    raise AssertionError("a round falls in every month")


@transaction.atomic
def join(*, user, every: str) -> RouletteMember:
    """Opt in (or change how often): staff only, as the introductions are across the
    partnership's teams."""
    if user.organisation_id is None:
        raise PermissionDenied("Coffee roulette introduces staff of the partner organisations.")
    if every not in RouletteMember.Every.values:
        raise ValidationError({"every": "Choose how often."})
    member, _ = RouletteMember.objects.update_or_create(user=user, defaults={"every": every})
    return member


def skip_next(*, user, today: date) -> RouletteMember:
    """Sit out the next round only."""
    member = RouletteMember.objects.get(user=user)
    member.skip_until = next_round(today)
    member.save(update_fields=["skip_until"])
    return member


def leave(*, user) -> None:
    RouletteMember.objects.filter(user=user).delete()


def introductions_of(user, limit: int = 6) -> list[Introduction]:
    return list(
        Introduction.objects.filter(Q(first=user) | Q(second=user))
        .select_related("first", "second", "conversation")
        .order_by("-round")[:limit]
    )
