"""Events carry copies of their group's audience; every read of them agrees with the rule.

The one search's events section and a skill's page read who may see an event from the
copy of its group's audience on the event (``Event.objects.findable_by``), and a skill's
page reads its events in two bounded branches. These tests check, for each kind of viewer,
that they find the same events (and groups) in the same order as the plain reading of the
rule (``Event.objects.visible_to`` and ``Group.objects.visible_to``, every row matched and
ranked with no bound), and that the copies follow every change to what they copy, however
it is written.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db.models import BooleanField, ExpressionWrapper, F, Func, Q, Value
from django.utils import timezone

from groups import search, selectors, services
from groups.models import Event, Group
from profiles.models import Skill
from profiles.selectors import Unaccent, WordSimilarity
from sociable.viewer import Viewer
from tests.accounts.factories import UserFactory, staff_of
from tests.groups.factories import make_event, make_group

pytestmark = pytest.mark.django_db

AUDIENCES = ["public", "community", "staff", "organisation", "members"]
WORDS = ["rehearsal", "choir", "singing", "opra singer", "rehersal", "cafe", "café", "pottery"]


def plainly_findable(self, user):
    """The rule as the groups read it: the events of open groups ``user`` may see."""
    return self.visible_to(user).filter(group__closed_at__isnull=True)


@pytest.fixture
def world(council, trust):
    """Groups of every audience, open and closed, each with events: some at the same
    moment (ties), some cancelled or over, some teaching a skill or tagged with it."""
    owner = staff_of(council, name="Olive Owner")
    member = staff_of(trust, name="Mona Member")
    singing = Skill.objects.create(name="Singing", slug="singing")
    soon = timezone.now().replace(microsecond=0) + timedelta(days=3)
    groups = []
    for n, audience in enumerate(AUDIENCES):
        for closed in (False, True):
            name = f"{audience.title()} choir {'closed' if closed else 'open'}"
            group = make_group(owner, name=name, audience=audience, tags=["Singing"])
            services.add_member(group=group, user=member)
            for k in range(3):
                starts = soon + timedelta(hours=n % 2 + k)  # the same moments in many groups
                services.create_event(
                    group=group,
                    created_by=owner,
                    title=f"Rehearsal {k} of the {name}",
                    description="Singing at the Café de Paris" if k == 0 else "",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1),
                    skill=singing if k == 1 else None,
                )
            past = make_event(group, title=f"Old rehearsal of the {name}", days=1)
            Event.objects.filter(pk=past.pk).update(
                starts_at=soon - timedelta(days=30), ends_at=soon - timedelta(days=30, hours=-1)
            )
            services.cancel_event(event=make_event(group, title=f"Cancelled pottery, {name}"))
            if closed:
                services.close_group(group=group)
            groups.append(group)
    # A session of the skill in an untagged group, and one in a group few may see.
    teaching = make_group(owner, name="Teachers", audience="community")
    make_event(teaching, title="Opera singing for beginners", skill=singing, days=2)
    return {"owner": owner, "member": member, "skill": singing, "groups": groups}


def viewers(world, council, trust) -> dict[str, Viewer]:
    return {
        "anonymous": Viewer.of(None),
        "community member": Viewer.of(UserFactory(name="Cara Community")),
        "staff of the organisation": Viewer.of(staff_of(council, name="Colin Colleague")),
        "staff of another organisation": Viewer.of(staff_of(trust, name="Tess Trust")),
        "group member": Viewer.of(world["member"]),
        "owner": Viewer.of(world["owner"]),
    }


def ids(rows) -> list[int]:
    return [row.pk for row in rows]


def test_the_copies_find_the_same_events_as_the_rule_for_every_viewer(world, council, trust):
    for name, viewer in viewers(world, council, trust).items():
        copies = Event.objects.findable_by(viewer).order_by("pk")
        rule = plainly_findable(Event.objects, viewer).order_by("pk")
        assert ids(copies) == ids(rule), name
        assert Event.objects.filter(Event.objects.visible_q(viewer)).count() == (
            Event.objects.visible_to(viewer).count()
        ), name


class Joined(Func):
    """Two tsvectors as one (``||``)."""

    template = "(%(expressions)s)"
    arg_joiner = " || "
    output_field = SearchVectorField()


def plain_events(viewer, q: str, now) -> list[int]:
    """The events search read plainly, with no bound: every event of an open group
    ``viewer`` may see (the rule read on the groups themselves) whose words, title, group's
    or skill's name match ``q``, or whose title is as close as a typo may be; upcoming
    first, then by rank."""
    query = SearchQuery(q, search_type="websearch", config="english")
    similarity = WordSimilarity(Unaccent(Value(q)), Unaccent(F("title")))
    names = SearchVector("group__name", "skill__name", weight="B", config="english")
    found = (
        plainly_findable(Event.objects, viewer)
        .alias(
            similarity=similarity,
            group_words=SearchVector("group__name", config="english"),
            skill_words=SearchVector("skill__name", config="english"),
        )
        .filter(
            Q(search_document=query)
            | Q(title__icontains=q)
            | Q(group_words=query)
            | Q(skill_words=query)
            | Q(similarity__gte=search.TYPO_THRESHOLD)
        )
        .annotate(
            upcoming=ExpressionWrapper(
                Q(cancelled_at__isnull=True, ends_at__gte=now), output_field=BooleanField()
            ),
            rank=SearchRank(Joined(F("search_document"), names), query) + F("similarity") * 0.5,
        )
        .order_by("-upcoming", "-rank", "starts_at", "pk")
    )
    return ids(found)


def plain_groups(viewer, q: str) -> list[int]:
    """The groups search read plainly, with no bound: every open group ``viewer`` may see
    whose words, name or a tag match ``q``, or whose name is as close as a typo may be."""
    query = SearchQuery(q, search_type="websearch", config="english")
    similarity = WordSimilarity(Unaccent(Value(q)), Unaccent(F("name")))
    tagged = Group.objects.filter(tags__name__icontains=q)
    found = (
        Group.objects.visible_to(viewer)
        .open()
        .alias(similarity=similarity)
        .filter(
            Q(search_document=query)
            | Q(name__icontains=q)
            | Q(pk__in=tagged)
            | Q(similarity__gte=search.TYPO_THRESHOLD)
        )
        .annotate(rank=SearchRank(F("search_document"), query) + F("similarity") * 0.5)
        .order_by("-rank", "name", "pk")
    )
    return ids(found)


def test_the_searches_find_what_the_plain_reading_finds_in_the_same_order(
    world, council, trust, monkeypatch
):
    # A small world, and the typos' bound lifted: the searches' bounds cut nothing (their
    # own tests are in test_search.py), so what they find is the whole plain reading.
    monkeypatch.setattr(search, "TYPOS", 1000)
    now = timezone.now()
    found = {}
    for name, viewer in viewers(world, council, trust).items():
        for q in WORDS:
            events = ids(search.search_events(viewer, q, now))
            assert events == plain_events(viewer, q, now), (name, q)
            assert ids(search.search_groups(viewer, q)) == plain_groups(viewer, q), (name, q)
            found[name, q] = events
    # Not vacuous: everyone finds some; the member more than their colleagues at the trust.
    assert found["anonymous", "rehearsal"]
    assert len(found["group member", "rehearsal"]) > len(
        found["staff of another organisation", "rehearsal"]
    )
    assert found["owner", "rehersal"] == found["owner", "rehearsal"]  # a typo
    # Words of the description, as written; their accents are not folded.
    assert found["owner", "café"]


def test_a_skills_events_and_groups_are_the_rules_in_the_same_order(world, council, trust):
    skill = world["skill"]
    now = timezone.now()
    for name, viewer in viewers(world, council, trust).items():
        for limit in (3, 10, 50):  # cut inside one branch, across both, or not at all
            rule = (
                Event.objects.visible_to(viewer)
                .filter(Q(skill=skill) | Q(group__in=Group.objects.filter(tags=skill)))
                .filter(cancelled_at__isnull=True, ends_at__gte=now)
                .order_by("starts_at", "pk")[:limit]
            )
            assert ids(selectors.events_about(viewer, skill, limit)) == ids(rule), (name, limit)
            groups = Group.objects.visible_to(viewer).open().filter(tags=skill)
            assert ids(selectors.groups_about(viewer, skill, limit)) == ids(
                groups.order_by("name", "pk")[:limit]
            ), (name, limit)


def copies(event: Event) -> tuple:
    event = Event.objects.get(pk=event.pk)
    return (event.audience, event.audience_organisation_id, event.group_open)


def test_the_copies_follow_a_groups_audience_however_it_is_changed(council, trust):
    owner = staff_of(council)
    group = make_group(owner, audience="public")
    event = make_event(group)
    assert copies(event) == ("public", None, True)

    services.update_group(group=group, audience="organisation", audience_organisation=council)
    assert copies(event) == ("organisation", council.pk, True)

    Group.objects.filter(pk=group.pk).update(audience_organisation=trust)  # the admin's bulk edit
    assert copies(event) == ("organisation", trust.pk, True)

    services.update_group(group=group, audience="members", audience_organisation=None)
    assert copies(event) == ("members", None, True)


def test_the_copies_follow_a_group_closing(council):
    owner = staff_of(council)
    group = make_group(owner, audience="staff")
    events = [make_event(group, title="Upcoming"), make_event(group, title="Later", days=20)]

    services.close_group(group=group)

    assert [copies(event) for event in events] == [("staff", None, False)] * 2
    assert not Event.objects.findable_by(Viewer.of(owner)).exists()
    Group.objects.filter(pk=group.pk).update(closed_at=None)  # reopened by hand
    assert [copies(event) for event in events] == [("staff", None, True)] * 2


def test_an_event_takes_its_groups_values_however_it_is_written(council):
    owner = staff_of(council)
    group = make_group(owner, audience="organisation", audience_organisation=council)
    starts = timezone.now() + timedelta(days=1)
    made = Event.objects.bulk_create(
        [
            Event(
                group=group,
                created_by=owner,
                title="Bulk",
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
            )
        ]
    )
    assert copies(made[0]) == ("organisation", council.pk, True)

    stale = Event.objects.get(pk=made[0].pk)
    stale.audience, stale.audience_organisation_id = "public", None
    stale.save()  # an old copy in memory, saved: the group's values win
    assert copies(stale) == ("organisation", council.pk, True)

    other = make_group(owner, name="Walkers", audience="community")
    services.update_event(event=stale, group=other)
    assert copies(stale) == ("community", None, True)


def test_a_person_leaving_a_members_only_group_no_longer_finds_its_events(council):
    owner = staff_of(council)
    leaver = staff_of(council, name="Lee Leaver")
    group = make_group(owner, name="Quiet choir", audience="members")
    services.add_member(group=group, user=leaver)
    make_event(group, title="Quiet rehearsal")
    viewer = Viewer.of(leaver)
    assert [e.title for e in search.search_events(viewer, "rehearsal")] == ["Quiet rehearsal"]

    services.leave_group(group=group, user=leaver)

    viewer = Viewer.of(leaver)
    assert list(search.search_events(viewer, "rehearsal")) == []
    assert list(plainly_findable(Event.objects, viewer)) == []
