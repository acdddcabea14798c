"""Move each notification's board or group into its anchor (and back, if reversed).

Reads only the migration state: no app's model is imported, and the content types are made
here if they do not exist yet (on a fresh database, ``contenttypes`` makes them only after
every migration has run).
"""

from django.db import migrations
from django.db.models import F

OLD_ANCHORS = [("board", "forums", "board"), ("group", "groups", "group")]


def content_type(apps, app_label: str, model: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def to_anchor(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for field, app_label, model in OLD_ANCHORS:
        anchored = Notification.objects.filter(**{f"{field}__isnull": False})
        if anchored.exists():
            anchored.update(
                anchor_type=content_type(apps, app_label, model), anchor_id=F(f"{field}_id")
            )


def from_anchor(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for field, app_label, model in OLD_ANCHORS:
        kind = ContentType.objects.filter(app_label=app_label, model=model).first()
        if kind is not None:
            Notification.objects.filter(anchor_type=kind).update(**{f"{field}_id": F("anchor_id")})


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_notification_anchor"),
    ]

    operations = [
        migrations.RunPython(to_anchor, from_anchor),
    ]
