"""What moderators read and do, on top of forums.services (which writes the log).

Access: ``get_*_to_moderate`` raise ``Http404`` for boards the person cannot see
and ``PermissionDenied`` otherwise. Actions check the state first, so a form sent
twice changes nothing and writes no second log entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sociable.accounts.models import User
from sociable.two_factor import has_two_factor

from . import services
from .models import Board, ModerationLog, Post, Report, Suspension, Thread
from .permissions import can_moderate, get_thread_for_user, is_moderator, moderated_boards

QUEUE_SIZE = 100  # items per section, oldest first
REPORTS_SHOWN = 20  # of each reason, on a post's card in the queue
ILLEGAL, REPORTED, AUTO_HIDDEN, PENDING = range(4)  # the queue's sections of posts, in order

# --- who may moderate what -----------------------------------------------------------------


def require_moderator(user: User) -> None:
    """Refuse anyone without the moderator role (pages that are about no one board)."""
    if not (is_moderator(user) and has_two_factor(user)):
        raise PermissionDenied("Only moderators can see this page.")


def get_post_to_moderate(user: User, pk: int) -> Post:
    post = get_object_or_404(
        Post.objects.select_related("thread__board", "author__organisation"), pk=pk
    )
    get_thread_for_user(user, post.thread_id, removed=True)  # 404 for boards they cannot see
    if not can_moderate(user, post.thread.board):
        raise PermissionDenied("You do not moderate this board.")
    return post


def get_thread_to_moderate(user: User, pk: int) -> Thread:
    thread = get_thread_for_user(
        user, pk, queryset=Thread.objects.select_related("author"), removed=True
    )
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
    illegal: list[Post]  # reported as illegal content: first, with the shortest target time
    reported: list[Post]  # other open reports, still shown
    auto_hidden: list[Post]  # hidden after several reports, waiting for a moderator
    pending: list[Post]  # community members' first posts, waiting for approval
    flags: list  # texts a watched word flagged (safety.Flag)
    appeals: list  # appeals this moderator may decide (safety.Appeal)
    waiting: dict[str, int]  # how many wait in each section, however many are shown
    illegal_hours: int
    target_hours: int


def target_hours() -> tuple[int, int]:
    """Hours to act on illegal content, and on everything else (settings, with defaults)."""
    return (
        getattr(settings, "FORUMS_ILLEGAL_TARGET_HOURS", 24),
        getattr(settings, "FORUMS_QUEUE_TARGET_HOURS", 72),
    )


def how_long(delta: timedelta) -> str:
    """A span in plain words, in whole minutes, hours (up to two days) or days: "3 hours",
    "26 hours", "4 days"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 60:
        count, unit = minutes, "minute"
    elif minutes < 48 * 60:
        count, unit = minutes // 60, "hour"
    else:
        count, unit = minutes // (24 * 60), "day"
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _time_it(items, *, hours: int | None, now) -> None:
    """Say how long each item has waited and, with a target, when it is due and if overdue."""
    for item in items:
        item.age = how_long(now - item.waiting_since)
        if hours is not None:
            item.due_at = item.waiting_since + timedelta(hours=hours)
            item.overdue_by = how_long(now - item.due_at) if now > item.due_at else ""


def _count(items) -> int:
    """The section's size, from the window count each row carries (no query of its own)."""
    return items[0].waiting_total if items else 0


def moderation_queue(user: User) -> Queue:
    """Everything waiting for ``user`` on the boards they moderate, in a fixed number of
    queries however long the queue: posts reported as illegal first, then other reports
    and auto-hidden posts (oldest report first), approvals, flags and appeals. Each section
    shows its oldest ``QUEUE_SIZE``; a window count says how many wait in all."""
    boards = moderated_boards(user)
    posts = Post.objects.filter(thread__board__in=boards).select_related(
        "thread__board", "author__organisation"
    )
    open_reports = Report.objects.filter(post=OuterRef("pk"), status=Report.Status.OPEN).order_by(
        "created_at"
    )
    # One query for the four sections of posts, each cut to its oldest QUEUE_SIZE, with a
    # window count of how many wait in each. (A post waiting for approval can hardly be
    # reported: only its author and moderators can see it.)
    section = Case(
        When(first_illegal_at__isnull=False, then=Value(ILLEGAL)),
        When(first_report_at__isnull=False, hidden_at__isnull=True, then=Value(REPORTED)),
        When(first_report_at__isnull=False, then=Value(AUTO_HIDDEN)),
        default=Value(PENDING),
    )
    oldest_first = [F("waiting_since").asc(), F("pk").asc()]
    items = list(
        posts.filter(
            Q(pk__in=Report.objects.filter(status=Report.Status.OPEN).values("post_id"))
            | Q(status=Post.Status.PENDING, deleted_at__isnull=True)
        )
        .annotate(
            first_report_at=Subquery(open_reports.values("created_at")[:1]),
            first_illegal_at=Subquery(
                open_reports.filter(reason=Report.Reason.ILLEGAL).values("created_at")[:1]
            ),
        )
        .annotate(
            section=section,
            waiting_since=Coalesce("first_illegal_at", "first_report_at", "created_at"),
        )
        .annotate(
            place=Window(RowNumber(), partition_by=F("section"), order_by=oldest_first),
            waiting_total=Window(Count("pk"), partition_by=F("section")),
        )
        .filter(place__lte=QUEUE_SIZE)
        .order_by("section", "waiting_since", "pk")
    )
    illegal, shown, auto_hidden, pending = (
        [post for post in items if post.section == number]
        for number in (ILLEGAL, REPORTED, AUTO_HIDDEN, PENDING)
    )
    _add_open_reports([*illegal, *shown, *auto_hidden])
    flags, appeals = _safety_items(user, boards, Window(Count("pk")))

    now = timezone.now()
    illegal_hours, other_hours = target_hours()
    _time_it(illegal, hours=illegal_hours, now=now)
    _time_it([*shown, *auto_hidden, *pending], hours=other_hours, now=now)
    for item in (*flags, *appeals):
        item.waiting_since = item.created_at
    _time_it([*flags, *appeals], hours=None, now=now)
    sections = {
        "illegal": illegal,
        "reported": shown,
        "auto_hidden": auto_hidden,
        "pending": pending,
        "flags": flags,
        "appeals": appeals,
    }
    return Queue(
        **sections,
        waiting={name: _count(items) for name, items in sections.items()},
        illegal_hours=illegal_hours,
        target_hours=other_hours,
    )


def _add_open_reports(posts: list[Post]) -> None:
    """Each post's open reports, oldest first, in one query for all sections: every reason's
    count, but at most ``REPORTS_SHOWN`` reports of each reason (claimed ones first), so a
    post reported by thousands is still one short card (its own page lists them all)."""
    by_post = {post.pk: post for post in posts}
    for post in posts:
        post.open_reports, post.reason_counts = [], []
    if not by_post:
        return
    same_reason = [F("post_id"), F("reason")]
    reports = (
        Report.objects.filter(post_id__in=by_post, status=Report.Status.OPEN)
        .annotate(
            of_reason=Window(Count("pk"), partition_by=same_reason),
            place=Window(
                RowNumber(),
                partition_by=same_reason,
                order_by=[F("claimed_by").asc(nulls_last=True), F("created_at"), F("pk")],
            ),
        )
        .filter(place__lte=REPORTS_SHOWN)
        .select_related("reporter", "claimed_by")
        .order_by("created_at", "pk")
    )
    counts = {pk: {} for pk in by_post}
    for report in reports:
        by_post[report.post_id].open_reports.append(report)
        counts[report.post_id].setdefault(report.get_reason_display(), report.of_reason)
    for post in posts:
        post.reason_counts = sorted(counts[post.pk].items(), key=lambda item: -item[1])
        post.claimer = next((r.claimed_by for r in post.open_reports if r.claimed_by_id), None)


def _safety_items(user: User, boards, total) -> tuple[list, list]:
    """Open watched-word flags ``user`` may look at (``FlagQuerySet.seen_by``), and open
    appeals ``user`` may decide: about boards they moderate or about people, and never
    against their own action or by themselves."""
    from safety.models import Appeal, Flag

    flags = list(
        Flag.objects.filter(status=Flag.Status.OPEN)
        .seen_by(user, boards=boards)
        .select_related("author")
        .annotate(waiting_total=total)
        .order_by("created_at", "pk")[:QUEUE_SIZE]
    )
    appeals = list(
        Appeal.objects.filter(status=Appeal.Status.OPEN)
        .filter(Q(entry__thread__isnull=True) | Q(entry__thread__board__in=boards))
        .exclude(entry__moderator=user)
        .exclude(appellant=user)
        .select_related("entry", "appellant")
        .annotate(waiting_total=total)
        .order_by("created_at", "pk")[:QUEUE_SIZE]
    )
    return flags, appeals


def reports_on(post: Post) -> QuerySet[Report]:
    return post.reports.select_related("reporter", "claimed_by", "resolved_by").order_by(
        "-created_at"
    )


def moderation_log(user: User, *, action: str = "", post=None, thread=None) -> QuerySet:
    """The log, newest first: entries about the boards ``user`` moderates, and about people."""
    entries = ModerationLog.objects.filter(
        Q(thread__isnull=True) | Q(thread__board__in=moderated_boards(user))
    ).select_related("moderator", "post", "thread", "subject")
    if not user.is_superuser:  # a leaver's archive is their organisation's business
        entries = entries.exclude(action=ModerationLog.Action.ARCHIVE_PROFILE)
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
        if post.thread.hidden_at or post.thread.deleted_at:  # (its followers would be told)
            raise ValidationError("Its thread is hidden: show the thread again first.")
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


# What can be done to a whole thread (``act_on_whole_thread``), and what each says when done.
WHOLE_THREAD_ACTIONS = ("hide", "show", "delete", "retitle", "merge")


def _locked(pk: int) -> Thread:
    return (
        Thread.objects.select_for_update(of=("self",)).select_related("board", "author").get(pk=pk)
    )


def _refuse_if_gone(thread: Thread) -> None:
    if thread.deleted_at:
        raise ValidationError("This thread has already been deleted.")
    if thread.merged_into_id:
        raise ValidationError("This thread has already been merged into another.")


def thread_to_merge_into(moderator: User, thread: Thread, address: str) -> Thread:
    """The thread named by ``address`` (its number, or its address on the site) that
    ``thread`` may be merged into, or a ValidationError saying why not."""
    found = re.search(r"(?:/t/)?(\d+)(?:-[^/]*)?/?$", (address or "").strip())
    if not found:
        raise ValidationError({"into": "Enter the number or the address of the other thread."})
    target = Thread.objects.filter(pk=int(found[1])).select_related("board").first()
    if target is None or not can_moderate(moderator, target.board) or target.for_story:
        raise ValidationError({"into": "Enter a thread on a board you moderate."})
    if target.pk == thread.pk:
        raise ValidationError({"into": "A thread cannot be merged into itself."})
    if target.deleted_at or target.merged_into_id:
        raise ValidationError({"into": "That thread is no longer there: choose another."})
    if target.hidden_at or thread.hidden_at:  # else hidden posts would be shown in the other
        raise ValidationError(
            {"into": "A hidden thread is not merged: show it again first, or choose another."}
        )
    return target


@transaction.atomic
def act_on_whole_thread(
    *,
    thread: Thread,
    moderator: User,
    action: str,
    reason: str = "",
    title: str = "",
    into: Thread | None = None,
) -> Thread:
    """Hide, show again, delete, retitle or merge a thread (into ``into``), with its row
    (both rows, for a merge, in the order of their numbers) locked. Returns the thread the
    moderator should see next (for a merge, the one that took the posts)."""
    if action == "merge":
        if into is None:
            raise ValidationError({"into": "Enter the number or the address of the other thread."})
        first, second = sorted([thread.pk, into.pk])
        locked = {first: _locked(first), second: _locked(second)}
        thread, into = locked[thread.pk], locked[into.pk]
        if thread.hidden_at or into.hidden_at:  # hidden since the form was drawn
            raise ValidationError("A hidden thread is not merged: show it again first.")
    else:
        thread = _locked(thread.pk)
    _refuse_if_gone(thread)
    if thread.for_story:  # its story's page shows it: moderated post by post, or as a story
        raise ValidationError("The comments on a story are moderated post by post.")
    if action == "hide":
        if thread.hidden_at:
            raise ValidationError("This thread is already hidden.")
        return services.hide_thread(thread=thread, moderator=moderator, reason=reason)
    if action == "show":
        if not thread.hidden_at:
            raise ValidationError("This thread is not hidden.")
        return services.unhide_thread(thread=thread, moderator=moderator, reason=reason)
    if action == "delete":
        return services.delete_thread(thread=thread, moderator=moderator, reason=reason)
    if action == "retitle":
        if (title or "").strip() == thread.title:
            raise ValidationError({"title": "The thread already has this title."})
        return services.retitle_thread(
            thread=thread, moderator=moderator, title=title, reason=reason
        )
    if action == "merge":
        if into.deleted_at or into.merged_into_id:
            raise ValidationError({"into": "That thread is no longer there: choose another."})
        if into.for_story or not can_moderate(moderator, into.board):
            raise ValidationError({"into": "Enter a thread on a board you moderate."})
        return services.merge_threads(thread=thread, into=into, moderator=moderator, reason=reason)
    raise ValidationError("Choose what to do with the thread.")


@transaction.atomic
def split(*, post: Post, moderator: User, title: str, reason: str = "") -> Thread:
    """Move ``post`` and its replies to a new thread on the same board, with the old
    thread's row locked; refused for a story's comments and for an opening post (which is
    what a form sent twice finds)."""
    thread = _locked(post.thread_id)
    post = Post.objects.select_for_update(of=("self",)).get(pk=post.pk)
    post.thread = thread
    _refuse_if_gone(thread)
    if thread.for_story:
        raise ValidationError("The comments on a story cannot be split.")
    if thread.hidden_at:  # its posts would be seen again in the new thread
        raise ValidationError("The thread is hidden: show it again before splitting it.")
    if post.thread_id != thread.pk or post.is_opening:
        raise ValidationError("This post already opens its thread: there is nothing to split.")
    if post.status != Post.Status.PUBLISHED:
        raise ValidationError("Approve the post first: a thread must open with a published post.")
    return services.split_thread(post=post, moderator=moderator, title=title, reason=reason)


@transaction.atomic
def edit_post(*, post: Post, moderator: User, body: str, reason: str = "") -> Post:
    """Change a post's text, with its row locked; refused when nothing would change (what a
    form sent twice finds)."""
    post = Post.objects.select_for_update(of=("self",)).select_related("author").get(pk=post.pk)
    if post.deleted_at:
        raise ValidationError("Its author has deleted this post.")
    if (body or "").strip() == post.body:
        raise ValidationError({"body": "The text is as it was: change it, or go back."})
    return services.moderator_edit_post(post=post, moderator=moderator, body=body, reason=reason)


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
