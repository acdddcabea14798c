"""A notification's anchor: any row of a model an app registers, whose audience decides who hears.

The notifications model has no foreign key to an app: the forums register their boards and
groups their groups (``sociable.notifications.anchors``). Deleting the row deletes its
notifications, as a foreign key's cascade did; a notification anchored to something nobody
registers is shown to nobody.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from forums import services as forums
from forums.models import Board
from groups import services as groups
from sociable import registry
from sociable.notifications import kinds
from sociable.notifications.kinds import NotificationKind
from sociable.notifications.models import Notification
from sociable.notifications.services import notify
from tests.forums.factories import group_board as board_of
from tests.groups.factories import make_event, make_group
from tests.helpers import run_tasks

pytestmark = pytest.mark.django_db

NOTICE = kinds.get("reply")  # any registered kind will do


def note(recipient, anchor=None, key="k") -> Notification:
    return Notification.objects.create(
        recipient=recipient, kind=NOTICE.name, title="Hello", url="/", key=key, anchor=anchor
    )


def test_the_forums_and_groups_register_their_anchors_and_kinds():
    assert "forums.Board" in registry.notification_anchors
    assert "groups.Group" in registry.notification_anchors
    assert kinds.names()[:3] == ["mention", "reply", "followed"]  # the settings page's order
    assert kinds.names()[-1] == "stale_profile"


def test_a_notification_is_anchored_to_its_board_or_group(staff_member, other_staff):
    board = Board.objects.create(name="Open", slug="open", audience="community")
    thread, _ = forums.start_thread(board=board, author=staff_member, title="Hi", body="Hi all")
    forums.follow(user=other_staff, thread=thread)
    forums.reply(thread=thread, author=staff_member, body="Anyone?")
    run_tasks()
    event = make_event(make_group(staff_member))
    groups.rsvp_to_event(event=event, user=other_staff, going=True)
    groups.cancel_event(event=event)

    anchors = {n.kind: n.anchor for n in Notification.objects.filter(recipient=other_staff)}

    assert anchors == {"followed": board, "event_cancelled": event.group}
    assert Notification.objects.filter(anchor_type=ContentType.objects.get_for_model(Board)).get()


def test_deleting_a_board_or_a_group_deletes_its_notifications_and_no_others(
    staff_member, other_staff
):
    board = Board.objects.create(name="Open", slug="open", audience="community")
    other_board = Board.objects.create(name="Other", slug="other", audience="community")
    group = make_group(staff_member)
    group_board = board_of(group, name="Choir board", slug="choir", audience="members")
    groups.add_member(group=group, user=other_staff)
    note(other_staff, board, key="board")
    note(other_staff, other_board, key="other board")
    note(other_staff, group, key="group")
    note(other_staff, group_board, key="group board")
    note(other_staff, None, key="no anchor")

    board.delete()
    assert set(Notification.objects.values_list("key", flat=True)) == {
        "other board",
        "group",
        "group board",
        "no anchor",
    }

    group.delete()  # its board goes with it (a foreign key), and the board's notifications
    assert set(Notification.objects.values_list("key", flat=True)) == {"other board", "no anchor"}

    Board.objects.filter(pk=other_board.pk).delete()  # a bulk delete cascades too
    assert set(Notification.objects.values_list("key", flat=True)) == {"no anchor"}


def test_an_anchor_whose_audience_shuts_someone_out_hides_the_notification(
    staff_member, other_staff
):
    group = make_group(staff_member, audience="members", join_policy="approval")
    groups.add_member(group=group, user=other_staff)
    board = Board.objects.create(name="Staff room", slug="staff", audience="staff")
    group_board = board_of(group, name="Council", slug="council", audience="members")
    anchors = {"group": group, "board": board, "bare": None, "group board": group_board}
    for key, anchor in anchors.items():
        note(other_staff, anchor, key=key)
    seen = Notification.objects.visible_to(other_staff).values_list("key", flat=True)
    assert set(seen) == {"group", "board", "bare", "group board"}

    groups.leave_group(group=group, user=other_staff)

    assert set(seen.all()) == {"board", "bare"}
    assert set(Notification.objects.visible_to(staff_member)) == set()  # only your own


def test_a_notification_anchored_to_what_no_app_registers_is_shown_to_nobody(
    staff_member, other_staff
):
    board = Board.objects.create(name="Open", slug="open", audience="community")
    thread, _ = forums.start_thread(board=board, author=staff_member, title="Hi", body="Hi all")
    note(other_staff, thread)

    assert not Notification.objects.visible_to(other_staff).exists()
    with pytest.raises(ValueError, match="anchored to a forums.Thread"):
        notify(kind=NOTICE, recipients=[other_staff], title="Hi", url="/", key="t", anchor=thread)


def test_only_registered_kinds_can_be_sent(other_staff):
    made_up = NotificationKind("carrier_pigeon", "Birds")
    changed = NotificationKind("reply", "Not what the forums registered")

    for kind in (made_up, changed):
        with pytest.raises((KeyError, ValueError)):
            notify(kind=kind, recipients=[other_staff], title="Hi", url="/", key="k")
    assert not Notification.objects.exists()
    assert notify(kind=NOTICE, recipients=[other_staff], title="Hi", url="/", key="k")


def test_an_anchor_is_whole_or_absent(other_staff):
    from django.db import IntegrityError

    board = Board.objects.create(name="Open", slug="open", audience="community")
    with pytest.raises(IntegrityError):
        Notification.objects.create(
            recipient=other_staff, kind="reply", title="Hi", url="/", key="k", anchor_id=board.pk
        )


def test_the_list_of_someones_notifications_is_one_query(
    django_assert_num_queries, staff_member, other_staff
):
    group = make_group(staff_member)
    board = Board.objects.create(name="Open", slug="open", audience="community")
    for n in range(5):
        note(other_staff, group, key=f"group {n}")
        note(other_staff, board, key=f"board {n}")

    with django_assert_num_queries(1):
        assert len(list(Notification.objects.visible_to(other_staff))) == 10
