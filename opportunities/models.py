"""Opportunities: a loan, a day's shadowing, a secondment, a project, a skill swap,
volunteering or an apprenticeship, offered by one person to the audience they choose, and
the interest people express in it.

An opportunity is a draft until its poster publishes it, open until its closing date
passes or its places are filled, then closed; its poster marks it done, with a short
"what happened" they may publish. The audience rule decides who finds it
(``AudienceModel``); a draft is its poster's alone.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from profiles.models import Place, Skill, Team
from sociable.audience import Audience, AudienceModel, AudienceQuerySet
from sociable.links import reverse


class Kind(models.TextChoices):
    LOAN = "loan", "A short loan"
    SHADOWING = "shadowing", "Shadowing"
    SECONDMENT = "secondment", "A secondment"
    PROJECT = "project", "A task-and-finish project"
    SKILL_SWAP = "skill_swap", "A skill swap"
    VOLUNTEERING = "volunteering", "Volunteering"
    APPRENTICESHIP = "apprenticeship", "An apprenticeship"


# Only these may be offered beyond the partners' staff (to residents too).
OPEN_TO_RESIDENTS = (Kind.APPRENTICESHIP, Kind.VOLUNTEERING)  # (sorted, as migrations write it)


class Where(models.TextChoices):
    ON_SITE = "on_site", "In person"
    HYBRID = "hybrid", "Partly remote"
    REMOTE = "remote", "Remote"


class OpportunityQuerySet(AudienceQuerySet):
    def listed(self) -> OpportunityQuerySet:
        """Published, approved, not withdrawn nor hidden: what lists and search may show
        (to its audience)."""
        return self.filter(status__in=Opportunity.LISTED, hidden_at__isnull=True)

    def open(self) -> OpportunityQuerySet:
        return self.filter(status=Opportunity.Status.OPEN, hidden_at__isnull=True)

    def findable_by(self, user, *, moderator: bool = False) -> OpportunityQuerySet:
        """What ``user`` may open: listed ones in their audience, and their own of any state;
        a moderator also what waits for approval or is hidden (never drafts)."""
        q = self.visible_q(user) & Q(status__in=Opportunity.LISTED, hidden_at__isnull=True)
        if moderator:
            q |= ~Q(status=Opportunity.Status.DRAFT)
        if user is not None and user.is_authenticated:
            q |= Q(posted_by_id=user.pk)
        return self.filter(q)


class Opportunity(AudienceModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Waiting for approval"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        DONE = "done", "Done"
        WITHDRAWN = "withdrawn", "Withdrawn"

    LISTED = [Status.OPEN, Status.CLOSED, Status.DONE]

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=150)
    description = models.TextField(
        "what you will do and learn",
        max_length=5000,
        help_text="You can use Markdown: **bold**, lists, links.",
    )
    description_html = models.TextField(blank=True, editable=False)
    skills_needed = models.ManyToManyField(Skill, blank=True, related_name="+")
    skills_taught = models.ManyToManyField(Skill, blank=True, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="opportunities"
    )
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True)
    place = models.ForeignKey(Place, on_delete=models.SET_NULL, null=True, blank=True)
    where = models.CharField(max_length=10, choices=Where.choices, default=Where.ON_SITE)
    hours_a_week = models.PositiveSmallIntegerField(
        "hours a week", null=True, blank=True, help_text="Or the number of days, below."
    )
    days = models.PositiveSmallIntegerField("days in all", null=True, blank=True)
    starts_on = models.DateField("starts", null=True, blank=True)
    ends_on = models.DateField("ends", null=True, blank=True)
    closes_on = models.DateField("closing date", help_text="The last day to express interest.")
    places = models.PositiveSmallIntegerField("how many people", default=1)
    manager_must_agree = models.BooleanField("the person's line manager must agree", default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="opportunities_posted",
    )
    what_happened = models.TextField("what happened", max_length=2000, blank=True)
    what_happened_shown = models.BooleanField("publish what happened", default=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Hidden by a moderator (with the reason the poster is told): out of every list and
    # page but the poster's and the moderators'.
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_reason = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta(AudienceModel.Meta):
        ordering = ["closes_on", "pk"]
        verbose_name_plural = "opportunities"
        permissions = [("moderate_opportunity", "Can approve, hide and restore opportunities")]
        constraints = [
            *AudienceModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(places__gte=1),
                name="opportunity_a_place",
                violation_error_message="At least one person.",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="opportunity_ends_after_it_starts",
                violation_error_message="The end must be on or after the start.",
            ),
            models.CheckConstraint(
                condition=Q(audience__in=[Audience.ORGANISATION, Audience.STAFF])
                | Q(kind__in=list(OPEN_TO_RESIDENTS)),
                name="opportunity_residents_only_volunteering_apprenticeships",
                violation_error_message="Only volunteering and apprenticeships can be offered "
                "to residents: choose staff of your organisation or of every partner.",
            ),
        ]
        indexes = [
            # Words found in what is open, as the list's search asks (icontains: UPPER LIKE).
            GinIndex(
                OpClass(Upper("title"), name="gin_trgm_ops"),
                name="opportunity_open_title_trgm",
                condition=Q(status="open"),
            ),
            GinIndex(
                OpClass(Upper("description"), name="gin_trgm_ops"),
                name="opportunity_open_text_trgm",
                condition=Q(status="open"),
            ),
            models.Index(fields=["status", "closes_on"], name="opportunity_open_closing"),
            models.Index(fields=["posted_by", "status"], name="opportunity_poster"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("opportunities:detail", args=[self.pk])

    @property
    def time_asked(self) -> str:
        if self.hours_a_week:
            return f"{self.hours_a_week} hours a week"
        if self.days:
            return f"{self.days} day{'s' if self.days != 1 else ''}"
        return ""


class InterestQuerySet(models.QuerySet):
    def live(self) -> InterestQuerySet:
        return self.exclude(status__in=[Interest.Status.WITHDRAWN, Interest.Status.DECLINED])


class Interest(models.Model):
    """Someone's interest in an opportunity, and where it stands with the poster."""

    class Status(models.TextChoices):
        INTERESTED = "interested", "Sent"
        SHORTLISTED = "shortlisted", "Shortlisted"
        OFFERED = "offered", "Offered"
        DECLINED = "declined", "Not this time"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class ManagerAnswer(models.TextChoices):
        WAITING = "waiting", "Waiting for your manager"
        AGREED = "agreed", "Your manager agreed"
        NOT_ASKED = "", "Not needed"

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="interest")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interest_shown"
    )
    note = models.TextField("why you are interested", max_length=1000)
    manager_name = models.CharField("your line manager's name", max_length=150, blank=True)
    manager_email = models.EmailField("their work email address", blank=True)
    manager = models.CharField(max_length=10, choices=ManagerAnswer.choices, blank=True)
    manager_token = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.INTERESTED)
    message = models.CharField("a message with the answer", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "person"], name="interest_once_per_person"
            ),
        ]
        indexes = [models.Index(fields=["person", "status"], name="interest_person")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.opportunity_id}"


def interests_of(user):
    """The interest ``user`` may hear of: their own, and that in what they posted."""
    if user is None or not user.is_authenticated:
        return Interest.objects.none()
    return Interest.objects.filter(Q(person_id=user.pk) | Q(opportunity__posted_by_id=user.pk))


class ApprovalRule(models.Model):
    """An organisation whose opportunities a moderator approves before they go live."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Approval for {self.organisation_id}"


class Report(models.Model):
    """Someone who may see an opportunity reporting it to the moderators."""

    class Reason(models.TextChoices):
        MISLEADING = "misleading", "Misleading, or not what it says"
        SPAM = "spam", "Spam, selling or recruitment from outside"
        DISCRIMINATORY = "discriminatory", "Unfair or discriminatory"
        PERSONAL_DATA = "personal_data", "Shares someone's personal data"
        ILLEGAL = "illegal", "Illegal"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Acted on"
        DISMISSED = "dismissed", "Dismissed"

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.CharField("what is wrong", max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "reporter"],
                condition=Q(status="open"),
                name="opportunity_reported_once_while_open",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} on {self.opportunity_id}"


class Decision(models.Model):
    """What a moderator did to an opportunity, and why: written once, never changed."""

    class Action(models.TextChoices):
        APPROVE = "approve", "Approved"
        HIDE = "hide", "Hid"
        RESTORE = "restore", "Restored"
        DISMISS = "dismiss", "Dismissed the reports"

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="decisions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.opportunity_id}"
