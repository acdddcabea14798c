"""Every change to the forums goes through here; every moderator action writes the log."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from sociable.accounts.models import User
from sociable.markdown import render_markdown

from . import notifications
from .models import (
    AUTO_HIDDEN_REASON,
    Board,
    Mention,
    ModerationLog,
    Post,
    PostRevision,
    Reaction,
    ReadMarker,
    Report,
    Subscription,
    Suspension,
    Thread,
    place_in_tree,
)

MAX_BODY = 20_000  # characters
REPORTS_TO_HIDE = 3
NEW_MEMBER_DAYS = 30
# @username, where a username may contain dots but never ends a sentence with one.
_MENTION = re.compile(r"(?<![\w@])@([\w-](?:[\w.-]{0,148}[\w-])?)")


def _setting(name: str, default):
    return getattr(settings, name, default)


# --- who may write ------------------------------------------------------------------------


def active_suspension(user: User) -> Suspension | None:
    return Suspension.objects.filter(user=user).active().first()


def is_new_member(user: User) -> bool:
    """Community members who joined recently: tighter limits and first posts approved."""
    recent = user.date_joined > timezone.now() - timedelta(days=NEW_MEMBER_DAYS)
    return user.organisation_id is None and recent


def check_can_write(user: User, *, now: datetime | None = None) -> None:
    """Refuse suspended people and people posting too fast, with a clear message."""
    suspension = active_suspension(user)
    if suspension:
        until = timezone.localtime(suspension.until).strftime("%d %B %Y, %H:%M")
        raise PermissionDenied(
            f"Your account is suspended until {until}: you can read but not write. "
            f"Reason: {suspension.reason}"
        )
    now = now or timezone.now()
    window = timedelta(minutes=10)
    limit = _setting("FORUMS_POSTS_PER_10_MINUTES", 20)
    if is_new_member(user):
        limit = _setting("FORUMS_NEW_MEMBER_POSTS_PER_10_MINUTES", 3)
    recent = Post.objects.filter(author=user, created_at__gte=now - window).count()
    if recent >= limit:
        raise ValidationError(
            f"You have posted {recent} times in the last 10 minutes, the most we allow"
            f"{' for new members' if is_new_member(user) else ''}. Please wait a few minutes."
        )


def _needs_approval(user: User) -> bool:
    first_posts = _setting("FORUMS_APPROVE_FIRST_POSTS", 1)
    if not first_posts or user.organisation_id is not None:
        return False
    return Post.objects.filter(author=user, status=Post.Status.PUBLISHED).count() < first_posts


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something first."})
    if len(body) > MAX_BODY:
        raise ValidationError(
            {"body": f"Posts can be at most {MAX_BODY:,} characters; this one has {len(body):,}."}
        )
    return body


# --- writing ------------------------------------------------------------------------------


@transaction.atomic
def start_thread(*, board: Board, author: User, title: str, body: str, tags: list[str] = ()):
    check_can_write(author)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the thread a title."})
    duplicate = Thread.objects.filter(
        board=board, author=author, title=title, created_at__gte=_resubmit_window()
    ).first()
    if duplicate:  # the same form sent twice (a double click): no second thread
        return duplicate, duplicate.posts.order_by("path").first()
    thread = Thread(board=board, author=author, title=title, slug=slugify(title)[:150] or "thread")
    thread.full_clean(exclude=["slug"])
    thread.save()
    if tags:
        thread.tags.set([t[:100] for t in tags])
    post = _add_post(thread=thread, author=author, parent=None, body=body)
    Subscription.objects.get_or_create(user=author, thread=thread)
    return thread, post


@transaction.atomic
def reply(*, thread: Thread, author: User, body: str, parent: Post | None = None) -> Post:
    """Reply to the thread, or to one post in it."""
    check_can_write(author)
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.is_locked:
        raise ValidationError("This thread is locked: nobody can reply to it.")
    if parent is not None:
        if parent.thread_id != thread.pk:
            raise ValidationError("You can only reply to a post in this thread.")
        if not parent.is_answerable:
            raise ValidationError("That post is no longer there to reply to.")
    duplicate = Post.objects.filter(
        thread=thread,
        author=author,
        parent=parent,
        body=(body or "").strip(),
        created_at__gte=_resubmit_window(),
    ).first()
    if duplicate:  # the same form sent twice (a double click): no second post
        return duplicate
    post = _add_post(thread=thread, author=author, parent=parent, body=body)
    Subscription.objects.get_or_create(user=author, thread=thread)
    return post


def _resubmit_window() -> datetime:
    return timezone.now() - timedelta(minutes=2)


def _add_post(*, thread: Thread, author: User, parent: Post | None, body: str) -> Post:
    body = _clean_body(body)
    seq = Thread.objects.filter(pk=thread.pk).values_list("next_seq", flat=True).get()
    path, depth = place_in_tree(seq, (parent.path, parent.depth) if parent else None)
    status = Post.Status.PENDING if _needs_approval(author) else Post.Status.PUBLISHED
    post = Post.objects.create(
        thread=thread,
        author=author,
        parent=parent,
        path=path,
        depth=depth,
        body=body,
        body_html=render_markdown(body),
        status=status,
    )
    Thread.objects.filter(pk=thread.pk).update(
        next_seq=F("next_seq") + 1,
        post_count=F("post_count") + (1 if status == Post.Status.PUBLISHED else 0),
        last_activity_at=post.created_at
        if status == Post.Status.PUBLISHED
        else F("last_activity_at"),
    )
    _record_mentions(post)
    if status == Post.Status.PUBLISHED:
        notifications.post_published(post)
    return post


def _record_mentions(post: Post) -> list[User]:
    """Record @username mentions of people who can see the thread."""
    names = set(_MENTION.findall(post.body))
    if not names:
        return []
    board = post.thread.board
    people = [
        u
        for u in User.objects.filter(username__in=names, is_active=True)
        if Board.objects.visible_to(u).filter(pk=board.pk).exists()
    ]
    Mention.objects.bulk_create([Mention(post=post, user=u) for u in people], ignore_conflicts=True)
    return people


@transaction.atomic
def edit_post(*, post: Post, editor: User, body: str) -> Post:
    if post.author_id != editor.pk:
        raise PermissionDenied("You can only edit your own posts.")
    check_can_write(editor)
    if post.deleted_at or post.hidden_at:
        raise ValidationError("This post can no longer be edited.")
    body = _clean_body(body)
    if body == post.body:
        return post
    PostRevision.objects.create(
        post=post, body=post.body, edited_at=post.edited_at or post.created_at
    )
    post.body, post.body_html, post.edited_at = body, render_markdown(body), timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    if _record_mentions(post) and post.status == Post.Status.PUBLISHED:
        notifications.post_published(post)  # tells the newly mentioned; others heard already
    return post


@transaction.atomic
def delete_post(*, post: Post, user: User) -> Post:
    """Delete your own post: a placeholder keeps its place so replies still make sense."""
    if post.author_id != user.pk:
        raise PermissionDenied("You can only delete your own posts.")
    post.deleted_at = timezone.now()
    post.save(update_fields=["deleted_at"])
    return post


def react(*, post: Post, user: User, kind: str) -> bool:
    """Toggle a reaction; return whether it is now on."""
    existing = Reaction.objects.filter(post=post, user=user, kind=kind)
    if existing.exists():
        existing.delete()
        return False
    Reaction.objects.get_or_create(post=post, user=user, kind=kind)
    return True


def follow(
    *, user: User, thread: Thread | None = None, board: Board | None = None, on: bool = True
) -> None:
    lookup = {"user": user, "thread": thread, "board": board}
    if on:
        Subscription.objects.get_or_create(**lookup)
    else:
        Subscription.objects.filter(**lookup).delete()


def mark_read(*, user: User, thread: Thread) -> None:
    """Record that ``user`` has read ``thread`` up to now (one upsert).

    A thread read with the reader's state (``selectors.for_reader``) knows when it was last
    read: nothing is written when nothing has happened since.
    """
    last_read = getattr(thread, "read_at", None)
    if last_read is not None and last_read >= thread.last_activity_at:
        return
    ReadMarker.objects.bulk_create(
        [ReadMarker(user=user, thread=thread, read_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "thread"],
        update_fields=["read_at"],
    )


# --- reports and moderation -----------------------------------------------------------------


def _log(moderator, action, *, reason="", post=None, thread=None, subject=None, detail=""):
    return ModerationLog.objects.create(
        moderator=moderator,
        action=action,
        reason=reason[:300],
        post=post,
        thread=thread or (post.thread if post else None),
        subject=subject,
        detail=detail[:300],
    )


@transaction.atomic
def report_post(*, post: Post, reporter: User, reason: str, details: str = "") -> Report:
    """Report a post. Three different people reporting a new member's post hide it for review."""
    report, created = Report.objects.get_or_create(
        post=post,
        reporter=reporter,
        defaults={"reason": reason, "details": details.strip()[:500]},
    )
    if not created:
        return report
    report.full_clean()
    open_reports = Report.objects.filter(post=post, status=Report.Status.OPEN)
    author = post.author
    if (
        open_reports.values("reporter").distinct().count() >= REPORTS_TO_HIDE
        and author is not None
        and is_new_member(author)
        and not post.hidden_at
    ):
        post.hidden_at = timezone.now()
        post.hidden_reason = AUTO_HIDDEN_REASON
        post.save(update_fields=["hidden_at", "hidden_reason"])
        _log(
            None,
            ModerationLog.Action.AUTO_HIDE,
            post=post,
            subject=author,
            reason=post.hidden_reason,
        )
    return report


@transaction.atomic
def claim_report(*, report: Report, moderator: User) -> Report:
    """Claim a report so two moderators do not work on it at once."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.claimed_by_id and report.claimed_by_id != moderator.pk:
        raise ValidationError(f"{report.claimed_by.display_name} is already looking at this.")
    report.claimed_by, report.claimed_at = moderator, timezone.now()
    report.save(update_fields=["claimed_by", "claimed_at"])
    _log(moderator, ModerationLog.Action.CLAIM, post=report.post)
    return report


@transaction.atomic
def close_reports(*, post: Post, moderator: User, dismiss: bool = False) -> int:
    status = Report.Status.DISMISSED if dismiss else Report.Status.RESOLVED
    count = Report.objects.filter(post=post, status=Report.Status.OPEN).update(
        status=status, resolved_by=moderator, resolved_at=timezone.now()
    )
    if count:
        action = ModerationLog.Action.DISMISS if dismiss else ModerationLog.Action.RESOLVE
        _log(moderator, action, post=post, detail=f"{count} report(s)")
    return count


def _need_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason: people will see it."})
    return reason


@transaction.atomic
def hide_post(*, post: Post, moderator: User, reason: str) -> Post:
    post.hidden_at, post.hidden_reason = timezone.now(), _need_reason(reason)
    post.save(update_fields=["hidden_at", "hidden_reason"])
    _log(moderator, ModerationLog.Action.HIDE, post=post, subject=post.author, reason=reason)
    close_reports(post=post, moderator=moderator)
    return post


@transaction.atomic
def unhide_post(*, post: Post, moderator: User, reason: str = "") -> Post:
    post.hidden_at, post.hidden_reason = None, ""
    post.save(update_fields=["hidden_at", "hidden_reason"])
    _log(moderator, ModerationLog.Action.UNHIDE, post=post, subject=post.author, reason=reason)
    close_reports(post=post, moderator=moderator, dismiss=True)
    return post


@transaction.atomic
def approve_post(*, post: Post, moderator: User) -> Post:
    if post.status != Post.Status.PENDING:
        return post
    post.status = Post.Status.PUBLISHED
    post.save(update_fields=["status"])
    Thread.objects.filter(pk=post.thread_id).update(
        post_count=F("post_count") + 1, last_activity_at=timezone.now()
    )
    _log(moderator, ModerationLog.Action.APPROVE, post=post, subject=post.author)
    notifications.post_approved(post)
    return post


@transaction.atomic
def set_thread_flag(
    *, thread: Thread, moderator: User, flag: str, on: bool, reason: str = ""
) -> Thread:
    """Lock/unlock or pin/unpin a thread."""
    actions = {
        ("is_locked", True): ModerationLog.Action.LOCK,
        ("is_locked", False): ModerationLog.Action.UNLOCK,
        ("is_pinned", True): ModerationLog.Action.PIN,
        ("is_pinned", False): ModerationLog.Action.UNPIN,
    }
    action = actions[(flag, on)]
    setattr(thread, flag, on)
    thread.save(update_fields=[flag])
    _log(moderator, action, thread=thread, reason=reason)
    return thread


@transaction.atomic
def move_thread(*, thread: Thread, moderator: User, board: Board, reason: str = "") -> Thread:
    old = thread.board
    thread.board = board
    thread.save(update_fields=["board"])
    _log(
        moderator,
        ModerationLog.Action.MOVE,
        thread=thread,
        reason=reason,
        detail=f"from {old.name} to {board.name}",
    )
    return thread


@transaction.atomic
def suspend(*, user: User, moderator: User, until: datetime, reason: str) -> Suspension:
    if until <= timezone.now():
        raise ValidationError({"until": "Choose a time in the future."})
    if user.pk == moderator.pk:
        raise ValidationError("You cannot suspend yourself.")
    if not moderator.is_superuser and (user.is_superuser or user.has_perm("forums.moderate_board")):
        raise PermissionDenied("Only an administrator can suspend a moderator or administrator.")
    suspension = Suspension.objects.create(
        user=user, until=until, reason=_need_reason(reason), created_by=moderator
    )
    _log(
        moderator,
        ModerationLog.Action.SUSPEND,
        subject=user,
        reason=reason,
        detail=f"until {timezone.localtime(until):%Y-%m-%d %H:%M}",
    )
    return suspension


@transaction.atomic
def lift_suspension(*, suspension: Suspension, moderator: User) -> Suspension:
    suspension.lifted_at = timezone.now()
    suspension.save(update_fields=["lifted_at"])
    _log(moderator, ModerationLog.Action.LIFT, subject=suspension.user)
    return suspension
