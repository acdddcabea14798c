"""OWLS groups (Our Workplace Learning and Socials), their events, RSVPs and suggestions.

A group has an audience (who can see it exists); its events are seen by whoever
can see the group. The ``members`` audience makes a group visible to its
members only. Capacity is decided in the database: see services.rsvp_to_event.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from sociable.audience import Audience, AudienceModel, AudienceQuerySet
from sociable.links import reverse

# The pks of the groups a person (the one parameter) is an active member of
# (Membership.Status.ACTIVE): who sees a group, and its boards, whose audience is members.
MEMBER_GROUPS = "SELECT group_id FROM groups_membership WHERE user_id = %s AND status = 'active'"


class GroupQuerySet(AudienceQuerySet):
    group_field = "pk"
    member_groups = MEMBER_GROUPS

    def open(self) -> GroupQuerySet:
        return self.filter(closed_at__isnull=True)


class GroupTag(TaggedItemBase):
    """A group's skills and interests: the same vocabulary as people's profiles."""

    content_object = models.ForeignKey("Group", on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey("profiles.Skill", on_delete=models.CASCADE, related_name="group_tags")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="group_tag_once"),
        ]


class Group(AudienceModel):
    class Kind(models.TextChoices):
        SOCIAL = "social", "Social"
        LEARNING = "learning", "Learning"
        PEER_SUPPORT = "peer_support", "Peer support"
        STAFF_NETWORK = "staff_network", "Staff network"

    class JoinPolicy(models.TextChoices):
        OPEN = "open", "Anyone who can see the group can join"
        APPROVAL = "approval", "Organisers approve each request to join"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    summary = models.CharField(
        max_length=200, help_text="One sentence shown in lists, for example: 'We sing at lunch'."
    )
    description = models.TextField(max_length=5000, blank=True)
    description_html = models.TextField(blank=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SOCIAL)
    join_policy = models.CharField(
        max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    image = models.ImageField(upload_to="group-images/", blank=True)
    image_alt = models.CharField(
        "describe the image",
        max_length=200,
        blank=True,
        db_default="",  # rows written by COPY (seed_scale) name no description
        help_text="For people who cannot see it, for example: Twelve of us singing in the "
        "atrium at Merrion House.",
    )
    tags = TaggableManager(through=GroupTag, blank=True, related_name="owls_groups")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The group's words, kept by PostgreSQL itself: a search matches and ranks on this stored
    # vector through its GIN index instead of computing every group's words per request.
    search_document = models.GeneratedField(
        expression=SearchVector("name", "summary", "description", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = GroupQuerySet.as_manager()

    class Meta(AudienceModel.Meta):
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_document"], name="group_search"),
            # The name's words alone: an event is found by its group's name (groups.search).
            GinIndex(SearchVector("name", config="english"), name="group_name_search"),
            # Names containing the words typed, and for a typo those close enough (``<%``,
            # the connection's pg_trgm.word_similarity_threshold: sociable/settings/base.py).
            # GIN: GiST could also give the nearest names in order, but read a filtered
            # group's names one by one until it had enough (ADR 0019, decision 17).
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="group_name_trgm"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:group-detail", args=[self.slug])

    def has_member(self, user) -> bool:
        return self.memberships.filter(user_id=user.pk, status=Membership.Status.ACTIVE).exists()


class Membership(models.Model):
    class Role(models.TextChoices):
        ORGANISER = "organiser", "Organiser"
        MEMBER = "member", "Member"

    class Status(models.TextChoices):
        PENDING = "pending", "Asked to join"
        ACTIVE = "active", "Member"
        DECLINED = "declined", "Declined"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owls_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    request_message = models.CharField(max_length=500, blank=True)
    decision_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_once"),
        ]
        indexes = [models.Index(fields=["user", "status"], name="membership_by_user")]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.get_status_display()})"


class EventQuerySet(AudienceQuerySet):
    # The audience columns are the group's, copied onto each event (``Event.audience``):
    # ``visible_q`` reads them; ``visible_to`` reads the group's own.
    group_field = "group"
    member_groups = MEMBER_GROUPS

    def visible_to(self, user) -> EventQuerySet:
        """Events of groups ``user`` may see: the rule read on the groups themselves."""
        return self.filter(group__in=Group.objects.visible_to(user))

    def findable_by(self, user) -> EventQuerySet:
        """Events of open groups ``user`` may see, read from the copies of the group's audience
        on each event: the same rows as ``visible_to(user)`` with ``group__closed_at=None``,
        filtered inside the scan of the events' own indexes, not against a subquery of
        every visible group."""
        return self.filter(self.visible_q(user), group_open=True)

    def upcoming(self, now=None) -> EventQuerySet:
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None) -> EventQuerySet:
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")


class EventSeries(models.Model):
    """Sessions that repeat on a rule: weekly, fortnightly, or monthly on the nth weekday.

    Every session of a series is an ``Event`` of its own (``occurrences``), made when the
    series is, so that replies, places, lists and searches treat it as any other event. The
    series keeps the rule, for the series page and for calendar apps (an RRULE: see
    ``groups.recurrence``). A series always ends: on a date or after a count of sessions.
    """

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Every week"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Every month, on the same weekday"

    group = models.ForeignKey("Group", on_delete=models.CASCADE, related_name="series")
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    # For a monthly series: which weekday of the month (1 to 4, or -1 for the last).
    monthly_week = models.SmallIntegerField(null=True, blank=True)
    # The first session's start (the rule's DTSTART), read in UK time.
    starts_at = models.DateTimeField()
    until = models.DateField(null=True, blank=True)
    count = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=False) | Q(count__isnull=False), name="series_ends"
            ),
        ]

    def __str__(self) -> str:
        return self.describe()

    def get_absolute_url(self) -> str:
        return reverse("groups:series-detail", args=[self.group.slug, self.pk])

    def describe(self) -> str:
        """The rule in words: 'Every Tuesday at 18:00, until 30 June 2027'."""
        from .recurrence import Rule

        return Rule.of(self).describe()


class Event(models.Model):
    class Kind(models.TextChoices):
        SOCIAL = "social", "Social"
        LEARNING = "learning", "Learning session"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(max_length=150)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SOCIAL)
    description = models.TextField(max_length=5000, blank=True)
    description_html = models.TextField(blank=True, editable=False)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(
        "place", max_length=200, blank=True, help_text="For example: Civic Hall, room 3."
    )
    online_url = models.URLField("online link", blank=True, max_length=500)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Leave empty for no limit."
    )
    rsvp_deadline = models.DateTimeField("replies close", null=True, blank=True)
    skill = models.ForeignKey(
        "profiles.Skill",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        help_text="For a learning session: the skill it teaches.",
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(
        default=0, help_text="iCalendar SEQUENCE: goes up with every change."
    )
    cancel_reason = models.CharField(
        "reason", max_length=500, blank=True, db_default="", help_text="Told to everyone going."
    )
    # A session of a series: ``original_start`` is where the rule put it (iCalendar's
    # RECURRENCE-ID), kept when the session moves; ``detached`` when it was changed on its
    # own, so calendar apps are sent it apart from the rule.
    series = models.ForeignKey(
        EventSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="occurrences",
    )
    original_start = models.DateTimeField(null=True, blank=True)
    detached = models.BooleanField(default=False, db_default=False)
    guests_allowed = models.BooleanField(
        "people without an account can sign up",
        default=False,
        db_default=False,
        help_text="For example partners or residents invited to a social. They give a name "
        "and an email address, and confirm by email.",
    )
    # Up to three questions asked when people reply, for example about access or dietary
    # needs: answers may be special-category data, seen by organisers only and deleted
    # after the event (see groups.organisers).
    questions = models.JSONField(default=list, blank=True, db_default=[])
    # Copies of the group's audience and of whether it is open, for searches and lists that
    # filter events by who may see them inside one index scan (groups.search). Written by
    # the database, never by the code (migration 0003): on every insert or save of an
    # event, from its group; and on every event of a group whose audience or closing changes,
    # with the group. ``Event.objects.visible_to`` still reads the group itself.
    audience = models.CharField(
        max_length=20, choices=Audience.choices, default=Audience.COMMUNITY, editable=False
    )
    audience_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.DO_NOTHING,  # the group's own key protects the organisation
        null=True,
        blank=True,
        editable=False,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    group_open = models.BooleanField(default=True, editable=False)
    # The event's own words, kept by PostgreSQL itself (its group's and skill's names are
    # matched through their own indexes: see groups.search).
    search_document = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="english")
        + SearchVector("description", "location", weight="C", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["group", "starts_at"], name="event_by_group"),
            models.Index(fields=["series", "starts_at"], name="event_by_series"),
            # What's on: events to come of open groups, in order of start (groups.whats_on).
            models.Index(
                fields=["starts_at", "id"],
                condition=Q(cancelled_at__isnull=True, group_open=True),
                name="event_coming",
            ),
            # A skill's or a group's events not yet over and not cancelled (a skill's page:
            # selectors.events_about; a group's next event: with_list_data). By ``ends_at``,
            # not ``starts_at``: the range scan reads only the upcoming ones, however long
            # the history; they are few, and sorted after.
            models.Index(
                fields=["skill", "ends_at"],
                condition=Q(cancelled_at__isnull=True),
                name="event_upcoming_by_skill",
            ),
            models.Index(
                fields=["group", "ends_at"],
                condition=Q(cancelled_at__isnull=True),
                name="event_upcoming_by_group",
            ),
            GinIndex(fields=["search_document"], name="event_search"),
            # Titles containing the words typed, and for a typo those close enough (as a
            # group's name: group_name_trgm).
            GinIndex(OpClass(Upper("title"), name="gin_trgm_ops"), name="event_title_trgm"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("groups:event-detail", args=[self.group.slug, self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def replies_closed(self) -> bool:
        return self.rsvp_deadline is not None and timezone.now() > self.rsvp_deadline


class RSVP(models.Model):
    class Status(models.TextChoices):
        GOING = "going", "Going"
        WAITLISTED = "waitlisted", "On the waiting list"
        NOT_GOING = "not_going", "Not going"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    # When the person joined the waiting list: its order (first come, first served).
    queued_at = models.DateTimeField(null=True, blank=True)
    # Answers to the event's questions, by question: organisers only, deleted after the event.
    answers = models.JSONField(default=dict, blank=True, db_default={})
    # Whether they came, as the organiser ticked it (None: not yet said).
    attended = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="rsvp_once"),
        ]
        indexes = [
            models.Index(fields=["event", "status", "queued_at"], name="rsvp_by_status"),
            models.Index(fields=["user", "status"], name="rsvp_by_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_status_display().lower()} to {self.event}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Guest(models.Model):
    """Someone without an account who signs up to an event that allows guests.

    They give a name and an email address and confirm by a link sent to it (double opt-in):
    until then they hold no place. Once confirmed they share the event's places and waiting
    list with members, in order of replying. Their ``token`` is the secret in every link
    they are sent (confirm, cancel). Seen by organisers only; deleted 30 days after the event.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for email confirmation"
        GOING = "going", "Going"
        WAITLISTED = "waitlisted", "On the waiting list"
        CANCELLED = "cancelled", "Not going"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    queued_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True, db_default={})
    attended = models.BooleanField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint("event", Lower("email"), name="guest_once"),
        ]
        indexes = [
            models.Index(fields=["event", "status", "queued_at"], name="guest_by_status"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (guest) {self.get_status_display().lower()} to {self.event_id}"


class CalendarFeed(models.Model):
    """A private address for a person's calendar of the events they are going to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar of {self.user}"


class Suggestion(models.Model):
    """A group or session someone wishes existed; others back it."""

    class Kind(models.TextChoices):
        GROUP = "group", "A group"
        SESSION = "session", "A learning session"

    title = models.CharField(max_length=150)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GROUP)
    description = models.TextField(max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    fulfilled_group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fulfilled_event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    backers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Backing", related_name="backed_suggestions"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Backing(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "user"], name="backing_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} backs {self.suggestion}"
