"""What the forums tell people about a new post: mentions, replies and follows.

Each person hears about a post once, as the most personal reason that applies
(a mention, then a reply to them, then something they follow): the key is the
post. The board's audience decides who may hear at all: notifications about a
post are anchored to its board (registered in ``contributions``).
"""

from __future__ import annotations

from groups.notifications import APPROVAL
from sociable.links import reverse
from sociable.notifications.kinds import NotificationKind
from sociable.notifications.models import Channel
from sociable.notifications.services import notify

from .models import Mention, Post, Subscription

MENTION = NotificationKind("mention", "Someone mentions you in a discussion", order=10)
REPLY = NotificationKind("reply", "Replies to your posts", order=20)
FOLLOWED = NotificationKind(
    "followed", "New posts in threads and boards you follow", default=Channel.DIGEST, order=30
)
KINDS = [MENTION, REPLY, FOLLOWED]  # and groups' APPROVAL, for posts waiting for approval


def post_published(post: Post) -> None:
    """Queue the fan-out for a post people can now read (a background task)."""
    from .tasks import notify_about_post

    notify_about_post.enqueue(post.pk)


def tell_about_post(post: Post) -> int:
    thread, board = post.thread, post.thread.board
    author = post.author
    name = author.display_name if author else "A former member"
    url = reverse("forums:post-permalink", args=[post.pk])
    common = {"actor": author, "url": url, "anchor": board, "key": f"post:{post.pk}"}
    told = notify(
        kind=MENTION,
        recipients=[m.user for m in Mention.objects.filter(post=post).select_related("user")],
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
            recipients=[replied_to] if replied_to else [],
            title=f"{name} replied to you in “{thread.title}”",
            **common,
        )
        followers = Subscription.objects.filter(thread=thread)
        title = f"{name} posted in “{thread.title}”"
    told += notify(
        kind=FOLLOWED,
        recipients=[s.user for s in followers.select_related("user")],
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
