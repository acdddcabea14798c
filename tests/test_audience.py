"""The one audience rule (sociable/audience.py), seen from every kind of viewer.

A ``Notice`` (tests/audience_app) stands in for anything with an audience. For
each audience the list (``visible_to``) and the single object
(``is_visible_to``) must agree, for: an anonymous visitor, a community member,
staff of the organisation, staff of another organisation, a group member, and
a deactivated account; each asked as a request's ``Viewer`` (what views and parts pass)
and as the bare account (what tasks and emails have).
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from sociable.audience import Audience, can_see
from sociable.queries import fetch
from sociable.viewer import Viewer
from tests.accounts.factories import UserFactory
from tests.audience_app.models import Circle, Notice

VIEWERS = ["anonymous", "community", "council_staff", "trust_staff", "circle_member", "deactivated"]

# audience -> the viewers who may see it
EXPECTED = {
    Audience.PUBLIC: set(VIEWERS),
    Audience.COMMUNITY: {"community", "council_staff", "trust_staff", "circle_member"},
    Audience.STAFF: {"council_staff", "trust_staff"},
    Audience.ORGANISATION: {"council_staff"},
    Audience.MEMBERS: {"circle_member"},
}


@pytest.fixture
def viewers(staff_member, other_staff, community_member):
    circle_member = UserFactory(name="Circle Member")
    deactivated = UserFactory(name="Gone Away")
    deactivated.is_active = False
    deactivated.save()
    return {
        "anonymous": AnonymousUser(),
        "community": community_member,
        "council_staff": staff_member,
        "trust_staff": other_staff,
        "circle_member": circle_member,
        "deactivated": deactivated,
    }


@pytest.fixture
def notices(council, viewers):
    circle = Circle.objects.create(name="Choir")
    circle.members.add(viewers["circle_member"])
    return {
        audience: Notice.objects.create(
            title=audience,
            audience=audience,
            audience_organisation=council if audience == Audience.ORGANISATION else None,
            circle=circle if audience == Audience.MEMBERS else None,
        )
        for audience in Audience.values
    }


@pytest.mark.parametrize("as_viewer", [True, False], ids=["viewer", "account"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_each_viewer_sees_exactly_the_audiences_they_belong_to(viewer, as_viewer, viewers, notices):
    user = Viewer.of(viewers[viewer]) if as_viewer else viewers[viewer]
    expected = {a for a, who in EXPECTED.items() if viewer in who}

    listed = set(Notice.objects.visible_to(user).values_list("audience", flat=True))
    one_by_one = {a for a, notice in notices.items() if notice.is_visible_to(user)}
    visible, params = Notice.objects.visible_sql(user, "n")
    by_hand = {
        audience
        for (audience,) in fetch(
            f"SELECT n.audience FROM audience_app_notice n WHERE {visible}",  # noqa: S608
            params,
        )
    }

    assert listed == expected
    assert one_by_one == expected
    assert by_hand == expected  # the rule in hand-written SQL (home's reads)


def test_members_of_another_group_do_not_see_a_members_only_notice(notices, community_member):
    other_circle = Circle.objects.create(name="Running club")
    other_circle.members.add(community_member)

    assert not notices[Audience.MEMBERS].is_visible_to(community_member)
    assert Audience.MEMBERS not in set(
        Notice.objects.visible_to(community_member).values_list("audience", flat=True)
    )


def test_staff_status_follows_the_verified_email_not_a_flag(staff_member, notices):
    """Someone who moves to a non-partner address stops seeing staff-only things."""
    from allauth.account.models import EmailAddress

    from sociable.accounts.services import sync_organisation

    EmailAddress.objects.filter(user=staff_member).update(email="amara@gmail.example")
    sync_organisation(user=staff_member)

    assert not notices[Audience.STAFF].is_visible_to(staff_member)
    assert Notice.objects.visible_to(staff_member).filter(audience=Audience.STAFF).count() == 0


def test_a_field_value_with_an_audience_uses_the_same_rule(staff_member, other_staff, council):
    """Profile fields carry an audience but are not rows: ``can_see`` answers for them."""
    assert can_see(staff_member, Audience.ORGANISATION, organisation_id=council.pk)
    assert not can_see(other_staff, Audience.ORGANISATION, organisation_id=council.pk)
    assert not can_see(AnonymousUser(), Audience.COMMUNITY)
    assert can_see(None, Audience.PUBLIC)


def test_an_organisation_notice_must_name_its_organisation(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Notice.objects.create(title="Nobody's", audience=Audience.ORGANISATION)


def test_visible_to_runs_one_query_however_many_rows(django_assert_num_queries, viewers, council):
    circle = Circle.objects.create(name="Big circle")
    circle.members.add(viewers["circle_member"])
    Notice.objects.bulk_create(
        Notice(title=f"n{i}", audience=Audience.MEMBERS, circle=circle) for i in range(50)
    )
    with django_assert_num_queries(1):
        assert len(list(Notice.objects.visible_to(viewers["circle_member"]))) == 50
