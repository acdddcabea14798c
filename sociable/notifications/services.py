"""Telling people things: who hears, how they hear it, and what they have read.

``notify`` is the one way in. It tells only active people who can see the
notification's anchor (what an app registers in ``anchors``: a board, a group), never
the person who caused it, and never twice about the same happening (``key``).
Email goes out from the task worker: a notification that should be emailed at
once queues its email in the same transaction, so the email exists exactly
when the notification does.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils import timezone

from sociable.accounts.models import User

from . import anchors, kinds
from .kinds import NotificationKind
from .models import Channel, EmailStatus, Notification, Preference

UNSUBSCRIBE_SALT = "sociable.notifications.unsubscribe"
DIGEST = "digest"  # the unsubscribe scope for the daily digest as a whole


# --- preferences ----------------------------------------------------------------------------


def preferences_for(user: User) -> dict[str, str]:
    """Every kind, with the channel this person has chosen or the default."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind.name: chosen.get(kind.name, kind.default) for kind in kinds.all_kinds()}


def _channels(users: Iterable[User], kind: NotificationKind) -> dict[int, str]:
    ids = [u.pk for u in users]
    chosen = dict(
        Preference.objects.filter(user_id__in=ids, kind=kind.name).values_list("user_id", "channel")
    )
    return {pk: chosen.get(pk, kind.default) for pk in ids}


@transaction.atomic
def set_preferences(*, user: User, channels: dict[str, str]) -> None:
    for kind, channel in channels.items():
        if kind not in kinds.names() or channel not in Channel.values:
            raise ValueError(f"Unknown kind or channel: {kind!r} → {channel!r}")
        Preference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})


def unsubscribe_token(user: User, scope: str) -> str:
    """A link that stops one kind of email (or the digest) for one person, without signing in."""
    return signing.dumps([user.pk, scope], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    try:
        user_id, scope = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if scope != DIGEST and scope not in kinds.names():
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return (user, scope) if user else None


def unsubscribe(*, user: User, scope: str) -> list[str]:
    """Stop emails for one kind, or for everything that comes in the digest.

    The notifications still appear in the site. Returns the kinds changed.
    """
    current = preferences_for(user)
    if scope == DIGEST:
        kinds = [k for k, channel in current.items() if channel == Channel.DIGEST]
    else:
        kinds = [scope] if current[scope] != Channel.SITE else []
    set_preferences(user=user, channels=dict.fromkeys(kinds, Channel.SITE))
    return kinds


# --- telling people -------------------------------------------------------------------------


def can_hear_about(user: User, anchor: Model | None) -> bool:
    """Whether ``user`` may be told about something anchored to ``anchor`` (the audience rule)."""
    if not user.is_active:
        return False
    if anchor is None:
        return True
    return anchors.visible_to(user, anchors.label_of(anchor)).filter(pk=anchor.pk).exists()


def notify(
    *,
    kind: NotificationKind,
    recipients: Iterable[User],
    title: str,
    url: str,
    key: str,
    body: str = "",
    actor: User | None = None,
    anchor: Model | None = None,
) -> list[Notification]:
    """Tell each recipient who may hear about it, once; queue emails for those who want them.

    ``kind`` must be registered (``kinds.register``) and ``anchor``, the thing whose audience
    decides who may hear, a row of a registered model (``anchors.register``).
    """
    from .tasks import send_notification_email

    if kinds.get(kind.name) != kind:
        raise ValueError(f"{kind.name!r} is registered as another kind of notification")
    if anchor is not None and not anchors.is_registered(anchor):
        raise ValueError(f"No app lets notifications be anchored to a {anchors.label_of(anchor)}")
    people = {u.pk: u for u in recipients if u is not None}
    if actor is not None:
        people.pop(actor.pk, None)
    people = {pk: u for pk, u in people.items() if can_hear_about(u, anchor)}
    channels = _channels(people.values(), kind)
    created = []
    for pk, person in people.items():
        notification = Notification(
            recipient=person,
            kind=kind.name,
            actor=actor,
            title=title[:300],
            body=body[:500],
            url=url,
            anchor=anchor,
            key=key,
            channel=channels[pk],
        )
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:  # told about this already
            continue
        created.append(notification)
        User.objects.filter(pk=pk).update(unread_notifications=F("unread_notifications") + 1)
        if notification.channel == Channel.EMAIL:
            send_notification_email.enqueue(notification.pk)
    return created


# --- reading --------------------------------------------------------------------------------


def mark_read(*, user: User, notification: Notification | None = None) -> int:
    """Mark one notification, or all of them, as read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    count = unread.update(read_at=timezone.now())
    recount_unread(user)
    return count


def recount_unread(user: User) -> int:
    """Set the bell's number to what the person can see now (audiences may have changed)."""
    count = Notification.objects.visible_to(user).unread().count()
    if count != user.unread_notifications:
        User.objects.filter(pk=user.pk).update(unread_notifications=count)
        user.unread_notifications = count
    return count


# --- what became of the emails --------------------------------------------------------------


def record_email_outcome(*, delivery_id: str, status: str) -> int:
    """Mark the notifications an email carried as delivered or failed, from the mail service's
    receipt for the email it knows by ``delivery_id``; return how many changed."""
    if status not in (EmailStatus.DELIVERED, EmailStatus.FAILED):
        raise ValueError(f"Not an outcome of an email: {status!r}")
    if not delivery_id:
        return 0
    return (
        Notification.objects.filter(email_delivery_id=delivery_id)
        .exclude(email_status=status)
        .update(email_status=status)
    )
