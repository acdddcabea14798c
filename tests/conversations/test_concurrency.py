"""Accepting twice at once books one time, not two: real threads, each with its own
PostgreSQL connection, released together; the request's row lock serialises them."""

import pytest
from django.core.exceptions import ValidationError
from django_tasks_db.models import DBTaskResult

from conversations import services
from conversations.models import Conversation
from tests.accounts.factories import staff_of
from tests.conversations.factories import ask, open_profile, soon
from tests.groups.test_concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_acceptances_at_once_book_one_time_and_send_one_invitation(council, staff_member):
    ben = open_profile(staff_of(council, name="Ben Ade"))
    conversation = ask(staff_member, ben, times=[soon(3), soon(4), soon(5)])
    times = list(conversation.times.all())

    def accepting(time):
        return lambda: services.accept(conversation=conversation, by=ben.user, time_id=time.pk)

    errors = run_at_once([accepting(t) for t in times], workers=3)

    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.ACCEPTED
    assert conversation.starts_at in {t.starts_at for t in times}
    assert len(errors) == 2 and all(isinstance(e, ValidationError) for e in errors)
    assert all("accepted" in " ".join(e.messages) for e in errors)
    invitations = DBTaskResult.objects.filter(task_path__endswith="send_invitations")
    assert invitations.count() == 1
