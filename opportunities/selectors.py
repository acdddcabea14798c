"""What the opportunities' pages read: a fixed number of queries whatever the numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from profiles.models import ProfileSkill, Skill

from .models import Interest, Opportunity, Report

PAGE_SIZE = 20
FOR_YOU = 5
MOST_WORDS = 8  # the words of a search that are looked for (a search has few)
# The tables naming the skills an opportunity teaches and needs.
Taught = Opportunity.skills_taught.through
Needed = Opportunity.skills_needed.through
Relation = ProfileSkill.Relation


@dataclass
class Filters:
    q: str = ""
    kind: str = ""
    skill: str = ""
    organisation: str = ""
    where: str = ""
    most_hours: int | None = None
    closing_soon: bool = False


def with_card_data(opportunities):
    """What a card shows: the organisation, place and team, and the names of the skills it
    teaches (``teaches``) and needs (``needs``), read in the same query."""
    return opportunities.select_related("organisation", "place", "team").annotate(
        teaches=_names(Taught), needs=_names(Needed)
    )


def _names(table) -> ArraySubquery:
    """The names of the skills a skill table (taught or needed) names for the outer
    opportunity, in order of name."""
    rows = table.objects.filter(opportunity_id=OuterRef("pk"))
    return ArraySubquery(rows.order_by("skill__name").values("skill__name"))


def find(viewer, filters: Filters, today: date | None = None):
    """The open opportunities ``viewer`` may see that match ``filters``, newest first."""
    today = today or timezone.localdate()
    found = Opportunity.objects.open().visible_to(viewer).filter(closes_on__gte=today)
    if filters.q.strip():
        for word in filters.q.split()[:MOST_WORDS]:
            found = found.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.skill.strip():
        wanted = Skill.objects.filter(Q(slug=filters.skill) | Q(name__iexact=filters.skill))
        found = found.filter(
            Exists(_naming(Needed, wanted.values("pk")))
            | Exists(_naming(Taught, wanted.values("pk")))
        )
    if filters.organisation:
        found = found.filter(organisation__slug=filters.organisation)
    if filters.where:
        found = found.filter(where=filters.where)
    if filters.most_hours:
        found = found.filter(Q(hours_a_week__lte=filters.most_hours) | Q(hours_a_week__isnull=True))
    if filters.closing_soon:
        found = found.filter(closes_on__lte=today + timedelta(days=7))
    return with_card_data(found).order_by("-published_at", "-pk")


def skills_of(viewer) -> tuple[list[int], list[int]]:
    """The pks of the skills ``viewer`` wants to learn, and of those they teach or have,
    from their own profile (the viewer fact ``own_profile``: read once a request, and not
    again when home's people panels have read it)."""
    profile = viewer.fact("own_profile") if viewer.is_authenticated else None
    rows = profile.own_skills if profile is not None else []
    learn = [row["skill"] for row in rows if row["relation"] == Relation.LEARN]
    know = [row["skill"] for row in rows if row["relation"] in (Relation.TEACH, Relation.HAS)]
    return learn, know


def for_you(
    viewer, today: date | None = None, limit: int = FOR_YOU, *, since=None
) -> list[Opportunity]:
    """Open opportunities for ``viewer``, best first: two points for each skill it teaches
    that they want to learn, one for each it needs that they have; never their own or one
    they have shown interest in; only those published after ``since`` when given.

    One query, cards and all, with their skills (``skills_of``) written into it, so it is
    planned for them; none when they have no skills to learn, teach or use.
    """
    learn, know = skills_of(viewer)
    if not learn and not know:
        return []
    today = today or timezone.localdate()
    # Candidates through the skill tables' indexes, each scored by two counts: not every
    # open opportunity joined to both tables and grouped (bench/RESULTS.md, issue 21).
    taught, needed = _naming(Taught, learn), _naming(Needed, know)
    found = (
        Opportunity.objects.open()
        .visible_to(viewer)
        .filter(Exists(taught) | Exists(needed), closes_on__gte=today)
        .exclude(posted_by_id=viewer.pk)
        .exclude(Exists(Interest.objects.filter(opportunity=OuterRef("pk"), person_id=viewer.pk)))
        .annotate(score=2 * _count(taught) + _count(needed))
        .order_by("-score", "closes_on", "pk")
    )
    if since is not None:
        found = found.filter(published_at__gt=since)
    return list(with_card_data(found)[:limit])


def people_suited(since) -> list[int]:
    """The pks of the people a new opportunity (open, published after ``since``) might
    suit: it teaches a skill they want to learn, or needs one they teach or have. Whether
    they may see it is for ``for_you`` to say, person by person."""
    new = Opportunity.objects.open().filter(published_at__gt=since)
    taught = Taught.objects.filter(opportunity__in=new).values("skill_id")
    needed = Needed.objects.filter(opportunity__in=new).values("skill_id")
    return list(
        ProfileSkill.objects.filter(
            Q(relation=Relation.LEARN, skill_id__in=taught)
            | Q(relation__in=[Relation.TEACH, Relation.HAS], skill_id__in=needed),
            profile__archived_at__isnull=True,
            profile__user__is_active=True,
        )
        .values_list("profile__user_id", flat=True)
        .distinct()
        .order_by("profile__user_id")
    )


def _naming(table, skills):
    """The rows of a skill table (taught or needed) naming one of ``skills`` for the
    opportunity of the outer query."""
    return table.objects.filter(opportunity_id=OuterRef("pk"), skill_id__in=skills)


def _count(rows) -> Coalesce:
    counted = rows.order_by().values("opportunity_id").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def interest_for_poster(opportunity: Opportunity) -> list[Interest]:
    return list(opportunity.interest.select_related("person__profile").order_by("created_at", "pk"))


def mine(user) -> dict:
    """What ``user`` posted (every state) and the interest they have shown."""
    posted = (
        Opportunity.objects.filter(posted_by=user)
        .annotate(
            interested=Count("interest", filter=~Q(interest__status__in=["withdrawn", "declined"]))
        )
        .order_by("-created_at")
    )
    shown = (
        Interest.objects.filter(person=user).select_related("opportunity").order_by("-created_at")
    )
    return {"posted": list(posted), "shown": list(shown)}


def moderation_queue() -> dict:
    """What waits for a moderator: approvals, open reports (oldest first), and what is hidden."""
    rows = Opportunity.objects.select_related("organisation", "posted_by")
    return {
        "pending": list(rows.filter(status=Opportunity.Status.PENDING).order_by("created_at")),
        "reported": list(
            rows.filter(reports__status=Report.Status.OPEN)
            .annotate(open_reports=Count("reports"))
            .order_by("created_at")
        ),
        "hidden": list(rows.filter(hidden_at__isnull=False).order_by("-hidden_at")[:50]),
    }
