"""Reads behind the group list, group page and event page: a fixed number of queries each."""

from __future__ import annotations

from django.db import router
from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from profiles.models import Profile, ProfileSkill, Skill
from profiles.visibility import names_for
from sociable.accounts.models import User
from sociable.queries import Columns, count_of, fetch

from .models import RSVP, Event, EventSeries, Group, GroupTag, Guest, Membership, Suggestion
from .search import search_groups
from .services import queue_order

ACTIVE = Membership.Status.ACTIVE


def _next_event(now):
    return Event.objects.filter(
        group=OuterRef("pk"), cancelled_at__isnull=True, ends_at__gte=now
    ).order_by("starts_at", "pk")


def with_list_data(groups, now=None):
    """Add member count, next event and tags to each group, in two more queries at most."""
    now = now or timezone.now()
    upcoming = _next_event(now)
    return groups.annotate(
        member_count=count_of(Membership.objects.filter(status=ACTIVE), "group"),
        next_event_title=Subquery(upcoming.values("title")[:1]),
        next_event_starts=Subquery(upcoming.values("starts_at")[:1]),
        next_event_id=Subquery(upcoming.values("pk")[:1]),
    ).prefetch_related("tags")


def group_list(viewer, *, q: str = "", kind: str = "", tag: str = ""):
    """The open groups ``viewer`` may see of ``kind`` and with ``tag``: by name, or found by
    ``q`` (the same matches, in the same order, as the one search's groups: a ``Found``)."""
    if q.strip():
        return search_groups(viewer, q, kind=kind, tag=tag)
    groups = Group.objects.visible_to(viewer).open()
    if kind:
        groups = groups.filter(kind=kind)
    if tag:
        groups = groups.filter(tags__slug=tag)
    return with_list_data(groups).order_by("name")


def suggested_groups(viewer, limit: int = 4) -> list[Group]:
    """Groups about your interests and what you want to learn, that you have not joined.

    Those skills first (a query), then groups only when there are any: most people's
    profiles list none, and finding none is then free.
    """
    if not viewer.is_authenticated:
        return []
    wanted = list(
        ProfileSkill.objects.filter(
            profile__user_id=viewer.pk,
            relation__in=[ProfileSkill.Relation.LEARN, ProfileSkill.Relation.INTEREST],
        ).values_list("skill", flat=True)
    )
    if not wanted:
        return []
    shared = count_of(GroupTag.objects.filter(tag__in=wanted), "content_object")
    return list(
        with_list_data(Group.objects.visible_to(viewer).open())
        .exclude(memberships__user_id=viewer.pk)
        .annotate(shared=shared)
        .filter(shared__gt=0)
        .order_by("-shared", "name")[:limit]
    )


# A group's page reads its events by hand (docs/decisions/0019, decision 15): Django took
# longer to build and compile the two querysets, with their joins and counts of places
# taken, than PostgreSQL took to run them. Every event to come and the last ten past, in
# one prepared query (in no order: they are sorted here, the two lists apart).
_GROUP_EVENT = Columns.whole(Event, "e")
_GROUP_EVENT_SERIES = Columns.whole(EventSeries, "es")
_PAST_ON_GROUP_PAGE = 10
_GROUP_EVENTS = f"""
    SELECT {_GROUP_EVENT.sql}, {_GROUP_EVENT_SERIES.sql},
        (SELECT count(*) FROM groups_rsvp r WHERE r.event_id = e.id AND r.status = %s)
        + (SELECT count(*) FROM groups_guest gu WHERE gu.event_id = e.id AND gu.status = %s),
        e.ends_at >= %s
    FROM groups_event e LEFT JOIN groups_eventseries es ON es.id = e.series_id
    WHERE e.id = ANY(ARRAY(
        (SELECT u.id FROM groups_event u WHERE u.group_id = %s AND u.ends_at >= %s)
        UNION ALL
        (SELECT p.id FROM groups_event p WHERE p.group_id = %s AND p.ends_at < %s
            ORDER BY p.starts_at DESC, p.id DESC LIMIT {_PAST_ON_GROUP_PAGE})
    ))
"""  # noqa: S608 (column names of ours, not anyone's input)


def group_page(group: Group, viewer):
    """Upcoming and past events, organisers and members of one group: its organisers as
    ``viewer`` may know them (``profiles.visibility.names_for``), the same for everyone
    with their audience key but the organisers hidden from it. Each event has its series
    and ``going``: the places taken (members and guests going; guests are counted, never
    named)."""
    now = timezone.now()
    going = (RSVP.Status.GOING.value, Guest.Status.GOING.value)
    params = [*going, now, group.pk, now, group.pk, now]
    upcoming, past = [], []
    for row in fetch(_GROUP_EVENTS, params, prepare=True, using=router.db_for_read(Event)):
        event, event.series = Columns.make_each(row, _GROUP_EVENT, _GROUP_EVENT_SERIES)
        event.going, coming = row[-2:]
        event.group = group  # their links need the group's slug: no query per event
        (upcoming if coming else past).append(event)
    upcoming.sort(key=lambda event: (event.starts_at, event.pk))
    past.sort(key=lambda event: (event.starts_at, event.pk), reverse=True)
    organisers = (
        Membership.objects.filter(group=group, status=ACTIVE, role=Membership.Role.ORGANISER)
        .select_related("user__profile")
        .order_by("user__name")
    )
    return {
        "upcoming": next_of_each_series(upcoming),
        "past": past,
        "organisers": names_for(viewer, organisers),
        "member_count": Membership.objects.filter(group=group, status=ACTIVE).count(),
    }


def next_of_each_series(events) -> list[Event]:
    """``events`` in order, a series shown by its next session that is not cancelled, with
    ``later_sessions``: how many more of it there are (a weekly choir is one line, not
    twelve)."""
    shown: list[Event] = []
    firsts: dict[int, Event] = {}
    for event in events:
        first = firsts.get(event.series_id) if event.series_id else None
        if first is not None:
            first.later_sessions += 1
            continue
        if event.series_id and not event.is_cancelled:
            firsts[event.series_id] = event
        event.later_sessions = 0
        shown.append(event)
    return shown


def event_page(event: Event, *, guests_named: bool = False):
    """Who is going and the waiting list in order: the same for everyone who sees the event.

    ``going`` and ``waiting`` are the members. Guests take places and wait in the same
    queue: they count in ``places_left``, ``going_count`` and ``waiting_count``, and hold
    their place in ``queue_users`` (the waiting list's people in order, None for a guest),
    but they are named only for the organisers (``guests_named``: ``guests_going``, and
    ``queue``, the waiting list of members and guests in order).
    """
    rsvps = list(
        event.rsvps.exclude(status=RSVP.Status.NOT_GOING)
        .select_related("user__organisation", "user__profile")
        .order_by("queued_at", "created_at", "pk")
    )
    going = [r for r in rsvps if r.status == RSVP.Status.GOING]
    waiting = [r for r in rsvps if r.status == RSVP.Status.WAITLISTED]
    holding = event.guests.filter(status__in=[Guest.Status.GOING, Guest.Status.WAITLISTED])
    if not guests_named:
        holding = holding.only("pk", "event_id", "status", "queued_at")
    guests = list(holding.order_by("queued_at", "pk"))
    guests_going = [g for g in guests if g.status == Guest.Status.GOING]
    queue = sorted(
        [*waiting, *(g for g in guests if g.status == Guest.Status.WAITLISTED)], key=queue_order
    )
    taken = len(going) + len(guests_going)
    page = {
        "going": going,
        "waiting": waiting,
        "places_left": None if event.capacity is None else max(event.capacity - taken, 0),
        "going_count": taken,
        "guests_going_count": len(guests_going),
        "waiting_count": len(queue),
        "queue_users": [None if isinstance(r, Guest) else r.user_id for r in queue],
    }
    if guests_named:
        for guest in guests:
            guest.is_guest = True  # for the organisers' lists, which show both
        page |= {"guests_going": guests_going, "queue": queue}
    return page


def event_about(event: Event, viewer) -> dict:
    """``event_page``, with who is going and who teaches as ``viewer`` may know them
    (``profiles.visibility.names_for``): the same for everyone with their audience key, but
    the people hidden from it (``hidden``), who see their own names."""
    attendance = event_page(event)
    teacher = [event.teacher] if event.teacher_id else []
    return {
        **attendance,
        "going_names": names_for(viewer, attendance["going"]),
        "teacher_names": names_for(viewer, teacher, person=lambda user: user),
    }


def members_page(group: Group, viewer, *, organiser: bool) -> dict:
    """A group's members as ``viewer``, a member, may know them, organisers first; and, for
    its ``organiser``s, everyone's name and who asked to join (they chose to address the
    organisers, who approve, decline and remove people by name)."""
    memberships = group.memberships.select_related("user__organisation", "user__profile")
    active = memberships.filter(status=ACTIVE).order_by("-role", "user__name")
    pending = memberships.filter(status=Membership.Status.PENDING).order_by("created_at")
    return {
        "active": names_for(viewer, active, addressed=organiser),
        "pending": list(pending) if organiser else [],
    }


# The viewer's membership of an event's group and reply to the event, as SQL in the event's
# own query (``with_viewer``; forums.selectors.for_reader says why not the ORM's subqueries).
_VIEWER = {
    "viewer_status": "SELECT m.status FROM groups_membership m"
    " WHERE m.user_id = %s AND m.group_id = groups_event.group_id",
    "viewer_role": "SELECT m.role FROM groups_membership m"
    " WHERE m.user_id = %s AND m.group_id = groups_event.group_id",
    "viewer_reply": "SELECT r.status FROM groups_rsvp r"
    " WHERE r.user_id = %s AND r.event_id = groups_event.id",
}


def with_viewer(events: QuerySet, viewer) -> QuerySet:
    """Events with ``viewer``'s membership of their group and reply to them, in the same
    query: see ``viewer_membership`` and ``reply_of``."""
    if not viewer.is_authenticated:
        return events
    facts = {name: RawSQL(sql, (viewer.pk,), CharField()) for name, sql in _VIEWER.items()}  # noqa: S611
    return events.annotate(**facts)


# An event's page reads its event by hand (docs/decisions/0019, decision 15): the ORM took
# longer to build and compile the read of six tables' columns than PostgreSQL took to run
# it. Prepared: one plan for every event.
_PAGE_EVENT = Columns.whole(Event, "e")
_PAGE_EVENT_GROUP = Columns.whole(Group, "g")
_PAGE_SKILL = Columns.whole(Skill, "s")
_PAGE_TEACHER = Columns.whole(User, "t")
_PAGE_TEACHER_PROFILE = Columns.whole(Profile, "tp")
_PAGE_SERIES = Columns.whole(EventSeries, "es")
_PAGE_EVENT_COLUMNS = (
    _PAGE_EVENT, _PAGE_EVENT_GROUP, _PAGE_SKILL, _PAGE_TEACHER, _PAGE_TEACHER_PROFILE,
    _PAGE_SERIES,
)  # fmt: skip
_PAGE_VIEWER = ", ".join(f"({sql.replace('groups_event.', 'e.')})" for sql in _VIEWER.values())
_EVENT_PAGE = f"""
    SELECT {", ".join(columns.sql for columns in _PAGE_EVENT_COLUMNS)}, {_PAGE_VIEWER}
    FROM groups_event e
    JOIN groups_group g ON g.id = e.group_id
    LEFT JOIN profiles_skill s ON s.id = e.skill_id
    LEFT JOIN accounts_user t ON t.id = e.teacher_id
    LEFT JOIN profiles_profile tp ON tp.user_id = t.id
    LEFT JOIN groups_eventseries es ON es.id = e.series_id
    WHERE e.id = %s AND g.slug = %s
"""  # noqa: S608 (column names of ours, not anyone's input)
_TEACHERS_PROFILE = Profile._meta.get_field("user").remote_field


def event_for_page(viewer, slug: str, pk: int) -> Event | None:
    """The event ``pk`` of the group ``slug`` for its page, whoever may see it (the caller
    checks): with its group, skill, series, teacher and the teacher's profile, and
    ``viewer``'s membership of its group and reply to it (as ``with_viewer`` gives them).
    One query."""
    signed_in = viewer.pk if viewer.is_authenticated else None
    params = [signed_in] * len(_VIEWER) + [pk, slug]
    rows = fetch(_EVENT_PAGE, params, prepare=True, using=router.db_for_read(Event))
    if not rows:
        return None
    row = rows[0]
    event, group, skill, teacher, profile, series = Columns.make_each(row, *_PAGE_EVENT_COLUMNS)
    event.group, event.skill, event.series, event.teacher = group, skill, series, teacher
    if teacher is not None:  # as select_related("teacher__profile") leaves them
        _TEACHERS_PROFILE.set_cached_value(teacher, profile)
        if profile is not None:
            _TEACHERS_PROFILE.field.set_cached_value(profile, teacher)
    if viewer.is_authenticated:
        event.viewer_status, event.viewer_role, event.viewer_reply = row[-len(_VIEWER) :]
    return event


def viewer_membership(viewer, event: Event) -> Membership | None:
    """``viewer``'s membership of the event's group, from an event read ``with_viewer``."""
    status = getattr(event, "viewer_status", None)
    if status is None:
        return None
    return Membership(user_id=viewer.pk, group=event.group, status=status, role=event.viewer_role)


def reply_of(viewer, event: Event, waiting: list[int]) -> tuple[str | None, int | None]:
    """``viewer``'s reply to an event read ``with_viewer`` (an ``RSVP.Status``, or None)
    and, on the waiting list (``waiting``: its people in order), their place in it."""
    reply = getattr(event, "viewer_reply", None)
    waitlisted = reply == RSVP.Status.WAITLISTED
    position = waiting.index(viewer.pk) + 1 if waitlisted and viewer.pk in waiting else None
    return reply, position


# A skill page's groups and sessions are read by hand (docs/decisions/0019, decision 15):
# Django took longer to build and compile their querysets (a union of two branches, a group
# card's counts and next event, its tags in a second query) than PostgreSQL took to run
# them. One text for each kind of viewer, prepared, with the limit written in.
_ABOUT_EVENT = Columns.whole(Event, "e")
_ABOUT_EVENT_GROUP = Columns.whole(Group, "g")
_UPCOMING = "e.cancelled_at IS NULL AND e.ends_at >= %s"
# Each way an event is about the skill read through its own index, cut to the limit
# (the skill's sessions: event_upcoming_by_skill; its tagged groups': event_upcoming_by_group);
# an OR of the two would read every event.
_EVENTS_ABOUT = f"""
    SELECT {_ABOUT_EVENT.sql}, {_ABOUT_EVENT_GROUP.sql}
    FROM groups_event e JOIN groups_group g ON g.id = e.group_id
    WHERE e.id = ANY(ARRAY(
        (SELECT e.id FROM groups_event e WHERE {{visible}} AND {_UPCOMING} AND e.skill_id = %s
            ORDER BY e.starts_at, e.id LIMIT {{limit}})
        UNION ALL
        (SELECT e.id FROM groups_event e WHERE {{visible}} AND {_UPCOMING} AND e.group_id IN (
            SELECT t.content_object_id FROM groups_grouptag t WHERE t.tag_id = %s)
            ORDER BY e.starts_at, e.id LIMIT {{limit}})
    ))
    ORDER BY e.starts_at, e.id LIMIT {{limit}}
"""  # noqa: S608 (column names of ours, not anyone's input)
_ABOUT_GROUP = Columns.whole(Group, "g")
_GROUPS_ABOUT = f"""
    SELECT {_ABOUT_GROUP.sql},
        (SELECT count(*) FROM groups_membership m WHERE m.group_id = g.id AND m.status = %s),
        next.title, next.starts_at, next.id
    FROM groups_group g
    LEFT JOIN LATERAL (
        SELECT e.id, e.title, e.starts_at FROM groups_event e
        WHERE e.group_id = g.id AND {_UPCOMING} ORDER BY e.starts_at, e.id LIMIT 1
    ) next ON true
    WHERE {{visible}} AND g.closed_at IS NULL
        AND g.id IN (SELECT t.content_object_id FROM groups_grouptag t WHERE t.tag_id = %s)
    ORDER BY g.name, g.id LIMIT {{limit}}
"""  # noqa: S608 (column names of ours, not anyone's input)


def events_about(viewer, skill: Skill, limit: int = 10, now=None) -> list[Event]:
    """Upcoming events ``viewer`` may see that teach ``skill`` or belong to groups tagged
    with it, soonest first, each with its group. Who may see an event is read from the copy
    of its group's audience on it. One query."""
    visible, visible_params = Event.objects.visible_sql(viewer, "e")
    now = now or timezone.now()
    sql = _EVENTS_ABOUT.format(visible=visible, limit=int(limit))
    params = [*visible_params, now, skill.pk, *visible_params, now, skill.pk]
    rows = fetch(sql, params, prepare=True, using=router.db_for_read(Event))
    events = []
    for row in rows:
        event, event.group = Columns.make_each(row, _ABOUT_EVENT, _ABOUT_EVENT_GROUP)
        events.append(event)
    return events


def groups_about(viewer, skill: Skill, limit: int = 10, now=None) -> list[Group]:
    """Open groups ``viewer`` may see tagged with ``skill``, by name, each with what its card
    shows (as ``with_list_data`` gives them, not its tags): ``member_count`` and its next
    event's ``next_event_title``, ``next_event_starts`` and ``next_event_id``. One query."""
    visible, visible_params = Group.objects.visible_sql(viewer, "g")
    sql = _GROUPS_ABOUT.format(visible=visible, limit=int(limit))
    params = [ACTIVE.value, now or timezone.now(), *visible_params, skill.pk]
    groups = []
    for row in fetch(sql, params, prepare=True, using=router.db_for_read(Group)):
        group = _ABOUT_GROUP.make(row)
        (
            group.member_count,
            group.next_event_title,
            group.next_event_starts,
            group.next_event_id,
        ) = row[_ABOUT_GROUP.width :]
        groups.append(group)
    return groups


# Home's reads (``next_events_for``, ``came_true_for``) are hand-written SQL with the
# audience rule's own SQL (docs/decisions/0011): home is every visit's first page, and
# building and compiling these as ORM queries took seven times as long as running them.
_HOME_GROUP = Columns(Group, "g", "name", "slug")
_HOME_EVENT = Columns(
    Event, "e", "group", "title", "starts_at", "location", "online_url", "cancelled_at"
)
_HOME_RSVP = Columns(RSVP, "r", "event", "status")
_NEXT_EVENTS = f"""
    SELECT {_HOME_RSVP.sql}, {_HOME_EVENT.sql}, {_HOME_GROUP.sql}
    FROM groups_rsvp r
    JOIN groups_event e ON e.id = r.event_id
    JOIN groups_group g ON g.id = e.group_id
    WHERE r.user_id = %s AND r.status IN (%s, %s) AND e.ends_at >= %s AND {{visible}}
    ORDER BY e.starts_at, e.id
    LIMIT %s
"""  # noqa: S608 (column names, not anyone's input)


def next_events_for(user, *, limit: int = 5, now=None) -> list[RSVP]:
    """``user``'s replies to events not yet over that they are going to or waitlisted for,
    soonest first, each with its event and group (one query). Events of groups ``user`` can
    no longer see are left out; cancelled ones stay, for the page to say so.

    Only the columns home shows are read."""
    visible, visible_params = Group.objects.visible_sql(user, "g")
    rows = fetch(
        _NEXT_EVENTS.format(visible=visible),
        [
            user.pk,
            RSVP.Status.GOING,
            RSVP.Status.WAITLISTED,
            now or timezone.now(),
            *visible_params,
            limit,
        ],
        prepare=True,  # it starts from the person's own replies
    )
    replies = []
    for row in rows:
        reply = _HOME_RSVP.make(row)
        reply.event = _HOME_EVENT.make(row, _HOME_RSVP.width)
        reply.event.group = _HOME_GROUP.make(row, _HOME_RSVP.width + _HOME_EVENT.width)
        replies.append(reply)
    return replies


_HOME_SUGGESTION = Columns(Suggestion, "s", "title", "fulfilled_group", "fulfilled_event")
_HOME_ANSWER = Columns(Event, "e", "group", "title")
_CAME_TRUE = f"""
    SELECT {_HOME_SUGGESTION.sql}, {_HOME_GROUP.sql}, {_HOME_ANSWER.sql}
    FROM groups_suggestion s
    JOIN groups_group g ON g.id = s.fulfilled_group_id
    LEFT JOIN groups_event e ON e.id = s.fulfilled_event_id
    WHERE s.fulfilled_at IS NOT NULL AND {{visible}} AND s.id IN (
        SELECT b.suggestion_id FROM groups_backing b
        WHERE b.user_id = %s
    )
    ORDER BY s.fulfilled_at DESC, s.id DESC
    LIMIT %s
"""  # noqa: S608 (column names, not anyone's input)


def came_true_for(user, *, limit: int = 5) -> list[Suggestion]:
    """Suggestions ``user`` backed that came true, newest first, with the group (and event)
    that answered them: only those whose group ``user`` may see (one query, of the columns
    home shows)."""
    visible, visible_params = Group.objects.visible_sql(user, "g")
    rows = fetch(
        _CAME_TRUE.format(visible=visible), [*visible_params, user.pk, limit], prepare=True
    )
    suggestions = []
    for row in rows:
        suggestion = _HOME_SUGGESTION.make(row)
        group = _HOME_GROUP.make(row, _HOME_SUGGESTION.width)
        event = _HOME_ANSWER.make(row, _HOME_SUGGESTION.width + _HOME_GROUP.width)
        suggestion.fulfilled_group = group
        # The service answers with an event of the group; anything else (an admin's edit)
        # would show an event of a group not checked against the audience rule.
        if event is not None and event.group_id == group.pk:
            event.group = group  # for its link: no query
            suggestion.fulfilled_event = event
        else:
            suggestion.fulfilled_event = None
        suggestions.append(suggestion)
    return suggestions


def suggestions_for(user) -> QuerySet[Suggestion]:
    """The suggestions page: open ones, and ones come true in a group ``user`` can see.

    A suggestion answered by a group the person cannot see stays off the list, so the
    page never names a private group.
    """
    return (
        Suggestion.objects.filter(
            Q(fulfilled_group__isnull=True) | Q(fulfilled_group__in=Group.objects.visible_to(user))
        )
        .annotate(backer_count=Count("backers"))
        .select_related("fulfilled_group", "fulfilled_event__group")
        .order_by("fulfilled_at", "-backer_count", "-created_at")
    )


# --- series --------------------------------------------------------------------------------


def series_sessions(series_ids: set[int]) -> dict[int, list[Event]]:
    """Every session of each series in ``series_ids``, in the rule's order, with its group
    and series: what a calendar needs to send a series as its rule (one query, or none)."""
    if not series_ids:
        return {}
    sessions: dict[int, list[Event]] = {}
    rows = (
        Event.objects.filter(series_id__in=series_ids)
        .select_related("group", "series")
        .order_by("original_start", "pk")
    )
    for session in rows:
        sessions.setdefault(session.series_id, []).append(session)
    return sessions


def series_page(series: EventSeries, viewer) -> list[Event]:
    """A series' sessions, each with how many are going and ``viewer``'s own reply
    (``with_viewer``), in order of when they happen: one query."""

    def going(rows):
        counted = rows.filter(event=OuterRef("pk"), status="going").order_by().values("event")
        return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)

    sessions = (
        series.occurrences.only(*_SESSION_FIELDS)
        .annotate(going_count=going(RSVP.objects) + going(Guest.objects))
        .order_by("starts_at", "pk")
    )
    found = list(with_viewer(sessions, viewer))
    for session in found:
        session.group = series.group  # read with the series: no query per session
    return found


# What a series page shows of each session (not its words, nor its search document).
_SESSION_FIELDS = (
    "group_id", "series_id", "title", "kind", "starts_at", "ends_at", "location",
    "online_url", "capacity", "rsvp_deadline", "cancelled_at", "detached", "questions",
)  # fmt: skip
