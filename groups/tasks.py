"""Daily background work for groups."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from .notifications import remind_attendees


@task()
def send_event_reminders() -> int:
    """Remind people of the events they are going to tomorrow."""
    return remind_attendees(timezone.localdate() + timedelta(days=1))
