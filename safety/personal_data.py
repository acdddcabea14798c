"""A person's part of trust and safety: in their download, and what deleting them does.

Their appeals (what they wrote) and the flags on what they wrote (excerpts of their words)
are theirs: both are in the download and both go with the account. Watched words they
listed and flags or appeals they decided stay, no longer naming them (their foreign keys
are nulled by the deletion, as ``SET_NULL`` says); the moderation log keeps the outcome.
"""

from __future__ import annotations

from django.db.models import CharField, DateTimeField, Value

from forums.models import ModerationLog
from sociable.accounts.models import User

from .models import Appeal, Flag, WatchedWord


def export(user: User) -> dict:
    """Their appeals, the flags on what they wrote and the words they listed: one query."""
    text, when = CharField(), DateTimeField()
    appeals = Appeal.objects.filter(appellant=user).values_list(
        Value("appeal", text),
        "entry__action",
        "statement",
        "status",
        "created_at",
        "decided_at",
        "decision_reason",
        "entry__created_at",
    )
    flags = Flag.objects.filter(author=user).values_list(
        Value("flag", text),
        "field",
        "excerpt",
        "status",
        "created_at",
        "resolved_at",
        "matched",
        Value(None, when),
    )
    words = WatchedWord.objects.filter(created_by=user).values_list(
        Value("word", text),
        "action",
        "pattern",
        Value("", text),
        "created_at",
        Value(None, when),
        "note",
        Value(None, when),
    )
    rows = sorted(appeals.union(flags, words, all=True), key=lambda row: (row[0], row[4]))
    actions, appeal_status = dict(ModerationLog.Action.choices), dict(Appeal.Status.choices)
    flag_status, word_action = dict(Flag.Status.choices), dict(WatchedWord.Action.choices)
    return {
        "appeals": [
            {"against": actions.get(action, action), "logged_at": logged, "your_statement": said,
             "status": appeal_status.get(status, status), "sent_at": at,
             "decided_at": decided, "decision_reason": why}
            for kind, action, said, status, at, decided, why, logged in rows if kind == "appeal"
        ],
        "flagged_for_watched_words": [
            {"field": field, "excerpt": excerpt, "matched": matched,
             "status": flag_status.get(status, status),
             "flagged_at": at, "resolved_at": resolved}
            for kind, field, excerpt, status, at, resolved, matched, _ in rows if kind == "flag"
        ],
        "watched_words_listed": [
            {"pattern": pattern, "action": word_action.get(action, action), "note": note,
             "listed_at": at}
            for kind, action, pattern, _, at, _, note, _ in rows if kind == "word"
        ],
    }  # fmt: skip


def erase(leaving, result) -> None:
    """Their appeals and the flags quoting their words go with them."""
    Appeal.objects.filter(appellant=leaving.user).delete()
    Flag.objects.filter(author=leaving.user).delete()
