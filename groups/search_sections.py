"""The groups and events sections of the one search (``sociable.search``), and who finds the
same groups, events and discussions as a viewer (registered in ``groups/contributions.py``)."""

from __future__ import annotations

from profiles.vocabulary import skill_key
from sociable import registry
from sociable.search import Section, named, top, url

from .permissions import groups_audience_key
from .search import search_events, search_groups
from .selectors import with_list_data


def groups_section(viewer, q: str) -> Section:
    # The card shows no tags: leave out their prefetch.
    groups = with_list_data(search_groups(viewer, q)).prefetch_related(None)
    rows, total = top(groups)
    see_all = url("groups:group-list", q=q)
    best = named(q, "Group", [(group.name, group) for group in rows], skill_key)
    return Section("groups", "Groups", "group", "groups", rows, total, see_all, best)


def events_section(viewer, q: str) -> Section:
    rows, total = top(search_events(viewer, q))
    see_all = url("search", q=q, section="events")
    return Section("events", "Events", "event", "events", rows, total, see_all)


def groups_audience(viewer, q: str = "") -> str | None:
    """Who finds the same groups, events and discussions as ``viewer``, or None: nobody
    else, for someone who sees more than their groups say (a forum moderator reads the
    boards they moderate: ``registry.sees_beyond_groups_audience``)."""
    if any(sees_more(viewer) for sees_more in registry.sees_beyond_groups_audience):
        return None
    return groups_audience_key(viewer)
