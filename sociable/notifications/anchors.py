"""What a notification can be anchored to: the thing whose audience decides who may hear.

An app whose things notifications are about (a forum board, a group) registers the model
here, from its ``contributions.py``, with who may see its rows::

    anchors.register("forums.Board", Board.objects.visible_to)

The notifications model so has no foreign key to any app. A notification keeps its anchor's
content type and primary key (``anchor_type``, ``anchor_id``); ``visible_to`` shows it only
while its recipient may see that row, and a notification anchored to a model nobody
registers is shown to nobody. When the row is deleted its notifications go with it, as a
foreign key's ``on_delete=CASCADE`` would do.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.db.models import Model, Q, QuerySet
from django.db.models.signals import post_delete

from sociable import registry

VisibleTo = Callable[[object], QuerySet]


def register(label: str, visible_to: VisibleTo) -> None:
    """Let notifications be anchored to rows of the model ``label`` ("forums.Board").

    ``visible_to(user)`` gives the rows the user may see: a notification anchored to a row
    is shown and sent only while it is among them.
    """
    registry.notification_anchors.add(label, visible_to)
    post_delete.connect(forget, sender=label, dispatch_uid=f"notification anchor {label}")


def label_of(anchor: Model) -> str:
    return anchor._meta.label


def is_registered(anchor: Model) -> bool:
    return label_of(anchor) in registry.notification_anchors


def visible_to(user, label: str) -> QuerySet:
    """The rows of the anchor model ``label`` that ``user`` may see."""
    return registry.notification_anchors[label](user)


def visible_anchors(user) -> Q:
    """Notifications with no anchor, or whose anchor ``user`` may see: one condition.

    Each registered model adds "its content type, and a primary key among those the user
    may see" as a subquery, so a list of notifications stays one query.
    """
    from django.contrib.contenttypes.models import ContentType

    visible = Q(anchor_type__isnull=True)
    for label, rows in registry.notification_anchors.items():
        meta = apps.get_model(label)._meta
        content_type = ContentType.objects.filter(
            app_label=meta.app_label, model=meta.model_name
        ).values("pk")
        visible |= Q(anchor_type__in=content_type, anchor_id__in=rows(user).values("pk"))
    return visible


def forget(sender, instance, **kwargs) -> None:
    """Delete the notifications anchored to a row that is gone."""
    from django.contrib.contenttypes.models import ContentType

    from .models import Notification

    Notification.objects.filter(
        anchor_type=ContentType.objects.get_for_model(sender), anchor_id=instance.pk
    ).delete()
