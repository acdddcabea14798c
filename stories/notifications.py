"""What stories tell people: a new story from someone or a series they follow (by default
in the daily digest), and, for guest posts, a proposal to its reviewers and their answer to
its writer. Each notice is anchored to the story, so only people who may see it are told."""

from __future__ import annotations

from django.db.models import Q

from sociable.accounts.models import User
from sociable.notifications.kinds import NotificationKind
from sociable.notifications.models import Channel
from sociable.notifications.services import notify

from .models import Follow, Story, editors

NEW_STORIES = NotificationKind(
    "story", "New stories from people and series you follow", default=Channel.DIGEST, order=50
)
REVIEWS = NotificationKind("story_review", "Stories sent to editors, and their answers", order=51)
KINDS = [NEW_STORIES, REVIEWS]


def published(story: Story) -> int:
    """Tell the people following its author or its series that ``story`` is out."""
    follows = Q(pk__in=[])  # no writer (their account gone): not every author-less row
    if story.author_id:
        follows |= Q(author_id=story.author_id)
    if story.series_id:
        follows |= Q(series_id=story.series_id)
    followers = User.objects.filter(
        pk__in=Follow.objects.filter(follows).values("follower_id"), is_active=True
    )
    where = f" in {story.series.title}" if story.series_id else ""
    name = story.author.display_name if story.author else "A former member"
    return len(
        notify(
            kind=NEW_STORIES, recipients=list(followers), actor=story.author,
            title=f"{name}{where}: {story.title}", body=story.summary,
            url=story.get_absolute_url(), anchor=story, key=f"story:{story.pk}:out",
        )
    )  # fmt: skip


def reviewers(story: Story) -> list[User]:
    """Who reviews ``story``: its series' writers, or the editors when it has no series."""
    if story.series_id:
        return list(story.series.writers.filter(is_active=True))
    return list(editors())


# Each proposal and each answer is its own happening, told once: keyed by the moment the
# story took that state (to the microsecond: a writer may send it again within a second).


def proposed(story: Story) -> int:
    return len(
        notify(
            kind=REVIEWS, recipients=reviewers(story), actor=story.author,
            title=f"{story.author.display_name} would like to publish “{story.title}”",
            body=story.summary, url=story.get_absolute_url(), anchor=story,
            key=f"story:{story.pk}:proposed:{story.updated_at.timestamp():.6f}",
        )
    )  # fmt: skip


def changes_asked(story: Story, *, by: User) -> int:
    return len(
        notify(
            kind=REVIEWS, recipients=[story.author], actor=by,
            title=f"{by.display_name} asks for changes to “{story.title}”",
            body=story.review_note, url=story.get_absolute_url(), anchor=story,
            key=f"story:{story.pk}:changes:{story.updated_at.timestamp():.6f}",
        )
    )  # fmt: skip


def accepted(story: Story, *, by: User) -> int:
    when = "is published" if story.is_out else "will be published"
    return len(
        notify(
            kind=REVIEWS, recipients=[story.author], actor=by,
            title=f"“{story.title}” {when}", url=story.get_absolute_url(), anchor=story,
            key=f"story:{story.pk}:accepted",
        )
    )  # fmt: skip
