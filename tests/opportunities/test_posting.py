"""Posting an opportunity: who may, what it must say, and who then finds it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from opportunities import services
from opportunities.models import Opportunity
from sociable.links import reverse
from tests.opportunities.factories import post

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def test_staff_post_a_draft_then_publish_it(staff_member, other_staff):
    draft = post(staff_member, publish=False, needs=["Excel"], teaches=["User research"])

    assert draft.status == Opportunity.Status.DRAFT
    assert draft.organisation_id == staff_member.organisation_id
    assert "<strong>user research</strong>" in draft.description_html
    assert [s.name for s in draft.skills_taught.all()] == ["User research"]
    assert not Opportunity.objects.findable_by(other_staff).exists()  # a draft is the poster's
    assert Opportunity.objects.findable_by(staff_member).get() == draft

    published = services.save(poster=staff_member, opportunity=draft, publish=True)
    assert published.status == Opportunity.Status.OPEN and published.published_at
    assert Opportunity.objects.findable_by(other_staff).get() == draft


def test_community_members_cannot_post(client_as, community_member):
    with pytest.raises(PermissionDenied):
        post(community_member)
    page = client_as(community_member).get(reverse("opportunities:new"))
    assert page.status_code == 403 and "offered by staff" in page.content.decode()


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"closes_on": "past"}, "closes_on", "today or later"),
        ({"starts_on": 30, "ends_on": 20}, "ends_on", "on or after the start"),
        ({"places": 0}, "places", ""),
        ({"kind": "loan", "audience": "public"}, "audience", "Only volunteering"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(
    client_as, staff_member, fields, field, message
):
    today = TODAY()
    form = {
        "kind": "loan", "title": "A loan to the parks team", "description": "Mowing, mostly.",
        "where": "on_site", "closes_on": today + timedelta(days=10), "places": 1,
        "audience": "staff", "needs": "Excel, Grass cutting",
    }  # fmt: skip
    for name, value in fields.items():
        if value == "past":
            value = today - timedelta(days=1)
        elif name in ("starts_on", "ends_on"):
            value = today + timedelta(days=value)
        form[name] = value
    form["publish"] = "1"

    response = client_as(staff_member).post(reverse("opportunities:new"), form)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "A loan to the parks team" in page and "Excel, Grass cutting" in page  # kept
    assert not Opportunity.objects.exists()


def test_volunteering_may_be_offered_to_everyone_and_the_public_find_it(staff_member):
    post(staff_member, kind="volunteering", title="Litter pick at Roundhay", audience="public")
    post(staff_member, title="A staff-only loan", audience="staff")

    page = Client().get(reverse("opportunities:list")).content.decode()

    assert "Litter pick at Roundhay" in page and "A staff-only loan" not in page


def test_only_the_poster_changes_it_and_the_interested_are_told(staff_member, other_staff):
    from opportunities.services import express_interest
    from sociable.notifications.models import Notification

    loan = post(staff_member)
    express_interest(opportunity=loan, person=other_staff, note="I'd love to.")
    with pytest.raises(PermissionDenied):
        services.save(poster=other_staff, opportunity=loan, title="Mine now")

    was = loan.closes_on
    services.save(
        poster=staff_member, opportunity=loan, closes_on=TODAY() + timedelta(days=20),
        hours_a_week=7, manager_must_agree=True,
    )  # fmt: skip
    services.save(poster=staff_member, opportunity=loan, places=2)  # not material: untold

    [told] = Notification.objects.filter(recipient=other_staff)
    assert told.title == f"{loan.title}: the poster changed it"
    assert told.body == (
        f"closes {TODAY() + timedelta(days=20):%-d %B %Y} (was {was:%-d %B %Y}); "
        "time asked: 7 hours a week; your line manager must now agree"
    )


def test_the_closing_date_cannot_be_moved_into_the_past(staff_member):
    loan = post(staff_member)
    with pytest.raises(ValidationError, match="today or later"):
        services.save(poster=staff_member, opportunity=loan, closes_on=TODAY() - timedelta(days=1))
    loan.refresh_from_db()
    assert loan.closes_on > TODAY()


def test_editing_keeps_the_dates_in_the_form_the_date_control_reads(client_as, staff_member):
    loan = post(staff_member, starts_on=TODAY() + timedelta(days=30))

    page = client_as(staff_member).get(reverse("opportunities:edit", args=[loan.pk]))

    html = page.content.decode()
    assert f'value="{loan.closes_on.isoformat()}"' in html
    assert f'value="{loan.starts_on.isoformat()}"' in html
