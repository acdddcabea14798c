"""What the forums tell people about a new post: mentions, replies and follows.

Each person hears about a post once, as the most personal reason that applies
(a mention, then a reply to them, then something they follow): the key is the
post. The board's audience decides who may hear at all: notifications about a
post are anchored to its board (registered in ``contributions``).
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from groups.notifications import APPROVAL
from sociable.accounts import blocks
from sociable.accounts.models import User
from sociable.links import reverse
from sociable.notifications.kinds import NotificationKind
from sociable.notifications.models import Channel
from sociable.notifications.services import notify

from . import mutes
from .models import Board, Mention, Post, Report, Subscription, Suspension
from .permissions import is_moderator

MENTION = NotificationKind("mention", "Someone mentions you in a discussion", order=10)
REPLY = NotificationKind("reply", "Replies to your posts", order=20)
FOLLOWED = NotificationKind(
    "followed", "New posts in threads and boards you follow", default=Channel.DIGEST, order=30
)
# For moderators, about the boards they moderate: illegal content by email at once (it has
# the shortest target time); other reports and posts waiting for approval in the digest.
MOD_ILLEGAL = NotificationKind(
    "mod_illegal",
    "Posts reported as illegal content on boards you moderate",
    offered_to=is_moderator,
    order=92,
)
MOD_REPORT = NotificationKind(
    "mod_report",
    "Other reported posts on boards you moderate",
    offered_to=is_moderator,
    default=Channel.DIGEST,
    order=93,
)
MOD_APPROVAL = NotificationKind(
    "mod_approval",
    "Posts waiting for approval on boards you moderate",
    offered_to=is_moderator,
    default=Channel.DIGEST,
    order=94,
)
KINDS = [MENTION, REPLY, FOLLOWED, MOD_ILLEGAL, MOD_REPORT, MOD_APPROVAL]
# (and groups' APPROVAL, which tells authors their posts were approved)


def post_published(post: Post) -> None:
    """Queue the fan-out for a post people can now read (a background task)."""
    from .tasks import notify_about_post

    notify_about_post.enqueue(post.pk)


def tell_about_post(post: Post) -> int:
    thread, board = post.thread, post.thread.board
    if thread.hidden_at or thread.deleted_at or thread.merged_into_id:
        return 0  # taken away before the news went out: nobody hears of it
    author = post.author
    name = author.display_name if author else "A former member"
    url = reverse("forums:post-permalink", args=[post.pk])
    common = {"actor": author, "url": url, "anchor": board, "key": f"post:{post.pk}"}
    # Nobody hears of a thread or board they muted, nor of anything someone they blocked does.
    deaf = mutes.muting(thread) | blocks.blockers_of(post.author_id)
    told = notify(
        kind=MENTION,
        recipients=[
            m.user
            for m in Mention.objects.filter(post=post).select_related("user")
            if m.user_id not in deaf
        ],
        title=f"{name} mentioned you in “{thread.title}”",
        **common,
    )
    first_post = (  # a thread's opening (a story's comments have none: each is a reply)
        not thread.for_story
        and post.parent_id is None
        and not Post.objects.filter(thread=thread, path__lt=post.path).exists()
    )
    if first_post:
        followers = Subscription.objects.filter(board=board)
        title = f"New thread in {board.name}: “{thread.title}”"
    else:
        replied_to = post.parent.author if post.parent_id else thread.author
        told += notify(
            kind=REPLY,
            recipients=[replied_to] if replied_to and replied_to.pk not in deaf else [],
            title=f"{name} replied to you in “{thread.title}”",
            **common,
        )
        followers = Subscription.objects.filter(thread=thread)
        title = f"{name} posted in “{thread.title}”"
    told += notify(
        kind=FOLLOWED,
        recipients=[s.user for s in followers.select_related("user") if s.user_id not in deaf],
        title=title,
        **common,
    )
    return len(told)


def post_approved(post: Post) -> None:
    thread = post.thread
    notify(
        kind=APPROVAL,
        recipients=[post.author] if post.author else [],
        title=f"A moderator approved your post in “{thread.title}”: everyone can see it now",
        url=reverse("forums:post-permalink", args=[post.pk]),
        anchor=thread.board,
        key=f"approved:post:{post.pk}",
    )
    post_published(post)


# --- telling moderators ---------------------------------------------------------------------


def moderators_of(board: Board):
    """The people who can act on ``board``'s posts now: active, staff, with the moderator role
    (or superusers), named for this board or for none, with two-factor set up, and not
    suspended. (``notify`` then keeps only those who may see the board.)"""
    from allauth.mfa.models import Authenticator

    role = Permission.objects.filter(codename="moderate_board", content_type__app_label="forums")
    person = OuterRef("pk")
    named = Board.objects.filter(moderators=person)
    return User.objects.filter(
        Q(is_superuser=True) | Exists(role.filter(Q(group__user=person) | Q(user=person))),
        Exists(named.filter(pk=board.pk)) | ~Exists(named),
        Exists(Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP)),
        ~Exists(Suspension.objects.filter(user=person, until__gt=timezone.now(), lifted_at=None)),
        is_active=True,
        is_staff=True,
    )


def report_received(report: Report) -> None:
    """Tell the board's moderators about a reported post: once a post, however many reports
    come (and once more when it is first reported as illegal, which is urgent). Never the
    post's author or anyone who reported it. Called after the report is committed."""
    post = Post.objects.select_related("thread__board").filter(pk=report.post_id).first()
    if post is None:
        return
    reports = list(Report.objects.filter(post=post).values_list("reporter_id", "reason"))
    illegal = report.reason == Report.Reason.ILLEGAL
    if not illegal and any(reason == Report.Reason.ILLEGAL for _, reason in reports):
        return  # the moderators were told of this post as urgent already
    thread, board = post.thread, post.thread.board
    where = f"“{thread.title}” on {board.name}"
    title = (
        f"A post in {where} was reported as illegal content"
        if illegal
        else f"A post in {where} was reported"
    )
    _tell_moderators(
        post,
        kind=MOD_ILLEGAL if illegal else MOD_REPORT,
        key=f"mod:illegal:post:{post.pk}" if illegal else f"mod:report:post:{post.pk}",
        title=title,
        body=f"Reason: {report.get_reason_display()}.",
        leave_out={reporter for reporter, _ in reports},
    )


def post_waiting(post: Post) -> None:
    """Tell the board's moderators that a post waits for their approval (after commit)."""
    post = Post.objects.select_related("thread__board").filter(pk=post.pk).first()
    if post is None or post.status != Post.Status.PENDING:
        return
    thread, board = post.thread, post.thread.board
    _tell_moderators(
        post,
        kind=MOD_APPROVAL,
        key=f"mod:approval:post:{post.pk}",
        title=f"A post in “{thread.title}” on {board.name} is waiting for approval",
        body="Only its author and moderators can read it until a moderator approves it.",
        leave_out=set(),
    )


def _tell_moderators(post: Post, *, kind, key: str, title: str, body: str, leave_out) -> None:
    board = post.thread.board
    leave_out = {*leave_out, post.author_id}
    moderators = [m for m in moderators_of(board) if m.pk not in leave_out]
    notify(
        kind=kind,
        recipients=moderators,
        title=title,
        body=body,
        url=reverse("forums:moderate-post", args=[post.pk]),
        anchor=board,
        key=key,
    )
