"""Every change to the forums goes through here; every moderator action writes the log."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from safety import screening
from sociable.accounts import blocks
from sociable.accounts.models import User
from sociable.accounts.services import is_new_member
from sociable.markdown import render_markdown

from . import notifications, signals
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
from .permissions import replies_refused

MAX_BODY = 20_000  # characters
REPORTS_TO_HIDE = 3
# A reply to someone who has blocked the author is refused in these words, as any post
# closed to replies would be: the author is not told of the block.
NOT_TAKING_REPLIES = "This post is not taking replies."
NOT_TAKING_COMMENTS = "This story is not taking comments from you."
# @username, where a username may contain dots but never ends a sentence with one.
_MENTION = re.compile(r"(?<![\w@])@([\w-](?:[\w.-]{0,148}[\w-])?)")


def _setting(name: str, default):
    return getattr(settings, name, default)


# --- who may write ------------------------------------------------------------------------


def active_suspension(user: User) -> Suspension | None:
    return Suspension.objects.filter(user=user).active().first()


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
    screened = _screen(author, title=title, body=_clean_body(body))
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
    post = _add_post(thread=thread, author=author, parent=None, body=body, screened=screened)
    screened.record(thread, author=author, fields=["title"])
    Subscription.objects.get_or_create(user=author, thread=thread)
    return thread, post


@transaction.atomic
def reply(*, thread: Thread, author: User, body: str, parent: Post | None = None) -> Post:
    """Reply to the thread, or to one post in it."""
    check_can_write(author)
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    refused = replies_refused(thread)  # locked, hidden, deleted or merged
    if refused:
        raise ValidationError(refused)
    if parent is not None:  # as it is now: a split or merge may have moved it meanwhile
        parent = Post.objects.select_for_update().get(pk=parent.pk)
        if parent.thread_id != thread.pk:
            raise ValidationError("You can only reply to a post in this thread.")
        if not parent.is_answerable:
            raise ValidationError("That post is no longer there to reply to.")
    # Nobody replies to someone who has blocked them (a story's comment answers its writer),
    # and they are told so in the words of any door closed to replies, never of a block.
    answered = parent.author_id if parent is not None else None
    if parent is None and thread.for_story:
        answered = thread.author_id
    if blocks.is_blocked_by(author.pk, answered):
        raise ValidationError(NOT_TAKING_REPLIES if parent is not None else NOT_TAKING_COMMENTS)
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


def _screen(author: User, **texts: str) -> screening.Screening:
    """Refuse watched words that block, and too many links or mentions from a new member."""
    screening.check_new_account_limits(texts["body"], author=author)
    return screening.check(
        texts, author=author, content_kind="post", labels={"title": "title", "body": "post"}
    )


def _add_post(
    *,
    thread: Thread,
    author: User,
    parent: Post | None,
    body: str,
    screened: screening.Screening | None = None,
) -> Post:
    body = _clean_body(body)
    screened = screened or _screen(author, body=body)
    seq = Thread.objects.filter(pk=thread.pk).values_list("next_seq", flat=True).get()
    path, depth = place_in_tree(seq, (parent.path, parent.depth) if parent else None)
    held = screened.holds  # a watched word holds it for a moderator, as a first post is
    status = Post.Status.PENDING if held or _needs_approval(author) else Post.Status.PUBLISHED
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
    screened.record(post, author=author, fields=["body"])
    if held:
        words = ", ".join(f"“{word}”" for word in screened.held_words())
        _log(
            None,
            ModerationLog.Action.WATCHED_WORD,
            post=post,
            subject=author,
            reason=f"It includes {words}: a moderator reads posts with these words first.",
            detail=words,
        )
    if status == Post.Status.PUBLISHED:
        notifications.post_published(post)
    else:
        transaction.on_commit(lambda: notifications.post_waiting(post), robust=True)
    return post


def _record_mentions(post: Post) -> list[User]:
    """Record @username mentions of people who can see the thread and have not blocked the
    author (to them it stays a name in the text, as a name nobody holds would)."""
    names = set(_MENTION.findall(post.body))
    if not names:
        return []
    board = post.thread.board
    named = list(User.objects.filter(username__in=names, is_active=True))
    blocking = blocks.blockers_of(post.author_id, among=[u.pk for u in named]) if named else set()
    people = [
        u
        for u in named
        if u.pk not in blocking and Board.objects.visible_to(u).filter(pk=board.pk).exists()
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
    # A post already out stays out: a word that would hold it is flagged for a moderator.
    screened = _screen(editor, body=body)
    PostRevision.objects.create(
        post=post, body=post.body, edited_at=post.edited_at or post.created_at
    )
    post.body, post.body_html, post.edited_at = body, render_markdown(body), timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    screened.record(post, author=editor, fields=["body"])
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
    entry = ModerationLog.objects.create(
        moderator=moderator,
        action=action,
        reason=reason[:300],
        post=post,
        thread=thread or (post.thread if post else None),
        subject=subject,
        detail=detail[:300],
    )
    signals.action_logged.send(sender=ModerationLog, entry=entry)
    return entry


def log_profile_archived(*, by: User | None, person: User, reason: str = "") -> ModerationLog:
    """Log that ``by`` archived the profile of ``person``, who has left (profiles asks this
    through safety: profiles may not import the forums)."""
    return _log(by, ModerationLog.Action.ARCHIVE_PROFILE, subject=person, reason=reason)


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
    transaction.on_commit(lambda: notifications.report_received(report), robust=True)
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


# --- whole threads (forums.moderation checks who and whether; these change and log) ------


def clean_title(title: str) -> str:
    """A thread's title as ``start_thread`` takes it: trimmed, required, not too long."""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the thread a title."})
    limit = Thread._meta.get_field("title").max_length
    if len(title) > limit:
        raise ValidationError(
            {"title": f"Titles can be at most {limit} characters; this one has {len(title)}."}
        )
    return title


@transaction.atomic
def hide_thread(*, thread: Thread, moderator: User, reason: str) -> Thread:
    """Take a whole thread out of every list and search; its author is told the reason."""
    thread.hidden_at, thread.hidden_reason = timezone.now(), _need_reason(reason)[:300]
    thread.save(update_fields=["hidden_at", "hidden_reason"])
    _log(
        moderator,
        ModerationLog.Action.HIDE_THREAD,
        thread=thread,
        subject=thread.author,
        reason=thread.hidden_reason,
    )
    return thread


@transaction.atomic
def unhide_thread(*, thread: Thread, moderator: User, reason: str = "") -> Thread:
    thread.hidden_at, thread.hidden_reason = None, ""
    thread.save(update_fields=["hidden_at", "hidden_reason"])
    _log(
        moderator,
        ModerationLog.Action.UNHIDE_THREAD,
        thread=thread,
        subject=thread.author,
        reason=(reason or "").strip(),
    )
    return thread


@transaction.atomic
def delete_thread(*, thread: Thread, moderator: User, reason: str) -> Thread:
    """Remove a thread for everyone: moderators still find it through the log."""
    thread.deleted_at = timezone.now()
    thread.save(update_fields=["deleted_at"])
    _log(
        moderator,
        ModerationLog.Action.DELETE_THREAD,
        thread=thread,
        subject=thread.author,
        reason=_need_reason(reason),
    )
    return thread


@transaction.atomic
def retitle_thread(*, thread: Thread, moderator: User, title: str, reason: str) -> Thread:
    """A new title (and so a new slug: the thread's number keeps old addresses working)."""
    title, reason = clean_title(title), _need_reason(reason)
    old = thread.title
    thread.title, thread.slug = title, slugify(title)[:150] or "thread"
    thread.save(update_fields=["title", "slug"])
    _log(
        moderator,
        ModerationLog.Action.RETITLE,
        thread=thread,
        subject=thread.author,
        reason=reason,
        detail=old,
    )
    return thread


def _renumber(posts: list[Post], *, next_seq: int, roots: set[int]) -> int:
    """Give ``posts`` (in path order, parents first) new sequence numbers from ``next_seq``
    and their places in the tree they are joining: the posts in ``roots`` answer the thread
    itself; each other post keeps its parent when its parent is among ``posts``. Returns the
    next free sequence number."""
    placed: dict[int, tuple[str, int]] = {}
    for post in posts:
        parent = None if post.pk in roots else placed.get(post.parent_id)
        if parent is None and post.pk not in roots:
            post.parent_id = None  # its parent stays behind: it answers the thread
        post.path, post.depth = place_in_tree(next_seq, parent)
        placed[post.pk] = (post.path, post.depth)
        next_seq += 1
    return next_seq


def _latest_activity(thread: Thread):
    latest = thread.posts.published().order_by("-created_at").values("created_at").first()
    return latest["created_at"] if latest else thread.created_at


@transaction.atomic
def merge_threads(*, thread: Thread, into: Thread, moderator: User, reason: str = "") -> Thread:
    """Move every post of ``thread`` to the end of ``into``, keeping their own tree; the old
    thread leads to ``into`` from then on. Both threads are locked by the caller."""
    posts = list(thread.posts.select_for_update().order_by("path"))
    opening = {p.pk for p in posts if p.parent_id is None}
    next_seq = _renumber(posts, next_seq=into.next_seq, roots=opening)
    for post in posts:
        post.thread_id = into.pk
    Post.objects.bulk_update(posts, ["thread", "parent", "path", "depth"], batch_size=500)
    into.post_count += thread.post_count
    into.next_seq = next_seq
    into.last_activity_at = max(into.last_activity_at, thread.last_activity_at)
    into.save(update_fields=["post_count", "next_seq", "last_activity_at"])
    thread.post_count, thread.merged_into = 0, into
    thread.save(update_fields=["post_count", "merged_into"])
    if into.board_id == thread.board_id:  # its followers follow on (they can see it)
        followers = thread.subscriptions.values_list("user_id", flat=True)
        Subscription.objects.bulk_create(
            [Subscription(user_id=user, thread=into) for user in followers],
            ignore_conflicts=True,
        )
    _log(
        moderator,
        ModerationLog.Action.MERGE,
        thread=thread,
        subject=thread.author,
        reason=(reason or "").strip(),
        detail=f"into “{into.title}” (thread {into.pk})",
    )
    return into


_REPLIES_OF = """
    WITH RECURSIVE branch(id) AS (
        SELECT %s::bigint
        UNION ALL
        SELECT p.id FROM forums_post p JOIN branch ON p.parent_id = branch.id
        WHERE p.thread_id = %s
    )
    SELECT id FROM branch
"""


@transaction.atomic
def split_thread(*, post: Post, moderator: User, title: str, reason: str = "") -> Thread:
    """Move ``post`` and every reply to it (and theirs) to a new thread on the same board,
    ``post`` its opening. The old thread is locked by the caller."""
    title = clean_title(title)
    old = post.thread
    with connection.cursor() as cursor:
        cursor.execute(_REPLIES_OF, [post.pk, old.pk])
        ids = [row[0] for row in cursor.fetchall()]
    posts = list(Post.objects.select_for_update().filter(pk__in=ids).order_by("path"))
    published = [p for p in posts if p.status == Post.Status.PUBLISHED]
    new = Thread.objects.create(
        board_id=old.board_id,
        author_id=post.author_id,
        title=title,
        slug=slugify(title)[:150] or "thread",
        created_at=post.created_at,
        last_activity_at=max((p.created_at for p in published), default=post.created_at),
        post_count=len(published),
    )
    new.next_seq = _renumber(posts, next_seq=1, roots={post.pk})
    new.save(update_fields=["next_seq"])
    for moved in posts:
        moved.thread_id = new.pk
        if moved.pk == post.pk:  # the new thread's opening answers no one
            moved.parent_id = None
    Post.objects.bulk_update(posts, ["thread", "parent", "path", "depth"], batch_size=500)
    old.post_count = max(old.post_count - len(published), 0)
    old.last_activity_at = _latest_activity(old)
    old.save(update_fields=["post_count", "last_activity_at"])
    if post.author_id:
        Subscription.objects.get_or_create(user_id=post.author_id, thread=new)
    _log(
        moderator,
        ModerationLog.Action.SPLIT,
        thread=old,
        post=post,
        subject=old.author,
        reason=(reason or "").strip(),
        detail=f"{len(posts)} post(s) to “{new.title}” (thread {new.pk})",
    )
    return new


# --- appeals (decided in safety.appeals) ---------------------------------------------------


@transaction.atomic
def settle_appeal(
    *, entry: ModerationLog, moderator: User, appellant: User, upheld: bool, reason: str
) -> ModerationLog:
    """Log a moderator's decision on an appeal against ``entry``; when it is upheld, first
    put back what ``entry`` changed, unless it was changed again since (``changed_since``:
    then the moderator puts it right by hand, as the appeal's page tells them)."""
    if upheld and not changed_since(entry):
        _undo(entry)
    return _log(
        moderator,
        ModerationLog.Action.APPEAL_UPHELD if upheld else ModerationLog.Action.APPEAL_REFUSED,
        post=entry.post,
        thread=entry.thread,
        subject=appellant,
        reason=_need_reason(reason),
        detail=f"appeal against log entry {entry.pk} ({entry.get_action_display().lower()})",
    )


# What changes a post or thread again after the action appealed: undoing it then would
# undo that too (another moderator's hiding, an author's later words).
_ACTS_ON_POSTS = ("hide", "unhide", "auto_hide", "edit_post", "approve")
_ACTS_ON_THREADS = ("hide_thread", "unhide_thread", "delete_thread", "retitle", "merge", "split")


def changed_since(entry: ModerationLog) -> bool:
    """Whether the post or thread ``entry`` acted on was changed again after it, so undoing
    the entry would undo that too: a moderator's later action, or the author's edit."""
    later = ModerationLog.objects.filter(pk__gt=entry.pk)
    if entry.post_id and entry.action in ("hide", "auto_hide", "edit_post"):
        return (
            later.filter(post_id=entry.post_id, action__in=_ACTS_ON_POSTS).exists()
            or entry.action == "edit_post"
            and Post.objects.filter(pk=entry.post_id, edited_at__gt=entry.created_at).exists()
        )
    if entry.thread_id and entry.action in ("hide_thread", "delete_thread", "retitle"):
        return later.filter(thread_id=entry.thread_id, action__in=_ACTS_ON_THREADS).exists()
    return False


def _undo(entry: ModerationLog) -> None:
    Action = ModerationLog.Action
    post = Post.objects.select_for_update().filter(pk=entry.post_id).first()
    thread = Thread.objects.select_for_update().filter(pk=entry.thread_id).first()
    if entry.action in (Action.HIDE, Action.AUTO_HIDE) and post and post.hidden_at:
        post.hidden_at, post.hidden_reason = None, ""
        post.save(update_fields=["hidden_at", "hidden_reason"])
    elif entry.action == Action.EDIT_POST and post:
        before = post.revisions.filter(edited_at__lte=entry.created_at).order_by("-edited_at")
        revision = before.first()
        if revision is not None and revision.body != post.body:
            PostRevision.objects.create(
                post=post, body=post.body, edited_at=post.edited_at or post.created_at
            )
            post.body, post.body_html = revision.body, render_markdown(revision.body)
            post.edited_at = timezone.now()
            post.save(update_fields=["body", "body_html", "edited_at"])
    elif entry.action == Action.HIDE_THREAD and thread and thread.hidden_at:
        thread.hidden_at, thread.hidden_reason = None, ""
        thread.save(update_fields=["hidden_at", "hidden_reason"])
    elif entry.action == Action.DELETE_THREAD and thread and thread.deleted_at:
        thread.deleted_at = None
        thread.save(update_fields=["deleted_at"])
    elif entry.action == Action.RETITLE and thread:
        title = title_before_retitle(entry)[:150]
        if title and title != thread.title:
            thread.title, thread.slug = title, slugify(title)[:150] or "thread"
            thread.save(update_fields=["title", "slug"])
    elif entry.action == Action.SUSPEND and entry.subject_id:
        Suspension.objects.filter(  # the one suspension made with the entry
            user_id=entry.subject_id,
            created_by_id=entry.moderator_id,
            created_at__range=(entry.created_at - timedelta(minutes=1), entry.created_at),
        ).active().update(lifted_at=timezone.now())


def title_before_retitle(entry: ModerationLog) -> str:
    """A retitled thread's title before: the entry's detail (``retitle_thread``)."""
    return entry.detail.strip()


@transaction.atomic
def moderator_edit_post(*, post: Post, moderator: User, body: str, reason: str) -> Post:
    """A moderator changes a post's text, keeping what it said (``PostRevision``) and why.
    Nobody newly @mentioned is told: the edit is the moderator's, not the author's words."""
    body, reason = _clean_body(body), _need_reason(reason)
    PostRevision.objects.create(
        post=post, body=post.body, edited_at=post.edited_at or post.created_at
    )
    post.body, post.body_html, post.edited_at = body, render_markdown(body), timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    _log(moderator, ModerationLog.Action.EDIT_POST, post=post, subject=post.author, reason=reason)
    return post
