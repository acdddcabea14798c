"""Boards, threads and threaded posts, and what moderators need to keep them safe.

Posts form a tree: each post has a materialised ``path`` (its ancestors' sequence
numbers, zero-padded), so ordering by path gives the thread in tree order and any
page of a 10,000-post thread is one indexed range read. Below ``MAX_DEPTH`` a
reply is stored beside its parent's branch instead of deeper, but keeps
``parent`` so the page says who it replies to.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from taggit.managers import TaggableManager

from groups.models import MEMBER_GROUPS, Group
from sociable.audience import Audience, AudienceModel, AudienceQuerySet
from sociable.links import reverse

MAX_DEPTH = 4  # nesting stops here; every reply says in words whom it answers
SEQ_WIDTH = 7  # digits per path segment: up to 9,999,999 posts a thread


def place_in_tree(seq: int, parent: tuple[str, int] | None = None) -> tuple[str, int]:
    """The ``path`` and ``depth`` of a thread's post number ``seq``, replying to the post
    whose path and depth are ``parent`` (None: to the thread)."""
    segment = f"{seq:0{SEQ_WIDTH}d}"
    if parent is None:
        return segment, 0
    path, depth = parent
    if depth >= MAX_DEPTH:  # deep enough: beside the parent's branch, still "replying to" it
        return (f"{path.rsplit('.', 1)[0]}.{segment}" if "." in path else segment), depth
    return f"{path}.{segment}", depth + 1


# Why a post was hidden when reports hid it and no moderator has acted yet (a moderator who
# hides it gives a reason of their own).
AUTO_HIDDEN_REASON = "Hidden after several reports, until a moderator reviews it."


class BoardQuerySet(AudienceQuerySet):
    group_field = "members_group"
    member_groups = MEMBER_GROUPS


# Addresses under /forums/ that are pages of their own, never a board's slug.
RESERVED_SLUGS = ["t", "p", "follow", "search", "moderation"]


def not_reserved(slug: str) -> None:
    if slug in RESERVED_SLUGS:
        raise ValidationError(f"“{slug}” is used by another page: choose another address.")


class Board(AudienceModel):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True, validators=[not_reserved])
    description = models.CharField(max_length=300, blank=True)
    group = models.OneToOneField(
        "groups.Group",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="board",
        help_text="A group's own board: only its members see it (audience 'members').",
    )
    position = models.PositiveSmallIntegerField(default=0)
    # Where stories' comments live (``stories.comments``), one board per audience: never
    # listed, followed or written in as a board; each thread is reached from its story.
    for_stories = models.BooleanField(default=False, editable=False)
    # The group whose members-only stories' comments the board holds (its members see it).
    story_group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, null=True, blank=True, editable=False,
        related_name="+",
    )  # fmt: skip
    # The group whose members see a board for its members: its own board's or its stories'.
    members_group = models.GeneratedField(
        expression=Coalesce("group", "story_group"),
        output_field=models.BigIntegerField(null=True),
        db_persist=True,
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="moderated_boards",
        help_text="Moderators limited to some boards. A moderator listed on no board "
        "moderates every board.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BoardQuerySet.as_manager()

    class Meta(AudienceModel.Meta):
        ordering = ["position", "name"]
        permissions = [("moderate_board", "Can moderate discussions")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forums:board-detail", args=[self.slug])

    def has_member(self, user) -> bool:
        # The group's own rule, asked without fetching the group.
        group_id = self.group_id or self.story_group_id
        return group_id is not None and Group(pk=group_id).has_member(user)


class ThreadQuerySet(models.QuerySet):
    def visible_to(self, user) -> ThreadQuerySet:
        return self.filter(board__in=Board.objects.visible_to(user))


class Thread(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="threads"
    )
    tags = TaggableManager(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    post_count = models.PositiveIntegerField(default=0)
    next_seq = models.PositiveIntegerField(default=1)
    is_locked = models.BooleanField(default=False)
    is_pinned = models.BooleanField(default=False)
    # The comments of a story: its page is the story's (``registry.thread_pages``).
    for_story = models.BooleanField(default=False, editable=False)
    # Moderation of the whole thread (``forums.moderation``): a hidden thread is out of
    # every list and search for all but its board's moderators; a deleted one for all;
    # a merged one leads to the thread that took its posts.
    hidden_at = models.DateTimeField(null=True, blank=True)
    # (A default in the database too: the scale seeding writes threads by COPY without it.)
    hidden_reason = models.CharField(max_length=300, blank=True, default="", db_default="")
    deleted_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at"]
        indexes = [
            models.Index(
                fields=["board", "-is_pinned", "-last_activity_at"], name="thread_board_activity"
            ),
            # The board list: each board's count of threads and its latest one, read from
            # the index alone rather than every thread of the board.
            models.Index(
                fields=["board", "-last_activity_at"],
                condition=models.Q(post_count__gt=0),
                name="thread_board_latest",
            ),
            # Home's new threads of followed boards: those started in the last days, read
            # from the index rather than every thread of the board.
            models.Index(
                fields=["board", "-created_at"],
                condition=models.Q(post_count__gt=0),
                name="thread_board_newest",
            ),
            GinIndex(SearchVector("title", config="english"), name="thread_title_search"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:thread-detail", args=[self.pk, self.slug or "thread"])


class PostQuerySet(models.QuerySet):
    def published(self) -> PostQuerySet:
        return self.filter(status=Post.Status.PUBLISHED)

    def readable(self) -> PostQuerySet:
        """Posts anyone who may read their board may read: published, neither hidden nor
        deleted (``LIVE``)."""
        return self.filter(LIVE)


OPENING_PATH = f"{1:0{SEQ_WIDTH}d}"
# A post anyone who may read its board may read (and find): the condition of the partial
# search indexes, written the same way in every query that means to use them.
LIVE = Q(status="published", hidden_at__isnull=True, deleted_at__isnull=True)
# The audiences whose posts are searched by board (a board's own organisation or group).
BY_BOARD = [Audience.ORGANISATION.value, Audience.MEMBERS.value]


class Post(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        PENDING = "pending", "Waiting for approval"

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="posts"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies"
    )
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField(default=0)
    body = models.TextField()
    body_html = models.TextField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    # Copies of its board's audience, so a search filters by audience inside the index scan
    # of the post's own words (forums.search). The database writes them (migration 0007's
    # triggers) from the thread's board whenever a post is written or its thread moves, and
    # on every post of a board whose audience changes: whatever is sent here is replaced.
    # The rule stays the board's (``Board.objects.visible_to``); these only copy its inputs.
    board = models.ForeignKey(
        Board, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
        editable=False, related_name="+",
    )  # fmt: skip
    audience = models.CharField(max_length=20, choices=Audience.choices, editable=False)
    audience_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.DO_NOTHING, db_constraint=False,
        db_index=False, null=True, editable=False, related_name="+",
    )  # fmt: skip
    # A copy of whether its thread is listed (no moderator hid or deleted it), so a search
    # keeps only the posts of listed threads without reading each post's thread (ADR 0019,
    # decision 19). Written by the database as the board's copies are (migration 0012's
    # triggers): from the thread whenever a post is written, and on every post of a thread
    # hidden, shown again, deleted or restored. Whatever is sent here is replaced.
    thread_listed = models.BooleanField(db_default=True, editable=False)
    # The body's words, kept by PostgreSQL itself: searches match and rank on this stored
    # vector instead of re-reading every matching body (2.5 s for a common word at S).
    search_document = models.GeneratedField(
        expression=SearchVector("body", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["thread", "path"], name="post_path_unique"),
        ]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="post_by_author"),
            # The words of the live posts of each audience, apart, so a search reads only
            # what the searcher's audience may see (and a common word stops at the cap).
            *(
                GinIndex(
                    fields=["search_document"],
                    condition=LIVE & Q(audience=audience),
                    name=f"post_text_{audience}",
                )
                for audience in (Audience.PUBLIC, Audience.COMMUNITY, Audience.STAFF)
            ),
            # An organisation's and a group's boards: searched board by board (btree_gin).
            GinIndex(
                fields=["board", "search_document"],
                condition=LIVE & Q(audience__in=BY_BOARD),
                name="post_text_by_board",
            ),
            # The opening posts of the threads whose titles match.
            models.Index(fields=["thread"], condition=Q(path=OPENING_PATH), name="post_opening"),
            # A reader's own posts waiting for a moderator, asked on every thread page:
            # without it PostgreSQL reads the whole thread (10,000 rows) to find none.
            models.Index(
                fields=["author", "thread"],
                condition=models.Q(status="pending"),
                name="post_waiting_by_author",
            ),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        return reverse("forums:post-permalink", args=[self.pk])

    @property
    def is_opening(self) -> bool:
        return self.parent_id is None and self.path == OPENING_PATH

    @property
    def is_answerable(self) -> bool:
        """Whether anyone may read, reply to and quote it (``services.reply`` checks too)."""
        return self.status == self.Status.PUBLISHED and not (self.hidden_at or self.deleted_at)

    @property
    def hidden_automatically(self) -> bool:
        """Hidden by the reports rule (``services.report_post``), not yet by a moderator."""
        return self.hidden_at is not None and self.hidden_reason == AUTO_HIDDEN_REASON


class PostRevision(models.Model):
    """The text a post had before an edit (moderators can read the history)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-edited_at"]

    def __str__(self) -> str:
        return f"Revision of {self.post_id} at {self.edited_at:%Y-%m-%d %H:%M}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        THANKS = "thanks", "Thanks"
        HELPFUL = "helpful", "Helpful"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="reaction_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.post_id}"


class Mention(models.Model):
    """Someone @mentioned in a post (who could see the thread when it was written)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="mention_once")]

    def __str__(self) -> str:
        return f"@{self.user} in {self.post_id}"


class Subscription(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_subscriptions"
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(thread__isnull=True, board__isnull=False)
                | Q(thread__isnull=False, board__isnull=True),
                name="subscription_to_one_thing",
            ),
            models.UniqueConstraint(fields=["user", "thread"], name="subscription_thread_once"),
            models.UniqueConstraint(fields=["user", "board"], name="subscription_board_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.thread or self.board}"


class ReadMarker(models.Model):
    """How far someone has read a thread: anything newer is unread."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_markers")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="read_once")]

    def __str__(self) -> str:
        return f"{self.user} read {self.thread_id}"


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSIVE = "abusive", "Abusive or harassing"
        OFF_TOPIC = "off_topic", "Off-topic"
        PERSONAL_DATA = "personal_data", "Shares someone's personal data"
        ILLEGAL = "illegal", "Illegal"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Acted on"
        DISMISSED = "dismissed", "Dismissed"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="report_once_per_person"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="report_queue")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} report on post {self.post_id}"


class SuspensionQuerySet(models.QuerySet):
    def active(self) -> SuspensionQuerySet:
        """Suspensions in force now: not yet over, not lifted; the longest first."""
        return self.filter(until__gt=timezone.now(), lifted_at__isnull=True).order_by("-until")


class Suspension(models.Model):
    """A person may read but not write until ``until``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions"
    )
    until = models.DateTimeField()
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = SuspensionQuerySet.as_manager()

    class Meta:
        ordering = ["-until"]
        indexes = [models.Index(fields=["user", "until"], name="suspension_by_user")]

    def __str__(self) -> str:
        return f"{self.user} suspended until {self.until:%Y-%m-%d %H:%M}"


class ModerationLog(models.Model):
    """Who did what, when and why: written once, never changed (the database refuses)."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hid a post"
        UNHIDE = "unhide", "Showed a hidden post"
        APPROVE = "approve", "Approved a post"
        LOCK = "lock", "Locked a thread"
        UNLOCK = "unlock", "Unlocked a thread"
        PIN = "pin", "Pinned a thread"
        UNPIN = "unpin", "Unpinned a thread"
        MOVE = "move", "Moved a thread"
        SUSPEND = "suspend", "Suspended an account"
        LIFT = "lift", "Lifted a suspension"
        CLAIM = "claim", "Claimed a report"
        RESOLVE = "resolve", "Resolved a report"
        DISMISS = "dismiss", "Dismissed a report"
        AUTO_HIDE = "auto_hide", "Hid a post after three reports"
        HIDE_THREAD = "hide_thread", "Hid a thread"
        UNHIDE_THREAD = "unhide_thread", "Showed a hidden thread"
        DELETE_THREAD = "delete_thread", "Deleted a thread"
        RETITLE = "retitle", "Retitled a thread"
        MERGE = "merge", "Merged two threads"
        SPLIT = "split", "Split a thread"
        EDIT_POST = "edit_post", "Edited a post"
        APPEAL_UPHELD = "appeal_upheld", "Upheld an appeal (undid the action)"
        APPEAL_REFUSED = "appeal_refused", "Turned down an appeal"
        WATCHED_WORD = "watched_word", "Held or flagged for a watched word"
        ARCHIVE_PROFILE = "archive_profile", "Archived the profile of someone who has left"

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.CharField(max_length=300, blank=True)
    post = models.ForeignKey(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The account acted on.",
    )
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class Mute(models.Model):
    """A person hears nothing of a thread or a board, and does not see it in their lists of
    new things (``forums.mutes``). Private to them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(thread__isnull=True) ^ Q(board__isnull=True),
                name="mute_thread_or_board",
            ),
            models.UniqueConstraint(fields=["user", "thread"], name="mute_thread_once"),
            models.UniqueConstraint(fields=["user", "board"], name="mute_board_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} mutes {self.thread or self.board}"
