"""Stories written, published or proposed, for the tests."""

from __future__ import annotations

from stories import services
from stories.models import Story


def write(writer, *, publish=True, at=None, tags=(), **fields) -> Story:
    """``writer`` writes a story, published now (or at ``at``) unless told not to."""
    fields.setdefault("title", "What we learned moving the bins form online")
    fields.setdefault("summary", "Six weeks, three prototypes and one very patient resident.")
    fields.setdefault("body", "We started with **paper**.\n\n## Week one\n\nWe listened.")
    fields.setdefault("audience", "public")
    story = services.save(writer=writer, tags=tags, **fields)
    if publish:
        services.publish(story=story, by=writer, at=at)
        story.refresh_from_db()
    return story
