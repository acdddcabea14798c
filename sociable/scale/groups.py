"""OWLS groups of every audience, their members, events and RSVPs.

Written as the services leave them: the creator is the first organiser; members
are people who can see the group (organisers add people to members-only groups);
requests to join an approval group are pending, approved (``decided_at``) or
declined. RSVPs arrive in time order and take a place while there is one, then
queue (``queued_at``): nobody is ever going beyond an event's capacity, and nobody
waits while there is a free place.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import accumulate

from django.utils.text import slugify

from groups.models import RSVP, Event, EventSeries, Group, GroupTag, Membership
from groups.recurrence import shifted
from groups.services import RESERVED_SLUGS
from profiles.models import Skill
from sociable.audience import Audience
from sociable.markdown import render_markdown

from . import names
from .bulk import copy_rows, reserve_ids, when
from .people import ORGANISATION_SHARES
from .world import DAY, Pool, World

A = Audience
GroupKind = Group.Kind
Status = RSVP.Status
AUDIENCES = [
    (A.PUBLIC, 10),
    (A.COMMUNITY, 25),
    (A.STAFF, 40),
    (A.ORGANISATION, 15),
    (A.MEMBERS, 10),
]
KINDS = [
    (GroupKind.SOCIAL, 35),
    (GroupKind.LEARNING, 35),
    (GroupKind.PEER_SUPPORT, 15),
    (GroupKind.STAFF_NETWORK, 15),
]
CAPACITIES = [6, 8, 10, 12, 15, 20, 25, 30, 40, 60]
UPCOMING_DAYS = 90
START_HOURS = [10, 12, 12, 12.5, 13, 16, 17, 17.5, 18, 19]  # UTC
SERIES_SHARE = 0.15  # of groups with four events or more: they meet on a rule


@dataclass
class SeededGroup:
    id: int
    name: str
    slug: str
    kind: str
    audience: str
    organisation: int | None  # index into World.organisations
    created: float
    closed: float | None
    pool: Pool  # who can see it
    topic: tuple[int, str] | None  # a skill (id, name)
    join: str = Group.JoinPolicy.OPEN
    organisers: list[int] = field(default_factory=list)  # people indices
    members: list[int] = field(default_factory=list)  # active members, organisers included


def _cum(pairs):
    values, weights = zip(*pairs, strict=True)
    return list(values), list(accumulate(weights))


class _Html:
    """render_markdown, once per distinct text."""

    def __init__(self):
        self.cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        html = self.cache.get(text)
        if html is None:
            html = self.cache[text] = render_markdown(text)
        return html


def seed_groups(world: World) -> None:
    rng, people = world.rng, world.people
    count = world.plan.groups
    audiences, kinds = _cum(AUDIENCES), _cum(KINDS)
    org_cum = list(accumulate(ORGANISATION_SHARES))
    slugs = set(Group.objects.values_list("slug", flat=True)) | RESERVED_SLUGS
    html = _Html()
    first_id = reserve_ids(Group._meta.db_table, count)
    places = [name for _, name in world.places.items]
    group_rows, tag_rows = [], []
    for n in range(count):
        kind = rng.choices(kinds[0], cum_weights=kinds[1])[0]
        audience = rng.choices(audiences[0], cum_weights=audiences[1])[0]
        if kind == GroupKind.PEER_SUPPORT and rng.random() < 0.6:
            audience = A.MEMBERS  # what is said in the circle stays there
        if n < len(AUDIENCES):  # every audience, however few the groups
            audience = AUDIENCES[n][0]
        org_index = None
        if audience == A.ORGANISATION:
            org_index = rng.choices(range(len(org_cum)), cum_weights=org_cum)[0]
            pool = world.by_org[org_index]
        elif audience in (A.PUBLIC, A.COMMUNITY):
            pool = world.everyone
        else:
            pool = world.staff
        created = (
            world.beginning + 20 * DAY + rng.random() * (world.end - world.beginning - 27 * DAY)
        )
        creator = pool.pick(rng, created, bias=1.5)
        name, topic, tags = _name(world, kind, org_index, places)
        slug = _free_slug(slugify(name)[:120] or "group", slugs)
        join = Group.JoinPolicy.APPROVAL
        if rng.random() < (0.3 if audience == A.MEMBERS else 0.8):
            join = Group.JoinPolicy.OPEN
        closed = None
        if rng.random() < 0.03 and world.end - created > 90 * DAY:
            closed = created + 60 * DAY + rng.random() * (world.end - created - 60 * DAY)
        group = SeededGroup(
            id=first_id + n, name=name, slug=slug, kind=kind, audience=audience,
            organisation=org_index, created=created, closed=closed, pool=pool, topic=topic,
            join=join,
        )  # fmt: skip
        world.groups.append(group)
        description = rng.choice(names.GROUP_DESCRIPTIONS).format(
            n=rng.randint(3, 12),
            topic=(topic[1] if topic else name).lower(),
            place=rng.choice(places),
            when=rng.choice(names.WHEN),
        )
        organisation_id = world.organisations[org_index][0].pk if org_index is not None else None
        group_rows.append((
            group.id, audience, organisation_id, name, slug, rng.choice(names.GROUP_SUMMARIES),
            description, html(description), kind, join, "", people.user_id(creator),
            when(created), when(closed) if closed else None,
        ))  # fmt: skip
        tag_rows += [(group.id, skill_id) for skill_id in tags]
        group.organisers.append(creator)
    columns = [
        "id", "audience", "audience_organisation_id", "name", "slug", "summary", "description",
        "description_html", "kind", "join_policy", "image", "created_by_id", "created_at",
        "closed_at",
    ]  # fmt: skip
    world.tally.add("groups_group", copy_rows(Group._meta.db_table, columns, group_rows))
    tag_columns = ["content_object_id", "tag_id"]
    world.tally.add("groups_grouptag", copy_rows(GroupTag._meta.db_table, tag_columns, tag_rows))
    world.tally.add("groups_membership", copy_rows(
        Membership._meta.db_table,
        ["group_id", "user_id", "role", "status", "request_message", "decision_message",
         "created_at", "decided_at"],
        (row for group in world.groups for row in _memberships(world, group)),
    ))  # fmt: skip


def _free_slug(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _name(world: World, kind: str, org_index: int | None, places: list[str]):
    """A believable name, the group's topic (a skill) and its tags (skill ids)."""
    rng = world.rng
    short = world.organisations[org_index][0].display_name if org_index is not None else ""
    if kind == GroupKind.LEARNING:
        topic = world.skills[Skill.Kind.SKILL].one(rng)
        name = f"{topic[1]} {rng.choice(names.LEARNING_SUFFIXES)}"
        more = world.skills[Skill.Kind.SKILL].distinct(rng, rng.randint(0, 2), {topic})
        return name, topic, [topic[0]] + [s[0] for s in more]
    if kind == GroupKind.SOCIAL:
        topic = world.skills[Skill.Kind.INTEREST].one(rng)
        where = rng.choice(names.NEIGHBOURHOODS) if rng.random() < 0.5 else short
        name = " ".join(p for p in [where, topic[1], rng.choice(names.SOCIAL_SUFFIXES)] if p)
        return name, topic, [topic[0]]
    if kind == GroupKind.PEER_SUPPORT:
        name = rng.choice(names.PEER_SUPPORT)
        if rng.random() < 0.5:
            name = f"{rng.choice(places)} {name}"
        return name, None, []
    topic = world.skills[Skill.Kind.NETWORK].one(rng)
    name = f"{short} {topic[1]}" if short else topic[1]
    return name, topic, [topic[0]]


def _memberships(world: World, group: SeededGroup):
    rng, people = world.rng, world.people
    creator = group.organisers[0]
    ends = group.closed or world.end
    yield (group.id, people.user_id(creator), Membership.Role.ORGANISER, Membership.Status.ACTIVE,
           "", "", when(group.created), None)  # fmt: skip
    group.members.append(creator)
    eligible = bisect_left(group.pool.indices, people.joined_by(ends))
    size = min(eligible - 1, int(2 + rng.paretovariate(1.3) * 5), 3000)
    if size <= 0:
        return
    chosen = {group.pool.indices[j] for j in rng.sample(range(eligible), size + 1)}
    chosen.discard(creator)
    approval = group.join == Group.JoinPolicy.APPROVAL
    co_organisers = rng.randint(0, 2)
    for person in sorted(chosen):
        start = max(group.created, people.joined[person])
        created = start + rng.random() * max(0.0, ends - start) * 0.9
        role, status, request, decision, decided = Membership.Role.MEMBER, "active", "", "", None
        roll = rng.random()
        if approval and roll < 0.08 and not group.closed:
            status, request = Membership.Status.PENDING, "I'd love to join, please."
            created = max(start, world.end - rng.random() * 30 * DAY)
        elif approval and roll < 0.11:
            status, decision = Membership.Status.DECLINED, "Sorry: this group is full for now."
            decided = when(min(ends, created + DAY))
        elif approval:
            decided = when(min(ends, created + rng.random() * 3 * DAY))
        if status == Membership.Status.ACTIVE:
            if co_organisers and people.active[person]:
                role, co_organisers = Membership.Role.ORGANISER, co_organisers - 1
                group.organisers.append(person)
            group.members.append(person)
        yield (group.id, people.user_id(person), role, status, request, decision, when(created),
               decided)  # fmt: skip


# --- events and RSVPs ----------------------------------------------------------------------


def seed_events(world: World) -> None:
    """Each group's events: one-off ones at random, or (a group in ``SERIES_SHARE`` of those
    with a few events) one weekly or fortnightly series of sessions (``groups.series``)."""
    rng = world.rng
    html = _Html()
    places = [name for _, name in world.places.items]
    planned = []
    for index, group in enumerate(world.groups):
        n = min(60, 1 + int(rng.expovariate(1 / 8)))
        if index >= len(AUDIENCES) and rng.random() < 0.12:
            n = 0  # some groups never get round to it
        planned.append((group, n, n >= 4 and rng.random() < SERIES_SHARE))
    first_id = reserve_ids(Event._meta.db_table, sum(n for _, n, _ in planned))
    next_series = reserve_ids(EventSeries._meta.db_table, sum(r for _, _, r in planned))
    event_rows, rsvp_rows, series_rows = [], [], []
    next_id = first_id
    for group, n, repeats in planned:
        if repeats:
            sessions = _series(world, group, next_id, n, html, places)
            if sessions:
                first = sessions[0]
                series_rows.append(
                    (next_series, group.id, first["frequency"], when(first["starts"]), n, 0,
                     first["row"][14], when(first["created"]))
                )  # fmt: skip
            for session in sessions:
                event_rows.append((*session["row"], next_series, when(session["starts"])))
                rsvp_rows += _rsvps(world, group, session)
            next_series, next_id = next_series + 1, next_id + len(sessions)
            continue
        for _ in range(n):
            event = _event(world, group, next_id, html, places)
            if event is None:
                continue
            event_rows.append((*event["row"], None, None))
            rsvp_rows += _rsvps(world, group, event)
            next_id += 1
    series_columns = [
        "id", "group_id", "frequency", "starts_at", "count", "sequence", "created_by_id",
        "created_at",
    ]  # fmt: skip
    world.tally.add(
        "groups_eventseries", copy_rows(EventSeries._meta.db_table, series_columns, series_rows)
    )
    columns = [
        "id", "group_id", "title", "kind", "description", "description_html", "starts_at",
        "ends_at", "location", "online_url", "capacity", "rsvp_deadline", "skill_id",
        "teacher_id", "created_by_id", "created_at", "updated_at", "cancelled_at", "sequence",
        "series_id", "original_start",
    ]  # fmt: skip
    world.tally.add("groups_event", copy_rows(Event._meta.db_table, columns, event_rows))
    rsvp_columns = ["event_id", "user_id", "status", "queued_at", "created_at", "updated_at"]
    world.tally.add("groups_rsvp", copy_rows(RSVP._meta.db_table, rsvp_columns, rsvp_rows))


def _series(world: World, group: SeededGroup, first_id: int, n: int, html, places) -> list:
    """A series of ``n`` sessions (fewer if the group closes first): a first event as
    ``_event`` makes one, then the same every week or fortnight on the UK wall clock."""
    first = _event(world, group, first_id, html, places)
    if first is None:
        return []
    first["frequency"] = world.rng.choice(["weekly", "weekly", "fortnightly"])
    step = timedelta(days=7 if first["frequency"] == "weekly" else 14)
    latest = group.closed if group.closed else world.end + UPCOMING_DAYS * DAY
    first["cancelled"] = None  # a session may be cancelled; here the series itself is kept
    first["row"] = (*first["row"][:17], None, 0)
    sessions = [first]
    for k in range(1, n):
        starts = shifted(when(first["starts"]), k * step).timestamp()
        if starts > latest:
            break
        sessions.append(_session(first, first_id + k, starts))
    return sessions


def _session(first: dict, event_id: int, starts: float) -> dict:
    """A later session of ``first``'s series, at ``starts``."""
    shift = starts - first["starts"]
    deadline = first["deadline"] + shift if first["deadline"] else None
    row = list(first["row"])
    row[0], row[6], row[7] = event_id, when(starts), when(first["ends"] + shift)
    row[11] = when(deadline) if deadline else None
    return {**first, "id": event_id, "starts": starts, "deadline": deadline, "row": tuple(row)}


def _event(world: World, group: SeededGroup, event_id: int, html: _Html, places: list[str]):
    rng, people = world.rng, world.people
    latest = group.closed if group.closed else world.end + UPCOMING_DAYS * DAY
    earliest = group.created + 3 * DAY
    if latest <= earliest:
        return None
    starts = earliest + rng.random() * (latest - earliest)
    starts = (starts // DAY) * DAY + rng.choice(START_HOURS) * 3600  # a sensible time of day
    ends = starts + rng.choice([1, 1, 1.5, 2, 3]) * 3600
    created = max(group.created, min(world.end, starts - (3 + rng.random() * 37) * DAY))
    learning = group.kind == GroupKind.LEARNING and rng.random() < 0.8
    topic = group.topic[1] if group.topic else group.name
    if learning:
        kind, title = Event.Kind.LEARNING, rng.choice(names.EVENT_TITLES["learning"])
    else:
        kind, title = Event.Kind.SOCIAL, rng.choice(names.EVENT_TITLES["social"])
    title = title.format(topic=topic)[:150]
    description = rng.choice(names.EVENT_DESCRIPTIONS).format(topic=topic.lower())
    if rng.random() < 0.3:
        location, online = "", f"https://meet.example.org/{group.slug}/{event_id}"
    else:
        location, online = f"{rng.choice(places)}, room {rng.randint(1, 12)}", ""
    capacity = None if rng.random() < 0.45 else rng.choice(CAPACITIES)
    deadline = starts - DAY if rng.random() < 0.15 else None
    organiser = rng.choice(group.organisers)
    cancelled = None
    if rng.random() < 0.03:
        cancelled = min(world.end, created + (starts - created) * (0.3 + 0.65 * rng.random()))
    skill = group.topic[0] if learning and group.topic else None
    event = {
        "id": event_id, "starts": starts, "ends": ends, "created": created,
        "capacity": capacity, "deadline": deadline, "cancelled": cancelled,
    }  # fmt: skip
    event["row"] = (
        event_id, group.id, title, kind, description, html(description), when(starts),
        when(ends), location, online, capacity, when(deadline) if deadline else None, skill,
        people.user_id(organiser) if learning else None, people.user_id(organiser),
        when(created), when(cancelled or created), when(cancelled) if cancelled else None,
        1 if cancelled else 0,
    )  # fmt: skip
    return event


def _rsvps(world: World, group: SeededGroup, event: dict) -> list:
    """Replies in the order they came: a place while there is one, then the waiting list."""
    rng, people = world.rng, world.people
    closes = min(event["starts"], world.end, event["deadline"] or event["starts"])
    if event["cancelled"]:
        closes = min(closes, event["cancelled"])
    opens = event["created"]
    if closes <= opens:
        return []
    # Events still to come have had only part of their replies yet.
    share = min(1.0, (closes - opens) / max(1.0, event["starts"] - opens))
    wanted = int((2 + rng.expovariate(1 / 10)) * share)
    candidates = [m for m in group.members if people.active[m]]
    if group.audience != Audience.MEMBERS and len(group.pool) > 1:
        candidates += [group.pool.pick(rng, closes) for _ in range(max(1, wanted // 5))]
    candidates = list(dict.fromkeys(candidates))
    if not candidates:
        return []
    chosen = rng.sample(candidates, min(wanted, len(candidates)))
    moments = sorted(opens + rng.random() * (closes - opens) for _ in chosen)
    rows, going = [], 0
    capacity = event["capacity"]
    for person, moment in zip(chosen, moments, strict=True):
        at = when(moment)
        if rng.random() < 0.12:
            status, queued = Status.NOT_GOING, None
        elif capacity is None or going < capacity:
            status, queued, going = Status.GOING, None, going + 1
        else:
            status, queued = Status.WAITLISTED, at
        rows.append((event["id"], people.user_id(person), status, queued, at, at))
    return rows
