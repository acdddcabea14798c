"""Daily background work for groups."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from . import guests, organisers
from .notifications import remind_attendees


@task()
def send_event_reminders() -> int:
    """Remind people of the events they are going to tomorrow, guests too."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    return remind_attendees(tomorrow) + guests.remind_guests(tomorrow)


@task()
def forget_rsvp_answers() -> int:
    """Delete the answers to events' questions the day after each event (groups.organisers)."""
    return organisers.forget_answers()


@task()
def invite_learners_batch(event_id: int, by_id: int, user_ids: list[int]) -> int:
    """Invite a batch of the people who want to learn a session's skill (each once)."""
    return organisers.tell_learners(event_id=event_id, by_id=by_id, user_ids=user_ids)


@task()
def erase_old_guests() -> int:
    """Delete guests 30 days after their event, and sign-ups nobody confirmed (groups.guests)."""
    return guests.erase_guests()
