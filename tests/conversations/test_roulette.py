"""Coffee roulette pairs everyone who opted in, never within a team, never the same two
within six months, preferring shared interests and the same building; on 10,000 people."""

from datetime import date, timedelta

import pytest

from conversations import roulette
from conversations.models import Conversation, Introduction, RouletteMember
from conversations.roulette import Person, pair
from profiles.models import Profile, ProfileSkill, Skill, Team
from sociable.accounts import blocks
from sociable.accounts.models import User
from sociable.notifications.models import Notification
from tests.accounts.factories import staff_of
from tests.helpers import run_tasks
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db

ROUND = date(2027, 1, 1)


def _people(council, trust, n: int) -> list[User]:
    """``n`` staff in 200 teams of two organisations and 20 buildings, each with an
    interest of 30, all opted in: written in bulk."""
    teams = Team.objects.bulk_create(
        Team(organisation=(council, trust)[t % 2], name=f"Team {t}", slug=f"team-{t}")
        for t in range(200)
    )
    interests = Skill.objects.bulk_create(
        Skill(name=f"Hobby {k}", slug=f"hobby-{k}", key=f"hobby {k}", kind=Skill.Kind.INTEREST)
        for k in range(30)
    )
    users = User.objects.bulk_create(
        User(username=f"p{i}", email=f"p{i}@x.example", name=f"Person {i}",
             organisation=teams[i % 200].organisation)
        for i in range(n)
    )  # fmt: skip
    profiles = Profile.objects.bulk_create(
        Profile(user=u, team=teams[i % 200], place_id=None) for i, u in enumerate(users)
    )
    ProfileSkill.objects.bulk_create(
        ProfileSkill(profile=p, skill=interests[i % 30], relation=ProfileSkill.Relation.INTEREST)
        for i, p in enumerate(profiles)
    )
    RouletteMember.objects.bulk_create(RouletteMember(user=u) for u in users)
    return users


def test_ten_thousand_are_paired_within_the_rules_and_never_twice_in_six_months(council, trust):
    users = _people(council, trust, 10_000)
    team_of = dict(Profile.objects.values_list("user_id", "team_id"))

    first = roulette.run_round(ROUND)
    second = roulette.run_round(ROUND + timedelta(days=31))  # the 1st of February

    for introductions in (first, second):
        people = [i.first_id for i in introductions] + [i.second_id for i in introductions]
        assert len(people) == len(set(people)) >= 9_900  # nearly everyone, each once
        assert all(team_of[i.first_id] != team_of[i.second_id] for i in introductions)
    once = {frozenset((i.first_id, i.second_id)) for i in first}
    assert not once & {frozenset((i.first_id, i.second_id)) for i in second}
    assert len(users) == 10_000
    assert roulette.run_round(ROUND) == []  # a round is paired once


def test_pairs_prefer_shared_interests_and_the_same_building():
    """200 people in two buildings, 50 teams, two interests: nearly every pair shares
    both, as the rules allow (never a team, never twice)."""
    people = [
        Person(n, organisation=n % 2, team=n % 50, place=n % 2, interests=frozenset({n % 2}))
        for n in range(200)
    ]
    pairs = pair(people, seed=7)

    assert len(pairs) >= 95
    assert all(a.team != b.team for a, b in pairs)
    alike = [a for a, b in pairs if a.place == b.place and a.interests == b.interests]
    assert len(alike) >= 0.9 * len(pairs)


def test_each_is_told_and_a_chat_waits_for_a_time(
    council, trust, django_capture_on_commit_callbacks
):
    amara, ben = staff_of(council, name="Amara Okafor"), staff_of(trust, name="Ben Ade")
    for user in (amara, ben):
        Profile.objects.create(user=user)
        roulette.join(user=user, every="month")
    with django_capture_on_commit_callbacks(execute=True):
        (introduction,) = roulette.run_round(ROUND)
    run_tasks()

    conversation = introduction.conversation
    assert conversation.status == Conversation.Status.WAITING
    assert {n.title for n in Notification.objects.all()} == {
        "Coffee roulette: meet Amara Okafor",
        "Coffee roulette: meet Ben Ade",
    }


def test_skipping_leaving_and_who_may_take_part(council, staff_member, community_member):
    ben = staff_of(council, name="Ben Ade")
    for user in (staff_member, ben):
        Profile.objects.get_or_create(user=user)
        roulette.join(user=user, every="fortnight")
    with pytest.raises(Exception, match="staff of the partner organisations"):
        roulette.join(user=community_member, every="month")

    roulette.skip_next(user=ben, today=ROUND - timedelta(days=3))
    assert roulette.run_round(ROUND) == []  # Ben sits it out: nobody for Amara
    assert Introduction.objects.count() == 0
    roulette.leave(user=ben)
    assert not RouletteMember.objects.filter(user=ben).exists()


def test_the_roulette_page(client_as, staff_member, community_member):
    page = client_as(staff_member).get("/conversations/roulette/")
    assert page.status_code == 200 and "Take part" in page.content.decode()
    response = client_as(staff_member).post(
        "/conversations/roulette/", {"change": "join", "every": "fortnight"}
    )
    assert response.status_code == 302
    assert staff_member.roulette.every == "fortnight"
    refused = client_as(community_member).get("/conversations/roulette/").content.decode()
    assert "Take part" not in refused and "introduces staff" in refused


def test_a_blocked_pair_is_never_introduced(council, trust):
    amara, ben = staff_of(council, name="Amara Okafor"), staff_of(trust, name="Ben Ade")
    for user in (amara, ben):
        make_profile(user)
        RouletteMember.objects.create(user=user, every=RouletteMember.Every.FORTNIGHT)
    day = date(2027, 1, 15)
    assert len(pair(roulette.people_for(day), seed=1)) == 1  # they would be introduced

    blocks.block(by=ben, person=amara)

    assert pair(roulette.people_for(day), seed=1) == []
    assert roulette.run_round(day) == []
