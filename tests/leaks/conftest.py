"""A small partnership where every kind of page has someone who sees more of it than a
neighbour with the same audience key, and the page cache on.

Everything is made before any page is fetched, so the suite does not depend on when the page
cache sees a change of content (today: when a transaction commits, which a test's never does).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.core.cache import caches
from django.db import transaction
from django.test import override_settings

from forums.models import Board, Post
from forums.roles import MODERATORS
from forums.services import hide_post, react, reply, start_thread
from groups.services import add_member, calendar_feed_for, rsvp_to_event
from profiles.models import Skill
from sociable.cache import PAGES
from stories.services import follow as follow_story
from tests.accounts.factories import OrganisationFactory, UserFactory, add_totp, staff_of
from tests.forums.factories import group_board
from tests.groups.factories import make_event, make_group
from tests.opportunities.factories import post as post_opportunity
from tests.profiles.factories import make_profile
from tests.stories.factories import write as write_story

from .oracle import Viewers


@pytest.fixture(autouse=True)
def page_cache_on(db, settings):
    """The page cache as in production, emptied before and after each test."""
    settings.PAGE_CACHE_SECONDS = 30
    caches[PAGES].clear()
    yield
    caches[PAGES].clear()


def _moderator(user):
    """Make ``user`` a moderator of every board, able to act (two-factor set up)."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(AuthGroup.objects.get(name=MODERATORS))
    add_totp(user)
    return user


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The people and things every page case reads: see each name's comment for what makes
    them see more (or less) than their neighbour with the same audience key.

    Made once for the module, in a transaction rolled back after its last test (each test
    runs in a savepoint inside it): making it takes longer than all of one test's fetches.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield _world()
        transaction.set_rollback(True)


def _world() -> SimpleNamespace:
    council = OrganisationFactory(
        name="Kirkfield City Council", slug="council", domain="council.example.gov.uk"
    )
    trust = OrganisationFactory(
        name="Kirkfield Hospitals NHS Trust",
        slug="trust",
        kind="nhs_trust",
        domain="trust.example.nhs.uk",
    )
    people = {
        # Council staff: one audience key ("organisation:<council>") for all of them.
        "amara": staff_of(council, name="Amara Okafor"),  # a profile of many audiences, an author
        "dev": staff_of(council, name="Dev Patel"),  # the plain colleague: sees least
        "olu": staff_of(council, name="Olu Organiser"),  # organises both groups
        "grace": staff_of(council, name="Grace Member"),  # member of both, going, reacted
        "tina": staff_of(council, name="Tina Waiting"),  # on the event's waiting list
        "nell": staff_of(council, name="Nell Teacher"),  # teaches a session; no profile
        "priya": staff_of(council, name="Priya Moderator"),  # moderates every board
        # Trust staff.
        "tom": staff_of(trust, name="Tom Whitaker"),
        # The community (no organisation): one audience key ("community") for them all.
        "jordan": UserFactory(name="Jordan Reid", email="jordan@example.com"),  # posts waiting
        "sam": UserFactory(name="Sam Reid", email="sam@example.com"),
        "mo": UserFactory(name="Mo Moderator", email="mo@example.com"),  # moderates, no org
    }
    p = SimpleNamespace(**people)
    for person in people.values():  # what's on shows it; made now, not by the first fetch
        calendar_feed_for(user=person)
    _moderator(p.priya)
    _moderator(p.mo)

    # Profiles: Amara's fields each shown to a different audience, an interest hidden.
    make_profile(
        p.amara,
        job_title="Welsh language officer",
        bio="I run the council's **Welsh** choir.",
        team="Housing",
        place="Civic Hall",
        phone="0113 496 0000",
        teach=["Welsh"],
        has=["Excel"],
        learn=["Knitting"],
        interests=["Opera"],
        show_interests=False,
        audience="community",
        contact_audience="organisation",
        location_audience="staff",
        skills_audience="organisation",
        about_audience="staff",
    )
    make_profile(p.dev, team="Housing", learn=["Welsh"], has=["Excel"])
    make_profile(
        p.grace, team="Housing", place="Civic Hall", learn=["Welsh"], audience="organisation"
    )
    make_profile(p.olu, teach=["Knitting"], place="Civic Hall")
    make_profile(p.tina, learn=["Welsh"])
    make_profile(p.tom, teach=["Welsh"], location_audience="organisation", place="Civic Hall")
    make_profile(
        p.jordan,
        job_title="Bird warden",
        learn=["Welsh"],
        location_audience="staff",
        place="Civic Hall",
    )
    make_profile(p.sam, learn=["Welsh"])

    # Groups: one for staff, one for its members only; Olu organises, Grace belongs.
    walkers = make_group(p.olu, name="Welsh walkers", audience="staff", tags=["Welsh"])
    choir = make_group(p.olu, name="Welsh choir", audience="members", tags=["Welsh"])
    for group in (walkers, choir):
        add_member(group=group, user=p.grace)
    walk = make_event(walkers, title="Welsh canal walk", capacity=1)
    rsvp_to_event(event=walk, user=p.grace, going=True)  # going
    rsvp_to_event(event=walk, user=p.tina, going=True)  # waiting
    lesson = make_event(
        walkers,
        title="Welsh for beginners",
        kind="learning",
        skill=Skill.objects.get(slug="welsh"),
        teacher=p.nell,
        days=8,
    )
    rsvp_to_event(event=lesson, user=p.grace, going=True)
    evening = make_event(choir, title="Welsh singing evening")

    # Forums: an open board, a staff board and the choir's own board.
    open_board = Board.objects.create(name="Open discussion", slug="open", audience="public")
    staff_room = Board.objects.create(name="Staff room", slug="staff-room", audience="staff")
    choir_board = group_board(choir, name="Choir", slug="choir", audience="members")
    with override_settings(FORUMS_POSTS_PER_10_MINUTES=1_000):
        forums = _forums(p, open_board, staff_room, choir_board)

    # Opportunities: the council's own, one for all staff, one for everyone. Dev wants to
    # learn Welsh, so his list has a "for you"; Amara's (she posted it) has none.
    post_opportunity(p.amara, title="Welsh translation loan", teaches=["Welsh"],
                     audience="organisation")  # fmt: skip
    post_opportunity(p.tom, title="Welsh on the wards", teaches=["Welsh"])
    post_opportunity(p.olu, kind="volunteering", title="Welsh fun day", audience="public")

    # Stories: Amara's for everyone (Grace follows her), the council's own, and the choir's
    # for its members (Grace belongs; Dev does not).
    story = write_story(p.amara, title="Welsh at work", tags=["Welsh"])
    follow_story(user=p.grace, author=p.amara)
    write_story(p.amara, title="Welsh at the council", audience="organisation", tags=["Welsh"])
    write_story(p.olu, title="Welsh choir's first concert", audience="members", group=choir,
                tags=["Welsh"])  # fmt: skip
    return SimpleNamespace(
        story=story,
        people=people,
        council=council,
        trust=trust,
        walkers=walkers,
        choir=choir,
        walk=walk,
        lesson=lesson,
        evening=evening,
        open_board=open_board,
        staff_room=staff_room,
        choir_board=choir_board,
        team=p.amara.profile.team,
        place=p.amara.profile.place,
        **forums,
    )


def _forums(p: SimpleNamespace, open_board, staff_room, choir_board) -> dict:
    """Threads with an author, a reaction, a hidden post and posts waiting for a moderator."""
    thread, opening = start_thread(
        board=open_board, author=p.amara, title="Learning Welsh", body="Who wants to learn Welsh?"
    )
    react(post=opening, user=p.grace, kind="thanks")
    reply(thread=thread, author=p.dev, body="Me, please: Welsh at lunchtime?", parent=opening)
    hidden = reply(thread=thread, author=p.tom, body="Call me on 07700 900123 about Welsh")
    hide_post(post=hidden, moderator=p.priya, reason="Shares a phone number")
    waiting = reply(thread=thread, author=p.jordan, body="Can citizens join the Welsh lessons?")
    assert waiting.status == Post.Status.PENDING  # a community member's first post waits
    waiting_thread, _ = start_thread(
        board=open_board, author=p.jordan, title="Welsh road signs", body="Who makes them?"
    )
    staff_thread, _ = start_thread(
        board=staff_room, author=p.olu, title="Welsh rota", body="Welsh cover for the desk"
    )
    choir_thread, _ = start_thread(
        board=choir_board, author=p.olu, title="Welsh hymns", body="Altos first"
    )

    return {
        "thread": thread,
        "waiting_thread": waiting_thread,
        "staff_thread": staff_thread,
        "choir_thread": choir_thread,
    }


@pytest.fixture(scope="module")
def cold_pages(world) -> dict[tuple[str, str], str]:
    """Each viewer's page at each address from an empty cache, as first fetched."""
    return {}


@pytest.fixture
def viewers(db, world) -> Viewers:
    """Clients for the world's people by name, and for a visitor (``"visitor"``)."""
    return Viewers(world.people)
