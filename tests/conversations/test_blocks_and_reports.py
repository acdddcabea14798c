"""Blocking someone and reporting a request: the blocked person can no longer ask or write,
and is never told; a reported request is the only one a moderator can read."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from conversations import services
from conversations.models import Conversation, Report
from sociable.accounts import blocks
from sociable.links import reverse
from sociable.notifications.models import Notification
from tests.accounts.factories import UserFactory, add_totp, staff_of
from tests.conversations.factories import ask, open_profile
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db

Status = Conversation.Status


@pytest.fixture
def ben(council):
    return open_profile(staff_of(council, name="Ben Ade"), kinds=("chat", "mentoring"))


@pytest.fixture
def moderator(db):
    user = UserFactory(name="Priya Shah", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    add_totp(user)
    return user


def test_a_blocked_person_cannot_ask_and_is_told_only_what_anyone_closed_out_is(ben, staff_member):
    waiting = ask(staff_member, ben)
    Notification.objects.all().delete()

    assert blocks.block(by=ben.user, person=staff_member)

    waiting.refresh_from_db()
    assert waiting.status == Status.DECLINED and waiting.reason == ""
    assert not Notification.objects.exists()  # a quiet "no": nobody is told of the block
    with pytest.raises(PermissionDenied) as refused:
        ask(staff_member, ben)
    assert str(refused.value) == "Ben Ade is not taking requests."
    assert Conversation.objects.count() == 1

    blocks.unblock(by=ben.user, person=staff_member)
    assert ask(staff_member, ben).status == Status.WAITING


def test_a_blocked_person_cannot_write_in_a_request_they_share(ben, staff_member):
    booked = ask(staff_member, ben)
    blocks.block(by=ben.user, person=staff_member)

    with pytest.raises(ValidationError, match="not taking messages"):
        services.send_message(conversation=booked, by=staff_member, body="Please answer")
    assert not booked.messages.exists()
    # The one who blocked may still write (to say where to meet, or goodbye).
    services.send_message(conversation=booked, by=ben.user, body="Sorry, I can't.")


def test_blocking_and_unblocking_from_the_profile(client_as, ben, staff_member):
    client = client_as(staff_member)
    url = reverse("profiles:block", args=[ben.user.username])

    page = client.get(url).content.decode()
    assert "Block Ben Ade?" in page and "They are not told." in page
    client.post(url, {"block": "on"})
    assert blocks.has_blocked(staff_member, ben.user)
    listed = client.get(reverse("profiles:blocked")).content.decode()
    assert "Ben Ade" in listed

    client.post(url, {"block": "off"})
    assert not blocks.has_blocked(staff_member, ben.user)
    assert "You have not blocked anyone" in client.get(reverse("profiles:blocked")).content.decode()


def test_nobody_learns_of_a_hidden_profile_by_blocking_it(client_as, council, community_member):
    hidden = make_profile(staff_of(council, name="Cara Hid"), audience="staff")
    client = client_as(community_member)
    url = reverse("profiles:block", args=[hidden.user.username])

    assert client.get(url).status_code == 404
    assert client.post(url, {"block": "on"}).status_code == 404
    assert not blocks.has_blocked(community_member, hidden.user)
    own = reverse("profiles:block", args=[community_member.username])
    assert client_as(community_member).get(own).status_code == 404


def test_reporting_a_request_lets_moderators_read_it_and_blocks_as_asked(
    client_as, ben, staff_member, moderator
):
    request_ = ask(staff_member, ben, note="You owe me a favour.")
    services.send_message(conversation=request_, by=staff_member, body="Answer me <now>")
    client = client_as(ben.user)
    url = reverse("conversations:report", args=[request_.pk])

    bad = client.post(url, {"reason": "", "details": "He keeps writing", "block": "on"})
    assert bad.status_code == 400 and "He keeps writing" in bad.content.decode()
    assert not Report.objects.exists()

    client.post(url, {"reason": "abusive", "details": "He keeps writing", "block": "on"})
    report = Report.objects.get()
    assert (report.reporter, report.reported, report.reason) == (
        ben.user,
        staff_member,
        "abusive",
    )
    assert blocks.has_blocked(ben.user, staff_member)
    again = client.post(url, {"reason": "spam"})
    assert "reported this already" in again.content.decode()
    assert Report.objects.count() == 1

    admin = client_as(moderator)
    listed = admin.get(reverse("admin:conversations_report_changelist"))
    assert listed.status_code == 200 and "Abusive or harassing" in listed.content.decode()
    shown = admin.get(reverse("admin:conversations_report_change", args=[report.pk]))
    page = shown.content.decode()
    assert "You owe me a favour." in page and "Answer me &lt;now&gt;" in page
    admin.post(
        reverse("admin:conversations_report_changelist"),
        {"action": "acted_on", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert (report.status, report.handled_by) == (Report.Status.RESOLVED, moderator)


def test_only_the_two_people_may_report_and_requests_are_not_in_the_admin(
    client_as, ben, staff_member, other_staff, moderator
):
    request_ = ask(staff_member, ben)
    url = reverse("conversations:report", args=[request_.pk])

    assert client_as(other_staff).post(url, {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()
    with pytest.raises(PermissionDenied):
        services.report(conversation=request_, by=other_staff, reason="spam")
    admin = client_as(moderator)
    assert admin.get("/admin/conversations/conversation/").status_code == 404
    assert admin.get("/admin/conversations/message/").status_code == 404
    # Staff without the moderators' role do not see reports.
    clerk = UserFactory(is_staff=True)
    add_totp(clerk)
    assert client_as(clerk).get(reverse("admin:conversations_report_changelist")).status_code == 403
