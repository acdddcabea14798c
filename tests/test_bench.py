"""`make bench` hooks: the query count header and the ceiling view exist only with SOCIABLE_BENCH=1.

The switch is read by the production settings, so it is checked in a separate process
with those settings, as gunicorn would start them. What the header counts is checked here,
and which pages the varied rows draw from (bench/fixtures.py).
"""

import json
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import timezone
from psycopg.conninfo import make_conninfo

from bench import fixtures, run
from forums.models import Board, Thread
from groups.models import Event, EventSeries, Group
from opportunities.models import Kind, Opportunity
from profiles.models import Profile, ProfileSkill, Skill
from sociable import bench
from sociable.accounts.models import User
from sociable.audience import Audience
from sociable.urls import urlpatterns as site_urlpatterns
from stories.models import Story, StoryTag
from tests.helpers import manage, production_settings

pytestmark = pytest.mark.django_db

# The site's addresses plus the ceiling, as sociable/urls.py has them under SOCIABLE_BENCH=1.
urlpatterns = [path(bench.CEILING_PATH, bench.ceiling), *site_urlpatterns]
COUNTING = ["sociable.bench.QueryCountMiddleware", *settings.MIDDLEWARE]

PROBE = """
import json
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.urls import Resolver404, resolve
try:
    ceiling = resolve("/_bench/ceiling/").func.__name__
except Resolver404:
    ceiling = None
Client().get("/healthz", secure=True)  # the first also counts opening the connection
health = Client().get("/healthz", secure=True)
print(json.dumps({
    "middleware": "sociable.bench.QueryCountMiddleware" in settings.MIDDLEWARE,
    "ceiling": ceiling,
    "header": health.get("X-Sociable-Queries"),
}))
"""


def production(**env: str) -> dict:
    result = manage(
        "shell",
        "-c",
        PROBE,
        env={**production_settings(host="testserver"), **env},
        drop=() if "SOCIABLE_BENCH" in env else ("SOCIABLE_BENCH",),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("switch", [None, "0", "false"])
def test_production_has_no_ceiling_and_no_query_header_unless_switched_on(switch):
    env = {} if switch is None else {"SOCIABLE_BENCH": switch}

    found = production(**env)

    assert found == {"middleware": False, "ceiling": None, "header": None}


def test_sociable_bench_adds_the_ceiling_and_the_query_header_to_production():
    found = production(SOCIABLE_BENCH="1")

    assert found == {"middleware": True, "ceiling": "ceiling", "header": "1"}  # SELECT 1


@pytest.mark.urls(__name__)
@override_settings(MIDDLEWARE=COUNTING)
def test_the_ceiling_loads_the_session_and_user_when_signed_in_and_nothing_else(
    client, client_as, staff_member
):
    signed_out = client.get("/" + bench.CEILING_PATH)
    signed_in = client_as(staff_member).get("/" + bench.CEILING_PATH)

    assert signed_out.status_code == 200
    assert signed_out.content == b"ceiling; signed in: no\n"
    assert signed_out[bench.QUERIES_HEADER] == "0"
    assert signed_in.content == b"ceiling; signed in: yes\n"
    assert signed_in[bench.QUERIES_HEADER] == "2"  # the session, then the user


@pytest.mark.urls(__name__)
@override_settings(MIDDLEWARE=COUNTING)
def test_the_query_header_counts_every_query_of_a_page(client_as, staff_member):
    viewer = client_as(staff_member)
    viewer.get("/forums/")  # per-process caches (content types) filled once

    with CaptureQueriesContext(connection) as queries:
        response = viewer.get("/forums/")

    assert response.status_code == 200
    assert int(response[bench.QUERIES_HEADER]) == len(queries) > 2


@pytest.mark.urls(__name__)
@override_settings(MIDDLEWARE=COUNTING, PAGE_CACHE_SECONDS=30)
def test_the_pages_cache_queries_are_counted_apart(client):
    """A page the shared cache answers reads its table and runs nothing of its own; one it
    renders runs its own queries and reads and writes the table."""
    table = f'"{settings.CACHES["pages"]["LOCATION"]}"'
    with CaptureQueriesContext(connection) as rendered:
        first = client.get("/groups/")
    with CaptureQueriesContext(connection) as kept:
        again = client.get("/groups/")

    for response, queries in ((first, rendered), (again, kept)):
        in_cache = sum(table in query["sql"] for query in queries)
        assert int(response[bench.QUERIES_HEADER]) == len(queries)
        assert int(response[bench.CACHE_QUERIES_HEADER]) == in_cache > 0
    assert len(rendered) > len(kept) == int(again[bench.CACHE_QUERIES_HEADER])


# --- the varied rows' pages (bench/fixtures.py) -------------------------------------------

VARIED_ROWS = [
    "varied: directory search",
    "varied: one search",
    "varied: skill page",
    "varied: profile",
    "varied: thread page",
    "varied: group page",
    "varied: event page",
    "varied: series page",
    "varied: what's on",
    "varied: opportunities search",
    "varied: opportunity page",
    "varied: stories by tag",
    "varied: story with comments",
    "varied: author page",
    "varied: opportunities for you",
]


def test_spread_takes_every_kth_through_the_whole_list_or_all_of_a_short_one():
    chosen = fixtures.spread(list(range(1000)), 300)

    assert len(set(chosen)) == 300
    assert chosen == sorted(chosen)
    assert chosen[0] == 0 and chosen[-1] >= 990
    assert fixtures.spread(list(range(10)), 300) == list(range(10))


@pytest.fixture
def partnership(staff_member, other_staff):
    """More public people, skills, threads, groups, events and open opportunities than a
    varied row takes, and some of each that signed-out visitors, or the council's staff
    too, may not see.

    Written in bulk: a few hundred of each through the services would take minutes.
    Returns the addresses of what the public may not see, and of what the council may not.
    """
    council, trust = staff_member.organisation, other_staff.organisation
    many, few = fixtures.VARIED_PAGES + 10, 10
    starts = timezone.now() + timedelta(days=7)

    def users(prefix: str, n: int, organisation) -> list[User]:
        return User.objects.bulk_create(
            User(username=f"{prefix}-{i}", email=f"{prefix}-{i}@example.com", name=f"{prefix} {i}",
                 organisation=organisation)
            for i in range(n)
        )  # fmt: skip

    def profiles(people, audience) -> list[Profile]:
        return Profile.objects.bulk_create(Profile(user=u, audience=audience) for u in people)

    public = profiles(users("public", many, council), Audience.PUBLIC)
    community = profiles(users("community", few, council), Audience.COMMUNITY)
    theirs = profiles(users("trust", few, trust), Audience.ORGANISATION)
    skills = Skill.objects.bulk_create(
        Skill(name=f"Skill {i}", slug=f"skill-{i}", key=f"skill{i}") for i in range(many)
    )
    ProfileSkill.objects.bulk_create(
        ProfileSkill(profile=public[i], skill=skill, relation=ProfileSkill.Relation.HAS)
        for i, skill in enumerate(skills)
    )

    def boards(name: str, n: int, **audience) -> list[Thread]:
        board = Board.objects.create(name=name, slug=name, **audience)
        return Thread.objects.bulk_create(
            Thread(board=board, title=f"{name} {i}", slug=f"{name}-{i}", post_count=1)
            for i in range(n)
        )

    def groups(name: str, n: int, **fields) -> list[Group]:
        return Group.objects.bulk_create(
            Group(name=f"{name} {i}", slug=f"{name}-{i}", summary="We meet", **fields)
            for i in range(n)
        )

    def events(in_groups: list[Group], **fields) -> list[Event]:
        return Event.objects.bulk_create(
            Event(group=g, title="Meeting", starts_at=starts, ends_at=starts + timedelta(hours=1),
                  **fields)
            for g in in_groups
        )  # fmt: skip

    def series(in_groups: list[Group]) -> list[EventSeries]:
        made = EventSeries.objects.bulk_create(
            EventSeries(group=g, frequency="weekly", starts_at=starts, count=2) for g in in_groups
        )
        Event.objects.bulk_create(
            Event(group=s.group, series=s, original_start=starts, title="Weekly",
                  starts_at=starts, ends_at=starts + timedelta(hours=1))
            for s in made
        )  # fmt: skip
        return made

    public_groups = groups("public", many, audience=Audience.PUBLIC)
    community_groups = groups("community", few, audience=Audience.COMMUNITY)
    trust_groups = groups("trust", few, audience=Audience.ORGANISATION, audience_organisation=trust)
    closed = groups("closed", few, audience=Audience.PUBLIC, closed_at=timezone.now())
    public_threads = boards("public", many, audience=Audience.PUBLIC)
    community_threads = boards("community", few, audience=Audience.COMMUNITY)
    trust_threads = boards(
        "trust", few, audience=Audience.ORGANISATION, audience_organisation=trust
    )
    waiting = Thread.objects.bulk_create(  # an opening post waiting for a moderator
        Thread(board=public_threads[0].board, title="Waiting", slug="waiting", post_count=0)
        for _ in range(few)
    )
    events(public_groups)
    community_events = events(community_groups)
    trust_events = events(trust_groups)
    cancelled = events(public_groups[:few], cancelled_at=timezone.now())
    series(public_groups)
    community_series, trust_series = series(community_groups), series(trust_groups)

    closes = timezone.localdate() + timedelta(days=14)

    def opportunities(n: int, **fields) -> list[Opportunity]:
        fields = {
            "kind": Kind.VOLUNTEERING,
            "organisation": council,
            "closes_on": closes,
            "status": Opportunity.Status.OPEN,
            "audience": Audience.PUBLIC,
        } | fields
        return Opportunity.objects.bulk_create(
            Opportunity(title=f"Help {i}", description="Help us", **fields) for i in range(n)
        )  # fmt: skip

    public_opportunities = opportunities(many)
    Opportunity.skills_taught.through.objects.bulk_create(
        Opportunity.skills_taught.through(opportunity_id=o.pk, skill_id=skills[i].pk)
        for i, o in enumerate(public_opportunities)
    )
    community_opportunities = opportunities(few, audience=Audience.COMMUNITY)
    trust_opportunities = opportunities(
        few, organisation=trust, audience=Audience.ORGANISATION, audience_organisation=trust
    )
    not_open = [
        *opportunities(few, status=Opportunity.Status.CLOSED),
        *opportunities(few, status=Opportunity.Status.DRAFT),
        *opportunities(few, closes_on=timezone.localdate() - timedelta(days=1)),
    ]

    def stories(name: str, authors: list[User], **fields) -> list[Story]:
        """A story by each of ``authors``, with its thread of comments and a tag of its own."""
        fields = {"status": "published", "published_at": timezone.now() - timedelta(days=1),
                  "audience": Audience.PUBLIC} | fields  # fmt: skip
        audience = {k: v for k, v in fields.items() if k.startswith("audience")}
        board = Board.objects.create(
            name=f"{name} comments", slug=f"{name}-comments", for_stories=True, **audience
        )
        threads = Thread.objects.bulk_create(
            Thread(board=board, title=f"{name} {i}", slug=f"{name}-{i}", for_story=True,
                   next_seq=2, is_locked=fields["status"] != "published")
            for i in range(len(authors))
        )  # fmt: skip
        made = Story.objects.bulk_create(
            Story(title=f"{name} {i}", slug=f"{name}-{i}", summary="A story", body="Words",
                  author=author, thread=thread, **fields)
            for i, (author, thread) in enumerate(zip(authors, threads, strict=True))
        )  # fmt: skip
        tags = Skill.objects.bulk_create(
            Skill(name=f"{name} tag {i}", slug=f"{name}-tag-{i}", key=f"{name}tag{i}")
            for i in range(len(made))
        )
        StoryTag.objects.bulk_create(
            StoryTag(content_object=story, tag=tag) for story, tag in zip(made, tags, strict=True)
        )
        return made

    public_stories = stories("public-story", [p.user for p in public])
    community_stories = stories(
        "community-story", [p.user for p in community], audience=Audience.COMMUNITY
    )
    trust_stories = stories(
        "trust-story", [p.user for p in theirs], audience=Audience.ORGANISATION,
        audience_organisation=trust,
    )  # fmt: skip
    unpublished_stories = [
        *stories("draft-story", users("drafter", few, council), status="draft",
                 published_at=None),
        *stories("scheduled-story", users("scheduler", few, council),
                 published_at=timezone.now() + timedelta(days=3)),
    ]  # fmt: skip
    Thread.objects.filter(pk__in=[s.thread_id for s in public_stories[:few]]).update(post_count=200)

    def story_addresses(*rows: Story) -> set[str]:
        """A story's page, its writer's and its tag's (each story has a tag of its own)."""
        found = set()
        for story in rows:
            tag = StoryTag.objects.get(content_object=story).tag
            found |= {story.get_absolute_url(), f"/stories/by/{story.author.username}/",
                      f"/stories/tag/{tag.slug}/"}  # fmt: skip
        return found

    def addresses(*rows) -> set[str]:
        return {row.get_absolute_url() for row in rows}

    left_out = addresses(*closed, *cancelled, *waiting, *not_open)
    left_out |= story_addresses(*unpublished_stories)
    for event in [*community_events, *trust_events, *cancelled]:
        event.group = Group.objects.get(pk=event.group_id)  # for its address
    not_for_council = left_out | addresses(
        *theirs, *trust_threads, *trust_groups, *trust_events, *trust_opportunities,
        *trust_series,
    ) | story_addresses(*trust_stories)  # fmt: skip
    not_for_public = not_for_council | addresses(
        *community, *community_threads, *community_groups, *community_events,
        *community_opportunities, *community_series,
    ) | story_addresses(*community_stories)  # fmt: skip
    return {"anonymous": not_for_public, "staff": not_for_council}


def test_each_varied_row_draws_from_300_pages_its_login_state_can_see(
    partnership, staff_member, client, client_as
):
    varied = fixtures.varied_pages(staff_member)
    fixed = fixtures.pages(staff_member)

    assert [row["name"] for row in varied] == VARIED_ROWS
    assert [p["name"] for p in run.chosen_pages(fixed + varied, "varied")] == VARIED_ROWS
    viewers = {"anonymous": client, "staff": client_as(staff_member)}
    for row in varied:
        for state, chosen in row["varied"].items():
            paths = chosen["paths"]
            # A page is its address, and the cookie it is asked for with when it has one.
            pages = list(zip(paths, chosen.get("cookies") or paths, strict=True))
            assert len(set(pages)) == len(pages) >= fixtures.VARIED_PAGES, (row["name"], state)
            assert not set(paths) & partnership[state], (row["name"], state)
            assert "fewer than" not in chosen["note"]
            for address, cookie in pages[:: len(pages) // 3]:  # three of them, through HTTP
                viewer = viewers[state] if "cookies" not in chosen else as_cookie(cookie)
                assert viewer.get(address).status_code == 200, (state, address)


def as_cookie(cookie: str) -> Client:
    name, _, value = cookie.partition("=")
    client = Client()
    client.cookies[name] = value
    return client


def test_for_you_is_measured_signed_in_as_300_different_people_with_skills(
    partnership, staff_member, tmp_path
):
    row = next(r for r in fixtures.varied_pages(staff_member) if "for you" in r["name"])
    chosen = row["varied"]["staff"]
    store = import_module(settings.SESSION_ENGINE).SessionStore

    people = {store(session_key=c.partition("=")[2])["_auth_user_id"] for c in chosen["cookies"]}

    assert list(row["varied"]) == ["staff"]  # signed in only
    assert set(chosen["paths"]) == {"/opportunities/"}
    assert len(people) == len(chosen["cookies"]) == fixtures.VARIED_PAGES
    with_skills = Profile.objects.filter(user__in=people, profile_skills__isnull=False)
    assert with_skills.distinct().count() == len(people)
    lines = run.varied_row(row, "staff", tmp_path).pages_file.read_text().splitlines()
    assert lines == [f"/opportunities/\t{c}" for c in chosen["cookies"]]


def test_search_words_are_skill_names_with_a_few_typos_each_once(partnership):
    words, note = fixtures.search_words()

    names = set(Skill.objects.values_list("name", flat=True))
    typos = [w for w in words if w not in names]
    assert len(words) == len({w.casefold() for w in words}) >= fixtures.VARIED_PAGES
    assert 0 < len(typos) <= fixtures.VARIED_TYPOS
    assert "no other names of skills" in note


@pytest.mark.django_db(transaction=True)
def test_a_run_starts_from_an_empty_page_cache():
    """What an earlier run kept (pages, shared parts) never answers this run's requests."""
    caches["pages"].set("kept-part", "kept by the run before")
    assert settings.CACHES["pages"]["LOCATION"] == run.PAGE_CACHE_TABLE
    params = connection.get_connection_params()
    keys = ("dbname", "user", "password", "host", "port")
    url = make_conninfo(**{key: params[key] for key in keys if params.get(key)})

    run.empty_page_cache(url)

    assert caches["pages"].get("kept-part") is None


@pytest.mark.django_db
def test_a_run_says_how_much_memory_postgresql_keeps_pages_in():
    """The report names the server's shared buffers beside its version: at scale, whether a
    search's pages are PostgreSQL's or the system's moves the rates (ADR 0019, decision 21)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
        cursor.execute("SHOW shared_buffers")
        (shared_buffers,) = cursor.fetchone()

    assert fixtures.postgres_version() == f"{version}, shared_buffers {shared_buffers}"
