"""A story's comments: a forums thread, so they have the forums' tree, reactions, reports
and moderation, one queue and one log for everything (ADR 0023).

The thread lives on a board of the story's audience, so its posts carry that audience
(the forums' search and notifications read it from there): one board, never listed, for
public stories, one for the community's, one for staff's, one per organisation, and one per
group for stories for its members alone (``Board.story_group``: not the group's own board,
which may be open wider than its members). When a story's audience
changes, its thread moves with it. The thread is made when the story is published, locked
until the story is out (``services.announce`` opens it), and its page is the story's.
"""

from __future__ import annotations

from django.db import transaction

from forums.models import Board, Subscription, Thread
from sociable import registry
from sociable.audience import Audience

# Where the stories' boards come after the site's own and the groups'.
STORY_BOARDS_AFTER = 2000
COMMENTS_BOARD_NAMES = {
    Audience.PUBLIC: "Comments on public stories",
    Audience.COMMUNITY: "Comments on community stories",
    Audience.STAFF: "Comments on staff stories",
}


def board_for(story) -> Board:
    """The board whose audience is ``story``'s, made if there is none."""
    if story.audience == Audience.MEMBERS:
        group = story.group
        slug, name = f"story-comments-group-{group.pk}", f"Comments on {group.name} stories"
        board, _ = Board.objects.get_or_create(
            slug=slug,
            defaults={"name": name[:120], "audience": Audience.MEMBERS, "story_group": group,
                      "for_stories": True, "position": STORY_BOARDS_AFTER},
        )  # fmt: skip
        return board
    if story.audience == Audience.ORGANISATION:
        organisation = story.audience_organisation
        slug, name = (
            f"story-comments-{organisation.slug}",
            f"Comments on {organisation.name} stories",
        )
    else:
        slug, name = f"story-comments-{story.audience}", COMMENTS_BOARD_NAMES[story.audience]
    board, _ = Board.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name[:120],
            "audience": story.audience,
            "audience_organisation_id": story.audience_organisation_id,
            "for_stories": True,
            "position": STORY_BOARDS_AFTER,
        },
    )
    return board


@transaction.atomic
def open_comments(story) -> Thread:
    """``story``'s thread, on its audience's board: made if it has none, moved if its
    audience changed, open for comments once the story is out."""
    board = board_for(story)
    thread = story.thread
    if thread is None:
        thread = Thread.objects.create(
            board=board,
            author=story.author,
            title=story.title,
            slug=story.slug or "story",
            for_story=True,
            # No comment is ever a thread's opening post: each starts its own branch.
            next_seq=2,
            is_locked=not story.is_out,
            created_at=story.published_at,
            last_activity_at=story.published_at,
        )
        story.thread = thread
        type(story).objects.filter(pk=story.pk).update(thread=thread)
        if story.author_id:  # its writer hears of comments, as a thread's starter does
            Subscription.objects.get_or_create(user_id=story.author_id, thread=thread)
        return thread
    changed = {}
    if thread.board_id != board.pk:
        changed["board"] = board
    if thread.title != story.title:
        changed["title"], changed["slug"] = story.title, story.slug or "story"
    if changed:
        for name, value in changed.items():
            setattr(thread, name, value)
        thread.save(update_fields=list(changed))
    return thread


def story_page(thread: Thread) -> str | None:
    """The page of the story whose comments ``thread`` holds (``registry.thread_pages``)."""
    from .models import Story

    story = Story.objects.filter(thread=thread).only("pk", "slug").first()
    return story.get_absolute_url() if story else None


def register() -> None:
    registry.thread_pages.add(story_page)
