"""Profiles, the skills vocabulary, teams and places.

A profile's fields fall into groups, each with its own audience (PRODUCT.md's
rule, see ``FieldGroup``); a group is never shown to more people than the
profile itself. Skills, interests, languages and staff networks share one
vocabulary (``Skill``), attached to profiles through ``ProfileSkill`` with the
relation (can teach, has, wants to learn, ...).
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Greatest, Upper
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import TagBase

from sociable.audience import Audience, AudienceQuerySet
from sociable.links import reverse

from .vocabulary import normalise_name, skill_key

# The audiences a profile or one of its field groups may have (no group audience here).
PROFILE_AUDIENCES = [
    (Audience.PUBLIC.value, "Everyone, including people who are not signed in"),
    (Audience.COMMUNITY.value, "Anyone signed in, including community members"),
    (Audience.STAFF.value, "Staff of all the partner organisations"),
    (Audience.ORGANISATION.value, "Staff of my organisation only"),
]
AUDIENCE_ORDER = [value for value, _ in PROFILE_AUDIENCES]
STALE_AFTER = timedelta(days=182)  # six months
# A new starter: in their first three months, or in the weeks before their first day.
NEW_STARTER_FOR = timedelta(days=90)
NEW_STARTER_EARLY = timedelta(days=60)


def starting_around(started: date, today: date) -> bool:
    """Whether someone who started (or starts) on ``started`` is a new starter on ``today``."""
    return today - NEW_STARTER_FOR <= started <= today + NEW_STARTER_EARLY


def audience_field(label: str, default: str) -> models.CharField:
    """Who may see a profile, or one group of its fields."""
    return models.CharField(label, max_length=20, choices=PROFILE_AUDIENCES, default=default)


class Skill(TagBase):
    """A skill, interest, language or staff network: one page each at /skills/<slug>/."""

    class Kind(models.TextChoices):
        SKILL = "skill", "Skill"
        INTEREST = "interest", "Interest or experience outside work"
        LANGUAGE = "language", "Language"
        NETWORK = "network", "Staff network"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SKILL)
    key = models.CharField(
        max_length=100,
        unique=True,
        editable=False,
        help_text="The name folded to lower case, letters and digits: catches near-duplicates.",
    )
    description = models.TextField(blank=True, max_length=1000)
    curated = models.BooleanField(
        default=False, help_text="Part of the starting vocabulary, suggested first."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="skill_name_trgm"),
            # For searches: the name's words, and the nearest names to a typo (GiST finds
            # those without scoring every name).
            GinIndex(SearchVector("name", config="english"), name="skill_name_search"),
            GistIndex(OpClass(Upper("name"), name="gist_trgm_ops"), name="skill_name_nearest"),
        ]

    def save(self, *args, **kwargs):
        self.name = normalise_name(self.name)
        self.key = skill_key(self.name)
        super().save(*args, **kwargs)

    def slugify(self, tag: str, i: int | None = None) -> str:
        """taggit's address for a name; for a name of signs alone ("&", "+"), which has
        none, one from its folded key ("and") or "skill", so its page can be linked."""
        slug = super().slugify(tag, i)
        if slug.strip("_-0123456789"):
            return slug
        base = slugify(skill_key(tag).replace("+", " plus ").replace("#", " sharp ")) or "skill"
        return base if i is None else f"{base}_{i}"

    def get_absolute_url(self) -> str:
        # The page itself is composed in sociable/ (people here, groups beside them).
        return reverse("skill-detail", args=[self.slug])


class SkillAlias(models.Model):
    """A name that was merged into another skill; typing it again finds the survivor."""

    key = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=100)
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name_plural = "skill aliases"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} → {self.skill}"


class Team(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=180, unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_per_org"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("profiles:team-detail", args=[self.slug])


class Place(models.Model):
    """A building people work in; floors are recorded on each profile."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=180, unique=True)
    address = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("profiles:place-detail", args=[self.slug])


class ProfileQuerySet(AudienceQuerySet):
    organisation_field = "user__organisation"

    def active(self) -> "ProfileQuerySet":
        """Profiles of people still here: not archived, account not deactivated."""
        return self.filter(archived_at__isnull=True, user__is_active=True)

    def listed(self) -> "ProfileQuerySet":
        """Profiles that appear in the directory, skill, team and place pages."""
        return self.active().filter(in_directory=True)

    def stale(self, now=None) -> "ProfileQuerySet":
        """Profiles neither updated nor confirmed for six months."""
        cutoff = (now or timezone.now()) - STALE_AFTER
        return (
            self.active()
            .alias(last_checked=Greatest("updated_at", "confirmed_at"))
            .filter(last_checked__lt=cutoff)
        )


class Profile(models.Model):
    class Weekday(models.TextChoices):
        MON = "mon", "Monday"
        TUE = "tue", "Tuesday"
        WED = "wed", "Wednesday"
        THU = "thu", "Thursday"
        FRI = "fri", "Friday"
        SAT = "sat", "Saturday"
        SUN = "sun", "Sunday"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # About you
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    photo = models.ImageField(upload_to="profile-photos/", blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    bio = models.TextField("about me", max_length=4000, blank=True)
    bio_html = models.TextField(blank=True, editable=False)
    # Where you work
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="profiles"
    )
    place = models.ForeignKey(
        Place, on_delete=models.SET_NULL, null=True, blank=True, related_name="profiles"
    )
    floor = models.CharField("floor or room", max_length=60, blank=True)
    working_days = ArrayField(
        models.CharField(max_length=3, choices=Weekday.choices), default=list, blank=True
    )
    # How to reach you
    phone = models.CharField("work phone", max_length=40, blank=True)
    mobile = models.CharField("work mobile", max_length=40, blank=True)
    other_contact = models.CharField(
        "other ways to reach me",
        max_length=300,
        blank=True,
        help_text="For example your Teams or Slack name, or when you are usually free.",
    )
    # What you do and know
    working_on = models.TextField("currently working on", max_length=1000, blank=True)
    ask_me_about = models.TextField(max_length=1000, blank=True)
    open_to_chat = models.BooleanField("open to a chat about what I do", default=False)
    open_to_loan = models.BooleanField("open to a short loan or secondment", default=False)
    open_to_shadowing = models.BooleanField("happy to be shadowed", default=False)
    open_to_mentoring = models.BooleanField("open to mentoring", default=False)
    open_to_buddy = models.BooleanField("happy to buddy a new starter", default=False)
    # From the HR import: new starters may ask for a buddy in their first months.
    started_on = models.DateField("started here on", null=True, blank=True, editable=False)
    show_interests = models.BooleanField(
        "show my interests and experience outside work", default=False
    )
    skills = models.ManyToManyField(Skill, through="ProfileSkill", related_name="profiles")
    # Who sees what
    in_directory = models.BooleanField("list me in the directory", default=True)
    audience = audience_field("who can see my profile", Audience.COMMUNITY)
    contact_audience = audience_field("who can see how to reach me", Audience.STAFF)
    location_audience = audience_field("who can see my team and where I work", Audience.STAFF)
    skills_audience = audience_field(
        "who can see my skills and what I'm working on", Audience.COMMUNITY
    )
    about_audience = audience_field("who can see 'about me'", Audience.COMMUNITY)
    interests_audience = audience_field("who can see my interests outside work", Audience.STAFF)
    # Keeping it fresh
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user__name"]
        indexes = [
            # Who arrived lately in a team or building (home), read from the index rather
            # than everyone there; the foreign keys' own indexes serve the plain lookups.
            models.Index(fields=["team", "-created_at"], name="profile_team_newest"),
            models.Index(fields=["place", "-created_at"], name="profile_place_newest"),
            models.Index(
                Greatest("updated_at", "confirmed_at"),
                name="profile_last_checked",
                condition=Q(archived_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("profiles:profile-detail", args=[self.user.username])

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.user.display_name

    @property
    def started_recently(self) -> bool:
        """Whether HR says this person is a new starter (home then offers them a buddy)."""
        today = timezone.localdate()
        return self.started_on is not None and starting_around(self.started_on, today)

    @property
    def working_days_display(self) -> str:
        names = dict(self.Weekday.choices)
        return ", ".join(names[day] for day in self.working_days if day in names)

    @property
    def last_checked(self):
        return max(self.updated_at, self.confirmed_at)

    @property
    def is_stale(self) -> bool:
        return self.last_checked < timezone.now() - STALE_AFTER


class ProfileSkill(models.Model):
    class Relation(models.TextChoices):
        TEACH = "teach", "Can teach"
        HAS = "has", "Has"
        LEARN = "learn", "Wants to learn"
        INTEREST = "interest", "Interest outside work"
        LANGUAGE = "language", "Speaks"
        NETWORK = "network", "Staff network"

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="profile_skills")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="profile_skills")
    relation = models.CharField(max_length=10, choices=Relation.choices)
    # Who may see that this person holds it, copied from the profile's audiences by
    # profiles.holdings (the audience rule's inputs; tests hold the copy to the rule):
    # the narrowest class that sees it (HOLDING_LEVELS), NULL when only its owner may or
    # the profile is not listed; and, at the organisation class, the owner's organisation.
    level = models.SmallIntegerField(null=True, blank=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        editable=False,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "skill", "relation"], name="profile_skill_once"
            ),
        ]
        indexes = [
            # A skill's people, newest first (best_matches).
            models.Index(fields=["skill", "relation", "-id"], name="profileskill_by_skill"),
            # A skill's people a class sees, newest first (selectors.people_with_skill): an
            # index range of the page's rows, whoever holds the skill.
            models.Index(
                fields=["skill", "relation", "level", "-id"],
                include=["profile"],
                condition=Q(level__isnull=False),
                name="profileskill_seen_by_class",
            ),
            models.Index(
                fields=["skill", "relation", "organisation", "-id"],
                include=["profile"],
                condition=Q(level=3),
                name="profileskill_seen_by_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile} {self.get_relation_display().lower()} {self.skill}"


class SkillCount(models.Model):
    """How many listed people hold a skill where one audience class sees it: each person
    once per skill, at the narrowest class of their holdings of it (``ProfileSkill.level``),
    and at the organisation class, per organisation. The skills index adds the classes a
    viewer sees (``profiles.holdings``) instead of counting every holder.

    Kept exact by ``profiles.holdings.settle`` (on every change to a profile, its account or
    its skills) and by a trigger on deleting skill rows; rebuilt by ``recount_skills``.
    """

    skill = models.ForeignKey(
        Skill, on_delete=models.CASCADE, db_index=False, related_name="counts"
    )
    level = models.SmallIntegerField()
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
    )
    people = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["skill", "level", "organisation"],
                nulls_distinct=False,
                name="skill_count_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill_id} at {self.level}: {self.people}"


class Matches(models.Model):
    """The people home suggests to a person: who can teach what they want to learn, and who
    wants to learn what they can teach, best first (``sociable.home``).

    Found when home is asked and what they were found from (``basis``: the person's skills
    to learn and to teach, team, building and organisation) has changed, or they are
    older than ``sociable.home.MATCHES_LAST``; kept otherwise, so most visits do not rank
    thousands of people again. What the viewer may see is checked again on every visit.
    """

    profile = models.OneToOneField(
        Profile, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    basis = models.TextField()
    teachers = ArrayField(models.BigIntegerField(), default=list)
    learners = ArrayField(models.BigIntegerField(), default=list)
    found_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "matches"

    def __str__(self) -> str:
        return f"Matches for {self.profile_id}"


# Search levels: the ones read alone (a viewer signed out, or signed in with no
# organisation); the one read with its organisation (its own staff); and those staff of an
# organisation read together (their organisation's level, and staff for everyone else's).
ALONE_LEVELS = (Audience.PUBLIC.value, Audience.COMMUNITY.value)
OWN_LEVEL = Audience.ORGANISATION.value
STAFF_LEVELS = (Audience.STAFF.value, OWN_LEVEL)


def _search_indexes() -> list:
    """Indexes holding only the rows one kind of viewer searches, so that no search skips
    rows it may not see. ``visibility.search_level_sql`` writes the conditions exactly as
    these predicates, so PostgreSQL can use them: one GIN index of the words per level; the
    organisation level's leads with the organisation (btree_gin), so its staff read only
    their own organisation's rows.

    Until ADR 0019's decision 10 the terms had trigram indexes too, for typos: 848 MB at
    scale L, read nearly whole by a misspelt name. Typos are now spelt right against a list
    of the words (``SearchWord``) and searched through these.
    """
    return [
        *(
            GinIndex(fields=["document"], condition=Q(level=level), name=f"profile_words_{level}")
            for level in ALONE_LEVELS
        ),
        GinIndex(
            fields=["document"],
            condition=Q(level=Audience.STAFF.value),
            name=f"profile_words_{Audience.STAFF.value}",
        ),
        GinIndex(
            fields=["organisation", "document"],
            condition=Q(level=OWN_LEVEL),
            name=f"profile_words_{OWN_LEVEL}",
        ),
    ]


class ProfileSearch(models.Model):
    """What the directory search may match in a profile, as seen from one audience level.

    One row per listed profile and level (public, community, staff, organisation) it is
    visible at: each holds only the fields visible at that level, so a search never matches
    (or ranks by) a field the searcher cannot see. A profile that is not listed (archived,
    out of the directory, its account closed) has no rows. Rebuilt by
    services.refresh_search: the rows are copies of what profiles.visibility decides.
    """

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="searches")
    level = models.CharField(max_length=20, choices=PROFILE_AUDIENCES)
    # The profile owner's organisation, copied here (and kept current by profiles.signals) so
    # a search picks the searcher's level without joining every profile and user.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, blank=True, db_index=False
    )
    document = SearchVectorField()
    terms = models.TextField(help_text="Names and skills: their words spell typos right.")
    # The account's name, copied here (as the document is) so a search ranks its ties by
    # name without joining every candidate to its profile and account (ADR 0019, decision 18).
    name = models.CharField(max_length=150, blank=True, db_default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "level"], name="profile_search_level"),
        ]
        indexes = _search_indexes()

    def __str__(self) -> str:
        return f"{self.profile} ({self.level})"


class SearchWord(models.Model):
    """A word of the search rows' terms at one level (and, at the organisation level, of one
    organisation), for spelling a search's words right: "Imogn Hart" is searched as "imogen
    hart" through the word indexes (ADR 0019, decision 10). Kept per level, as the rows
    are, so no search is corrected towards a word only a wider audience may see: a hidden
    name must not change what a stranger finds. Counted as search rows are written
    (``words.counted``): a word goes when no row of its level holds it any more, so a name
    hidden from a level, or gone with its person, stops spelling that level's searches.
    """

    level = models.CharField(max_length=20, choices=PROFILE_AUDIENCES)
    # Only at the organisation level: the other levels' words are everyone's at that level.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, null=True, blank=True, db_index=False
    )
    word = models.TextField()
    uses = models.IntegerField(help_text="How many search rows of the level hold the word.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "organisation", "word"],
                nulls_distinct=False,
                name="search_word_once",
            ),
        ]
        indexes = [GistIndex(OpClass("word", name="gist_trgm_ops"), name="search_word_nearest")]

    def __str__(self) -> str:
        return f"{self.word} ({self.level})"


class ProfileCorrection(models.Model):
    """Someone says a profile is wrong, or that the person has left."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Something is out of date or wrong"
        LEFT = "left", "This person has left"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Acted on"
        DISMISSED = "dismissed", "Dismissed"

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="corrections")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CORRECTION)
    message = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["profile"], condition=Q(status="open"), name="open_corrections"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.profile}"


def audience_rank(audience: str) -> int:
    return AUDIENCE_ORDER.index(audience)
