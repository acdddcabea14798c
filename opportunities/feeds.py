"""An Atom feed of the open opportunities offered to everyone, for feed readers that never
sign in.

Only what the public list shows goes in: each opportunity's title, kind, organisation,
place, time asked, closing date and description. Nothing about its poster or the interest
shown in it. An opportunity leaves the feed when it closes, is withdrawn or its closing
date passes (before the daily job closes it), as it leaves the list.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import escape

from sociable.feeds import AtomWithContent
from sociable.links import reverse

from .models import Opportunity

FEED_LENGTH = 50


def at_a_glance(opportunity: Opportunity) -> str:
    """'Volunteering · Kirkfield City Council · Civic Hall · In person · 4 hours a week ·
    Closes Tuesday 3 June 2025' (plain text), what a card in the list shows."""
    parts = [opportunity.get_kind_display(), opportunity.organisation.name]
    if opportunity.place:
        parts.append(opportunity.place.name)
    parts.append(opportunity.get_where_display())
    if opportunity.time_asked:
        parts.append(opportunity.time_asked)
    parts.append(f"Closes {format_date(opportunity.closes_on, 'l j F Y')}")
    return " · ".join(parts)


class OpenOpportunitiesFeed(Feed):
    """The newest open opportunities whose audience is everyone."""

    feed_type = AtomWithContent
    title = "Opportunities – Sociable"
    subtitle = "Open opportunities across the partnership that anyone can take up."
    author_name = "Sociable"  # Atom needs an author; the posters stay unnamed

    def link(self) -> str:
        return reverse("opportunities:list")

    def feed_url(self) -> str:
        return reverse("opportunities:feed")

    def items(self):
        # The audience rule as seen by someone who is not signed in: public ones only.
        return (
            Opportunity.objects.open()
            .visible_to(None)
            .filter(closes_on__gte=timezone.localdate())
            .select_related("organisation", "place")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, opportunity: Opportunity) -> str:
        return opportunity.title

    def item_link(self, opportunity: Opportunity) -> str:
        return opportunity.get_absolute_url()

    def item_description(self, opportunity: Opportunity) -> str:
        # Atom1Feed marks <summary> as HTML: escape the plain text (a place is typed by people).
        return escape(at_a_glance(opportunity))

    def item_extra_kwargs(self, opportunity: Opportunity) -> dict:
        return {"content_html": opportunity.description_html}

    def item_categories(self, opportunity: Opportunity) -> list[str]:
        return [opportunity.kind]

    def item_pubdate(self, opportunity: Opportunity):
        return opportunity.published_at

    def item_updateddate(self, opportunity: Opportunity):
        return opportunity.updated_at
