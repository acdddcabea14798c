"""A person's part in the forums: their part of the download, and the erasing of their posts
when they delete their account and ask for it (``sociable.personal_data`` runs it).

Erasing: bodies, edit history and the mentions in them are removed, each post becomes the
"deleted by its author" placeholder, and a thread nobody else wrote in goes altogether.
Otherwise posts and thread titles stay, shown as by "A former member". A moderator's entries
in the append-only moderation log keep pointing at their account, which so stays as an
anonymous tombstone.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from sociable.accounts.models import User
from sociable.links import reverse

from .models import (
    Board,
    Mention,
    ModerationLog,
    Mute,
    Post,
    PostRevision,
    Reaction,
    ReadMarker,
    Report,
    Subscription,
    Suspension,
    Thread,
)

# The moderation log is append-only (on_delete=PROTECT): who moderated stays on record.
KEPT_FOR_ACCOUNTABILITY = "forums.moderationlog.moderator"


def export(user: User) -> dict:
    """The boards the person moderates (with their account), and all they did in the forums."""
    moderated = Board.objects.filter(moderators=user).order_by("name")
    return {
        "account": {"boards_moderated": [b.name for b in moderated]},
        "forums": _forums(user),
    }


def _forums(user: User) -> dict:
    threads = Thread.objects.filter(author=user).select_related("board").order_by("created_at")
    posts = (
        Post.objects.filter(author=user)
        .select_related("thread")
        .prefetch_related("revisions")
        .order_by("created_at", "pk")
    )
    reactions = Reaction.objects.filter(user=user).order_by("pk")
    mentions = Mention.objects.filter(user=user).order_by("pk")
    follows = (
        Subscription.objects.filter(user=user).select_related("thread", "board").order_by("pk")
    )
    muted = Mute.objects.filter(user=user).select_related("thread", "board").order_by("pk")
    markers = ReadMarker.objects.filter(user=user).select_related("thread").order_by("read_at")
    reports = Report.objects.filter(reporter=user).order_by("created_at")
    reports_on_mine = Report.objects.filter(post__author=user).order_by("created_at")
    suspensions = Suspension.objects.filter(user=user)
    about_me = ModerationLog.objects.filter(subject=user).order_by("created_at")
    by_me = ModerationLog.objects.filter(moderator=user).order_by("created_at")

    def post_url(post_id: int) -> str:
        return reverse("forums:post-permalink", args=[post_id])

    return {
        "threads_started": [
            {
                "title": t.title,
                "board": t.board.name,
                "url": t.get_absolute_url(),
                "created_at": t.created_at,
            }
            for t in threads
        ],
        "posts": [
            {
                "url": p.get_absolute_url(),
                "thread": p.thread.title,
                "body": p.body,
                "status": p.status,
                "created_at": p.created_at,
                "edited_at": p.edited_at,
                "deleted_at": p.deleted_at,
                "hidden_at": p.hidden_at,
                "hidden_reason": p.hidden_reason,
                "earlier_versions": [
                    {"body": r.body, "written_at": r.edited_at} for r in p.revisions.all()
                ],
            }
            for p in posts
        ],
        "reactions": [{"post": post_url(r.post_id), "kind": r.kind} for r in reactions],
        "mentioned_in": [post_url(m.post_id) for m in mentions],
        "following": [
            {"thread": f.thread.title, "url": f.thread.get_absolute_url()}
            if f.thread_id
            else {"board": f.board.name, "url": f.board.get_absolute_url()}
            for f in follows
        ],
        "muted": [
            {"thread": m.thread.title, "url": m.thread.get_absolute_url()}
            if m.thread_id
            else {"board": m.board.name, "url": m.board.get_absolute_url()}
            for m in muted
        ],
        "read_up_to": [
            {"thread": m.thread.title, "url": m.thread.get_absolute_url(), "read_at": m.read_at}
            for m in markers
        ],
        "reports_made": [
            {
                "post": post_url(r.post_id),
                "reason": r.reason,
                "details": r.details,
                "status": r.status,
                "created_at": r.created_at,
            }
            for r in reports
        ],
        # Who reported, and what they wrote, is theirs: only the facts are yours.
        "reports_about_your_posts": [
            {
                "post": post_url(r.post_id),
                "reason": r.reason,
                "status": r.status,
                "created_at": r.created_at,
            }
            for r in reports_on_mine
        ],
        "suspensions": [
            {
                "until": s.until,
                "reason": s.reason,
                "created_at": s.created_at,
                "lifted_at": s.lifted_at,
            }
            for s in suspensions
        ],
        # Which moderator acted is withheld; what was done, when and why is not.
        "moderation_of_you": [
            {
                "action": e.action,
                "reason": e.reason,
                "post": post_url(e.post_id) if e.post_id else None,
                "at": e.created_at,
            }
            for e in about_me
        ],
        "moderation_by_you": [
            {
                "action": e.action,
                "reason": e.reason,
                "detail": e.detail,
                "post": post_url(e.post_id) if e.post_id else None,
                "thread_id": e.thread_id,
                "at": e.created_at,
            }
            for e in by_me
        ],
    }


def plan(user: User, plan) -> None:
    """Say how many posts and threads the person wrote."""
    plan.post_count = Post.objects.filter(author=user).count()
    plan.thread_count = Thread.objects.filter(author=user, for_story=False).count()


def erase_posts(leaving, result) -> None:
    """If asked, remove what the person wrote, leaving placeholders where others replied."""
    if not leaving.delete_posts:
        return
    user = leaving.user
    now = timezone.now()
    someone_else = Post.objects.filter(thread=OuterRef("pk")).exclude(author=user)
    Thread.objects.filter(author=user).exclude(Exists(someone_else)).delete()
    PostRevision.objects.filter(post__author=user).delete()
    Mention.objects.filter(post__author=user).delete()
    result.posts_erased = Post.objects.filter(author=user).update(
        body="", body_html="", deleted_at=Coalesce("deleted_at", now)
    )
