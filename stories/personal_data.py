"""A person's stories: their part of the download, and what deleting their account does.

Their drafts go, and stories waiting for their time; their published stories go too (with
images and comments) when they ask for what they wrote to go, as their posts do. Whom they
follow goes (with the account); series they started stay, for their co-authors.
"""

from __future__ import annotations

from django.utils import timezone

from sociable.accounts.models import User

from . import services
from .models import Follow, Story


def export(user: User) -> dict:
    stories = (
        Story.objects.filter(author=user)
        .select_related("series")
        .prefetch_related("images")
        .order_by("created_at")
    )
    follows = Follow.objects.filter(follower=user).select_related("author", "series")
    return {
        "stories": [
            {"title": s.title, "summary": s.summary, "text": s.body, "status": s.status,
             "audience": s.audience, "series": s.series.title if s.series else None,
             "published_at": s.published_at, "written_at": s.created_at,
             "images": [{"number": i.number, "description": i.alt, "caption": i.caption}
                        for i in s.images.all()]}
            for s in stories
        ],
        "stories_followed": [
            {"author": f.author.display_name} if f.author else {"series": f.series.title}
            for f in follows
        ],
    }  # fmt: skip


def plan(user: User, plan) -> None:
    """Say how many of their stories are out (they may stay) and not (they go)."""
    now = timezone.now()
    stories = Story.objects.filter(author=user)
    plan.stories_out = stories.filter(status=Story.Status.PUBLISHED, published_at__lte=now).count()
    plan.stories_unread = stories.count() - plan.stories_out


def leave_stories(leaving, result) -> None:
    """Drafts, proposals and stories waiting for their time go (nobody has read them: none
    comes out later by "a former member"); stories out go too when the person asked for
    what they wrote to go (else they stay, told by "a former member", as their posts do)."""
    stories = Story.objects.filter(author=leaving.user)
    if not leaving.delete_posts:
        stories = stories.exclude(status=Story.Status.PUBLISHED, published_at__lte=timezone.now())
    for story in stories:
        services.delete(story=story, by=leaving.user)
