"""Atom feeds of public stories: all of them, an author's, a series' and a tag's, for feed
readers that never sign in. Only stories whose audience is everyone, and out, go in; an
image in a story's content is one anyone may fetch (its story is public)."""

from __future__ import annotations

import copy

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.html import escape

from profiles.models import Skill
from sociable.accounts.models import User
from sociable.feeds import AtomWithContent
from sociable.links import reverse, site_address

from . import selectors
from .models import Series, Story
from .rendering import body_with_images, figure

FEED_LENGTH = 30


class StoriesFeed(Feed):
    """The newest public stories."""

    feed_type = AtomWithContent
    title = "Stories – Sociable"
    subtitle = "Working in the open: stories and weeknotes from across the partnership."
    author_name = "Sociable"

    def link(self, obj=None) -> str:
        return reverse("stories:list")

    def feed_url(self, obj=None) -> str:
        return reverse("stories:feed")

    def stories(self, obj):
        return selectors.out_for(None)

    def items(self, obj=None):
        found = self.stories(obj).select_related("author", "series")
        return list(found.prefetch_related("images")[:FEED_LENGTH])

    def item_title(self, story: Story) -> str:
        return story.title

    def item_link(self, story: Story) -> str:
        return story.get_absolute_url()

    def item_description(self, story: Story) -> str:
        return escape(story.summary)  # Atom's <summary> is marked HTML

    def item_author_name(self, story: Story) -> str:
        return story.author.display_name if story.author else "A former member"

    def __call__(self, request, *args, **kwargs):
        # One feed object serves every request: each gets a copy knowing the site's address.
        feed = copy.copy(self)
        feed.site = site_address(request)
        return Feed.__call__(feed, request, *args, **kwargs)

    def item_extra_kwargs(self, story: Story) -> dict:
        site = getattr(self, "site", "")
        body, unplaced = body_with_images(story.body_html, list(story.images.all()), site)
        return {"content_html": body + "".join(figure(image, site) for image in unplaced)}

    def item_pubdate(self, story: Story):
        return story.published_at

    def item_updateddate(self, story: Story):
        return max(story.updated_at, story.published_at)


class AuthorFeed(StoriesFeed):
    def get_object(self, request, username: str) -> User:
        return get_object_or_404(User, username=username, is_active=True)

    def title(self, author: User) -> str:
        return f"Stories by {author.display_name} – Sociable"

    def link(self, author: User) -> str:
        return reverse("stories:author", args=[author.username])

    def feed_url(self, author: User) -> str:
        return reverse("stories:author-feed", args=[author.username])

    def stories(self, author: User):
        found = selectors.out_for(None).filter(author=author)
        if not found.exists():
            raise Http404("No public stories")
        return found


class SeriesFeed(StoriesFeed):
    def get_object(self, request, slug: str) -> Series:
        return get_object_or_404(Series.objects.visible_to(None), slug=slug)

    def title(self, series: Series) -> str:
        return f"{series.title} – Sociable"

    def link(self, series: Series) -> str:
        return series.get_absolute_url()

    def feed_url(self, series: Series) -> str:
        return reverse("stories:series-feed", args=[series.slug])

    def stories(self, series: Series):
        return selectors.out_for(None).filter(series=series)


class TagFeed(StoriesFeed):
    def get_object(self, request, slug: str) -> Skill:
        return get_object_or_404(Skill, slug=slug)

    def title(self, skill: Skill) -> str:
        return f"Stories about {skill.name} – Sociable"

    def link(self, skill: Skill) -> str:
        return reverse("stories:tag", args=[skill.slug])

    def feed_url(self, skill: Skill) -> str:
        return reverse("stories:tag-feed", args=[skill.slug])

    def stories(self, skill: Skill):
        return selectors.out_for(None).filter(tags=skill)
