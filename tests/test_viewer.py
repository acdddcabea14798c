"""What a page knows of who is looking: the facts apps give of a viewer, read once a request.

The facts that decide what someone sees (the groups they belong to, the skills they hold
that others of their audience may not see them hold) are read together in one query the
first time a page asks for any of them, and nobody signed in costs none.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from groups import services as group_services
from groups.models import Membership
from profiles.models import Skill
from sociable.viewer import Viewer
from tests.groups.factories import make_group
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db


def test_a_viewers_groups_and_unseen_skills_are_read_in_one_query(
    staff_member, other_staff, django_assert_num_queries
):
    make_profile(staff_member, teach=["Opera"], interests=["Kayaking"], show_interests=False)
    choir = make_group(other_staff, name="Choir")
    walkers = make_group(other_staff, name="Walkers")
    make_group(other_staff, name="Chess club")  # not theirs
    group_services.join_group(group=choir, user=staff_member)
    group_services.join_group(group=walkers, user=staff_member)
    group_services.leave_group(group=walkers, user=staff_member)  # left: no longer theirs
    viewer = Viewer(staff_member)

    with django_assert_num_queries(1):
        groups = viewer.fact("groups")
        unseen = viewer.fact("unseen_skills")
        assert viewer.fact("groups") is groups  # once a request

    active = Membership.objects.filter(user=staff_member, status=Membership.Status.ACTIVE)
    assert groups == frozenset(active.values_list("group", flat=True)) == {choir.pk}
    assert set(Skill.objects.filter(pk__in=unseen).values_list("name", flat=True)) == {"Kayaking"}


def test_someone_with_no_profile_or_groups_has_none(community_member, django_assert_num_queries):
    viewer = Viewer(community_member)

    with django_assert_num_queries(1):
        assert viewer.fact("groups") == frozenset()
        assert viewer.fact("unseen_skills") == []


def test_nobody_signed_in_costs_no_query(django_assert_num_queries):
    viewer = Viewer(AnonymousUser())

    with django_assert_num_queries(0):
        assert viewer.fact("groups") == frozenset()
        assert viewer.fact("unseen_skills") == []
