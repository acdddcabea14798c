"""The groups and events sections of the one search (``sociable.search``; the part that
shows them is ``groups.parts.search_groups``)."""

from __future__ import annotations

from profiles.vocabulary import skill_key
from sociable.search import Section, named, top, url

from .search import search_events, search_groups


def groups_section(viewer, q: str) -> Section:
    rows, total = top(search_groups(viewer, q))
    see_all = url("groups:group-list", q=q)
    best = named(q, "Group", [(group.name, group) for group in rows], skill_key)
    return Section("groups", "Groups", "group", "groups", rows, total, see_all, best)


def events_section(viewer, q: str) -> Section:
    rows, total = top(search_events(viewer, q))
    see_all = url("search", q=q, section="events")
    return Section("events", "Events", "event", "events", rows, total, see_all)
