"""Every hand-written read gives exactly what the plain ORM gives, on the same data, in the
same order.

Home's reads (``own_profile``, ``new_people_near``, ``next_events_for``, ``came_true_for``,
``new_threads_followed``) are SQL run through ``sociable.queries.fetch``, and the facts
about a reader or viewer that board, thread and event pages ask (``for_reader``,
``unread_threads``, ``with_viewer``), and the skills a card lists (``card_people``), are
``RawSQL``: each restates ``active()``, ``listed()``, the audience rule or a model's own
relations by hand, because the ORM's queries cost more to build than to run (ADRs 0011,
0013 and 0018). Here each is held to the ORM's answer: a query written with the models'
own querysets (``active()``, ``listed()``, ``visible_to``), most of them those of commit
dc40228, which replaced home's SQL with the ORM and was measured slower.

One small partnership is built once for the module: two organisations, a community
member, staff of each, a member of a members-only group, a moderator; profiles archived,
unlisted, hidden or of people who left; events past, cancelled and in groups of every
audience; posts hidden, deleted and waiting; more rows than each read's limit. Each read
is asked from every viewpoint.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    GeneratedField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, JSONObject
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums import links as forum_links
from forums import selectors as forum_selectors
from forums.models import (
    SEQ_WIDTH,
    Board,
    Mute,
    Post,
    PostRevision,
    Reaction,
    ReadMarker,
    Subscription,
    Suspension,
    Thread,
)
from forums.permissions import readable_thread
from groups import selectors as group_selectors
from groups import services as group_services
from groups.models import (
    RSVP,
    Backing,
    Event,
    EventSeries,
    Group,
    GroupTag,
    Guest,
    Membership,
    Suggestion,
)
from groups.permissions import visible_event
from profiles import holdings
from profiles import selectors as profile_selectors
from profiles.models import Matches, Profile, ProfileSkill, Skill
from profiles.visibility import group_q
from sociable.accounts.models import User
from sociable.queries import Among, any_of, count_of, fetch
from sociable.viewer import Viewer
from stories import selectors as story_selectors
from stories.models import EDIT_STORIES, Image, Revision, Series, Story, StoryTag, editors
from stories.models import Follow as StoryFollow
from stories.permissions import readable_story
from tests.accounts.factories import OrganisationFactory, UserFactory, staff_of
from tests.forums.factories import group_board
from tests.plans import nodes
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db

VIEWERS = [
    "anonymous",
    "community member",
    "council staff",
    "trust staff",
    "group member",
    "moderator",
]
SIGNED_IN = VIEWERS[1:]  # home is only for people signed in
OPENING = f"{1:0{SEQ_WIDTH}d}"  # a thread's first post
PENDING, PUBLISHED = Post.Status.PENDING, Post.Status.PUBLISHED
GOING, WAITLISTED, NOT_GOING = RSVP.Status.GOING, RSVP.Status.WAITLISTED, RSVP.Status.NOT_GOING
NEW_PEOPLE_SINCE = timedelta(days=30)
NEW_THREADS_SINCE = timedelta(days=14)


# --- the partnership ------------------------------------------------------------------------


class World:
    """Everything the reads are asked about, and who asks."""

    def __init__(self):
        self.now = timezone.now()
        self.council = OrganisationFactory(
            name="Kirkfield City Council", slug="council", domain="council.example.gov.uk"
        )
        self.trust = OrganisationFactory(
            name="Kirkfield Hospitals NHS Trust",
            slug="trust",
            kind="nhs_trust",
            domain="trust.example.nhs.uk",
        )
        self.organiser = staff_of(self.council, name="Olu Organiser")
        self.trust_organiser = staff_of(self.trust, name="Tess Organiser")
        moderator = UserFactory(name="Mo Moderator", is_staff=True)
        moderator.groups.add(AuthGroup.objects.get(name="Moderators"))
        self.people = {
            "anonymous": AnonymousUser(),
            "community member": UserFactory(name="Jordan Reid"),
            "council staff": staff_of(self.council, name="Amara Okafor"),
            "trust staff": staff_of(self.trust, name="Tom Whitaker"),
            "group member": UserFactory(name="Grace Member"),
            "moderator": moderator,
        }
        self.signed_in = [self.people[kind] for kind in SIGNED_IN]
        self._profiles()
        self._groups()
        self._forums()

    def ago(self, **delta):
        return self.now - timedelta(**delta)

    # Profiles: the viewers' own, and people arriving in a team and a building.
    def _profiles(self):
        people = self.people
        mine = make_profile(
            people["council staff"],
            team="Digital",
            place="Merrion House",
            job_title="Developer",
            bio="I sing.",
            working_on="Home",
            ask_me_about="Python",
            teach=["Python", "Excel"],
            has=["Welsh"],
            learn=["Video editing", "Opera singing"],
            interests=["Fostering"],
        )
        Matches.objects.create(
            profile=mine, basis="b", teachers=[3, 1, 2], learners=[], found_at=self.ago(days=1)
        )
        make_profile(people["trust staff"], place="Merrion House", learn=["Python"])
        make_profile(people["community member"], interests=["Choir"])
        moderator = make_profile(people["moderator"], place="Merrion House")
        Profile.objects.filter(pk=moderator.pk).update(archived_at=self.now)
        left = staff_of(self.council, name="Lee Left")
        make_profile(left, team="Digital", teach=["Python"])
        User.objects.filter(pk=left.pk).update(is_active=False)
        self.own_profile_of = {
            **people,
            "someone who left": left,
            "someone with no profile": UserFactory(),
        }
        self.subjects = {
            "in a team and a building": mine,
            "in a building": Profile.objects.get(user=people["trust staff"]),
            "nowhere": Profile.objects.get(user=people["community member"]),
        }
        council, trust = self.council, self.trust
        community = None
        # (organisation, team, days ago, audience, location audience, other changes)
        arrivals = [
            (council, True, 1, "community", "staff", {}),
            (council, True, 2, "staff", "organisation", {}),
            (trust, False, 2, "community", "organisation", {}),  # the same day as the last
            (community, False, 3, "community", "community", {}),
            (council, False, 4, "public", "public", {}),
            (council, True, 5, "community", "staff", {"in_directory": False}),
            (trust, False, 6, "staff", "staff", {"archived_at": self.now}),
            (council, True, 7, "community", "public", {"left": True}),
            (trust, False, 40, "community", "public", {}),  # long ago
            (council, True, 8, "organisation", "organisation", {}),
            (community, False, 9, "community", "staff", {}),
            (council, False, 10, "public", "organisation", {}),
            (trust, False, 11, "public", "public", {}),
        ]
        self.arrivals = []
        for n, (organisation, in_team, days, audience, location, other) in enumerate(arrivals):
            user = staff_of(organisation) if organisation else UserFactory()
            profile = make_profile(
                user,
                team="Digital" if in_team else "",
                place="" if in_team and n % 2 else "Merrion House",
                teach=["Python"] if n % 3 else ["Excel", "Knitting"],
                has=["Welsh"] if n % 2 else [],
            )
            if other.pop("left", False):
                User.objects.filter(pk=user.pk).update(is_active=False)
            created = self.ago(days=days, minutes=0 if days == 2 else n)
            Profile.objects.filter(pk=profile.pk).update(
                created_at=created, audience=audience, location_audience=location, **other
            )
            self.arrivals.append(profile.pk)
        # Those rows were changed round the services: write the holdings' copies of the
        # audience rule as the services would have (profiles.holdings).
        holdings.settle(Profile.objects.values_list("pk", flat=True))

    # Groups of every audience, their events, replies and suggestions come true.
    def _groups(self):
        people, organiser = self.people, self.organiser
        create = group_services.create_group
        self.groups = [
            create(created_by=organiser, name="Walkers", summary="s", audience="public"),
            create(created_by=organiser, name="Choir", summary="s", audience="community"),
            create(created_by=organiser, name="Coders", summary="s", audience="staff"),
            create(
                created_by=organiser,
                name="Council bakers",
                summary="s",
                audience="organisation",
                audience_organisation=self.council,
            ),
            create(
                created_by=self.trust_organiser,
                name="Trust runners",
                summary="s",
                audience="organisation",
                audience_organisation=self.trust,
            ),
            create(created_by=organiser, name="Foster carers", summary="s", audience="members"),
        ]
        members_only = self.groups[-1]
        group_services.add_member(group=members_only, user=people["group member"])
        Membership.objects.create(
            group=members_only, user=people["community member"], status="pending"
        )
        Membership.objects.create(group=members_only, user=people["moderator"], status="declined")
        Membership.objects.create(
            group=self.groups[2], user=people["council staff"], role="organiser"
        )
        Membership.objects.create(group=self.groups[0], user=people["trust staff"])

        self.events = []
        for g, group in enumerate(self.groups):
            starts = [
                ("Soon", self.now + timedelta(days=g + 1)),
                ("Later", self.now + timedelta(days=g + 7)),
                ("Under way", self.now - timedelta(hours=1)),
                ("Last week", self.now - timedelta(days=7)),
                ("Rained off", self.now + timedelta(days=g + 2)),
            ]
            if g == 0:
                starts.append(("Also soon", starts[0][1]))  # at the same time as "Soon"
            for title, at in starts:
                event = group_services.create_event(
                    group=group,
                    created_by=group.created_by,
                    title=f"{title}: {group.name}",
                    starts_at=at,
                    ends_at=at + timedelta(hours=2),
                    location="Room 2" if g % 2 else "",
                    online_url="" if g % 2 else "https://meet.example.com/x",
                )
                if title == "Rained off":
                    event = group_services.cancel_event(event=event)
                self.events.append(event)
        replies = [GOING, WAITLISTED, NOT_GOING, None]
        for v, person in enumerate(self.signed_in):
            for e, event in enumerate(self.events):
                status = replies[(e + v) % len(replies)]
                if status is not None:  # written as it stands, whoever may now see the event
                    RSVP.objects.create(
                        event=event,
                        user=person,
                        status=status,
                        queued_at=self.now if status == WAITLISTED else None,
                    )

        suggestions = []
        for g, group in enumerate(self.groups):
            own_event = self.events[5 * g + 1]
            other_event = self.events[(5 * g + 11) % len(self.events)]  # another group's
            for title, event, hours in [
                ("A group", None, g),
                ("A session", own_event, g),  # came true when the last one did
                ("An edited answer", other_event, g + 10),
                ("Not yet", None, None),
            ]:
                suggestions.append(
                    Suggestion.objects.create(
                        title=f"{title} for {group.name}",
                        created_by=organiser,
                        fulfilled_group=None if hours is None else group,
                        fulfilled_event=event,
                        fulfilled_at=None if hours is None else self.ago(hours=hours),
                    )
                )
        for v, person in enumerate(self.signed_in):
            for s, suggestion in enumerate(suggestions):
                if (s + v) % 3:
                    Backing.objects.create(suggestion=suggestion, user=person)

    # Boards of every audience, threads in every state, and what readers did in them.
    def _forums(self):
        people = self.people
        self.boards = [
            Board.objects.create(name="Everyone", slug="everyone", audience="public"),
            Board.objects.create(name="Community", slug="community", audience="community"),
            Board.objects.create(name="Partner staff", slug="partner-staff", audience="staff"),
            Board.objects.create(
                name="Council",
                slug="council",
                audience="organisation",
                audience_organisation=self.council,
            ),
            Board.objects.create(
                name="Trust",
                slug="trust",
                audience="organisation",
                audience_organisation=self.trust,
            ),
            group_board(self.groups[-1], name="Foster carers", slug="foster", audience="members"),
            group_board(self.groups[0], name="Walkers", slug="walkers", audience="members"),
        ]
        for board in self.boards[3], self.boards[5]:
            board.moderators.add(people["moderator"])
        waiting_authors = self.signed_in
        self.threads = []
        for b, board in enumerate(self.boards):
            # (title, days ago, author, opening status, opening hidden, opening deleted, posts)
            specs = [
                ("Fresh", 1 + b / 10, self.organiser, PUBLISHED, False, False, 2),
                ("Tied one", 2, self.organiser, PUBLISHED, False, False, 1),
                ("Tied two", 2, self.trust_organiser, PUBLISHED, False, False, 1),
                ("Old", 20, self.organiser, PUBLISHED, False, False, 1),
                ("Mine", 1.5, people["council staff"], PUBLISHED, False, False, 1),
                ("Author gone", 3, None, PUBLISHED, False, False, 1),
                ("Waiting", 1, waiting_authors[b % 5], PENDING, False, False, 0),
                ("Hidden", 2.5, self.organiser, PUBLISHED, True, False, 1),
                ("Deleted", 2.5, self.organiser, PUBLISHED, False, True, 1),
                ("Pending opening", 4, self.organiser, PENDING, False, False, 1),
                ("Recent", 5 + b, self.trust_organiser, PUBLISHED, False, False, 1),
            ]
            for title, days, author, status, hidden, deleted, posts in specs:
                created = self.ago(days=days)
                thread = Thread.objects.create(
                    board=board,
                    title=f"{title} on {board.name}",
                    slug=title.lower().replace(" ", "-"),
                    author=author,
                    created_at=created,
                    last_activity_at=created + timedelta(hours=posts),
                    post_count=posts,
                    next_seq=3,
                )
                self._post(
                    thread,
                    OPENING,
                    author,
                    status,
                    hidden_at=self.now if hidden else None,
                    deleted_at=self.now if deleted else None,
                )
                reply_author = waiting_authors[len(self.threads) % 5]
                self._post(thread, "0000002", reply_author, [PUBLISHED, PENDING][b % 2])
                self.threads.append(thread)

        for v, person in enumerate(self.signed_in):
            for b, board in enumerate(self.boards):
                if (b + v) % 7:  # each follows all boards but one
                    Subscription.objects.create(user=person, board=board)
            for t, thread in enumerate(self.threads):
                if (t + v) % 3 == 0:
                    Subscription.objects.create(user=person, thread=thread)
                if t % 2 == v % 2:
                    hours = [1, 0, -1][(t + v) % 3]  # after its last activity, at it, before
                    read_at = thread.last_activity_at + timedelta(hours=hours)
                    ReadMarker.objects.create(user=person, thread=thread, read_at=read_at)
                if t % 3 == v % 3:
                    opening = thread.posts.get(path=OPENING)
                    Reaction.objects.create(post=opening, user=person, kind="thanks")
                    if t % 2:
                        Reaction.objects.create(post=opening, user=person, kind="helpful")
        moderator = people["moderator"]
        for person, until, lifted in [
            (people["council staff"], self.now + timedelta(days=1), None),
            (people["trust staff"], self.now + timedelta(days=1), self.now),
            (people["community member"], self.ago(days=1), None),
            (people["group member"], self.now + timedelta(days=2), None),
            (people["group member"], self.now + timedelta(days=9), None),  # the longer
            (people["group member"], self.now + timedelta(days=30), self.now),
        ]:
            Suspension.objects.create(
                user=person, until=until, lifted_at=lifted, reason="r", created_by=moderator
            )

    def _post(self, thread, path, author, status, **fields):
        return Post.objects.create(
            thread=thread,
            author=author,
            path=path,
            depth=0 if path == OPENING else 1,
            body="Hello",
            body_html="<p>Hello</p>",
            status=status,
            created_at=thread.created_at,
            **fields,
        )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The partnership, built once and rolled back after the module's tests."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield World()
        transaction.set_rollback(True)


def hand_written_and_orm(read, orm, *args, **kwargs):
    """What the hand-written ``read`` and the ORM's ``orm`` give for the same arguments."""
    return read(*args, **kwargs), orm(*args, **kwargs)


# --- profiles: the own profile, new people nearby, cards ------------------------------------


def own_profile_in_orm(user) -> Profile | None:
    """``own_profile`` in the ORM (commit dc40228): ``active()``, an ``ArraySubquery`` for
    the skill rows and ``Subquery``s for the kept matches."""
    kept_fields = ("basis", "teachers", "learners", "found_at")
    skill_rows = (
        ProfileSkill.objects.filter(profile=OuterRef("pk"))
        .order_by("pk")
        .values(json=JSONObject(relation="relation", skill="skill_id"))
    )
    kept = Matches.objects.filter(profile=OuterRef("pk"))
    profile = (
        Profile.objects.active()
        .filter(user=user)
        .select_related("user__organisation")
        .annotate(
            own_skills=ArraySubquery(skill_rows),
            **{f"kept_{name}": Subquery(kept.values(name)) for name in kept_fields},
        )
        .order_by()
        .first()
    )
    if profile is None:
        return None
    profile.kept_matches = None
    if profile.kept_basis is not None:
        profile.kept_matches = Matches(
            profile_id=profile.pk,
            **{name: getattr(profile, f"kept_{name}") for name in kept_fields},
        )
    return profile


def own_profile_shown(profile: Profile | None):
    """What home reads of an own profile."""
    if profile is None:
        return None
    organisation = profile.user.organisation
    kept = profile.kept_matches
    return {
        "profile": (profile.pk, profile.user_id, profile.team_id, profile.place_id),
        "fields": (
            profile.job_title,
            profile.ask_me_about,
            profile.photo.name,
            profile.working_on,
            profile.bio,
        ),
        "organisation": organisation and (organisation.pk, organisation.name),
        "own_skills": profile.own_skills,
        "kept": kept and (kept.profile_id, kept.basis, kept.teachers, kept.learners, kept.found_at),
    }


@pytest.mark.parametrize("person", [*SIGNED_IN, "someone who left", "someone with no profile"])
def test_own_profile_is_the_orm_s_active_profile(world, person):
    user = world.own_profile_of[person]

    sql, orm = hand_written_and_orm(profile_selectors.own_profile, own_profile_in_orm, user)

    assert own_profile_shown(sql) == own_profile_shown(orm)
    if person == "council staff":  # the case with everything in it is not empty
        assert own_profile_shown(sql)["kept"] and len(sql.own_skills) == 6


def new_people_near_in_orm(viewer, profile: Profile, *, since, limit: int) -> list[int]:
    """``new_people_near`` as it reads: listed profiles whose workplace ``viewer`` sees, in
    the profile's team or building, who arrived since ``since``, newest first."""
    near = Q()
    for field in ("team", "place"):
        if getattr(profile, f"{field}_id"):
            near |= Q(**{field: getattr(profile, f"{field}_id")})
    if not near:
        return []
    return list(
        profile_selectors.listed_profiles(viewer)
        .filter(group_q(viewer, "location"), near)
        .filter(created_at__gte=since)
        .exclude(pk=profile.pk)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[:limit]
    )


@pytest.mark.parametrize("limit", [3, 100])
@pytest.mark.parametrize("subject", ["in a team and a building", "in a building", "nowhere"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_new_people_near_are_the_orm_s_listed_and_visible_arrivals(world, viewer, subject, limit):
    profile = world.subjects[subject]
    since = world.now - NEW_PEOPLE_SINCE

    sql, orm = hand_written_and_orm(
        profile_selectors.new_people_near,
        new_people_near_in_orm,
        world.people[viewer],
        profile,
        since=since,
        limit=limit,
    )

    assert sql == orm
    if viewer == "council staff" and subject != "nowhere" and limit == 3:
        assert len(sql) == limit  # more arrived than home shows


def test_new_people_near_ask_nothing_for_a_profile_with_no_workplace(world):
    with CaptureQueriesContext(connection) as queries:
        found = profile_selectors.new_people_near(
            world.people["council staff"], world.subjects["nowhere"], since=world.now
        )
    assert found == [] and len(queries) == 0


def card_skills_in_orm(viewer, pks) -> dict[int, list]:
    """The skills ``card_people`` lists on each card, as an ``ArraySubquery`` (dc40228)."""
    teaches = (
        ProfileSkill.objects.filter(profile=OuterRef("pk"), relation=ProfileSkill.Relation.TEACH)
        .order_by("skill__name")
        .values(json=JSONObject(relation="relation", name="skill__name", slug="skill__slug"))
    )
    people = (
        profile_selectors.listed_profiles(viewer)
        .filter(pk__in=pks)
        .annotate(card_skill_rows=ArraySubquery(teaches))
    )
    return {profile.pk: profile.card_skill_rows for profile in people}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_cards_list_the_skills_the_orm_finds(world, viewer):
    pks = [*world.arrivals, *(p.pk for p in world.subjects.values())]

    cards = profile_selectors.card_people(world.people[viewer], pks)

    listed = {
        pk: [
            {"relation": row.relation, "name": row.skill.name, "slug": row.skill.slug}
            for row in profile._prefetched_objects_cache["profile_skills"]
        ]
        for pk, profile in cards.items()
    }
    assert listed == card_skills_in_orm(world.people[viewer], pks)
    assert any(len(skills) > 1 for skills in listed.values())


def people_with_skill_in_orm(viewer, skill, *, limit: int):
    """``people_with_skill`` as the ORM read it before the holdings kept who may see them:
    each relation's newest ``limit + 1`` holders whose field group ``group_q`` lets the
    viewer see, of listed profiles (commit 3265d4b)."""
    group = "interests" if skill.kind == Skill.Kind.INTEREST else "skills"
    visible = (
        ProfileSkill.objects.filter(skill=skill)
        .filter(group_q(viewer, group, prefix="profile__"))
        .filter(profile__in=Profile.objects.listed())
    )
    found = {}
    for relation in ProfileSkill.Relation.values:
        rows = list(
            visible.filter(relation=relation)
            .order_by("-pk")
            .values_list("profile_id", flat=True)[: limit + 1]
        )
        found[relation] = (set(rows[:limit]), len(rows) > limit)
    return found


@pytest.mark.parametrize("limit", [1, 12])
@pytest.mark.parametrize("skill", ["Python", "Excel", "Welsh", "Fostering"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_skill_s_people_are_the_orm_s(world, viewer, skill, limit):
    skill = Skill.objects.get(name=skill)
    people, orm = hand_written_and_orm(
        profile_selectors.people_with_skill,
        people_with_skill_in_orm,
        world.people[viewer],
        skill,
        limit=limit,
    )
    assert {r: ({p.pk for p in found}, more) for r, (found, more) in people.items()} == orm


# --- groups: your next events, suggestions come true, an event's viewer -------------------


def next_events_in_orm(user, *, limit: int, now) -> list[RSVP]:
    """``next_events_for`` in the ORM (dc40228), with ``Event.objects.visible_to``."""
    return list(
        RSVP.objects.filter(
            user=user,
            status__in=[GOING, WAITLISTED],
            event__ends_at__gte=now,
            event__in=Event.objects.visible_to(user),
        )
        .select_related("event__group")
        .order_by("event__starts_at", "event__pk")[:limit]
    )


def replies_shown(replies: list[RSVP]):
    return [
        (
            reply.pk,
            reply.status,
            reply.event.pk,
            reply.event.title,
            reply.event.starts_at,
            reply.event.location,
            reply.event.online_url,
            reply.event.cancelled_at,
            reply.event.group.pk,
            reply.event.group.name,
            reply.event.group.slug,
        )
        for reply in replies
    ]


@pytest.mark.parametrize("limit", [3, 100])
@pytest.mark.parametrize("viewer", SIGNED_IN)
def test_next_events_are_the_orm_s_replies_to_visible_events(world, viewer, limit):
    sql, orm = hand_written_and_orm(
        group_selectors.next_events_for,
        next_events_in_orm,
        world.people[viewer],
        limit=limit,
        now=world.now,
    )

    assert replies_shown(sql) == replies_shown(orm)
    assert sql


def came_true_in_orm(user, *, limit: int) -> list[Suggestion]:
    """``came_true_for`` in the ORM (dc40228), with ``Group.objects.visible_to``."""
    suggestions = list(
        Suggestion.objects.filter(
            pk__in=Backing.objects.filter(user=user).values("suggestion"),
            fulfilled_at__isnull=False,
            fulfilled_group__in=Group.objects.visible_to(user),
        )
        .select_related("fulfilled_group", "fulfilled_event")
        .order_by("-fulfilled_at", "-pk")[:limit]
    )
    for suggestion in suggestions:
        event = suggestion.fulfilled_event
        if event is not None and event.group_id != suggestion.fulfilled_group_id:
            suggestion.fulfilled_event = None
    return suggestions


def suggestions_shown(suggestions: list[Suggestion]):
    return [
        (
            s.pk,
            s.title,
            s.fulfilled_group.pk,
            s.fulfilled_group.name,
            s.fulfilled_group.slug,
            s.fulfilled_event and (s.fulfilled_event.pk, s.fulfilled_event.title),
            s.fulfilled_event and s.fulfilled_event.group.slug,
        )
        for s in suggestions
    ]


@pytest.mark.parametrize("limit", [3, 100])
@pytest.mark.parametrize("viewer", SIGNED_IN)
def test_suggestions_come_true_are_the_orm_s_backed_and_visible_ones(world, viewer, limit):
    sql, orm = hand_written_and_orm(
        group_selectors.came_true_for, came_true_in_orm, world.people[viewer], limit=limit
    )

    assert suggestions_shown(sql) == suggestions_shown(orm)
    assert sql


def with_viewer_in_orm(events, viewer):
    """``with_viewer``'s facts as ``Subquery``s."""
    if not viewer.is_authenticated:
        return events
    membership = Membership.objects.filter(user=viewer, group=OuterRef("group"))
    reply = RSVP.objects.filter(user=viewer, event=OuterRef("pk"))
    return events.annotate(
        viewer_status=Subquery(membership.values("status")[:1]),
        viewer_role=Subquery(membership.values("role")[:1]),
        viewer_reply=Subquery(reply.values("status")[:1]),
    )


@pytest.mark.parametrize("viewer", VIEWERS)
def test_an_event_s_viewer_facts_are_the_orm_s(world, viewer):
    facts = ("pk", "viewer_status", "viewer_role", "viewer_reply")

    def read(events):
        return [tuple(getattr(e, name, None) for name in facts) for e in events.order_by("pk")]

    sql, orm = hand_written_and_orm(
        group_selectors.with_viewer, with_viewer_in_orm, Event.objects.all(), world.people[viewer]
    )

    assert read(sql) == read(orm)


# --- forums: new threads followed, a reader's facts, unread threads ------------------------


def new_threads_in_orm(user, *, since, limit: int) -> list[Thread]:
    """``new_threads_followed`` in the ORM (dc40228), with ``Board.objects.visible_to``."""
    opening = Post.objects.filter(
        thread=OuterRef("pk"),
        path=OPENING,
        status=PUBLISHED,
        hidden_at__isnull=True,
        deleted_at__isnull=True,
    )
    return list(
        Thread.objects.filter(
            Exists(opening),
            board__in=Board.objects.visible_to(user),
            board__subscriptions__user=user,
            created_at__gte=since,
            post_count__gt=0,
        )
        .exclude(author=user)
        .select_related("board")
        .order_by("-created_at", "-pk")[:limit]
    )


def threads_shown(threads: list[Thread]):
    return [
        (t.pk, t.title, t.slug, t.created_at, t.board.pk, t.board.name, t.board.slug)
        for t in threads
    ]


@pytest.mark.parametrize("limit", [3, 100])
@pytest.mark.parametrize("viewer", SIGNED_IN)
def test_new_threads_followed_are_the_orm_s(world, viewer, limit):
    sql, orm = hand_written_and_orm(
        forum_selectors.new_threads_followed,
        new_threads_in_orm,
        world.people[viewer],
        since=world.now - NEW_THREADS_SINCE,
        limit=limit,
    )

    assert threads_shown(sql) == threads_shown(orm)
    assert sql


def for_reader_in_orm(queryset, user):
    """``for_reader``'s facts as ``Exists``, ``Subquery`` and ``ArraySubquery``."""
    if not user.is_authenticated:
        return queryset
    model = queryset.model
    of_row = {"board" if model is Board else "thread": OuterRef("pk")}
    suspension = Suspension.objects.filter(user=user).active().values("pk")[:1]
    annotations = {
        "following": Exists(Subscription.objects.filter(user=user, **of_row)),
        "muted": Exists(Mute.objects.filter(user=user, **of_row)),
        "suspension_id": Subquery(suspension),
    }
    if model is Board:
        waiting = Thread.objects.filter(author=user, post_count=0, **of_row)
        annotations["own_waiting"] = Exists(waiting)
    if model is Thread:
        read = ReadMarker.objects.filter(user=user, **of_row).values("read_at")[:1]
        annotations["read_at"] = Subquery(read)
        waiting = Post.objects.filter(author=user, status=PENDING, **of_row)
        annotations["own_waiting"] = Exists(waiting)
        key = Concat(Cast("post_id", CharField()), Value("_"), "kind", output_field=CharField())
        reactions = Reaction.objects.filter(user=user, post__thread=OuterRef("pk"))
        annotations["own_reactions"] = ArraySubquery(reactions.values(key=key))
    return queryset.annotate(**annotations)


def reader_facts(rows):
    facts = ("following", "muted", "suspension_id", "own_waiting", "read_at", "own_reactions")
    return [
        (row.pk, *(getattr(row, name, None) for name in facts[:-1]))
        # The reactions are looked up, not listed: their order is no part of the answer.
        + (sorted(getattr(row, "own_reactions", None) or []),)
        for row in rows.order_by("pk")
    ]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_reader_s_facts_on_boards_are_the_orm_s(world, viewer):
    sql, orm = hand_written_and_orm(
        forum_selectors.for_reader, for_reader_in_orm, Board.objects.all(), world.people[viewer]
    )

    assert reader_facts(sql) == reader_facts(orm)


def unread_in_orm(user, thread_ids) -> set[int]:
    if not user.is_authenticated:
        return set()
    read_since = ReadMarker.objects.filter(
        user=user, thread=OuterRef("pk"), read_at__gte=OuterRef("last_activity_at")
    )
    return set(
        Thread.objects.filter(pk__in=thread_ids)
        .exclude(Exists(read_since))
        .values_list("pk", flat=True)
    )


@pytest.mark.parametrize("viewer", VIEWERS)
def test_unread_threads_are_the_orm_s(world, viewer):
    ids = [thread.pk for thread in world.threads]

    sql, orm = hand_written_and_orm(
        forum_selectors.unread_threads, unread_in_orm, world.people[viewer], ids
    )

    assert sql == orm
    if viewer != "anonymous":
        assert 0 < len(sql) < len(ids)


# --- forums: a page of a thread ---------------------------------------------------------------


def page_of_posts_in_orm(thread, user, *, moderator: bool, page: int) -> list[Post]:
    """``page_of_posts`` in the ORM (before decision 15 of docs/decisions/0019)."""
    posts = forum_selectors.visible_posts(thread, user, moderator=moderator)
    size = forum_selectors.posts_per_page(thread)
    counts = {
        f"{kind}_count": count_of(Reaction.objects.filter(kind=kind), "post")
        for kind in Reaction.Kind.values
    }
    start = (page - 1) * size
    on_page = posts.order_by("path").values("pk")[start : start + size]
    page_posts = list(
        Post.objects.filter(pk__in=Subquery(on_page))
        .select_related("author__organisation", "parent__author")
        .annotate(**counts, revision_count=count_of(PostRevision.objects.all(), "post"))
        .order_by("path")
    )
    on_page = {post.pk for post in page_posts}
    authors = {post.author_id for post in page_posts if post.author_id}
    linkable = set(
        Profile.objects.active()
        .filter(group_q(user, "profile"), user_id__in=authors)
        .values_list("user_id", flat=True)
    )
    for post in page_posts:
        post.author_linkable = post.author_id in linkable
        post.links = {
            key: reverse(name, args=[post.pk]) for key, name in forum_links.POST_LINKS.items()
        }
        post.author_link = (
            reverse("profiles:profile-detail", args=[post.author.username]) if post.author else ""
        )
        if post.parent_id:
            post.parent_link = (
                f"#post-{post.parent_id}"
                if post.parent_id in on_page
                else reverse("forums:post-permalink", args=[post.parent_id])
            )
    forum_selectors.nest(page_posts)
    return page_posts


@pytest.fixture
def long_thread(world):
    """A thread of more than a page: replies nested under posts on this page and the one
    before, posts waiting (the viewers' own and others'), hidden, deleted, edited, by
    someone gone, and reacted to."""
    people = world.signed_in
    thread = Thread.objects.create(
        board=world.boards[0], title="A long one", slug="a-long-one", author=world.organiser
    )
    seq = {"n": 0}

    def post(parent=None, author=world.organiser, status=PUBLISHED, **fields):
        seq["n"] += 1
        step = f"{seq['n']:0{SEQ_WIDTH}d}"
        return world._post(
            thread,
            f"{parent.path}.{step}" if parent else step,
            author,
            status,
            parent=parent,
            **fields,
        )

    earlier = []
    for n in range(forum_selectors.POSTS_PER_PAGE + 12):
        author = [world.organiser, *people, None, world.trust_organiser][n % 8]
        status = PENDING if n % 9 == 4 else PUBLISHED
        made = post(
            parent=earlier[n - 3] if n % 6 == 5 and n >= 3 else None,
            author=author,
            status=status,
            hidden_at=world.now if n % 13 == 7 else None,
            deleted_at=world.now if n % 17 == 9 else None,
            edited_at=world.now if n % 5 == 2 else None,
        )
        earlier.append(made)
        if n % 5 == 2:
            PostRevision.objects.create(post=made, body="Before")
        for v, person in enumerate(people):
            if (n + v) % 4 == 0:
                Reaction.objects.create(post=made, user=person, kind="thanks")
            if (n + v) % 7 == 0:
                Reaction.objects.create(post=made, user=person, kind="helpful")
    return thread


def page_facts(posts):
    def name(user):
        return user and (user.display_name, user.organisation and user.organisation.display_name)

    return [
        (
            post.pk,
            post.path,
            post.status,
            post.body_html,
            post.hidden_at,
            post.deleted_at,
            post.edited_at,
            post.hidden_automatically,
            name(post.author),
            post.author_linkable,
            post.parent_id,
            post.parent and post.parent.author and post.parent.author.display_name,
            post.thanks_count,
            post.helpful_count,
            post.revision_count,
            post.links,
            post.author_link,
            getattr(post, "parent_link", None),
            post.replies_follow,
            list(post.lists_ending),
        )  # fmt: skip
        for post in posts
    ]


@pytest.mark.parametrize("page", [1, 2])
@pytest.mark.parametrize("moderator", [False, True])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_page_of_a_thread_is_the_orm_s(world, long_thread, viewer, moderator, page):
    person = world.people[viewer]

    with CaptureQueriesContext(connection) as queries:
        sql = forum_selectors.page_of_posts(long_thread, person, moderator=moderator, page=page)
        facts = page_facts(sql)  # reading what the page shows asks nothing more
    orm = page_of_posts_in_orm(long_thread, person, moderator=moderator, page=page)

    assert len(queries) == 1
    assert facts == page_facts(orm)
    assert sql and len(sql) <= forum_selectors.POSTS_PER_PAGE
    linkable = {post.author_linkable for post in sql if post.author}
    assert linkable == ({False} if viewer == "anonymous" else {True, False})


# --- groups: an event's page ------------------------------------------------------------------


def _fields(instance) -> dict | None:
    """Every column a page may show of ``instance`` (not those the database generates)."""
    if instance is None:
        return None
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not isinstance(field, GeneratedField)
    }


def event_page_facts(event):
    teacher = event.teacher
    profile = teacher and Profile._meta.get_field("user").remote_field.get_cached_value(teacher)
    return (
        _fields(event), _fields(event.group), _fields(event.skill), _fields(event.series),
        _fields(teacher), _fields(profile),
        *(getattr(event, name, None) for name in ("viewer_status", "viewer_role", "viewer_reply")),
    )  # fmt: skip


@pytest.fixture
def taught_events(world):
    """Sessions taught by someone with a profile and by someone without, one in a series,
    asking questions of those who come."""
    group = world.groups[1]
    skill = Skill.objects.get(name="Python")
    series = EventSeries.objects.create(
        group=group, frequency="weekly", starts_at=world.now, count=4, created_by=world.organiser
    )
    taught = []
    for teacher, in_series in ((world.people["council staff"], True), (world.organiser, False)):
        taught.append(
            Event.objects.create(
                group=group,
                title=f"Python with {teacher.name}",
                kind="learning",
                skill=skill,
                teacher=teacher,
                series=series if in_series else None,
                starts_at=world.now + timedelta(days=3),
                ends_at=world.now + timedelta(days=3, hours=1),
                questions=[{"question": "Any access needs?", "required": False}],
                created_by=world.organiser,
            )
        )
    return taught


def _or_none(read, *args, **kwargs):
    """What ``read`` gives, or None for a 404."""
    try:
        return read(*args, **kwargs)
    except Http404:
        return None


@pytest.mark.parametrize("viewer", VIEWERS)
def test_an_event_for_its_page_is_the_orm_s(world, taught_events, viewer):
    person = Viewer.of(world.people[viewer])
    viewing = group_selectors.with_viewer(Event.objects.all(), person)
    seen = 0

    for event in [*world.events, *taught_events]:
        slug = event.group.slug
        with CaptureQueriesContext(connection) as queries:
            sql = group_selectors.event_for_page(person, slug, event.pk)
            facts = event_page_facts(sql)  # nothing more to ask
            sql = _or_none(visible_event, person, sql)
        orm = viewing.filter(pk=event.pk, group__slug=slug)
        orm = orm.select_related("group", "skill", "teacher__profile", "series").first()
        orm = _or_none(visible_event, person, orm)

        assert len(queries) <= 2  # and whether they may see a members-only group's
        assert (sql is None) == (orm is None)
        if orm is not None:
            seen += 1
            assert facts == event_page_facts(orm)
            assert isinstance(sql.questions, list)  # read as the ORM reads JSON
    assert 0 < seen < len(world.events) + len(taught_events)
    assert group_selectors.event_for_page(person, "not-its-group", event.pk) is None


# --- forums: a thread for its page ---------------------------------------------------------------


def thread_page_facts(thread):
    facts = ("following", "muted", "suspension_id", "read_at", "own_waiting")
    return (
        _fields(thread),
        _fields(thread.board),
        *(getattr(thread, name, None) for name in facts),
        sorted(getattr(thread, "own_reactions", None) or []),
    )


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_thread_for_its_page_is_the_orm_s(world, long_thread, viewer):
    person = Viewer.of(world.people[viewer])
    reading = for_reader_in_orm(Thread.objects.all(), world.people[viewer])
    seen = 0
    if person.is_authenticated:  # a thread muted, and a board (which mutes no thread here)
        Mute.objects.create(user_id=person.pk, thread=world.threads[1])
        Mute.objects.create(user_id=person.pk, board=world.boards[0])

    for thread in [*world.threads, long_thread]:
        with CaptureQueriesContext(connection) as queries:
            sql = forum_selectors.thread_for_page(person, thread.pk)
            facts = thread_page_facts(sql)  # nothing more to ask
            sql = _or_none(readable_thread, person, sql)
        orm = reading.filter(pk=thread.pk).select_related("board").first()
        orm = _or_none(readable_thread, person, orm)

        assert len(queries) <= 3  # and whether they may read a board of their group's
        assert (sql is None) == (orm is None)
        if orm is not None:
            seen += 1
            assert facts == thread_page_facts(orm)
    assert 0 < seen < len(world.threads) + 1
    assert forum_selectors.thread_for_page(person, thread.pk + 10_000) is None


# --- stories: a story for its page ----------------------------------------------------------


def story_page_in_orm(viewer, pk: int) -> Story | None:
    """A story's page's read as the ORM wrote it before it was read by hand (readable_by's
    rule in the query)."""
    tags = StoryTag.objects.filter(content_object_id=OuterRef("pk")).order_by("tag__name")
    annotations = {
        "tag_list": ArraySubquery(tags.values(json=JSONObject(name="tag__name", slug="tag__slug"))),
        "edited": Exists(Revision.objects.filter(story_id=OuterRef("pk"))),
    }
    if viewer.is_authenticated:
        follows = StoryFollow.objects.filter(follower_id=viewer.pk)
        annotations |= {
            "following_author": Exists(follows.filter(author_id=OuterRef("author_id"))),
            "following_series": Exists(follows.filter(series_id=OuterRef("series_id"))),
            "viewer_edits": Exists(editors().filter(pk=viewer.pk)),
            "viewer_writes_series": Exists(
                Series.writers.through.objects.filter(
                    series_id=OuterRef("series_id"), user_id=viewer.pk
                )
            ),
        }
    stories = Story.objects.readable_by(viewer).filter(pk=pk)
    return (
        stories.select_related("author__organisation", "series", "group")
        .annotate(**annotations)
        .first()
    )


def story_page_facts(story):
    facts = ("following_author", "following_series", "viewer_edits", "viewer_writes_series")
    author = story.author
    return (
        _fields(story), _fields(author), _fields(author and author.organisation),
        _fields(story.series), _fields(story.group), story.tag_list, story.edited,
        *(getattr(story, name, None) for name in facts),
    )  # fmt: skip


@pytest.fixture
def stories(world):
    """Stories in every state and audience, in a series and a group, tagged and edited; an
    editor by role (the moderator), one by their own right (the group member), a writer of
    the series (trust staff), followers of a writer and of the series."""
    people, council = world.people, world.council
    right = Permission.objects.get(codename=EDIT_STORIES, content_type__app_label="stories")
    AuthGroup.objects.get(name="Moderators").permissions.add(right)
    people["group member"].user_permissions.add(right)
    series = Series.objects.create(
        title="Weeknotes", slug="weeknotes", audience="community", group=world.groups[-1]
    )
    series.writers.add(people["trust staff"])
    gone = UserFactory(name="Gone Writer")
    staff, trust, community = (
        people["council staff"],
        people["trust staff"],
        people["community member"],
    )
    later = world.now + timedelta(days=1)
    waiting = {"published_at": None}
    made = []
    for title, author, fields in [
        ("Public", staff, {"series": series, "group": world.groups[-1]}),
        ("Council's", staff, {"audience": "organisation", "audience_organisation": council}),
        ("Members'", world.organiser, {"audience": "members", "group": world.groups[-1]}),
        ("Staff, later", trust, {"audience": "staff", "published_at": later}),
        ("Draft", trust, {"status": "draft", **waiting}),
        ("Proposed to the series", community, {"status": "proposed", "series": series, **waiting}),
        ("Proposed", community, {"status": "proposed", **waiting}),
        ("Changes asked", community, {"status": "changes", **waiting}),
        ("Its writer gone", gone, {}),
    ]:
        fields = {
            "audience": "public",
            "status": "published",
            "published_at": world.ago(days=1),
        } | fields
        made.append(
            Story.objects.create(
                title=title, slug="s", author=author, summary="s", body="Bins",
                body_html="<p>Bins</p>",
                **fields,
            )
        )  # fmt: skip
    gone.delete()
    for name in ("Python", "Excel"):
        StoryTag.objects.create(content_object=made[0], tag=Skill.objects.get(name=name))
    for story in made[1:5]:  # the council's, the members', one to come and a draft
        StoryTag.objects.create(content_object=story, tag=Skill.objects.get(name="Python"))
    for number in (2, 1):
        Image.objects.create(
            story=made[0], number=number, alt=f"Picture {number}", width=800, height=600,
            widths=[400, 800], key=f"k{number}",
        )  # fmt: skip
    Revision.objects.create(story=made[0], title="t", summary="s", body="b")
    for person in world.signed_in[:3]:
        StoryFollow.objects.create(follower=person, author=people["council staff"])
        StoryFollow.objects.create(follower=person, series=series)
    return made


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_story_for_its_page_is_the_orm_s(world, stories, viewer):
    person = Viewer.of(world.people[viewer])
    seen = 0

    for story in stories:
        with CaptureQueriesContext(connection) as queries:
            sql = story_selectors.story_page(person, story.pk)
            facts = story_page_facts(sql)  # nothing more to ask
            sql = _or_none(readable_story, person, sql)
        orm = story_page_in_orm(person, story.pk)

        assert len(queries) <= 2  # and whether they belong to a members-only story's group
        assert (sql is None) == (orm is None), story.title
        if orm is not None:
            seen += 1
            assert facts == story_page_facts(orm)
    assert 0 < seen < len(stories)
    assert story_selectors.story_page(person, story.pk + 10_000) is None


# --- stories: cards -----------------------------------------------------------------------


def card_facts(story):
    """What a card shows of a story (not its text, which no card reads)."""
    author = story.author
    fields = {
        field.attname: getattr(story, field.attname)
        for field in Story._meta.concrete_fields
        if field.name not in ("body", "body_html", "search_document")
    }
    return (
        fields, _fields(author), _fields(author and author.organisation), _fields(story.series),
        _fields(story.group), story.lead, story.tag_names, story.series_shown, story.group_shown,
    )  # fmt: skip


def found_in_orm(world, viewer, by: str, value: str):
    """What ``cards`` is asked to find a story by, and the ORM's plain query of the same."""
    if by == "words":
        return value, story_selectors.find(viewer, story_selectors.Filters(q=value))
    if by == "tag":
        skill = Skill.objects.get(name=value)
        return skill.pk, story_selectors.find(viewer, story_selectors.Filters(tag=skill.slug))
    out = story_selectors.out_for(viewer)
    if by == "author":
        author = world.people[value]
        return author.pk, story_selectors.with_card_data(out.filter(author=author), viewer)
    series = Series.objects.get(slug=value)
    return series.pk, story_selectors.with_card_data(out.filter(series=series), viewer)


@pytest.mark.parametrize(("start", "limit"), [(0, 1), (0, 20), (1, 1), (1, 20)])
@pytest.mark.parametrize(
    ("by", "value"),
    [
        ("words", "bins"),
        ("words", "public"),
        ("tag", "Python"),
        ("author", "council staff"),
        ("series", "weeknotes"),
    ],
)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_story_cards_are_the_orm_s(world, stories, viewer, by, value, start, limit):
    person = Viewer.of(world.people[viewer])
    asked, orm = found_in_orm(world, person, by, value)

    with CaptureQueriesContext(connection) as queries:
        sql, total = story_selectors.cards(person, start=start, limit=limit, **{by: asked})
        facts = [card_facts(story) for story in sql]  # nothing more to ask
        paged = story_selectors.CardPages(person, **{by: asked})[start : start + limit]

    assert len(queries) == 2
    assert total == (orm.count() if facts else 0)  # counted with the cards read
    assert facts == [card_facts(story) for story in orm[start : start + limit]]
    assert [story.pk for story in paged] == [story.pk for story in sql]
    assert len(facts) == min(limit, max(orm.count() - start, 0))
    assert orm.count() > 0


@pytest.mark.parametrize("viewer", VIEWERS)
def test_story_cards_read_each_story_their_words_find_once(world, stories, viewer):
    """Each story the words' index finds is kept or not by the rule as it is found: only the
    page's stories are read again, for their cards (ADR 0019, decision 19)."""
    person = Viewer.of(world.people[viewer])
    asked, orm = found_in_orm(world, person, "words", "bins")
    ran = []
    with connection.execute_wrapper(lambda execute, *call: ran.append(call[:2]) or execute(*call)):
        story_selectors.cards(person, limit=1, words=asked)
    [(sql, params)] = ran
    with connection.cursor() as cursor:
        # As at scale, whatever the statistics earlier tests left: no story is read whole, and
        # the page's few are joined by their key, not by hashing every story out.
        for plan_shape in ("enable_seqscan", "enable_hashjoin", "enable_mergejoin"):
            cursor.execute(f"SET LOCAL {plan_shape} = off")
    [(plan,)] = fetch(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)

    read = sum(
        node["Actual Rows"] * node["Actual Loops"]
        for node in nodes(plan[0]["Plan"])
        if node.get("Relation Name") == "stories_story"
    )
    assert orm.count() > 1
    assert read == orm.count() + 1  # those found, then the page's one


def followed_q(viewer) -> Q:
    """The stories of the writers and series ``viewer`` follows."""
    follows = StoryFollow.objects.filter(follower_id=viewer.pk)
    return Q(author_id__in=follows.exclude(author=None).values("author_id")) | Q(
        series_id__in=follows.exclude(series=None).values("series_id")
    )


def home_stories_in_orm(viewer, *, limit: int) -> list[Story]:
    """Home's stories as the ORM read them before they were read by hand: every story out
    that is followed or featured, followed first, newest first."""
    followed = followed_q(viewer)
    stories = (
        story_selectors.out_for(viewer)
        .filter(followed | Q(featured=True))
        .annotate(followed=Case(When(followed, then=True), default=False))
        .order_by("-followed", "-published_at", "-pk")
    )
    return list(story_selectors.with_card_data(stories, viewer)[:limit])


@pytest.mark.parametrize("limit", [1, 2, 4, 20])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_home_stories_are_the_orm_s(world, stories, viewer, limit):
    """Followed first (a story both followed and featured among them), then the newest
    featured, each as a card shows it: for people who follow a writer and a series, and for
    those who follow nobody."""
    person = Viewer.of(world.people[viewer])
    featured = ("Public", "Council's", "Members'", "Its writer gone")
    with transaction.atomic():
        for hours, story in enumerate(stories):  # each out at its own time
            Story.objects.filter(pk=story.pk).update(
                featured=story.title in featured,
                published_at=F("published_at") - timedelta(hours=hours),
            )
        if viewer == "trust staff":  # who follows the writer alone
            StoryFollow.objects.filter(follower=person.pk, series__isnull=False).delete()

        with CaptureQueriesContext(connection) as queries:
            found = story_selectors.for_home(person, limit=limit)
            facts = [(*card_facts(story), story.followed) for story in found]  # nothing more
        orm = home_stories_in_orm(person, limit=limit)
        transaction.set_rollback(True)

    assert len(queries) == 1
    assert facts == [(*card_facts(story), story.followed) for story in orm]
    assert len(found) == min(limit, len(orm)) and orm
    followed = [story.followed for story in found]
    assert followed == sorted(followed, reverse=True)
    assert any(followed) == (viewer in ("community member", "council staff", "trust staff"))


@pytest.mark.parametrize("limit", [1, 4])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_list_s_stories_from_people_followed_are_the_orm_s(world, stories, viewer, limit):
    person = Viewer.of(world.people[viewer])
    with transaction.atomic():
        Story.objects.filter(title="Its writer gone").update(featured=True)  # never brought in

        with CaptureQueriesContext(connection) as queries:
            found = story_selectors.followed(person, limit=limit)
            facts = [card_facts(story) for story in found]  # nothing more to ask
        orm = story_selectors.out_for(person).filter(followed_q(person))
        orm = list(story_selectors.with_card_data(orm, person)[:limit])
        transaction.set_rollback(True)

    assert len(queries) == (1 if person.signed_in else 0)
    assert facts == ([card_facts(story) for story in orm] if person.signed_in else [])
    assert all(story.followed for story in found)
    assert bool(found) == (viewer in ("community member", "council staff", "trust staff"))


# --- groups: a skill's groups and sessions ------------------------------------------------------


def events_about_in_orm(viewer, skill, limit: int = 10):
    """A skill's events as the ORM read them before they were read by hand."""
    upcoming = (
        Event.objects.filter(Event.objects.visible_q(viewer))
        .filter(cancelled_at__isnull=True, ends_at__gte=timezone.now())
        .order_by("starts_at", "pk")
        .values("pk")
    )
    tagged = GroupTag.objects.filter(tag=skill).values("content_object")
    found = any_of(
        [upcoming.filter(skill=skill)[:limit], upcoming.filter(group__in=tagged)[:limit]],
        2 * limit,
    )
    events = Event.objects.filter(Among("pk", found)).select_related("group")
    return events.order_by("starts_at", "pk")[:limit]


def groups_about_in_orm(viewer, skill, limit: int = 10):
    groups = Group.objects.visible_to(viewer).open().filter(tags=skill)
    return group_selectors.with_list_data(groups).order_by("name", "pk")[:limit]


def group_card_facts(group):
    facts = ("member_count", "next_event_title", "next_event_starts", "next_event_id")
    return (_fields(group), *(getattr(group, name) for name in facts))


@pytest.fixture
def about_python(world):
    """Python: taught in sessions of every group but the last (the members-only one), and a
    tag of every group (one of them closed)."""
    python = Skill.objects.get(name="Python")
    for group in world.groups:
        GroupTag.objects.create(content_object=group, tag=python)
    Event.objects.filter(group__in=world.groups[:-1], title__startswith="Later").update(
        skill=python
    )
    group_services.close_group(group=world.groups[2])
    return python


@pytest.mark.parametrize("limit", [1, 3, 10])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_skill_s_groups_and_sessions_are_the_orm_s(world, about_python, viewer, limit):
    person = Viewer.of(world.people[viewer])

    with CaptureQueriesContext(connection) as queries:
        events = group_selectors.events_about(person, about_python, limit)
        event_facts = [(_fields(event), _fields(event.group)) for event in events]
        groups = group_selectors.groups_about(person, about_python, limit)
        group_facts = [group_card_facts(group) for group in groups]  # nothing more to ask
    orm_events = events_about_in_orm(person, about_python, limit)
    orm_groups = groups_about_in_orm(person, about_python, limit)

    assert len(queries) == 2
    assert event_facts == [(_fields(event), _fields(event.group)) for event in orm_events]
    assert group_facts == [group_card_facts(group) for group in orm_groups]
    assert events and groups


# --- groups: a group's page ------------------------------------------------------------------


def group_page_events_in_orm(group):
    """A group page's events as the ORM read them before they were read by hand."""
    now = timezone.now()
    events = (
        Event.objects.filter(group=group)
        .select_related("skill", "series")
        .annotate(
            going=count_of(RSVP.objects.filter(status=RSVP.Status.GOING), "event")
            + count_of(Guest.objects.filter(status=Guest.Status.GOING), "event")
        )
    )
    upcoming = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    past = list(events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:10])
    return group_selectors.next_of_each_series(upcoming), past


def group_event_facts(events):
    return [
        (_fields(e), _fields(e.series), e.going, getattr(e, "later_sessions", None)) for e in events
    ]


@pytest.fixture
def busy_group(world):
    """The walkers' group with a weekly series to come and twelve walks past, guests going
    to some."""
    group = world.groups[0]
    series = EventSeries.objects.create(
        group=group, frequency="weekly", starts_at=world.now, count=4, created_by=world.organiser
    )
    for week in range(4):
        at = world.now + timedelta(days=3 + 7 * week)
        Event.objects.create(
            group=group, series=series, title=f"Weekly walk {week}", starts_at=at,
            ends_at=at + timedelta(hours=1), created_by=world.organiser,
        )  # fmt: skip
    for week in range(12):
        at = world.ago(days=10 + 7 * week)
        walk = Event.objects.create(
            group=group, title=f"Walk {week} weeks back", starts_at=at,
            ends_at=at + timedelta(hours=1), created_by=world.organiser,
        )  # fmt: skip
        for n, status in enumerate(("going", "waitlisted", "going")[: week % 4]):
            Guest.objects.create(event=walk, name="G", email=f"g{n}@example.com", status=status)
    return group


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_group_s_page_events_are_the_orm_s(world, busy_group, viewer):
    person = Viewer.of(world.people[viewer])
    for group in world.groups:
        with CaptureQueriesContext(connection) as queries:
            page = group_selectors.group_page(group, person)
            upcoming, past = group_event_facts(page["upcoming"]), group_event_facts(page["past"])
        orm_upcoming, orm_past = group_page_events_in_orm(group)

        assert len(queries) <= 4  # the events, organisers, their profiles, the members
        assert upcoming == group_event_facts(orm_upcoming)
        assert past == group_event_facts(orm_past)
    assert len(group_selectors.group_page(busy_group, person)["past"]) == 10  # of 13
