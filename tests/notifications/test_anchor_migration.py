"""The migration from a board or group foreign key to an anchor keeps every notification's anchor.

Notifications made with the old columns (``board``, ``group``) are migrated forward and back,
on a database whose content types for boards and groups are gone, as on a fresh one.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from forums.models import Board
from sociable.notifications.models import Notification
from tests.groups.factories import make_group

BEFORE = [("notifications", "0002_email_delivery_and_task_leases")]
AFTER = [("notifications", "0005_drop_board_and_group")]


def migrate(target):
    """Migrate to ``target``; return the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


def forget_content_types(*models):
    """Delete content types, and the permissions on them, behind the ORM's back."""
    pks = [ContentType.objects.get_by_natural_key(*model).pk for model in models]
    permissions = "SELECT id FROM auth_permission WHERE content_type_id = ANY(%s)"
    with connection.cursor() as cursor:
        for table in ("auth_group_permissions", "accounts_user_user_permissions"):
            cursor.execute(f"DELETE FROM {table} WHERE permission_id IN ({permissions})", [pks])  # noqa: S608
        cursor.execute("DELETE FROM auth_permission WHERE content_type_id = ANY(%s)", [pks])
        cursor.execute("DELETE FROM django_content_type WHERE id = ANY(%s)", [pks])
    ContentType.objects.clear_cache()


@pytest.mark.django_db(transaction=True)
def test_boards_and_groups_become_anchors_and_back(staff_member, other_staff):
    group = make_group(staff_member)
    board = Board.objects.create(name="Open", slug="open", audience="community")
    try:
        old = migrate(BEFORE)
        forget_content_types(("forums", "board"), ("groups", "group"))  # as on a fresh db
        OldNotification = old.get_model("notifications", "Notification")
        common = {"recipient_id": other_staff.pk, "kind": "reply", "title": "Hi", "url": "/"}
        OldNotification.objects.create(key="board", board_id=board.pk, **common)
        OldNotification.objects.create(key="group", group_id=group.pk, **common)
        OldNotification.objects.create(key="none", **common)

        migrate(AFTER)
        anchors = {n.key: n.anchor for n in Notification.objects.all()}
        assert anchors == {"board": board, "group": group, "none": None}

        back = migrate(BEFORE).get_model("notifications", "Notification")
        assert {n.key: (n.board_id, n.group_id) for n in back.objects.all()} == {
            "board": (board.pk, None),
            "group": (None, group.pk),
            "none": (None, None),
        }
    finally:
        migrate(AFTER)
        ContentType.objects.clear_cache()
