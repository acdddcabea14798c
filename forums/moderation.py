"""What moderators read and do, on top of forums.services (which writes the log).

Access: ``get_*_to_moderate`` raise ``Http404`` for boards the person cannot see
and ``PermissionDenied`` otherwise. Actions check the state first, so a form sent
twice changes nothing and writes no second log entry.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sociable.accounts.models import User
from sociable.two_factor import has_two_factor

from . import services
from .models import Board, ModerationLog, Post, Report, Suspension, Thread
from .permissions import can_moderate, get_thread_for_user, is_moderator, moderated_boards

QUEUE_SIZE = 100  # items per section, oldest first

# --- who may moderate what -----------------------------------------------------------------


def require_moderator(user: User) -> None:
    """Refuse anyone without the moderator role (pages that are about no one board)."""
    if not (is_moderator(user) and has_two_factor(user)):
        raise PermissionDenied("Only moderators can see this page.")


def get_post_to_moderate(user: User, pk: int) -> Post:
    post = get_object_or_404(
        Post.objects.select_related("thread__board", "author__organisation"), pk=pk
    )
    get_thread_for_user(user, post.thread_id)  # 404 for boards they cannot see
    if not can_moderate(user, post.thread.board):
        raise PermissionDenied("You do not moderate this board.")
    return post


def get_thread_to_moderate(user: User, pk: int) -> Thread:
    thread = get_thread_for_user(user, pk, queryset=Thread.objects.select_related("author"))
    if not can_moderate(user, thread.board):
        raise PermissionDenied("You do not moderate this board.")
    return thread


def get_report_to_moderate(user: User, pk: int) -> Report:
    report = get_object_or_404(Report, pk=pk)
    get_post_to_moderate(user, report.post_id)
    return report


def get_person_to_suspend(user: User, pk: int) -> User:
    require_moderator(user)
    return get_object_or_404(User, pk=pk)


# --- reads ---------------------------------------------------------------------------------


@dataclass
class Queue:
    reported: list[Post]  # open reports, still shown
    auto_hidden: list[Post]  # hidden after several reports, waiting for a moderator
    pending: list[Post]  # community members' first posts, waiting for approval


def moderation_queue(user: User) -> Queue:
    """Everything waiting for ``user`` on the boards they moderate, in five queries."""
    posts = Post.objects.filter(thread__board__in=moderated_boards(user)).select_related(
        "thread__board", "author__organisation"
    )
    open_reports = (
        Report.objects.filter(status=Report.Status.OPEN)
        .select_related("reporter", "claimed_by")
        .order_by("created_at", "pk")
    )
    reported = list(
        posts.annotate(first_report_at=Min("reports__created_at", filter=Q(reports__status="open")))
        .filter(first_report_at__isnull=False)
        .order_by("first_report_at", "pk")
        .prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="open_reports"))[
            :QUEUE_SIZE
        ]
    )
    for post in reported:
        post.reason_counts = Counter(
            r.get_reason_display() for r in post.open_reports
        ).most_common()
        post.claimer = next((r.claimed_by for r in post.open_reports if r.claimed_by_id), None)
    pending = posts.filter(status=Post.Status.PENDING, deleted_at__isnull=True)
    return Queue(
        reported=[p for p in reported if not p.hidden_at],
        auto_hidden=[p for p in reported if p.hidden_at],
        pending=list(pending.order_by("created_at", "pk")[:QUEUE_SIZE]),
    )


def reports_on(post: Post) -> QuerySet[Report]:
    return post.reports.select_related("reporter", "claimed_by", "resolved_by").order_by(
        "-created_at"
    )


def moderation_log(user: User, *, action: str = "", post=None, thread=None) -> QuerySet:
    """The log, newest first: entries about the boards ``user`` moderates, and about people."""
    entries = ModerationLog.objects.filter(
        Q(thread__isnull=True) | Q(thread__board__in=moderated_boards(user))
    ).select_related("moderator", "post", "thread", "subject")
    if action:
        entries = entries.filter(action=action)
    if post is not None:
        entries = entries.filter(post=post)
    if thread is not None:
        entries = entries.filter(thread=thread)
    return entries.order_by("-created_at", "-pk")


def suspensions_of(person: User) -> list[Suspension]:
    now = timezone.now()
    suspensions = list(person.suspensions.select_related("created_by").order_by("-created_at"))
    for suspension in suspensions:
        suspension.is_active = suspension.lifted_at is None and suspension.until > now
    return suspensions


# --- actions -------------------------------------------------------------------------------


@transaction.atomic
def claim(*, report: Report, moderator: User) -> Report:
    """Claim a post's reports, unless another moderator is already looking at it."""
    others = (
        Report.objects.select_for_update(of=("self",))
        .filter(post_id=report.post_id, status=Report.Status.OPEN)
        .exclude(claimed_by=None)
        .exclude(claimed_by=moderator)
        .select_related("claimed_by")
        .order_by("pk")
    )
    other = next(iter(others), None)
    if other is not None:
        raise ValidationError(f"{other.claimed_by.display_name} is already looking at this.")
    if report.status != Report.Status.OPEN:
        raise ValidationError("This report has already been dealt with.")
    if report.claimed_by_id == moderator.pk:
        return report
    return services.claim_report(report=report, moderator=moderator)


@transaction.atomic
def act_on_post(*, post: Post, moderator: User, action: str, reason: str = "") -> Post:
    """Hide, show again, approve, or dismiss the reports on a post."""
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread", "author")
        .get(pk=post.pk)
    )
    reason = (reason or "").strip()
    if action == "hide":
        if post.hidden_at and post.hidden_reason == reason:
            raise ValidationError("This post is already hidden for that reason.")
        return services.hide_post(post=post, moderator=moderator, reason=reason)
    if action == "unhide":
        if not post.hidden_at:
            raise ValidationError("This post is not hidden.")
        return services.unhide_post(post=post, moderator=moderator, reason=reason)
    if action == "approve":
        if post.status != Post.Status.PENDING:
            raise ValidationError("This post has already been approved.")
        return services.approve_post(post=post, moderator=moderator)
    if action == "dismiss":
        if not services.close_reports(post=post, moderator=moderator, dismiss=True):
            raise ValidationError("There are no open reports on this post.")
        return post
    raise ValidationError("Choose what to do with the post.")


THREAD_FLAGS = {
    "lock": ("is_locked", True, "locked"),
    "unlock": ("is_locked", False, "unlocked"),
    "pin": ("is_pinned", True, "pinned"),
    "unpin": ("is_pinned", False, "unpinned"),
}


@transaction.atomic
def act_on_thread(
    *, thread: Thread, moderator: User, action: str, reason: str = "", board: Board | None = None
) -> Thread:
    """Lock, unlock, pin or unpin a thread, or move it to another board ``moderator`` moderates."""
    thread = (
        Thread.objects.select_for_update(of=("self",)).select_related("board").get(pk=thread.pk)
    )
    reason = (reason or "").strip()
    if action in THREAD_FLAGS:
        flag, on, word = THREAD_FLAGS[action]
        if getattr(thread, flag) == on:
            raise ValidationError(f"This thread is already {word}.")
        return services.set_thread_flag(
            thread=thread, moderator=moderator, flag=flag, on=on, reason=reason
        )
    if action == "move":
        if board is None:
            raise ValidationError({"board": "Choose the board to move the thread to."})
        if board.pk == thread.board_id:
            raise ValidationError({"board": "The thread is already on that board."})
        if not can_moderate(moderator, board):
            raise PermissionDenied("You can only move threads to boards you moderate.")
        return services.move_thread(thread=thread, moderator=moderator, board=board, reason=reason)
    raise ValidationError("Choose what to do with the thread.")


@transaction.atomic
def lift(*, suspension: Suspension, moderator: User) -> Suspension:
    suspension = (
        Suspension.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=suspension.pk)
    )
    if suspension.lifted_at or suspension.until <= timezone.now():
        raise ValidationError("This suspension has already ended.")
    return services.lift_suspension(suspension=suspension, moderator=moderator)
