"""Who may see and do what with groups and events, on top of the audience rule.

Seeing: whoever the group's audience includes (sociable.audience), or its
members. Anything you may not see answers 404; something you may see but not
change answers 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sociable import audience

from .models import Event, EventSeries, Group, Membership

_LOOK_UP = object()  # "not given": find the membership


def membership_of(user, group: Group) -> Membership | None:
    if not user.is_authenticated:
        return None
    return group.memberships.filter(user_id=user.pk).first()


def is_member(user, group: Group, membership=_LOOK_UP) -> bool:
    m = membership_of(user, group) if membership is _LOOK_UP else membership
    return m is not None and m.status == Membership.Status.ACTIVE


def can_manage_group(user, group: Group, membership=_LOOK_UP) -> bool:
    """Organisers manage their group (moderators use the admin).

    Pass ``membership`` when the page has it already, to save asking again.
    """
    if not user.is_authenticated:
        return False
    m = membership_of(user, group) if membership is _LOOK_UP else membership
    return is_member(user, group, m) and m.role == Membership.Role.ORGANISER


def can_see_members(user, group: Group, membership=_LOOK_UP) -> bool:
    """Active members see who else is in the group (organisers are active members)."""
    return is_member(user, group, membership)


def can_join_group(user, group: Group) -> bool:
    return user.is_authenticated and group.closed_at is None


def can_rsvp(user, event: Event, membership=_LOOK_UP) -> bool:
    """Members RSVP; for an open group, anyone who can see it (joining on the way)."""
    if not user.is_authenticated:
        return False
    if event.group.join_policy == Group.JoinPolicy.OPEN:
        return True
    return is_member(user, event.group, membership)


def get_group_for_user(user, slug: str) -> Group:
    """Return the group if ``user`` may see it; 404 otherwise."""
    # "board": the group's discussion board (forums), shown on its page.
    group = Group.objects.filter(slug=slug).select_related("board").first()
    if group is None or not group.is_visible_to(user):
        raise Http404("No such group")
    return group


def get_managed_group(user, slug: str) -> Group:
    """Return a group ``user`` organises: 404 if they cannot see it, 403 if not theirs."""
    group = get_group_for_user(user, slug)
    if not can_manage_group(user, group):
        raise PermissionDenied("Only the group's organisers can do that.")
    return group


def get_event_for_user(user, slug: str, pk: int) -> Event:
    """Return the event if ``user`` may see its group (404 otherwise)."""
    events = Event.objects.filter(pk=pk, group__slug=slug)
    # The teacher's profile: whether the viewer may know them by name (the event's page, as
    # a guest's sign-up shows it again).
    event = events.select_related("group", "skill", "teacher__profile", "series").first()
    return visible_event(user, event)


def visible_event(user, event: Event | None) -> Event:
    """``event`` if there is one and ``user`` may see its group (404 otherwise)."""
    if event is None or not event.group.is_visible_to(user):
        raise Http404("No such event")
    return event


def get_series_for_user(user, slug: str, pk: int) -> EventSeries:
    """Return the series if ``user`` may see its group (404 otherwise)."""
    series = EventSeries.objects.filter(pk=pk, group__slug=slug).select_related("group").first()
    if series is None or not series.group.is_visible_to(user):
        raise Http404("No such series")
    return series


def get_managed_event(user, slug: str, pk: int) -> Event:
    """Return an event of a group ``user`` organises: 404 if unseen, 403 if not theirs."""
    event = get_event_for_user(user, slug, pk)
    if not can_manage_group(user, event.group):
        raise PermissionDenied("Only the group's organisers can do that.")
    return event


def get_event_organised_by(user, slug: str, pk: int) -> Event:
    """Return an event of a group ``user`` organises, for a page only its organisers have
    (the check-in list, with people's answers): 404 for everyone else, who may not see it."""
    event = get_event_for_user(user, slug, pk)
    if not can_manage_group(user, event.group):
        raise Http404("No such page")
    return event


def board_shown(user, group: Group, membership: Membership | None):
    """The group's discussion board (the forums make one with each group) if ``user`` may
    see it, by its own audience (never wider than the group's; an administrator may have
    narrowed it to the members); None otherwise. Read with the group: no query."""
    board = getattr(group, "board", None)  # None when the forums made it none
    if board is None:
        return None
    is_member = membership is not None and membership.status == Membership.Status.ACTIVE
    shown = audience.can_see(
        user, board.audience, organisation_id=board.audience_organisation_id, is_member=is_member
    )
    return board if shown else None
