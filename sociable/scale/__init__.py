"""A large, believable partnership for performance work: ``manage.py seed_scale``.

Tens of thousands to a million people with skills and interests drawn from
realistic distributions, teams and places, groups with events and RSVPs,
boards with threaded discussions, some 10,000 posts long, opportunities
with the interest shown in them, and stories with their series and comments.
Rows are streamed in with COPY (``bulk.py``); everything derived (search rows,
paths, counters, rendered HTML, organisations) is what the services would have
produced, so the site behaves on this data exactly as it would on the real thing.

This is the composition floor: it reads the apps' models and services and
writes their tables, and no app imports it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction

from profiles.holdings import recount_all

from . import forums, groups, opportunities, people, stories
from .bulk import Tally
from .world import LEVELS, Plan, World

__all__ = ["LEVELS", "Plan", "seed_scale"]

ANALYSED = [
    "accounts_user", "account_emailaddress", "profiles_profile", "profiles_profileskill",
    "profiles_skillcount", "profiles_profilesearch", "profiles_searchword", "groups_group",
    "groups_membership", "groups_event", "groups_rsvp", "forums_board", "forums_thread",
    "forums_post", "forums_subscription", "forums_reaction", "opportunities_opportunity",
    "opportunities_opportunity_skills_needed", "opportunities_opportunity_skills_taught",
    "opportunities_interest", "stories_series", "stories_series_writers", "stories_story",
    "stories_storytag",
]  # fmt: skip


def seed_scale(plan: Plan, say: Callable[[str], None] = print) -> Tally:
    """Add ``plan.people`` people, ``plan.posts`` posts, ``plan.opportunity_count``
    opportunities and ``plan.story_count`` stories (and all around them); return the time
    each phase took and the rows it wrote."""
    tally = Tally(say=say)
    world = World.start(plan, tally)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Check each COPY's foreign keys as it ends, rather than queueing millions of
            # checks for the commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with tally.phase("organisations, vocabulary, places and teams"):
            people.seed_organisations(world)
            people.seed_vocabulary(world)
            people.seed_places(world)
            people.seed_teams(world)
        with tally.phase("people, profiles, skills and search rows"):
            people.seed_people(world)
        with tally.phase("who sees each skill held, and the skills index's counts"):
            recount_all()
        with tally.phase("groups and members"):
            groups.seed_groups(world)
        with tally.phase("events and RSVPs"):
            groups.seed_events(world)
        with tally.phase("boards"):
            forums.seed_boards(world)
        with tally.phase("threads, posts, follows and reactions"):
            forums.seed_threads(world)
        # Last, so that the rest is what the same seed wrote before opportunities were seeded.
        with tally.phase("opportunities, their skills and interest"):
            opportunities.seed_opportunities(world)
        # After them for the same reason: stories, their series, tags and comments.
        with tally.phase("stories, series, tags and comments"):
            stories.seed_stories(world)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    with tally.phase("planner statistics (ANALYZE)"), connection.cursor() as cursor:
        for table in ANALYSED:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return tally
