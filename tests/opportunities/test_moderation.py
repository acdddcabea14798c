"""Moderating opportunities: reports reach moderators, who hide (the poster told why),
restore, or approve what an organisation asked them to approve first."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from opportunities import services
from opportunities.models import ApprovalRule, Decision, Opportunity, Report
from sociable.links import reverse
from sociable.notifications.models import Notification
from tests.accounts.factories import UserFactory, add_totp
from tests.opportunities.factories import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    user = UserFactory(name="Priya Shah", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    add_totp(user)
    return user


def _told(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_a_report_reaches_the_moderators_who_hide_it_and_the_poster_is_told_why(
    client_as, staff_member, other_staff, moderator
):
    loan = post(staff_member, title="Cash for help")
    client_as(other_staff).post(
        reverse("opportunities:report", args=[loan.pk]),
        {"reason": "spam", "details": "Selling something"},
    )
    assert Report.objects.get().reason == "spam"
    queue = client_as(moderator).get(reverse("opportunities:moderation")).content.decode()
    assert "Cash for help" in queue and "1 open report" in queue

    refused = client_as(moderator).post(
        reverse("opportunities:moderate", args=[loan.pk]), {"action": "hide", "reason": ""}
    )
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    client_as(moderator).post(
        reverse("opportunities:moderate", args=[loan.pk]),
        {"action": "hide", "reason": "Advertising is not allowed"},
    )

    loan.refresh_from_db()
    assert loan.hidden_reason == "Advertising is not allowed"
    assert Report.objects.get().status == Report.Status.RESOLVED
    assert _told(staff_member) == ["Cash for help: hidden by a moderator"]
    assert client_as(other_staff).get(loan.get_absolute_url()).status_code == 404
    assert (
        "Cash for help"
        not in client_as(other_staff).get(reverse("opportunities:list")).content.decode()
    )
    own = client_as(staff_member).get(loan.get_absolute_url()).content.decode()
    assert "Hidden by a moderator: Advertising is not allowed" in own

    services.moderate(opportunity=loan, moderator=moderator, action="restore")
    assert client_as(other_staff).get(loan.get_absolute_url()).status_code == 200
    assert list(Decision.objects.values_list("action", flat=True)) == ["restore", "hide"]


def test_only_moderators_moderate(client_as, staff_member, other_staff):
    loan = post(staff_member)
    for user in (staff_member, other_staff):
        client = client_as(user)
        assert client.get(reverse("opportunities:moderation")).status_code == 404
        response = client.post(
            reverse("opportunities:moderate", args=[loan.pk]), {"action": "hide", "reason": "x"}
        )
        assert response.status_code == 404
    loan.refresh_from_db()
    assert loan.hidden_at is None


def test_reporting_needs_to_see_it_and_counts_once(staff_member, other_staff, community_member):
    ours = post(staff_member, audience="organisation")
    with pytest.raises(PermissionDenied):
        services.report(opportunity=ours, by=other_staff, reason="spam")
    with pytest.raises(PermissionDenied):
        services.report(opportunity=ours, by=staff_member, reason="spam")  # their own
    loan = post(staff_member)
    services.report(opportunity=loan, by=other_staff, reason="misleading")
    with pytest.raises(ValidationError, match="already"):
        services.report(opportunity=loan, by=other_staff, reason="spam")


def test_an_organisation_may_ask_for_approval_before_posts_go_live(
    client_as, council, staff_member, other_staff, moderator
):
    ApprovalRule.objects.create(organisation=council)
    loan = post(staff_member, title="Needs a yes")

    assert loan.status == Opportunity.Status.PENDING
    assert client_as(other_staff).get(loan.get_absolute_url()).status_code == 404
    assert (
        "Waiting for approval"
        in client_as(staff_member).get(loan.get_absolute_url()).content.decode()
    )
    assert (
        "Needs a yes"
        in client_as(moderator).get(reverse("opportunities:moderation")).content.decode()
    )

    services.moderate(opportunity=loan, moderator=moderator, action="approve")

    loan.refresh_from_db()
    assert loan.status == Opportunity.Status.OPEN and loan.published_at
    assert _told(staff_member) == ["Needs a yes: approved"]
    assert client_as(other_staff).get(loan.get_absolute_url()).status_code == 200
