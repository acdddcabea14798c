"""Why a person matched a directory search, in words, from what the searcher may see."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from sociable.markdown import without_marks

from .models import ProfileSkill
from .visibility import RELATION_GROUP, ProfileView

Relation = ProfileSkill.Relation
_WORD = re.compile(r"\w+")
LABELS = {
    Relation.TEACH: "Can teach",
    Relation.HAS: "Skills",
    Relation.LEARN: "Wants to learn",
    Relation.INTEREST: "Outside work",
    Relation.LANGUAGE: "Speaks",
    Relation.NETWORK: "Staff network",
}


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text or "")]


@lru_cache(maxsize=20_000)
def _name_words(name: str) -> tuple[str, ...]:
    """A skill's name's words: a page of results names the same few hundred skills."""
    return tuple(_words(name))


@lru_cache(maxsize=20_000)
def _close(q: str, word: str) -> bool:
    """Whether ``word`` is what ``q`` meant: the same start, or a close spelling.

    Cached: a page of results repeats the same skill names, and the spelling check is the
    slowest part of explaining a match.
    """
    if word.startswith(q[:5]):
        return True
    # SequenceMatcher's ratio is 2 * matches / (len(q) + len(word)) and never more than its
    # quick bounds (the shorter length, then the letters in common): cheap, and most pairs
    # of words fail them.
    if 2 * min(len(q), len(word)) < 0.75 * (len(q) + len(word)):
        return False
    matcher = SequenceMatcher(None, q, word)
    return matcher.quick_ratio() >= 0.75 and matcher.ratio() >= 0.75


def _hits(query_words: list[str], words) -> bool:
    return any(_close(q, word) for word in words for q in query_words)


def match_reasons(view: ProfileView, query: str, limit: int = 3) -> list[tuple[str, str]]:
    """Return up to ``limit`` (label, text) pairs of visible fields the query matched."""
    words = [w for w in _words(query) if len(w) > 1]
    if not words:
        return []
    profile = view.profile
    reasons: list[tuple[str, str]] = []
    for row in profile.profile_skills.all():  # prefetched with the page
        if len(reasons) == limit:
            return reasons
        if RELATION_GROUP[row.relation] in view.groups and _hits(
            words, _name_words(row.skill.name)
        ):
            reasons.append((LABELS[row.relation], row.skill.name))
    fields = [
        ("profile", "Job title", profile.job_title),
        ("skills", "Ask me about", profile.ask_me_about),
        ("skills", "Working on", profile.working_on),
        ("location", "Team", profile.team.name if profile.team else ""),
        ("location", "Works at", profile.place.name if profile.place else ""),
        ("about", "About", without_marks(profile.bio)),
    ]
    for group, label, text in fields:
        if len(reasons) == limit:  # the rest (a long "about", last) is not read for a word
            break
        if group in view.groups and text and _hits(words, _words(text)):
            reasons.append((label, text if len(text) <= 120 else text[:117] + "…"))
    return reasons
