"""Administrators look after the vocabulary, teams, places and leavers in the admin."""

import pytest

from profiles.models import Profile, ProfileCorrection, Skill, SkillAlias
from tests.accounts.factories import UserFactory, add_totp, staff_of
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_as):
    admin = UserFactory(is_staff=True, is_superuser=True)
    add_totp(admin)
    return client_as(admin)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/profiles/profile/",
        "/admin/profiles/skill/",
        "/admin/profiles/skill/?q=vid",
        "/admin/profiles/team/",
        "/admin/profiles/place/",
        "/admin/profiles/profilecorrection/",
        "/admin/profiles/skillalias/",
    ],
)
def test_admin_lists_work(admin_client, council, path):
    make_profile(staff_of(council), teach=["Video editing"], team="Housing", place="Civic Hall")

    assert admin_client.get(path).status_code == 200


def test_merging_two_skills_in_the_admin(admin_client, council):
    person = make_profile(staff_of(council), teach=["Phone video"])
    make_profile(staff_of(council), teach=["Video editing"])
    phone, editing = Skill.objects.get(name="Phone video"), Skill.objects.get(name="Video editing")
    selected = {"action": "merge", "_selected_action": [phone.pk, editing.pk]}

    ask = admin_client.post("/admin/profiles/skill/", selected)
    assert "Keep this one" in ask.content.decode()
    done = admin_client.post(
        "/admin/profiles/skill/", selected | {"apply": "1", "target": editing.pk}
    )

    assert done.status_code == 302
    assert list(Skill.objects.values_list("name", flat=True)) == ["Video editing"]
    assert person.profile_skills.get().skill == editing
    assert SkillAlias.objects.filter(name="Phone video", skill=editing).exists()


def test_renaming_a_skill_keeps_the_old_name_as_an_alias(admin_client, council):
    make_profile(staff_of(council), teach=["Vid editing"])
    skill = Skill.objects.get()

    admin_client.post(
        f"/admin/profiles/skill/{skill.pk}/change/",
        {"name": "Video editing", "kind": "skill", "description": ""},
    )

    skill.refresh_from_db()
    assert skill.name == "Video editing"
    assert SkillAlias.objects.get(key="vid editing").skill == skill


def test_renaming_onto_an_existing_skill_asks_for_a_merge(admin_client):
    Skill.objects.create(name="Excel")
    other = Skill.objects.create(name="MS Excel")

    response = admin_client.post(
        f"/admin/profiles/skill/{other.pk}/change/",
        {"name": "excel", "kind": "skill", "description": ""},
        follow=True,
    )

    assert "already exists: merge the two instead" in response.content.decode()
    assert Skill.objects.filter(name="MS Excel").exists()


def test_archiving_a_reported_leaver(admin_client, council, other_staff):
    leaver = make_profile(staff_of(council), job_title="Porter")
    correction = ProfileCorrection.objects.create(
        profile=leaver, reported_by=other_staff, kind="left"
    )

    admin_client.post(
        "/admin/profiles/profilecorrection/",
        {"action": "archive_leavers", "_selected_action": [correction.pk]},
    )

    assert Profile.objects.get(pk=leaver.pk).archived_at is not None
    correction.refresh_from_db()
    assert correction.status == "done"
    assert leaver.user.__class__.objects.filter(pk=leaver.user_id).exists()  # never deleted
