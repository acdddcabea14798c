"""A notification's anchor becomes any registered model's row, and its kind any app's name.

First of three: add ``anchor_type`` and ``anchor_id`` beside ``board`` and ``group``, and
let ``kind`` be any name (apps register their kinds; a new one needs no migration). 0004
moves the anchors across and 0005 drops the old columns, each in its own transaction: in
PostgreSQL a table whose rows were just updated, with deferred foreign key checks pending,
cannot be altered in the same transaction.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0002_email_delivery_and_task_leases"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="anchor_type",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="anchor_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(max_length=20),
        ),
        migrations.AlterField(
            model_name="preference",
            name="kind",
            field=models.CharField(max_length=20),
        ),
    ]
