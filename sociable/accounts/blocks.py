"""Blocking a person: the one place that says who has blocked whom.

A block is private to the person who makes it. The blocked person is never told: what
they try is refused with the words used when someone is simply not taking requests, and
nothing of theirs changes in a way they could read as a block.
"""

from __future__ import annotations

from django.db.models import Q

from .models import Block, User


def block(*, by: User, person: User) -> bool:
    """``by`` blocks ``person`` (again is harmless); whether this made a new block."""
    if by.pk == person.pk:
        raise ValueError("nobody blocks themselves")
    _, made = Block.objects.get_or_create(blocker=by, blocked=person)
    return made


def unblock(*, by: User, person: User) -> None:
    Block.objects.filter(blocker=by, blocked=person).delete()


def has_blocked(blocker: User, person: User) -> bool:
    return Block.objects.filter(blocker=blocker, blocked=person).exists()


def either_blocked(a_id: int, b_id: int) -> bool:
    """Whether either of two people has blocked the other (so they are never paired)."""
    return Block.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def blocked_by(user: User):
    """The people ``user`` has blocked, newest first, for their list."""
    return Block.objects.filter(blocker=user).select_related("blocked").order_by("-created_at")


def is_blocked_by(person_id: int | None, blocker_id: int | None) -> bool:
    """Whether ``blocker_id`` has blocked ``person_id`` (by primary keys: no rows fetched)."""
    if not person_id or not blocker_id:
        return False
    return Block.objects.filter(blocker_id=blocker_id, blocked_id=person_id).exists()


def blockers_of(person_id: int | None, among=None) -> set[int]:
    """Who has blocked ``person_id`` (of ``among``, a list of people's pks, when given): the
    people who hear nothing of what they do, and whom they cannot mention or reply to."""
    if not person_id:
        return set()
    blocks = Block.objects.filter(blocked_id=person_id)
    if among is not None:
        blocks = blocks.filter(blocker_id__in=list(among))
    return set(blocks.values_list("blocker_id", flat=True))
