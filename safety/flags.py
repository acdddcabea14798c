"""Who may look at a flag, what it points at, and closing it.

A flag is for moderators who may see what it is on (``FlagQuerySet.seen_by``): on a forum
post or thread (a story's comment is one), the moderators of its board; on a story or an
opportunity, those in its audience; on anything else (a profile's fields, a conversation),
administrators. Everyone else gets a 404: a flag says nothing of what someone cannot see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from forums.models import Post, Thread
from forums.permissions import is_moderator, moderated_boards
from sociable.two_factor import has_two_factor

from .models import Flag


@dataclass(frozen=True)
class Flagged:
    """What a flag points at, as the moderator may see it."""

    title: str  # what it is, in words: "a post in “Allotments”"
    url: str | None  # a link, when the moderator may open it
    field: str  # which of its texts, in words: "job title"


def can_see_flag(user, flag: Flag) -> bool:
    """A moderator with two-factor, who may see what the flag is on (``seen_by``)."""
    if not (is_moderator(user) and has_two_factor(user)):
        return False
    return Flag.objects.seen_by(user, boards=moderated_boards(user)).filter(pk=flag.pk).exists()


def get_flag_for_user(user, pk: int) -> Flag:
    """The flag ``pk``, if ``user`` moderates what it is on; else 404."""
    related = ("author__organisation", "word", "content_type", "resolved_by")
    flag = Flag.objects.select_related(*related).filter(pk=pk).first()
    # (What it was on may be gone since: administrators, who see such flags, close them.)
    if flag is None or not can_see_flag(user, flag):
        raise Http404("No such flag")
    return flag


def flagged(user, flag: Flag) -> Flagged:
    """Say what ``flag`` is on, with a link when ``user`` may open it."""
    content = flag.content
    field = flag.field.replace("_", " ")
    model = flag.content_type.model_class()
    kind = model._meta.verbose_name if model else "thing"
    if content is None:
        return Flagged(f"a {kind} that has since been deleted", None, field)
    if isinstance(content, Post):
        return Flagged(f"a post in “{content.thread.title}”", content.get_absolute_url(), field)
    if isinstance(content, Thread):
        return Flagged(f"the thread “{content.title}”", content.get_absolute_url(), field)
    manager = type(content)._default_manager
    visible = hasattr(manager, "visible_to") and manager.visible_to(user).filter(pk=content.pk)
    url = None
    if visible and visible.exists() and hasattr(content, "get_absolute_url"):
        url = content.get_absolute_url()
    return Flagged(f"a {kind}: “{content}”", url, field)


@transaction.atomic
def resolve_flag(*, flag: Flag, moderator, acted: bool) -> Flag:
    """Close ``flag``: the moderator acted on it, or found nothing wrong. Closing it again
    changes nothing (two moderators at once: the first one's answer stands)."""
    closed = Flag.objects.filter(pk=flag.pk, status=Flag.Status.OPEN).update(
        status=Flag.Status.ACTED if acted else Flag.Status.DISMISSED,
        resolved_by=moderator,
        resolved_at=timezone.now(),
    )
    flag.refresh_from_db()
    flag.closed_now = bool(closed)
    return flag
