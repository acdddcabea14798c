"""Finding groups and events: stored words that follow every edit, read through indexes.

An event's and a group's words are kept by PostgreSQL itself (a generated column), so a
search never computes every event's words; these tests check that what is kept follows
every edit, and that the searches read through the indexes rather than every row.
"""

from __future__ import annotations

import pytest
from django.db import connection

from groups import search, services
from groups.models import Event, Group
from profiles.models import Skill
from tests.accounts.factories import staff_of
from tests.groups.factories import make_event, make_group

pytestmark = pytest.mark.django_db


def titles(viewer, q: str) -> list[str]:
    return [event.title for event in search.search_events(viewer, q)]


def names(viewer, q: str) -> list[str]:
    return [group.name for group in search.search_groups(viewer, q)]


def test_an_events_stored_words_follow_edits_to_its_title_description_and_place(council):
    viewer = staff_of(council)
    event = make_event(make_group(viewer, name="Walkers"), title="Canal walk")
    assert titles(viewer, "sonnet") == []

    services.update_event(
        event=event, title="Sonnet evening", description="Bring a kazoo", location="Civic Hall"
    )

    assert titles(viewer, "sonnet") == ["Sonnet evening"]
    assert titles(viewer, "kazoo") == ["Sonnet evening"]
    assert titles(viewer, "civic hall") == ["Sonnet evening"]
    assert titles(viewer, "canal") == []  # the old title's words are gone
    assert "kazoo" in str(Event.objects.get(pk=event.pk).search_document)


def test_an_event_is_found_by_its_groups_and_skills_names_as_they_are_now(council):
    viewer = staff_of(council)
    group = make_group(viewer, name="Pottery club")
    make_event(group, title="Tuesday session")

    assert titles(viewer, "pottery") == ["Tuesday session"]
    services.update_group(group=group, name="Ceramics circle")

    assert titles(viewer, "pottery") == []
    assert titles(viewer, "ceramics") == ["Tuesday session"]


def test_a_groups_stored_words_follow_edits_to_its_summary_and_description(council):
    viewer = staff_of(council)
    group = make_group(viewer, name="Lunchtime choir", summary="We sing at lunch")
    assert names(viewer, "harmonies") == []

    services.update_group(group=group, summary="Close harmonies", description="Also madrigals")

    assert names(viewer, "harmonies") == ["Lunchtime choir"]
    assert names(viewer, "madrigals") == ["Lunchtime choir"]
    assert names(viewer, "lunch") == ["Lunchtime choir"]  # its name, still
    assert names(viewer, "sing") == []


def test_words_names_tags_and_typos_each_find_a_group_once(council):
    viewer = staff_of(council)
    make_group(viewer, name="Lunchtime choir", summary="Singing", tags=["Opera"])

    for q in ["singing", "lunchtime", "chor", "lunchtime quire", "opera", "choir opera"]:
        assert names(viewer, q) == ["Lunchtime choir"], q


def test_a_typo_is_matched_against_the_nearest_few_names_only(council, monkeypatch):
    viewer = staff_of(council)
    for n in range(3):
        make_event(make_group(viewer, name=f"Walkers {n}"), title=f"Canal stroll {n}")
    monkeypatch.setattr(search, "TYPOS", 2)

    assert len(titles(viewer, "canal strol")) == 3  # the title contains the words
    assert len(titles(viewer, "canak stroll")) == 2  # a typo: the 2 nearest


def test_at_most_so_many_matches_are_ranked_and_counted(council, monkeypatch):
    viewer = staff_of(council)
    group = make_group(viewer, name="Walkers")
    for n in range(5):
        make_event(group, title=f"Canal walk {n}")
    monkeypatch.setattr(search, "CANDIDATES", 3)

    assert len(titles(viewer, "canal")) == 3
    assert search.search_events(viewer, "canal").count() == 3


def test_members_only_events_are_found_by_members_alone(council):
    organiser, member, colleague = staff_of(council), staff_of(council), staff_of(council)
    group = make_group(organiser, name="Puffin club", audience="members")
    make_event(group, title="Puffin walk")
    services.add_member(group=group, user=member)

    assert titles(member, "puffin") == ["Puffin walk"]
    assert titles(colleague, "puffin") == []
    assert names(colleague, "puffin") == []


def test_the_searches_read_through_their_indexes(council):
    viewer = staff_of(council)
    group = make_group(viewer, name="Lunchtime choir")
    event = make_event(group, title="Rehearsal")
    # Enough rows (made in bulk: only the plan matters) that reading an index pays.
    Group.objects.bulk_create(
        Group(name=f"Club {n}", slug=f"club-{n}", summary="A club", audience="community")
        for n in range(300)
    )
    Event.objects.bulk_create(
        Event(group=group, title=f"Meeting {n}", starts_at=event.starts_at, ends_at=event.ends_at)
        for n in range(2_000)
    )
    Skill.objects.bulk_create(
        Skill(name=f"Skill {n}", slug=f"skill-{n}", key=f"skill{n}") for n in range(300)
    )
    with connection.cursor() as cursor:
        for table in ["groups_group", "groups_event", "profiles_skill"]:
            cursor.execute(f"ANALYZE {table}")
        # Tables this small are cheaper to read whole; ask what else the planner could do.
        cursor.execute("SET LOCAL enable_seqscan = off")

    events = search.search_events(viewer, "choir").explain()
    groups = search.search_groups(viewer, "choir").explain()

    for index in ["event_search", "event_title_trgm", "group_name_search", "skill_name_search"]:
        assert index in events, index
    for index in ["group_search", "group_name_trgm"]:
        assert index in groups, index
    # A typo reads the names close enough through the trigram index, not every name nearest
    # first until enough are found (the audience filters out most of them).
    assert "Index Cond: (upper((title)::text) %> upper(unaccent(" in events
    assert "Index Cond: (upper((name)::text) %> upper(unaccent(" in groups
    assert "Order By" not in events + groups
