"""Telling people what a moderator did to their post, thread or account, and why.

The forums announce every entry of the moderation log (``forums.signals.action_logged``,
connected in ``contributions``); once the change commits, the person the entry is about
(its ``subject``) is told: what happened, to what, the moderator's reason, the community
rule it relates to, and that they can ask for it to be looked at again. Never which
moderator: "a moderator" decides for the team, as Discourse and Ofcom's guidance put it.
A notice about a post or thread is anchored to its board, so only someone who may still
read the board hears of it (a hidden post stays its author's to see); a suspension is
about the account, and has no anchor.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from forums.models import Board, ModerationLog
from forums.services import title_before_retitle
from sociable.links import reverse
from sociable.notifications.services import notify

from . import rules
from .notifications import MODERATION

Action = ModerationLog.Action

#: What the person acted on is told of.
TOLD = frozenset(
    {
        Action.HIDE,
        Action.AUTO_HIDE,
        Action.HIDE_THREAD,
        Action.DELETE_THREAD,
        Action.RETITLE,
        Action.EDIT_POST,
        Action.SUSPEND,
        Action.WATCHED_WORD,
    }
)
#: What they may ask to be looked at again (a post held for a watched word is being looked
#: at already: a moderator approves it or not).
APPEALABLE = TOLD - {Action.WATCHED_WORD}


@dataclass(frozen=True)
class Happening:
    """What an entry did to the person, in their words ("your post in ...")."""

    what: str  # "A moderator hid your post in “Weeknotes”"
    thing: str  # "your post in “Weeknotes”"
    url: str  # where the person can still see the thing ("" if nowhere)


def entry_logged(entry: ModerationLog) -> None:
    """Tell the entry's subject, once the change is committed (nothing, if it rolls back)."""
    if entry.action in TOLD and entry.subject_id is not None:
        transaction.on_commit(lambda: tell_subject(entry.pk), robust=True)


def anchor_of(entry: ModerationLog) -> Board | None:
    """The board whose audience decides who may hear of ``entry`` (None: the account)."""
    if entry.action == Action.SUSPEND or entry.thread_id is None:
        return None
    return entry.thread.board


def describe(entry: ModerationLog, *, whose: str = "your") -> Happening:
    """What ``entry`` did, told to its subject ("your post") or of them ("their post")."""
    thread, post = entry.thread, entry.post
    title = thread.title if thread else "a thread that has gone"
    in_thread = f"{whose} post in “{title}”"
    post_url = reverse("forums:post-permalink", args=[post.pk]) if post else ""
    thread_url = thread.get_absolute_url() if thread else ""
    match entry.action:
        case Action.HIDE:
            return Happening(f"A moderator hid {in_thread}", in_thread, post_url)
        case Action.AUTO_HIDE:
            return Happening(
                f"{in_thread[0].upper()}{in_thread[1:]} is hidden after several reports, until a "
                "moderator looks at it",
                in_thread,
                post_url,
            )
        case Action.EDIT_POST:
            return Happening(f"A moderator edited {in_thread}", in_thread, post_url)
        case Action.WATCHED_WORD:
            return Happening(
                f"{whose.capitalize()} post in “{title}” is waiting for a moderator to check it",
                in_thread,
                "",
            )
        case Action.HIDE_THREAD:
            thing = f"{whose} thread “{title}”"
            return Happening(f"A moderator hid {thing}", thing, thread_url)
        case Action.DELETE_THREAD:
            thing = f"{whose} thread “{title}”"
            return Happening(f"A moderator removed {thing}", thing, "")
        case Action.RETITLE:
            thing = f"{whose} thread “{title_before_retitle(entry)}”"
            return Happening(
                f"A moderator changed the title of {thing} to “{title}”", thing, thread_url
            )
        case Action.SUSPEND:
            return Happening(
                f"A moderator suspended {whose} account {entry.detail}".strip()
                + f": {'you' if whose == 'your' else 'they'} can read but not write",
                f"{whose} account",
                "",
            )
    return Happening(f"A moderator acted on {in_thread}", in_thread, post_url)


def tell_subject(entry_id: int) -> None:
    entry = (
        ModerationLog.objects.select_related("subject", "post", "thread__board")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None or entry.subject is None:
        return
    rule = rules.rule_for(entry)
    title = f"{describe(entry).what}. It relates to our rule “{rule.title}”."
    if entry.action in APPEALABLE:
        title += " You can ask for this to be looked at again."
    notify(
        kind=MODERATION,
        recipients=[entry.subject],
        title=title,
        body=entry.reason,
        url=reverse("safety:appeal-new", args=[entry.pk]),
        anchor=anchor_of(entry),
        key=f"moderation:{entry.pk}",
    )


def tell_outcome(appeal) -> None:
    """Tell the appellant what a moderator decided (after it commits)."""
    transaction.on_commit(lambda: _tell_outcome(appeal.pk), robust=True)


def _tell_outcome(appeal_id: int) -> None:
    from .models import Appeal

    appeal = (
        Appeal.objects.select_related("appellant", "entry__post", "entry__thread__board")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None or appeal.status == Appeal.Status.OPEN:
        return
    thing = describe(appeal.entry).thing
    if appeal.status == Appeal.Status.UPHELD:
        title = f"A moderator agreed with your appeal about {thing} and put it right"
    else:
        title = f"A moderator looked at your appeal about {thing} again and the decision stands"
    notify(
        kind=MODERATION,
        recipients=[appeal.appellant],
        title=title,
        body=appeal.decision_reason,
        url=reverse("safety:appeal", args=[appeal.pk]),
        anchor=anchor_of(appeal.entry),
        key=f"appeal-decided:{appeal.pk}",
    )
