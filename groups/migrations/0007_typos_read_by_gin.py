"""A group's name and an event's title in GIN trigram indexes, not GiST (ADR 0019, decision
17): a typo finds the names close enough through the index (``<%``), where GiST read a
filtered audience's names one by one, nearest first, until it had enough."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0006_event_coming"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="event", name="event_title_trgm"),
        migrations.RemoveIndex(model_name="group", name="group_name_trgm"),
        migrations.AddIndex(
            model_name="event",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("title"), name="gin_trgm_ops"
                ),
                name="event_title_trgm",
            ),
        ),
        migrations.AddIndex(
            model_name="group",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("name"), name="gin_trgm_ops"
                ),
                name="group_name_trgm",
            ),
        ),
    ]
