"""Monday's suggestions: once a week each person hears of the new opportunities that suit
their skills, only those they may see, by email unless they chose otherwise."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from opportunities import suggestions
from opportunities.models import Opportunity
from sociable.accounts.models import User
from sociable.notifications import services as notification_services
from sociable.notifications.models import Channel, Notification
from tests.accounts.factories import staff_of
from tests.helpers import run_tasks
from tests.opportunities.factories import post
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db


def _monday(weeks_on: int = 0) -> datetime:
    """The coming Monday at 08:00 UK time (and ``weeks_on`` weeks after it)."""
    today = timezone.localdate()
    day = today + timedelta(days=(7 - today.weekday()) % 7 or 7, weeks=weeks_on)
    return datetime.combine(day, time(8), tzinfo=timezone.get_current_timezone())


def _published(opportunity, when) -> None:
    Opportunity.objects.filter(pk=opportunity.pk).update(published_at=when)


def _monday_job(now) -> None:
    """What the daily job and its tasks do on ``now``'s day (run here with that clock)."""
    for user_id in suggestions.people_to_tell(now):
        suggestions.tell(User.objects.get(pk=user_id), now)


def test_on_mondays_people_hear_of_the_new_ones_that_suit_them_and_they_may_see(
    council, staff_member, other_staff, community_member
):
    monday = _monday()
    make_profile(other_staff, learn=["Service design"], has=["Excel"])
    make_profile(community_member, learn=["Service design"])
    colleague = staff_of(council, name="Ruth Okafor")
    make_profile(colleague, learn=["Service design"])
    design = post(staff_member, title="Shadow our designers", teaches=["Service design"],
                  closes_on=monday.date() + timedelta(days=14))  # fmt: skip
    sums = post(staff_member, title="Check the budget sums", needs=["Excel"],
                closes_on=monday.date() + timedelta(days=14))  # fmt: skip
    own = post(staff_member, title="Council-only design sprint", teaches=["Service design"],
               audience="organisation", closes_on=monday.date() + timedelta(days=14))  # fmt: skip
    old = post(staff_member, title="Last month's design loan", teaches=["Service design"],
               closes_on=monday.date() + timedelta(days=14))  # fmt: skip
    for opportunity in (design, sums, own):
        _published(opportunity, monday - timedelta(days=3))
    _published(old, monday - timedelta(days=10))

    assert suggestions.people_to_tell(monday - timedelta(days=1)) == []  # a Sunday
    _monday_job(monday)
    _monday_job(monday)  # queued twice: told once

    [told] = Notification.objects.filter(recipient=other_staff)
    assert told.title == "New this week for your skills: Shadow our designers, and 1 more"
    assert told.body == "Shadow our designers · Check the budget sums"
    assert told.url == "/opportunities/#for-you"
    # Another organisation's staff never hear of the council-only one; its own staff do.
    assert "Council-only" in Notification.objects.get(recipient=colleague).body
    # A community member may see none of these staff opportunities.
    assert not Notification.objects.filter(recipient=community_member).exists()
    assert not Notification.objects.filter(recipient=staff_member).exists()  # their own

    run_tasks()
    [email] = [m for m in mail.outbox if m.to == [other_staff.email]]
    assert "Shadow our designers · Check the budget sums" in email.body
    assert "Council-only" not in email.body and "Last month" not in email.body


def test_each_week_brings_only_new_ones_and_by_email_only_if_people_want(staff_member, other_staff):
    monday = _monday()
    make_profile(other_staff, learn=["Service design"])
    first = post(staff_member, title="Shadow our designers", teaches=["Service design"],
                 closes_on=monday.date() + timedelta(days=30))  # fmt: skip
    _published(first, monday - timedelta(days=1))
    _monday_job(monday)
    later = post(staff_member, title="Design the fun day", teaches=["Service design"],
                 closes_on=monday.date() + timedelta(days=30))  # fmt: skip
    _published(later, monday + timedelta(days=2))

    _monday_job(_monday(weeks_on=1))

    titles = list(
        Notification.objects.filter(recipient=other_staff)
        .order_by("pk")
        .values_list("title", flat=True)
    )
    assert titles == [
        "New this week for your skills: Shadow our designers",
        "New this week for your skills: Design the fun day",
    ]

    notification_services.set_preferences(
        user=other_staff, channels={"opportunity_week": Channel.SITE}
    )
    third = post(staff_member, title="Map the journeys", teaches=["Service design"],
                 closes_on=monday.date() + timedelta(days=30))  # fmt: skip
    _published(third, _monday(weeks_on=2) - timedelta(days=1))
    run_tasks()  # the first two weeks' emails
    mail.outbox.clear()
    _monday_job(_monday(weeks_on=2))
    run_tasks()
    assert mail.outbox == []  # in the site only, as they chose
    assert Notification.objects.filter(recipient=other_staff).count() == 3


def test_the_daily_job_is_scheduled_and_its_task_tells_the_person(staff_member, other_staff):
    from opportunities.tasks import suggest_to
    from sociable.notifications.schedule import daily_jobs

    assert ("opportunities_week", "opportunities.tasks.suggest_this_week") in [
        (name, task) for name, task, _ in daily_jobs()
    ]
    monday = _monday()
    make_profile(other_staff, has=["Excel"])
    sums = post(staff_member, title="Check the budget sums", needs=["Excel"],
                closes_on=monday.date() + timedelta(days=14))  # fmt: skip
    _published(sums, monday - timedelta(days=2))

    suggest_to.enqueue(other_staff.pk, monday.isoformat())
    run_tasks()

    told = Notification.objects.get(recipient=other_staff)
    assert told.title == "New this week for your skills: Check the budget sums"
    assert told.body == ""  # one: its title says it
