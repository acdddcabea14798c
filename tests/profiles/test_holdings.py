"""The skills index's counts and the skill page's people, read from the holdings' copies of
the audience rule (profiles.holdings), are what the plain rule gives: for every kind of
viewer, and after every change to what the copies are made from.

The plain rule is the reading these selectors made before the copies: each holder's
profile and field group asked of ``group_q`` (the viewer's own rows included), listed
profiles only.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, OuterRef, Q

from profiles import holdings, services
from profiles.models import AUDIENCE_ORDER, Profile, ProfileSkill, Skill, SkillAlias, SkillCount
from profiles.search import search_skills
from profiles.selectors import people_with_skill, skill_index, spelled_like
from profiles.visibility import RELATION_GROUP, effective_audience, group_q
from sociable.viewer import Viewer
from tests.accounts.factories import OrganisationFactory, UserFactory, staff_of
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db
Relation = ProfileSkill.Relation


# --- the plain rule -------------------------------------------------------------------------


def plain_holders(viewer):
    return ProfileSkill.objects.filter(
        (group_q(viewer, "skills", prefix="profile__") & ~Q(relation=Relation.INTEREST))
        | (group_q(viewer, "interests", prefix="profile__") & Q(relation=Relation.INTEREST)),
        profile__in=Profile.objects.listed(),
    )


def plain_counts(viewer) -> dict[int, int]:
    rows = plain_holders(viewer).values("skill").annotate(n=Count("profile", distinct=True))
    return {row["skill"]: row["n"] for row in rows}


def plain_people(viewer, skill, limit):
    found = {}
    for relation in Relation.values:
        rows = list(
            plain_holders(viewer)
            .filter(skill=skill, relation=relation)
            .order_by("-pk")
            .values_list("profile_id", flat=True)[: limit + 1]
        )
        found[relation] = (set(rows[:limit]), len(rows) > limit)
    return found


def plain_held(viewer, skills, *, others_only=False):
    holders = plain_holders(viewer).filter(skill=OuterRef("pk"))
    if others_only and viewer.is_authenticated:
        holders = holders.exclude(profile__user_id=viewer.pk)
    return set(skills.filter(Exists(holders)).values_list("pk", flat=True))


def expected_level(row: ProfileSkill) -> int | None:
    """The narrowest class that sees the holding, by the rule's own Python."""
    profile, user = row.profile, row.profile.user
    listed = profile.archived_at is None and user.is_active and profile.in_directory
    group = RELATION_GROUP[row.relation]
    if not listed or (group == "interests" and not profile.show_interests):
        return None
    level = AUDIENCE_ORDER.index(effective_audience(profile, group))
    if level == holdings.ORGANISATION and user.organisation_id is None:
        return None
    return level


def assert_copies_agree_with_the_rule() -> None:
    for row in ProfileSkill.objects.select_related("profile__user"):
        level = expected_level(row)
        assert (row.level, row.organisation_id) == (
            level,
            row.profile.user.organisation_id if level == holdings.ORGANISATION else None,
        ), row
    kept = {
        (c.skill_id, c.level, c.organisation_id): c.people
        for c in SkillCount.objects.filter(people__gt=0)
    }
    assert not SkillCount.objects.filter(people__lt=0).exists()
    holdings.recount_all()
    assert kept == {
        (c.skill_id, c.level, c.organisation_id): c.people for c in SkillCount.objects.all()
    }


# --- a small partnership ----------------------------------------------------------------------


@pytest.fixture
def world(council, trust):
    """People of both organisations and none, with every pair of profile and skills
    audiences, some hiding their interests, some not listed."""
    people = []
    organisations = [council, trust, None]
    n = 0
    for audience in AUDIENCE_ORDER:
        for skills_audience in AUDIENCE_ORDER:
            organisation = organisations[n % 3]
            user = staff_of(organisation) if organisation else UserFactory()
            people.append(
                make_profile(
                    user,
                    teach=["Excel"] if n % 2 else ["Excel", "Video editing"],
                    has=["Video editing"] if n % 3 == 0 else [],
                    learn=["Excel"] if n % 4 == 0 else [],
                    interests=["Kayaking", "Opera singing"],
                    audience=audience,
                    skills_audience=skills_audience,
                    interests_audience=AUDIENCE_ORDER[n % 4],
                    show_interests=n % 5 != 0,
                )
            )
            n += 1
    unlisted = make_profile(staff_of(council), teach=["Excel"], in_directory=False)
    archived = make_profile(staff_of(council), teach=["Excel"], audience="public")
    services.archive_profile(profile=archived)
    left = make_profile(staff_of(council), teach=["Excel"], audience="public")
    left.user.is_active = False
    left.user.save()
    return people + [unlisted, archived, left]


def viewers(council, trust, owner):
    return {
        "anonymous": Viewer.of(AnonymousUser()),
        "community member": Viewer.of(UserFactory()),
        "staff of the council": Viewer.of(staff_of(council)),
        "staff of the trust": Viewer.of(staff_of(trust)),
        "the owner": Viewer.of(owner),
    }


@pytest.fixture
def owner(council):
    """Staff of the council who holds skills out of sight of their own audience."""
    profile = make_profile(
        staff_of(council),
        teach=["Excel", "Knitting"],
        interests=["Kayaking", "Birdwatching"],
        audience="organisation",
        show_interests=False,
    )
    return profile.user


def assert_reads_agree(council, trust, owner) -> None:
    excel = Skill.objects.get(name="Excel")
    kayaking = Skill.objects.get(name="Kayaking")
    for name, viewer in viewers(council, trust, owner).items():
        counts = {s.pk: s.people for s in skill_index(viewer)}
        plain = plain_counts(viewer)
        assert counts == {pk: plain.get(pk, 0) for pk in counts}, name
        for skill in (excel, kayaking):
            for limit in (2, 12):
                people = people_with_skill(viewer, skill, limit=limit)
                got = {r: ({p.pk for p in found}, more) for r, (found, more) in people.items()}
                assert got == plain_people(viewer, skill, limit), (name, skill, limit)
        found = {skill.pk for skill in search_skills(viewer, "e") if not skill.curated}
        assert found == plain_held(viewer, Skill.objects.filter(name__icontains="e")), name


def test_counts_and_people_are_the_rules_for_every_viewer(world, council, trust, owner):
    assert_copies_agree_with_the_rule()
    assert_reads_agree(council, trust, owner)


def test_the_skill_page_lists_the_newest_first_with_the_more_flag(world, council, trust, owner):
    viewer = Viewer.of(staff_of(council))
    excel = Skill.objects.get(name="Excel")
    newest = list(
        plain_holders(viewer)
        .filter(skill=excel, relation=Relation.TEACH)
        .order_by("-pk")
        .values_list("profile_id", flat=True)[:3]
    )
    found, more = people_with_skill(viewer, excel, limit=3)[Relation.TEACH]
    assert {p.pk for p in found} == set(newest) and more
    assert [p.user.name for p in found] == sorted(p.user.name for p in found)


def test_the_owner_counts_and_finds_their_own_hidden_holdings(world, council, trust, owner):
    knitting, birdwatching = (
        Skill.objects.get(name="Knitting"),
        Skill.objects.get(name="Birdwatching"),
    )
    mine = {s.pk: s.people for s in skill_index(Viewer.of(owner))}
    assert mine[knitting.pk] == 1 and mine[birdwatching.pk] == 1
    theirs = {s.pk: s.people for s in skill_index(Viewer.of(staff_of(trust)))}
    assert theirs[knitting.pk] == 0 and theirs[birdwatching.pk] == 0
    found, _ = people_with_skill(Viewer.of(owner), birdwatching)[Relation.INTEREST]
    assert [p.user_id for p in found] == [owner.pk]


def test_the_copies_follow_every_change(world, council, trust, owner):
    person = world[5]
    # A profile's audiences, its interests shown or not, out of the directory and back.
    services.update_profile(
        profile=person, fields={"audience": "public", "skills_audience": "public"}
    )
    assert_copies_agree_with_the_rule()
    services.update_profile(profile=person, fields={"interests_audience": "organisation"})
    services.update_profile(profile=person, fields={"show_interests": False})
    assert_copies_agree_with_the_rule()
    services.update_profile(profile=person, fields={"in_directory": False})
    assert_copies_agree_with_the_rule()
    services.update_profile(profile=person, fields={"in_directory": True})
    # A skill dropped, another added; a person leaving and coming back.
    services.update_profile(profile=person, fields={}, skills={Relation.TEACH: ["Knitting"]})
    assert_copies_agree_with_the_rule()
    services.archive_profile(profile=world[6])
    assert_copies_agree_with_the_rule()
    services.restore_profile(profile=world[6])
    assert_copies_agree_with_the_rule()
    # An account closed, moved to another organisation, deleted.
    user = world[7].user
    user.is_active = False
    user.save()
    assert_copies_agree_with_the_rule()
    user.is_active = True
    user.save(update_fields=["is_active"])
    owner.organisation = trust
    owner.save(update_fields=["organisation"])
    assert_copies_agree_with_the_rule()
    owner.organisation = council
    owner.save()
    world[8].user.delete()
    assert_copies_agree_with_the_rule()
    # Skills merged (the source deleted with its holdings) and a holding deleted by hand.
    services.merge_skills(
        source=Skill.objects.get(name="Video editing"), target=Skill.objects.get(name="Excel")
    )
    assert_copies_agree_with_the_rule()
    ProfileSkill.objects.filter(profile=world[9], relation=Relation.TEACH).delete()
    assert_copies_agree_with_the_rule()
    assert_reads_agree(council, trust, owner)


def test_search_and_typos_still_find_skills_someone_visible_holds(world, council, trust, owner):
    bsl = Skill.objects.create(name="British Sign Language", kind=Skill.Kind.LANGUAGE)
    SkillAlias.objects.create(skill=bsl, name="BSL", key="bsl")
    make_profile(
        staff_of(council),
        languages=["British Sign Language"],
        audience="public",
        skills_audience="public",
    )
    anonymous = Viewer.of(AnonymousUser())

    assert [s.name for s in spelled_like(anonymous, "Execl")] == ["Excel"]
    assert "Opera singing" in [s.name for s in search_skills(Viewer.of(owner), "opra singing")]
    assert [s.name for s in search_skills(anonymous, "BSL")] == ["British Sign Language"]
    for viewer in viewers(council, trust, owner).values():
        skills = Skill.objects.all()
        got = {s.pk for s in skills if s in spelled_like(viewer, s.name + "x", limit=50)}
        want = plain_held(viewer, skills, others_only=True)
        assert got <= want
        for skill in skills.filter(pk__in=want):
            assert skill in spelled_like(viewer, skill.name + "x", limit=50)


def test_nobody_but_the_owner_counts_at_an_organisation_audience_without_organisation(db):
    person = make_profile(UserFactory(), teach=["Excel"], skills_audience="organisation")
    assert list(ProfileSkill.objects.values_list("level", flat=True)) == [None]
    excel = Skill.objects.get(name="Excel")
    assert {s.pk: s.people for s in skill_index(Viewer.of(person.user))}[excel.pk] == 1
    council = OrganisationFactory()
    assert {s.pk: s.people for s in skill_index(Viewer.of(staff_of(council)))}[excel.pk] == 0
