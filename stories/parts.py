"""Parts of other pages that stories add, shared by everyone who sees them alike
(``sociable.parts``)."""

from __future__ import annotations

from sociable.paging import Stretch
from sociable.parts import Part, render_part, shared

from . import selectors
from .search import ENDS_ON

ON_SKILL_PAGE = 3


@shared(varies=("audience", "groups"), ends_on=ENDS_ON)
def skill_stories(viewer, skill) -> Part:
    """A skill page's newest stories about the skill (``registry.skill_sections``)."""
    stories, _ = selectors.cards(viewer, tag=skill.pk, limit=ON_SKILL_PAGE)
    return render_part("stories/partials/_skill_stories.html", {"stories": stories, "skill": skill})


@shared(varies=("audience", "groups"), ends_on=ENDS_ON)
def story_list(viewer, q: str, organisation: str, page: str, query_string: str) -> Part:
    """The list's featured stories (on its first page, unfiltered) and a page of the newest
    that match: the same for everyone alike in what they may read."""
    filtered = bool(q or organisation)
    stories = selectors.find(viewer, selectors.Filters(q=q, organisation=organisation))
    context = {
        "page": Stretch(stories, page, selectors.PAGE_SIZE),
        "featured": [] if filtered or page not in ("", "1") else selectors.featured(viewer),
        "filtered": filtered,
        "query_string": query_string,
    }
    return render_part("stories/partials/_story_list.html", context)
