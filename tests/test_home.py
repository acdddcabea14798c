"""The signed-in home page: your next events, new threads in boards you follow, people to learn
from and teach, new people near you, suggestions you backed that came true, and the next thing
to add to your profile. Everything on it follows the audience rule, at a fixed query count.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums import services as forum_services
from forums.models import Board, Post, Thread
from groups import services as group_services
from groups.models import RSVP
from profiles import selectors as profile_selectors
from profiles.models import Matches, Profile, ProfileSkill
from tests.accounts.factories import UserFactory, staff_of
from tests.forums.factories import board_shown_to
from tests.groups.factories import make_event, make_group
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db

# One read or so for each panel (people, events, threads, suggestions, opportunities,
# stories) and the page's own; the same however much there is.
BUDGET = 11
Relation = ProfileSkill.Relation


@pytest.fixture(autouse=True)
def _quick_posting(settings):
    settings.FORUMS_POSTS_PER_10_MINUTES = 1_000


def home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def rsvp(event, user, status=RSVP.Status.GOING) -> RSVP:
    """A reply as it stands in the database (made before any later change of audience)."""
    return RSVP.objects.create(
        event=event,
        user=user,
        status=status,
        queued_at=timezone.now() if status == RSVP.Status.WAITLISTED else None,
    )


def backed_and_fulfilled(title, group, backer, event=None):
    suggestion = group_services.suggest(created_by=UserFactory(), title=title, kind="group")
    group_services.back_suggestion(suggestion=suggestion, user=backer)
    return group_services.fulfil_suggestion(
        suggestion=suggestion,
        by=group.created_by,
        group=group if event is None else None,
        event=event,
    )


def age(model, pk, **days) -> None:
    """Move a row's creation into the past (auto_now_add cannot be set on create)."""
    model.objects.filter(pk=pk).update(created_at=timezone.now() - timedelta(**days))


# --- your next events ------------------------------------------------------------------------


def test_home_lists_your_next_events_soonest_first_in_uk_time(client_as, staff_member, council):
    group = make_group(staff_member, name="Lunchtime choir")
    starts = datetime(timezone.now().year + 1, 7, 1, 17, 30, tzinfo=UTC)  # 18:30 in London
    for title, day in [("Summer concert", 1), ("Warm-up", 0)]:
        group_services.create_event(
            group=group,
            created_by=staff_member,
            title=title,
            starts_at=starts + timedelta(days=day),
            ends_at=starts + timedelta(days=day, hours=1),
        )
    full = make_event(group, days=3, title="Sold-out workshop", capacity=1)
    group_services.rsvp_to_event(event=full, user=staff_of(council), going=True)
    me = staff_of(council, name="Priya Shah")
    for event in group.events.all():
        group_services.rsvp_to_event(event=event, user=me, going=True)

    html = home(client_as(me))

    assert html.index("Sold-out workshop") < html.index("Warm-up") < html.index("Summer concert")
    assert html.count("On the waiting list") == 1 and html.count(">Going<") == 2
    london = starts.astimezone(ZoneInfo("Europe/London"))
    assert f"{london:%A} 1 July {london.year}, 18:30" in html
    assert group.get_absolute_url() in html and "Lunchtime choir" in html


def test_past_declined_and_surplus_events_stay_off_and_cancelled_ones_say_so(
    client_as, staff_member
):
    group = make_group(staff_member)
    me = staff_member
    for n in range(7):
        rsvp(make_event(group, days=n + 1, title=f"Session {n}"), me)
    rsvp(make_event(group, days=-3, title="Last week's session"), me)
    rsvp(make_event(group, days=2, title="Declined session"), me, RSVP.Status.NOT_GOING)
    off = make_event(group, days=1, hours=2, title="Rained off")
    rsvp(off, me)
    group_services.cancel_event(event=off)

    html = home(client_as(me))

    assert "Cancelled: Rained off" in html
    assert "Session 3" in html and "Session 4" not in html  # a handful: five at most
    assert "Last week&#x27;s session" not in html and "Declined session" not in html


def test_with_no_events_home_says_how_to_find_some_and_links_your_calendar(
    client_as, community_member
):
    html = home(client_as(community_member))

    assert "You have not said you are going to anything coming up" in html
    assert reverse("groups:group-list") in html
    assert reverse("groups:calendar-settings") in html


# --- new threads in boards you follow ---------------------------------------------------------


def test_home_lists_new_threads_in_the_boards_you_follow(client_as, staff_member, council):
    followed = Board.objects.create(name="Open discussion", slug="open", audience="public")
    other = Board.objects.create(name="Elsewhere", slug="elsewhere", audience="public")
    me = staff_of(council, name="Priya Shah")
    forum_services.follow(user=me, board=followed)
    poster = staff_of(council)
    newest, _ = forum_services.start_thread(
        board=followed, author=poster, title="Bread club", body="Who bakes?"
    )
    older, _ = forum_services.start_thread(
        board=followed, author=poster, title="Allotment swaps", body="Seeds"
    )
    Thread.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=2))
    stale, _ = forum_services.start_thread(
        board=followed, author=poster, title="Last month's news", body="Old"
    )
    Thread.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=20))
    forum_services.start_thread(board=other, author=poster, title="Not followed", body="x")
    forum_services.start_thread(board=followed, author=me, title="My own thread", body="x")
    hidden, opening = forum_services.start_thread(
        board=followed, author=poster, title="Rude thread", body="x"
    )
    forum_services.hide_post(post=opening, moderator=UserFactory(is_staff=True), reason="Rude")
    newcomer = UserFactory(name="New Person")  # a community member's first post waits
    forum_services.start_thread(board=followed, author=newcomer, title="Waiting thread", body="x")
    assert Post.objects.filter(thread__title="Waiting thread", status="pending").exists()

    html = home(client_as(me))

    assert html.index("Bread club") < html.index("Allotment swaps")
    assert newest.get_absolute_url() in html and followed.get_absolute_url() in html
    for absent in ["Last month", "Not followed", "My own thread", "Rude thread", "Waiting thread"]:
        assert absent not in html


def test_with_no_followed_boards_home_says_how_to_follow_one(client_as, staff_member):
    html = home(client_as(staff_member))

    assert "Follow a board</a> to see its new threads here" in html
    assert reverse("forums:board-list") in html


# --- the audience rule, from every side ------------------------------------------------------

AUDIENCES = ["public", "community", "staff", "organisation", "members"]
SEES = {
    "community member": {"public", "community"},
    "staff of another organisation": {"public", "community", "staff"},
    "colleague": {"public", "community", "staff", "organisation"},
    "group member": {"public", "community", "members"},
}


@pytest.fixture
def everything(staff_member, council):
    """For each audience: a group with an event, a board with a thread, a suggestion that the
    group answered. Everyone below has replied to every event, follows every board and backs
    every suggestion (as if the audience had narrowed since), so only the rule decides."""
    made = {}
    for audience in AUDIENCES:
        group = make_group(staff_member, name=f"Group {audience}", audience=audience)
        board = board_shown_to(
            audience,
            group=group,
            organisation=council,
            name=f"Board {audience}",
            slug=f"board-{audience}",
        )
        forum_services.start_thread(
            board=board, author=staff_member, title=f"Thread {audience}", body="Hello"
        )
        made[audience] = {
            "group": group,
            "board": board,
            "event": make_event(group, title=f"Event {audience}"),
        }
    return made


@pytest.fixture
def viewer(request, everything, council, community_member, other_staff):
    person = {
        "community member": lambda: community_member,
        "staff of another organisation": lambda: other_staff,
        "colleague": lambda: staff_of(council, name="Colleague"),
        "group member": lambda: UserFactory(name="Grace Member"),
    }[request.param]()
    if request.param == "group member":
        group_services.add_member(group=everything["members"]["group"], user=person)
    for audience, things in everything.items():
        rsvp(things["event"], person)
        forum_services.follow(user=person, board=things["board"])
        backed_and_fulfilled(f"Wish {audience}", things["group"], person)
    return request.param, person


@pytest.mark.parametrize("viewer", list(SEES), indirect=True)
def test_home_shows_each_person_only_the_events_threads_and_groups_meant_for_them(
    viewer, client_as
):
    kind, person = viewer

    html = home(client_as(person))

    for audience in AUDIENCES:
        shown = audience in SEES[kind]
        for thing in ("Event", "Thread", "Group", "Wish"):
            assert (f"{thing} {audience}" in html) is shown, (kind, thing, audience)


def test_leaving_a_private_group_takes_its_events_threads_and_wishes_off_home(
    everything, client_as
):
    member = UserFactory(name="Grace Member")
    private = everything["members"]
    group_services.add_member(group=private["group"], user=member)
    group_services.rsvp_to_event(event=private["event"], user=member, going=True)
    forum_services.follow(user=member, board=private["board"])
    backed_and_fulfilled("Wish members", private["group"], member)
    client = client_as(member)
    assert "Event members" in home(client) and "Thread members" in home(client)

    group_services.leave_group(group=private["group"], user=member)

    html = home(client)
    assert "Event members" not in html
    assert "Thread members" not in html
    assert "Wish members" not in html


def test_a_suggestion_answered_by_an_event_links_the_event_and_its_group(client_as, staff_member):
    group = make_group(staff_member, name="Film club")
    event = make_event(group, title="Video editing basics")
    me = staff_member
    backed_and_fulfilled("Learn video editing", group, me, event=event)
    unfulfilled = group_services.suggest(created_by=me, title="A knitting circle", kind="group")

    html = home(client_as(me))

    assert "Learn video editing" in html
    assert event.get_absolute_url() in html and group.get_absolute_url() in html
    assert unfulfilled.title not in html


# --- people ----------------------------------------------------------------------------------


@pytest.fixture
def neighbourhood(council, trust):
    """A council officer in Housing at Civic Hall, and who else arrived there and when."""
    me = make_profile(staff_of(council, name="Priya Shah"), team="Housing", place="Civic Hall")
    people = {
        "teammate": make_profile(staff_of(council, name="Tariq Newman"), team="Housing"),
        "neighbour": make_profile(
            staff_of(trust, name="Nia Neighbour"),
            place="Civic Hall",
            teach=["Knitting"],
            skills_audience="organisation",
        ),
        "private neighbour": make_profile(
            staff_of(trust, name="Pat Private"),
            place="Civic Hall",
            location_audience="organisation",
        ),
        "old hand": make_profile(staff_of(council, name="Olive Oldhand"), team="Housing"),
        "leaver": make_profile(staff_of(council, name="Larry Leaver"), team="Housing"),
        "unlisted": make_profile(
            staff_of(council, name="Una Unlisted"), team="Housing", in_directory=False
        ),
        "elsewhere": make_profile(staff_of(council, name="Ezra Elsewhere"), place="Riverside"),
    }
    age(Profile, people["old hand"].pk, days=60)
    Profile.objects.filter(pk=people["leaver"].pk).update(archived_at=timezone.now())
    return me, people


def test_home_introduces_new_people_in_your_team_and_building(neighbourhood, client_as):
    me, _ = neighbourhood

    html = home(client_as(me.user))

    assert "Tariq Newman" in html and "Nia Neighbour" in html
    for absent in ["Pat Private", "Olive Oldhand", "Larry Leaver", "Una Unlisted", "Ezra"]:
        assert absent not in html
    assert "Knitting" not in html  # Nia's skills are for her own organisation


def test_someone_new_in_your_team_and_your_building_is_introduced_once(neighbourhood, client_as):
    me, _ = neighbourhood
    make_profile(
        staff_of(me.user.organisation, name="Tess Both"), team="Housing", place="Civic Hall"
    )

    html = home(client_as(me.user))

    panel = html.split('id="new-people"')[1].split('id="came-true"')[0]
    assert panel.count("Tess Both") == 1 and panel.index("Tess Both") < panel.index("Tariq")


def test_a_community_member_sees_nobody_s_workplace_so_nobody_new_nearby(
    neighbourhood, community_member, client_as
):
    make_profile(community_member, place="Civic Hall")

    html = home(client_as(community_member))

    assert "Tariq Newman" not in html and "Nia Neighbour" not in html
    assert "Nobody new in the last 30 days" in html


def test_without_a_team_or_building_home_asks_for_them(client_as, staff_member):
    make_profile(staff_member)

    html = home(client_as(staff_member))

    assert "Add your team and the building you work in" in html
    assert "Add skills you want to learn" in html  # the empty "who can teach you" panel
    assert "Add skills you can teach" in html  # the next step, and the empty learners panel


def test_home_suggests_teachers_and_learners_and_the_next_profile_step(
    client_as, council, staff_member
):
    make_profile(staff_member, learn=["Video editing"], teach=["Excel"], job_title="Planner")
    make_profile(staff_of(council, name="Chloe Dunn"), teach=["Video editing"])
    make_profile(staff_of(council, name="Leo Learner"), learn=["Excel"])

    html = home(client_as(staff_member))

    teach_panel = html.split("People who can teach what you want to learn")[1]
    assert "Chloe Dunn" in teach_panel.split("People who want to learn")[0]
    assert "Leo Learner" in teach_panel.split("People who want to learn")[1]
    assert "Say what people can ask you about" in html  # teach is done: the next step
    assert reverse("profiles:profile-edit") in html


def test_teachers_who_share_more_skills_come_first_then_the_nearest(
    client_as, council, trust, staff_member
):
    make_profile(staff_member, team="Housing", place="Civic Hall", learn=["Video editing", "Excel"])
    make_profile(staff_of(council, name="Abe Anywhere"), teach=["Video editing"])
    make_profile(staff_of(council, name="Bea Building"), place="Civic Hall", teach=["Excel"])
    make_profile(staff_of(council, name="Tia Team"), team="Housing", teach=["Excel"])
    make_profile(staff_of(trust, name="Zak Both"), teach=["Excel", "Video editing"])

    html = home(client_as(staff_member))

    panel = html.split('id="teachers"')[1].split('id="learners"')[0]
    assert panel.index("Zak Both") < panel.index("Tia Team") < panel.index("Bea Building")
    assert "Abe Anywhere" not in panel  # three at most, and Abe shares one skill from afar


def test_a_workplace_you_may_not_see_does_not_bring_a_teacher_nearer(
    client_as, council, trust, staff_member
):
    make_profile(staff_member, place="Civic Hall", learn=["Excel"])
    make_profile(staff_of(council, name="Abe Anywhere"), teach=["Excel"])
    make_profile(
        staff_of(trust, name="Pat Private"),
        place="Civic Hall",
        teach=["Excel"],
        location_audience="organisation",
    )
    make_profile(staff_of(trust, name="Zoe Neighbour"), place="Civic Hall", teach=["Excel"])

    html = home(client_as(staff_member))

    panel = html.split('id="teachers"')[1].split('id="learners"')[0]
    # By name among the equally near: Pat's building is for her own organisation only.
    assert panel.index("Zoe Neighbour") < panel.index("Abe Anywhere") < panel.index("Pat Private")


def teachers_on(html: str) -> str:
    return html.split('id="teachers"')[1].split('id="learners"')[0]


def test_matches_are_kept_until_your_skills_change_or_a_day_passes(
    client_as, council, staff_member
):
    make_profile(staff_member, learn=["Excel"])
    make_profile(staff_of(council, name="Ada First"), teach=["Excel"])
    client = client_as(staff_member)
    assert "Ada First" in teachers_on(home(client))

    make_profile(staff_of(council, name="Ben Later"), teach=["Excel"])
    assert "Ben Later" not in teachers_on(home(client))  # kept: not ranked again

    make_profile(staff_member, learn=["Excel", "Welsh"])  # what they are found from changed
    assert "Ben Later" in teachers_on(home(client))

    make_profile(staff_of(council, name="Cai Tomorrow"), teach=["Excel"])
    assert "Cai Tomorrow" not in teachers_on(home(client))
    Matches.objects.filter(profile__user=staff_member).update(
        found_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    assert "Cai Tomorrow" in teachers_on(home(client))  # a day on: found again


def test_kept_matches_leave_out_who_has_since_hidden_their_skills_or_left(
    client_as, council, trust, staff_member
):
    make_profile(staff_member, learn=["Excel"])
    hiding = make_profile(staff_of(trust, name="Hana Hidden"), teach=["Excel"])
    leaving = make_profile(staff_of(council, name="Lee Leaving"), teach=["Excel"])
    client = client_as(staff_member)
    html = teachers_on(home(client))
    assert "Hana Hidden" in html and "Lee Leaving" in html
    kept = Matches.objects.get(profile__user=staff_member)

    # Their skills now shown to their own organisation's staff only (the trust's).
    Profile.objects.filter(pk=hiding.pk).update(skills_audience="organisation")
    Profile.objects.filter(pk=leaving.pk).update(archived_at=timezone.now())

    html = teachers_on(home(client))
    assert "Hana Hidden" not in html and "Lee Leaving" not in html
    assert Matches.objects.get(profile__user=staff_member).found_at == kept.found_at


def test_matches_rank_only_the_newest_holders_of_each_skill(council, staff_member, monkeypatch):
    """A skill thousands of people teach costs what a rare one does (ADR 0005)."""
    monkeypatch.setattr(profile_selectors, "MATCH_CANDIDATES", 2)
    me = make_profile(staff_member, learn=["Excel"])
    for name in ["Ann Early", "Bob Later", "Cat Latest"]:
        make_profile(staff_of(council, name=name), teach=["Excel"])

    found = profile_selectors.best_matches(
        staff_member, me, give=Relation.TEACH, take=Relation.LEARN
    )

    assert [p.user.name for p in found] == ["Bob Later", "Cat Latest"]


def test_a_teammate_is_matched_however_many_teach_the_skill(council, staff_member, monkeypatch):
    """Who's sitting next to you comes first, even among thousands of teachers."""
    monkeypatch.setattr(profile_selectors, "MATCH_CANDIDATES", 2)
    me = make_profile(staff_member, team="Housing", learn=["Excel"])
    make_profile(staff_of(council, name="Tia Team"), team="Housing", teach=["Excel"])
    for name in ["Ann Early", "Bob Later", "Cat Latest"]:
        make_profile(staff_of(council, name=name), teach=["Excel"])

    found = profile_selectors.best_matches(
        staff_member, me, give=Relation.TEACH, take=Relation.LEARN
    )

    assert [p.user.name for p in found] == ["Tia Team", "Bob Later", "Cat Latest"]


# --- safety and cost -------------------------------------------------------------------------


def test_what_people_typed_is_escaped_on_home(client_as, staff_member):
    group = make_group(staff_member, name="<script>alert('group')</script>")
    rsvp(make_event(group, title="<img src=x onerror=alert(1)>"), staff_member)
    board = Board.objects.create(name="<b>Board</b>", slug="b", audience="public")
    forum_services.follow(user=staff_member, board=board)
    forum_services.start_thread(
        board=board, author=staff_of(staff_member.organisation), title="<i>x</i>", body="y"
    )
    make_profile(staff_member, learn=["Excel"])
    make_profile(
        staff_of(staff_member.organisation, name="<u>Ann</u>"),
        job_title="<s>Boss</s>",
        teach=["Excel"],
    )

    html = home(client_as(staff_member))

    for raw in ["<script>alert(", "<img src=x", "<b>Board</b>", "<i>x</i>", "<u>Ann", "<s>Boss"]:
        assert raw not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&lt;i&gt;x&lt;/i&gt;" in html
    assert "&lt;u&gt;Ann&lt;/u&gt;" in html and "&lt;s&gt;Boss&lt;/s&gt;" in html  # a card


def test_panels_known_to_be_empty_ask_the_database_nothing(client_as, council, staff_member):
    empty = staff_member
    make_profile(empty)
    full = staff_of(council)
    make_profile(full, team="Housing", place="Civic Hall", learn=["Excel"], teach=["Excel"])

    def counts(user) -> list[int]:
        client = client_as(user)
        found = []
        for _visit in range(2):
            with CaptureQueriesContext(connection) as context:
                home(client)
            found.append(len(context))
        return found

    # The empty profile, with no skills, team or building, asks for no one and for no
    # opportunities; its (empty) matches are kept on the first visit. The full one finds
    # its teachers and learners and keeps them on the first visit (2 queries), and asks
    # only for new people nearby after that; finding nobody, it needs no cards. Having
    # skills, it is asked the opportunities that suit them (1 query, cards and all).
    first_empty, then_empty = counts(empty)
    first_full, then_full = counts(full)
    assert first_empty == then_empty + 1
    assert first_full == then_empty + 3 <= BUDGET
    assert then_full == then_empty + 2


def test_home_runs_the_same_few_queries_however_much_there_is(
    client_as, council, trust, staff_member, django_assert_max_num_queries
):
    me = staff_member
    make_profile(me, team="Housing", place="Civic Hall", learn=["Video editing"], teach=["Excel"])
    group = make_group(staff_of(council), name="Choir")
    board = Board.objects.create(name="Open", slug="open", audience="public")
    forum_services.follow(user=me, board=board)
    client = client_as(me)

    def count() -> tuple[int, int]:
        """Queries on a visit that finds the matches again, then on one that keeps them."""
        Matches.objects.filter(profile__user=me).delete()
        found = []
        for _visit in range(2):
            with CaptureQueriesContext(connection) as context:
                home(client)
            found.append(len(context))
        return tuple(found)

    def add(n: int) -> None:
        author = staff_of(council)
        event = make_event(group, days=n + 1, title=f"Event {n}")
        group_services.rsvp_to_event(event=event, user=me, going=True)
        forum_services.start_thread(board=board, author=author, title=f"Thread {n}", body="x")
        backed_and_fulfilled(f"Wish {n}", group, me)
        make_profile(author, team="Housing", teach=["Video editing"], learn=["Excel"])
        make_profile(staff_of(trust), place="Civic Hall", teach=["Video editing"])

    add(0)
    small = count()
    for n in range(1, 16):
        add(n)
    large = count()

    assert large == small
    Matches.objects.filter(profile__user=me).delete()
    with django_assert_max_num_queries(BUDGET):
        html = home(client)
    assert html.count("Thread ") >= 8 and "Event 4" in html and "Wish 15" in html
