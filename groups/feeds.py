"""An Atom feed of each public group's coming events, for feed readers that never sign in.

Only what the group's public page shows goes in: each event's title, time, place and
description. Nothing about who is going, and no online meeting links (the event page has
them; a feed is copied far and kept long). Cancelled events stay, marked, so that readers
who saw an event learn it is off.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import escape

from sociable.feeds import AtomWithContent
from sociable.links import reverse

from .models import Event, Group

FEED_LENGTH = 50


def when_and_where(event: Event) -> str:
    """'Tuesday 3 June 2025, 18:00 to 19:30 · Civic Hall' in UK time (plain text)."""
    starts, ends = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    end_format = "H:i" if starts.date() == ends.date() else "l j F Y, H:i"
    text = f"{format_date(starts, 'l j F Y, H:i')} to {format_date(ends, end_format)}"
    if event.location:
        text += f" · {event.location}"
    elif event.online_url:
        text += " · Online"
    return text


class GroupEventsFeed(Feed):
    """The coming events of a public group (404 for any other group)."""

    feed_type = AtomWithContent

    def get_object(self, request, slug: str) -> Group:
        # The audience rule as seen by someone who is not signed in: public groups only.
        return Group.objects.visible_to(None).get(slug=slug)

    def title(self, group: Group) -> str:
        return f"{group.name} – Sociable events"

    def link(self, group: Group) -> str:
        return group.get_absolute_url()

    def feed_url(self, group: Group) -> str:
        return reverse("groups:group-feed", args=[group.slug])

    def subtitle(self, group: Group) -> str:
        return group.summary

    def author_name(self, group: Group) -> str:
        return group.name  # Atom needs an author; the group's organisers stay unnamed

    def items(self, group: Group):
        return (
            Event.objects.filter(group=group)
            .upcoming()
            .select_related("group")
            .order_by("starts_at", "pk")[:FEED_LENGTH]
        )

    def item_title(self, event: Event) -> str:
        return f"Cancelled: {event.title}" if event.is_cancelled else event.title

    def item_link(self, event: Event) -> str:
        return event.get_absolute_url()

    def item_description(self, event: Event) -> str:
        # Atom1Feed marks <summary> as HTML: escape the plain text (a place is typed by people).
        return escape(when_and_where(event))

    def item_extra_kwargs(self, event: Event) -> dict:
        return {"content_html": event.description_html}

    def item_pubdate(self, event: Event):
        return event.created_at

    def item_updateddate(self, event: Event):
        return event.updated_at
