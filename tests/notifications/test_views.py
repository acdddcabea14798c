"""The bell, the notifications page, and choosing how to hear about each kind of thing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups import services as groups
from sociable.notifications import kinds, services
from sociable.notifications.models import Channel, Notification
from tests.groups.factories import make_event, make_group

pytestmark = pytest.mark.django_db


def cancel_events(organiser, person, count: int, **group_fields) -> list:
    group = make_group(organiser, name=f"Group {Notification.objects.count()}", **group_fields)
    if group_fields.get("audience") == "members":
        groups.add_member(group=group, user=person)
    events = [make_event(group, title=f"Session {n}") for n in range(count)]
    for event in events:
        groups.rsvp_to_event(event=event, user=person, going=True)
        groups.cancel_event(event=event)
    return events


def test_the_bell_counts_unread_and_the_page_lists_them(client_as, staff_member, other_staff):
    cancel_events(staff_member, other_staff, 2)
    client = client_as(other_staff)

    home = client.get(reverse("home")).content.decode()
    assert '2<span class="govuk-visually-hidden"> unread</span>' in home

    page = client.get(reverse("notifications:list")).content.decode()
    assert page.count("Cancelled: Session") == 2
    assert page.count("Unread: ") == 2


def test_a_notification_from_moments_ago_says_just_now(client_as, staff_member, other_staff):
    cancel_events(staff_member, other_staff, 2)
    earlier = Notification.objects.filter(recipient=other_staff).order_by("pk").first()
    Notification.objects.filter(pk=earlier.pk).update(
        created_at=timezone.now() - timedelta(hours=3, minutes=5)
    )

    page = client_as(other_staff).get(reverse("notifications:list")).content.decode()

    times = re.findall(r"<time datetime=\"[^\"]+\">(.*?)</time>", page)
    assert times == ["just now", "3\xa0hours, 5\xa0minutes ago"]
    assert "0\xa0minutes" not in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_subject(
    client_as, staff_member, other_staff
):
    [event] = cancel_events(staff_member, other_staff, 1)
    note = Notification.objects.get(recipient=other_staff)
    client = client_as(other_staff)

    response = client.get(reverse("notifications:open", args=[note.pk]))

    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at is not None
    other_staff.refresh_from_db()
    assert other_staff.unread_notifications == 0


def test_nobody_opens_someone_elses_notification(client_as, staff_member, other_staff):
    cancel_events(staff_member, other_staff, 1)
    note = Notification.objects.get(recipient=other_staff)

    response = client_as(staff_member).get(reverse("notifications:open", args=[note.pk]))

    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_clears_the_bell(client_as, staff_member, other_staff):
    cancel_events(staff_member, other_staff, 3)
    client = client_as(other_staff)

    response = client.post(reverse("notifications:mark-all-read"), follow=True)

    assert "Marked 3 notifications as read." in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert 'govuk-visually-hidden"> unread' not in response.content.decode()


def test_notifications_about_something_you_can_no_longer_see_disappear(
    client_as, staff_member, other_staff
):
    cancel_events(staff_member, other_staff, 1, audience="members", join_policy="approval")
    cancel_events(staff_member, other_staff, 1)
    [private] = [n for n in Notification.objects.all() if n.anchor.audience == "members"]
    groups.leave_group(group=private.anchor, user=other_staff)
    client = client_as(other_staff)

    page = client.get(reverse("notifications:list")).content.decode()

    assert page.count("Cancelled: Session") == 1
    assert client.get(reverse("notifications:open", args=[private.pk])).status_code == 404
    other_staff.refresh_from_db()
    assert other_staff.unread_notifications == 1  # the bell agrees with the page


def test_choosing_how_to_hear_saves_each_kind(client_as, other_staff):
    client = client_as(other_staff)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Replies to your posts" in page

    choices = dict.fromkeys(kinds.names(), Channel.EMAIL) | {
        "followed": Channel.SITE,
        "reminder": Channel.DIGEST,
    }
    response = client.post(reverse("notifications:preferences"), choices, follow=True)

    assert "Your notification settings are saved." in response.content.decode()
    prefs = services.preferences_for(other_staff)
    assert prefs["followed"] == Channel.SITE and prefs["reminder"] == Channel.DIGEST


def test_the_settings_ask_moderators_alone_about_moderators_news(client_as, other_staff):
    """A kind only some people can ever be sent (reports on the boards they moderate) is
    asked only of them; a forged choice for it from anyone else changes nothing."""
    from tests.forums.test_moderation import make_moderator

    moderator = make_moderator("Priya Shah")
    question = "Posts reported as illegal content on boards you moderate"

    assert question not in client_as(other_staff).get(reverse("notifications:preferences")).text
    assert question in client_as(moderator).get(reverse("notifications:preferences")).text

    choices = dict.fromkeys(kinds.names(), Channel.EMAIL) | {"mod_illegal": Channel.SITE}
    client_as(other_staff).post(reverse("notifications:preferences"), choices)
    assert services.preferences_for(other_staff)["mod_illegal"] == Channel.EMAIL  # untouched


def test_a_bad_choice_is_explained_and_nothing_changes(client_as, other_staff):
    client = client_as(other_staff)
    choices = dict.fromkeys(kinds.names(), Channel.EMAIL) | {
        "followed": "carrier-pigeon",
        "reply": Channel.SITE,
    }
    del choices["mention"]

    response = client.post(reverse("notifications:preferences"), choices)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose how to hear about: someone mentions you in a discussion." in page
    assert "Select a valid choice" in page
    assert 'value="site" checked' in page or 'value="site"\n' in page
    assert services.preferences_for(other_staff)["reply"] == Channel.EMAIL  # unchanged


def test_the_notifications_pages_ask_you_to_sign_in(client):
    for name in ("notifications:list", "notifications:preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("count", [2, 40])
def test_the_notifications_page_runs_a_fixed_number_of_queries(
    count, client_as, staff_member, other_staff, django_assert_max_num_queries
):
    cancel_events(staff_member, other_staff, count)
    client = client_as(other_staff)

    with django_assert_max_num_queries(6):
        assert client.get(reverse("notifications:list")).status_code == 200
