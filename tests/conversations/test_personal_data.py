"""A person's conversations are in their download; deleting their account calls off what
was booked, withdraws or declines what was open, takes their messages and notes, and
leaves the other person the entry, with "a former member" in their place."""

import pytest

from conversations import services
from conversations.models import Conversation
from sociable import personal_data
from sociable.notifications.models import Notification
from tests.accounts.factories import staff_of
from tests.conversations.factories import ask, open_profile

pytestmark = pytest.mark.django_db

Status = Conversation.Status


@pytest.fixture
def ben(council):
    return open_profile(staff_of(council, name="Ben Ade"))


def test_the_download_holds_their_conversations(ben, staff_member):
    conversation = ask(staff_member, ben, note="Hello Ben")
    services.send_message(conversation=conversation, by=staff_member, body="Running late")
    services.send_message(conversation=conversation, by=ben.user, body="No problem")

    (mine,) = personal_data.export_personal_data(staff_member)["conversations"]
    assert mine["you_asked"] and mine["with"] == "Ben Ade" and mine["note"] == "Hello Ben"
    assert [m["body"] for m in mine["messages_you_wrote"]] == ["Running late"]


def test_deleting_an_account_leaves_the_other_a_former_member(
    ben, staff_member, council, client_as
):
    booked = ask(staff_member, ben, note="About dashboards")
    services.accept(conversation=booked, by=ben.user, time_id=booked.times.first().pk)
    services.send_message(conversation=booked, by=staff_member, body="My mobile is 07700 900123")
    carol = open_profile(staff_of(council, name="Carol Open"))
    waiting = ask(staff_member, carol)

    personal_data.delete_account(user=staff_member, delete_posts=False)

    booked.refresh_from_db()
    waiting.refresh_from_db()
    assert (booked.status, booked.asker, booked.note) == (Status.CANCELLED, None, "")
    assert waiting.status == Status.WITHDRAWN
    assert not booked.messages.filter(body__contains="07700").exists()
    assert Notification.objects.filter(recipient=ben.user, title__contains="called off").exists()
    page = client_as(ben.user).get(booked.get_absolute_url())
    assert page.status_code == 200 and "A former member" in page.content.decode()
