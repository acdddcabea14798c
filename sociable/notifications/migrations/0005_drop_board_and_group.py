"""Drop the foreign keys to forums.Board and groups.Group, now held in the anchor.

An anchor is whole or absent (type and id together), and is found by an index when its
row is deleted (sociable.notifications.anchors deletes its notifications with it).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_anchor_from_board_and_group"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="notification",
            name="notification_one_anchor",
        ),
        migrations.RemoveField(
            model_name="notification",
            name="board",
        ),
        migrations.RemoveField(
            model_name="notification",
            name="group",
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.CheckConstraint(
                condition=models.Q(anchor_type__isnull=True, anchor_id__isnull=True)
                | models.Q(anchor_type__isnull=False, anchor_id__isnull=False),
                name="notification_anchor_whole",
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(anchor_id__isnull=False),
                fields=["anchor_type", "anchor_id"],
                name="notification_anchor",
            ),
        ),
    ]
