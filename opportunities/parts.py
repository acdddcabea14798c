"""Parts of the opportunities' pages shared by everyone who sees them alike
(``sociable.parts``): no opportunity's audience is one group's members, and a card shows
nothing of the viewer's own, so a page of the list is the same for everyone with one
audience key. "For you" is the viewer's own, and read beside it."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator

from sociable.parts import Part, render_part, shared

from . import selectors

# A card shows its organisation's name, its place and team, and the skills it names.
ENDS_ON = ("opportunities", "profiles", "accounts")


@shared(varies=("audience",), ends_on=ENDS_ON)
def opportunity_list(viewer, filters: tuple, page: str, query_string: str, today: str) -> Part:
    """A page (``page`` as asked for: the paginator decides) of the open opportunities the
    viewer may see that match ``filters`` (the values of ``selectors.Filters``, in order)
    and have not closed by ``today``; its links keep ``query_string``."""
    found = selectors.find(viewer, selectors.Filters(*filters), date.fromisoformat(today))
    context = {
        "page": Paginator(found, selectors.PAGE_SIZE).get_page(page),
        "filtered": any(filters),
        "query_string": query_string,
    }
    return render_part("opportunities/partials/_opportunity_page.html", context)
