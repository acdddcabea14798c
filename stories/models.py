"""Stories: an author's long-form post, working in the open.

A story is a draft until its author publishes it; publishing may be set for a later time,
and the story stays out of every list and page until then (``published_at`` in the future
is a scheduled story: no job has to run for it to appear on time). Someone who may not
publish on their own (a community member, or anyone writing for a series they do not
write for) proposes the story instead; an editor asks for changes or publishes it under
its writer's name: a guest post.

A story's audience is the one rule's (``AudienceModel``); a group's story may be for the
group's members. A series ("Digital team weeknotes") gathers stories by a few co-authors.
Comments are a forums thread (``stories.comments``): the forums' tree, reactions, reports
and moderation, one queue and log for everything.
"""

from __future__ import annotations

import math
import re

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from groups.models import MEMBER_GROUPS, Group
from sociable.accounts.models import User
from sociable.audience import AudienceModel, AudienceQuerySet
from sociable.links import reverse

WORDS_A_MINUTE = 200
_WORD = re.compile(r"\w+")


def reading_minutes(text: str) -> int:
    """Minutes an adult reads ``text`` in, at least one."""
    return max(1, math.ceil(len(_WORD.findall(text or "")) / WORDS_A_MINUTE))


class StoryTag(TaggedItemBase):
    """A story's skills and interests: the vocabulary of people's profiles and groups."""

    content_object = models.ForeignKey("Story", on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey("profiles.Skill", on_delete=models.CASCADE, related_name="story_tags")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="story_tag_once"),
        ]


class SeriesQuerySet(AudienceQuerySet):
    group_field = "group"
    member_groups = MEMBER_GROUPS


class Series(AudienceModel):
    """Stories told over time by a few people: "Digital team weeknotes", weekly."""

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "Every week"
        FORTNIGHTLY = "fortnightly", "Every fortnight"
        MONTHLY = "monthly", "Every month"
        OCCASIONAL = "occasional", "Now and then"

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    summary = models.CharField(max_length=300, blank=True)
    cadence = models.CharField(max_length=12, choices=Cadence.choices, default=Cadence.WEEKLY)
    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    writers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="story_series",
        help_text="Co-authors: they publish in the series, and review what guests propose.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SeriesQuerySet.as_manager()

    class Meta(AudienceModel.Meta):
        ordering = ["title"]
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stories:series", args=[self.slug])

    def has_member(self, user) -> bool:
        return self.group_id is not None and Group(pk=self.group_id).has_member(user)


EDIT_STORIES = "edit_stories"


def editors():
    """The accounts with the right to review, publish and feature anyone's stories (through
    a role, such as "Story editors", or their own), superusers too."""
    right = Q(codename=EDIT_STORIES, content_type__app_label="stories")
    granted = Permission.objects.filter(right)
    return User.objects.filter(
        Q(is_superuser=True) | Q(groups__permissions__in=granted) | Q(user_permissions__in=granted),
        is_active=True,
    ).distinct()


class StoryQuerySet(AudienceQuerySet):
    group_field = "group"
    member_groups = MEMBER_GROUPS

    def out(self, now=None) -> StoryQuerySet:
        """Published, and not waiting for its time: what lists, feeds and search show (to
        each story's audience)."""
        return self.filter(status=Story.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def readable_by(self, user, now=None) -> StoryQuerySet:
        """What ``user`` may open: stories out and in their audience; their own, in any
        state (to write and preview them); and what is proposed to them to review (every
        proposal for an editor, those of their series for a series' writer)."""
        q = self.visible_q(user) & Q(
            status=Story.Status.PUBLISHED, published_at__lte=now or timezone.now()
        )
        user = getattr(user, "user", user)  # a Viewer's account
        if user is not None and user.is_authenticated and user.is_active:
            q |= Q(author_id=user.pk)
            if user.is_superuser:
                q |= Q(status=Story.Status.PROPOSED)
            else:
                # Asked in the same query (not ``has_perm``, two more): lists of
                # notifications ask this of every story they name.
                q |= Q(status=Story.Status.PROPOSED) & (
                    Exists(editors().filter(pk=user.pk))
                    | Exists(
                        Series.writers.through.objects.filter(
                            series_id=OuterRef("series_id"), user_id=user.pk
                        )
                    )
                )
        return self.filter(q)


class Story(AudienceModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROPOSED = "proposed", "Waiting for an editor"
        CHANGES = "changes", "Changes asked for"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160)
    summary = models.CharField(
        max_length=300, help_text="One or two sentences shown in lists and feeds."
    )
    body = models.TextField(
        max_length=40_000,
        help_text="You can use Markdown: **bold**, lists, links, ## headings. "
        "Put an image where you want it with [image 1], [image 2] on a line of its own.",
    )
    body_html = models.TextField(blank=True, editable=False)
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="stories"
    )
    series = models.ForeignKey(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="stories"
    )
    group = models.ForeignKey(
        "groups.Group", on_delete=models.SET_NULL, null=True, blank=True, related_name="stories"
    )
    tags = TaggableManager(through=StoryTag, blank=True, related_name="stories")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # When it is (or will be) out: in the future, the story is scheduled.
    published_at = models.DateTimeField(null=True, blank=True)
    # When followers were told (``tasks.announce``), once.
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    featured = models.BooleanField(default=False)
    # A guest post: the editor who published it, and what they last asked the writer.
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    review_note = models.CharField(max_length=1000, blank=True, editable=False)
    thread = models.OneToOneField(
        "forums.Thread",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="story",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    search_document = models.GeneratedField(
        expression=SearchVector("title", "summary", "body", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = StoryQuerySet.as_manager()

    class Meta(AudienceModel.Meta):
        ordering = ["-published_at", "-pk"]
        verbose_name_plural = "stories"
        permissions = [("edit_stories", "Can review, publish and feature anyone's stories")]
        constraints = [
            *AudienceModel.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(audience="members") | Q(group__isnull=False),
                name="story_members_of_a_group",
                violation_error_message="Only a group's story can be for its members alone.",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="story_published_when",
            ),
        ]
        indexes = [
            # Lists and feeds: the newest out, read in order until a page is found.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="story_out",
            ),
            models.Index(
                fields=["author", "-published_at"],
                condition=Q(status="published"),
                name="story_out_by_author",
            ),
            models.Index(
                fields=["series", "-published_at"],
                condition=Q(status="published"),
                name="story_out_in_series",
            ),
            models.Index(fields=["author", "-updated_at"], name="story_by_author"),
            models.Index(fields=["status"], condition=Q(status="proposed"), name="story_proposed"),
            models.Index(
                fields=["-published_at"],
                condition=Q(status="published", featured=True),
                name="story_featured",
            ),
            # Stories whose followers are still to be told (``tasks.any_due``, every minute).
            models.Index(
                fields=["published_at"],
                condition=Q(status="published", announced_at__isnull=True),
                name="story_to_announce",
            ),
            GinIndex(
                fields=["search_document"], condition=Q(status="published"), name="story_words"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stories:detail", args=[self.pk, self.slug or "story"])

    def has_member(self, user) -> bool:
        return self.group_id is not None and Group(pk=self.group_id).has_member(user)

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def is_out(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_guest_post(self) -> bool:
        return self.published_by_id is not None and self.published_by_id != self.author_id


class Revision(models.Model):
    """What a story said before an edit: its author and editors can read the history."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=150)
    summary = models.CharField(max_length=300)
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-edited_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.story_id} before {self.edited_at:%Y-%m-%d %H:%M}"


class Image(models.Model):
    """A picture in a story, kept at a few widths (``stories.images``) and served only to
    people who may see its story."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="images")
    number = models.PositiveSmallIntegerField(help_text="[image 1] in the text places it.")
    alt = models.CharField(
        "describe the image",
        max_length=300,
        help_text="For people who cannot see it: what it shows, in a sentence.",
    )
    caption = models.CharField(max_length=300, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    widths = models.JSONField(default=list, help_text="The widths it is kept at.")
    key = models.CharField(max_length=100, editable=False, help_text="Where its files are.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["story", "number"]
        constraints = [
            models.UniqueConstraint(fields=["story", "number"], name="story_image_number_once")
        ]

    def __str__(self) -> str:
        return f"Image {self.number} of story {self.story_id}"

    def file_name(self, width: int) -> str:
        return f"story-images/{self.key}-{width}.jpg"

    def url(self, width: int) -> str:
        return reverse("stories:image", args=[self.story_id, self.number, width])


class Follow(models.Model):
    """Someone following an author or a series: home and notifications carry their stories."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="story_follows"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="story_followers",
    )
    series = models.ForeignKey(
        Series, on_delete=models.CASCADE, null=True, blank=True, related_name="followers"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(author__isnull=True, series__isnull=False)
                | Q(author__isnull=False, series__isnull=True),
                name="story_follow_one_thing",
            ),
            models.UniqueConstraint(fields=["follower", "author"], name="story_follow_author"),
            models.UniqueConstraint(fields=["follower", "series"], name="story_follow_series"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.author_id or self.series_id}"
