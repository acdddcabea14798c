"""Parts of other pages that stories add, shared by everyone who sees them alike
(``sociable.parts``)."""

from __future__ import annotations

from sociable.parts import Part, render_part, shared

from . import selectors
from .search import ENDS_ON

ON_SKILL_PAGE = 3


@shared(varies=("audience", "groups"), ends_on=ENDS_ON)
def skill_stories(viewer, skill) -> Part:
    """A skill page's newest stories about the skill (``registry.skill_sections``)."""
    stories = list(selectors.find(viewer, selectors.Filters(tag=skill.slug))[:ON_SKILL_PAGE])
    return render_part("stories/partials/_skill_stories.html", {"stories": stories, "skill": skill})
