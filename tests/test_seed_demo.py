"""`manage.py seed_demo` loads a believable partnership, and can run again safely."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.db import transaction

from profiles import selectors
from profiles.models import (
    Place,
    Profile,
    ProfileCorrection,
    ProfileSearch,
    ProfileSkill,
    Skill,
    Team,
)
from profiles.selectors import DirectoryFilters
from profiles.services import RELATION_KIND
from sociable import demo
from sociable.accounts.models import Organisation, OrganisationDomain, User


def counts():
    return (
        Organisation.objects.count(),
        OrganisationDomain.objects.count(),
        User.objects.count(),
        EmailAddress.objects.count(),
        Authenticator.objects.count(),
        Skill.objects.count(),
        Team.objects.count(),
        Place.objects.count(),
        Profile.objects.count(),
        ProfileSkill.objects.count(),
        ProfileSearch.objects.count(),
        ProfileCorrection.objects.count(),
    )


@pytest.fixture(scope="class")
def seeded_once(django_db_setup, django_db_blocker):
    """Seed once for a class of read-only checks, and roll it all back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", force=True)
        yield
        transaction.set_rollback(True)


def person(email: str) -> User:
    return User.objects.select_related("profile").get(email=email)


@pytest.mark.django_db
def test_seeding_twice_neither_fails_nor_duplicates():
    call_command("seed_demo", force=True)
    first = counts()
    call_command("seed_demo", force=True)

    assert counts() == first
    assert first[0] >= 3 and first[2] >= 50
    assert ProfileCorrection.objects.filter(status=ProfileCorrection.Status.OPEN).count() == 1


@pytest.mark.django_db
def test_the_demo_sign_ins_have_the_roles_the_readme_promises():
    call_command("seed_demo", force=True)
    by_role = {p.role: User.objects.get(email=p.email) for p in demo.SIGN_INS}

    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {"council", "nhs_trust", "voluntary"} <= kinds
    assert by_role["Staff member (council)"].organisation.kind == "council"
    assert by_role["Group organiser (NHS trust)"].organisation.kind == "nhs_trust"
    assert by_role["Community member (citizen)"].organisation is None
    assert by_role["Administrator"].is_superuser
    moderator = by_role["Moderator (voluntary sector)"]
    assert moderator.groups.filter(name="Moderators").exists()
    for person in (moderator, by_role["Administrator"]):
        assert Authenticator.objects.filter(user=person, type="totp").exists()
    for person in demo.SIGN_INS:
        assert authenticate(email=person.email, password=demo.DEMO_PASSWORD), person.email


@pytest.mark.django_db
def test_seeding_refuses_to_run_with_debug_off_unless_forced():
    with pytest.raises(CommandError, match="published password"):
        call_command("seed_demo")
    assert User.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_once")
class TestTheSeededDirectory:
    """The directory a visitor explores after `make demo` (seeded once for the class)."""

    def test_it_is_full_of_people_worth_meeting(self):
        assert Profile.objects.listed().count() >= 50
        assert Skill.objects.filter(curated=True, kind=Skill.Kind.SKILL).count() >= 60
        for kind in (Skill.Kind.INTEREST, Skill.Kind.LANGUAGE, Skill.Kind.NETWORK):
            assert Skill.objects.filter(curated=True, kind=kind).exists(), kind
        assert Place.objects.exclude(address="").count() >= 8
        assert Profile.objects.filter(archived_at__isnull=False).count() == 1
        assert Profile.objects.active().filter(in_directory=False).count() == 1
        assert Profile.objects.stale().count() == 2

    def test_every_skill_is_the_kind_its_relation_takes(self):
        rows = ProfileSkill.objects.select_related("skill")
        mismatched = [
            (row.relation, row.skill.name)
            for row in rows
            if RELATION_KIND[row.relation] != row.skill.kind
        ]
        assert mismatched == []

    def test_staff_find_the_opera_singer_first_and_even_with_a_typo(self):
        amara = person("amara.okafor@kirkfield.gov.uk")

        found = selectors.directory_search(amara, DirectoryFilters(q="opera"))
        typo = selectors.directory_search(amara, DirectoryFilters(q="opra singer"))

        assert found[0].user.name == "Eleanor Sutcliffe"
        assert "Eleanor Sutcliffe" in [p.user.name for p in typo]

    def test_amara_finds_people_in_her_building_who_teach_what_she_wants_to_learn(self):
        amara = person("amara.okafor@kirkfield.gov.uk")

        matches = list(selectors.matches_for(amara, amara.profile, give="teach", take="learn"))

        assert "Callum Price" in [p.user.name for p in matches]  # video editing, on her floor
        assert all(p.place_id == amara.profile.place_id for p in matches)

    def test_tom_teaches_what_several_people_want_to_learn(self):
        tom = person("tom.whitaker@kth.nhs.uk")

        learners = selectors.matches_for(tom, tom.profile, give="learn", take="teach")

        assert len(learners) >= 3

    def test_an_anonymous_visitor_sees_some_of_the_directory_but_not_all(self):
        public = selectors.listed_profiles(AnonymousUser()).count()

        assert 0 < public < Profile.objects.listed().count()
