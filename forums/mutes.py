"""Muting a thread or a board: the one place that says who hears nothing of what.

Muted means silent (as Discourse has it): no notification of any kind about new posts in
a muted thread, or in any thread of a muted board, not even an @mention; the thread is left
out of home's new threads and is never marked new. A mute is private to the person who
makes it. Muting something you follow stops following it (the two would contradict).

Notices about a person's own posts from moderators (approved, hidden, an appeal decided)
are not about the discussion but about them, and still reach them.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from sociable.accounts.models import User

from .models import Board, Mute, Subscription, Thread


def _target(*, thread: Thread | None, board: Board | None) -> dict:
    if (thread is None) == (board is None):
        raise ValueError("mute a thread or a board")
    return {"thread": thread} if thread is not None else {"board": board}


@transaction.atomic
def mute(*, user: User, thread: Thread | None = None, board: Board | None = None) -> Mute:
    """``user`` hears nothing more of the thread or board (again is harmless)."""
    target = _target(thread=thread, board=board)
    muted, _ = Mute.objects.get_or_create(user=user, **target)
    Subscription.objects.filter(user=user, **target).delete()
    return muted


def unmute(*, user: User, thread: Thread | None = None, board: Board | None = None) -> None:
    Mute.objects.filter(user=user, **_target(thread=thread, board=board)).delete()


def is_muted(user: User, *, thread: Thread | None = None, board: Board | None = None) -> bool:
    return Mute.objects.filter(user=user, **_target(thread=thread, board=board)).exists()


def muting(thread: Thread) -> set[int]:
    """The people who have muted the thread or its board (by pk)."""
    mutes = Mute.objects.filter(Q(thread_id=thread.pk) | Q(board_id=thread.board_id))
    return set(mutes.values_list("user_id", flat=True))


def muted_by(user: User, boards) -> tuple[list[Mute], list[Mute]]:
    """What ``user`` has muted and may still read, newest first: (threads, boards).

    ``boards`` are the boards they may read (``permissions.visible_boards``): a mute of
    something they can no longer see (or a thread taken away) stays, unlisted, and never
    names it.
    """
    mutes = (
        Mute.objects.filter(user=user)
        .filter(
            Q(
                thread__board__in=boards,
                thread__hidden_at__isnull=True,
                thread__deleted_at__isnull=True,
                thread__merged_into__isnull=True,
            )
            | Q(board__in=boards)
        )
        .select_related("thread", "board")
        .order_by("-created_at", "-pk")
    )
    threads, boards_muted = [], []
    for muted in mutes:
        (threads if muted.thread_id else boards_muted).append(muted)
    return threads, boards_muted
