"""Appeals: a person asks, once, for a moderator's action to be looked at again.

Who may appeal: the person an entry of the moderation log is about (its ``subject``), for
the actions they are told of and may appeal (``telling.APPEALABLE``), within
``SAFETY_APPEAL_DAYS`` (28 by default: long enough for someone who reads their email
weekly, short enough for the moderators to still know the context). One appeal an entry
(the database's one-to-one says so too).

Who decides: a moderator of the entry's board (any moderator, for a suspension) who has
two-factor authentication and is not the one who acted. Upholding undoes the action
(``forums.services.settle_appeal``); turning it down leaves it. Either way the outcome is
logged and the appellant told.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from forums import services as forums
from forums.models import Board, ModerationLog
from forums.permissions import can_moderate, is_moderator, moderated_boards
from sociable.accounts.models import User
from sociable.links import reverse
from sociable.notifications.services import notify
from sociable.two_factor import has_two_factor

from . import telling
from .models import Appeal
from .notifications import APPEAL

MAX_STATEMENT = 2000


def window() -> timedelta:
    return timedelta(days=getattr(settings, "SAFETY_APPEAL_DAYS", 28))


def appeal_by(entry: ModerationLog) -> timezone.datetime:
    return entry.created_at + window()


# --- the person acted on --------------------------------------------------------------------


def get_entry_for_subject(user, pk: int) -> ModerationLog:
    """The log entry about ``user`` that they were told of; 404 for anyone else."""
    entry = (
        ModerationLog.objects.select_related("post", "thread__board")
        .filter(pk=pk, subject_id=user.pk, action__in=telling.TOLD)
        .first()
    )
    if entry is None or not user.is_authenticated:
        raise Http404("No such notice")
    board = telling.anchor_of(entry)
    if board is not None and not Board.objects.visible_to(user).filter(pk=board.pk).exists():
        raise Http404("No such notice")
    return entry


def latest_about_post(user, post_id: int) -> ModerationLog:
    """What last hid ``post_id``, of ``user``'s (the hidden post's own link); 404 otherwise."""
    entry = (
        ModerationLog.objects.filter(
            post_id=post_id,
            subject_id=user.pk,
            action__in=[ModerationLog.Action.HIDE, ModerationLog.Action.AUTO_HIDE],
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if entry is None:
        raise Http404("No such notice")
    return get_entry_for_subject(user, entry.pk)


def why_not(entry: ModerationLog, *, now=None) -> str:
    """Why the subject cannot appeal ``entry`` ("" when they can)."""
    if entry.action not in telling.APPEALABLE:
        return "A moderator will look at this anyway: there is nothing to appeal yet."
    if Appeal.objects.filter(entry=entry).exists():
        return "You have already asked for this to be looked at again. You can ask only once."
    if (now or timezone.now()) > appeal_by(entry):
        days = window().days
        return f"You can ask for a decision to be looked at again within {days} days of it."
    return ""


@transaction.atomic
def file_appeal(*, entry: ModerationLog, appellant: User, statement: str) -> Appeal:
    if entry.subject_id != appellant.pk:
        raise PermissionDenied("Only the person a decision was about can appeal it.")
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": "Say why you think the decision should change."})
    if len(statement) > MAX_STATEMENT:
        too_long = f"Write at most {MAX_STATEMENT:,} characters; this has {len(statement):,}."
        raise ValidationError({"statement": too_long})
    if reason := why_not(entry):
        raise ValidationError(reason)
    appeal = Appeal(entry=entry, appellant=appellant, statement=statement)
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError:  # sent twice at once: the other one counts
        raise ValidationError(why_not(entry) or "You have already appealed.") from None
    transaction.on_commit(lambda: tell_deciders(appeal.pk), robust=True)
    return appeal


# --- the moderators who decide ---------------------------------------------------------------


def moderates(user, entry: ModerationLog) -> bool:
    """Whether ``user`` moderates what ``entry`` was about (two-factor or not yet)."""
    if not is_moderator(user):
        return False
    board = telling.anchor_of(entry)
    return board is None or moderated_boards(user).filter(pk=board.pk).exists()


def may_decide_for(user, entry: ModerationLog) -> bool:
    """Whether ``user`` moderates what ``entry`` was about (acted on it or not)."""
    board = telling.anchor_of(entry)
    if board is None:
        return is_moderator(user) and has_two_factor(user)
    return can_moderate(user, board)


def acted_on_it(user, entry: ModerationLog) -> bool:
    """Whether ``user`` made the decision ``entry`` records, or one on the same post or
    thread since (confirming an automatic hide, say): either way, not theirs to review."""
    if user.pk == entry.moderator_id:
        return True
    same = Q(post_id=entry.post_id) if entry.post_id else Q(thread_id=entry.thread_id)
    if not (entry.post_id or entry.thread_id):
        same = Q(subject_id=entry.subject_id, action=entry.action)
    return ModerationLog.objects.filter(same, moderator_id=user.pk, pk__gt=entry.pk).exists()


def can_decide(user, appeal: Appeal) -> bool:
    return not acted_on_it(user, appeal.entry) and may_decide_for(user, appeal.entry)


def deciders(appeal: Appeal) -> list[User]:
    """The moderators who may decide ``appeal``."""
    moderate = Permission.objects.filter(
        codename="moderate_board", content_type__app_label="forums"
    )
    people = (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=moderate)
            | Q(user_permissions__in=moderate)
        )
        .exclude(pk=appeal.entry.moderator_id or 0)
        .distinct()
    )
    return [person for person in people if may_decide_for(person, appeal.entry)]


def tell_deciders(appeal_id: int) -> None:
    appeal = Appeal.objects.select_related("entry__post", "entry__thread__board").get(pk=appeal_id)
    thing = telling.describe(appeal.entry, whose="their").thing
    notify(
        kind=APPEAL,
        recipients=deciders(appeal),
        title=f"An appeal is waiting: someone asks for the decision about {thing} to be "
        "looked at again",
        url=reverse("safety:appeal", args=[appeal.pk]),
        anchor=telling.anchor_of(appeal.entry),
        key=f"appeal:{appeal.pk}",
    )


def get_appeal_for_user(user, pk: int) -> Appeal:
    """The appeal, for its appellant and the moderators of what it is about; 404 otherwise.
    (The moderator who acted may see it, but not decide it: ``can_decide``.)"""
    appeal = (
        Appeal.objects.select_related("entry__post", "entry__thread__board", "entry__moderator")
        .filter(pk=pk)
        .first()
    )
    if appeal is None or not user.is_authenticated:
        raise Http404("No such appeal")
    if appeal.appellant_id != user.pk and not moderates(user, appeal.entry):
        raise Http404("No such appeal")
    if appeal.appellant_id == user.pk:
        get_entry_for_subject(user, appeal.entry_id)  # 404 once they cannot see its board
    return appeal


@transaction.atomic
def decide(*, appeal: Appeal, moderator: User, uphold: bool, reason: str) -> Appeal:
    """Uphold (undo the action) or turn down ``appeal``, once, with a reason."""
    appeal = Appeal.objects.select_for_update().select_related("entry").get(pk=appeal.pk)
    if not can_decide(moderator, appeal):
        raise PermissionDenied(
            "You made the decision this appeal is about, or acted on the same thing since, "
            "so another moderator must decide it."
            if acted_on_it(moderator, appeal.entry)
            else "You cannot decide this appeal."
        )
    if appeal.status != Appeal.Status.OPEN:
        raise ValidationError("Another moderator has already decided this appeal.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason: the person will see it."})
    appeal.undone = uphold and not forums.changed_since(appeal.entry)
    forums.settle_appeal(
        entry=appeal.entry,
        moderator=moderator,
        appellant=appeal.appellant,
        upheld=uphold,
        reason=reason,
    )
    appeal.status = Appeal.Status.UPHELD if uphold else Appeal.Status.REFUSED
    appeal.decided_by, appeal.decided_at = moderator, timezone.now()
    appeal.decision_reason = reason[:300]
    appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    telling.tell_outcome(appeal)
    return appeal
