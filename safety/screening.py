"""Screening what people write against the watched words, and the limits on new accounts.

Every service that saves text people write calls ``screen`` (or ``check``, which also
refuses blocked words) before it saves anything:

- **block**: the service raises a ``ValidationError`` beside the field, naming the words;
  the form keeps what was typed and nothing is saved;
- **hold for approval**: a forum post (a thread's opening post, a story's comment) is saved
  waiting for a moderator, as a new member's first post is; other texts have no such
  state, so they are published and flagged (``Screening.record``);
- **flag**: the text is published and a ``Flag`` tells the moderators to look.

Words match whole words whatever their case and accents (``Café`` matches ``cafe``); ``*``
stands for any letters within a word (``spam*`` matches ``spammer``). A regular expression
is matched against the same case- and accent-folded text.

The compiled patterns are kept in the process; each screening spends one small query
reading the list, so a change in the admin applies at once on every web node.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import regex
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Model

from sociable.accounts.services import is_new_member

from .models import Flag, WatchedWord

Action = WatchedWord.Action
EXCERPT = 300
# The longest one watched word may take over one text (the ``regex`` engine stops it): a
# pattern that backtracks for ever is skipped, never a post held up or a worker hung.
SCREEN_SECONDS = 0.25
logger = logging.getLogger(__name__)
# A group that is repeated and holds a repeat itself, e.g. (a+)+ or (\w*)*: the shape that
# makes a regular expression take forever on a text that nearly matches.
_NESTED_REPEAT = re.compile(
    r"\((?:[^()\\]|\\.)*(?:[+*]|\{\d*,\d*\})(?:[^()\\]|\\.)*\)"  # a group holding a repeat
    r"\s*(?:[+*]|\{\d*,)"  # ...repeated
)
_LINK = re.compile(r"(?i)(?:\bhttps?://|\bwww\.)[^\s<>()\[\]]+")
_MENTION = re.compile(r"(?<![\w@])@([\w-](?:[\w.-]{0,148}[\w-])?)")


# --- folding text -----------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, without accents: what watched words are matched against."""
    return "".join(_fold_char(char) for char in text)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index it came from in ``text``."""
    out: list[str] = []
    where: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        out.append(folded)
        where.extend([index] * len(folded))
    return "".join(out), where


# --- checking what administrators type --------------------------------------------------------


def validate_pattern(pattern: str, *, is_regex: bool) -> None:
    """Refuse a pattern that would match nothing useful, everything, or take forever."""
    pattern = (pattern or "").strip()
    if not pattern:
        raise ValidationError({"pattern": "Type a word, a phrase or a regular expression."})
    if not is_regex:
        if not any(char.isalnum() for char in pattern):
            raise ValidationError(
                {"pattern": "A watched word needs at least one letter or digit besides the *."}
            )
        return
    try:
        compiled = regex.compile(pattern, regex.IGNORECASE)
    except regex.error as error:
        raise ValidationError(
            {"pattern": f"This is not a regular expression Python can read: {error}."}
        ) from error
    try:  # texts that make a backtracking pattern take for ever, if anything does
        for probe in ("a" * 40 + "!", "ab" * 30 + "!", "1" * 40 + "!", " " * 40 + "!"):
            compiled.search(probe, timeout=SCREEN_SECONDS)
    except TimeoutError:
        raise ValidationError(
            {
                "pattern": "This regular expression takes too long on some texts (it tries "
                "the same letters many ways, like (a|aa)+). Write it more simply."
            }
        ) from None
    if compiled.search("") is not None:
        raise ValidationError(
            {
                "pattern": "This regular expression matches an empty text, so it would match "
                "everything: make it need at least one character."
            }
        )
    if _NESTED_REPEAT.search(pattern) or re.search(r"\\\d", pattern):
        raise ValidationError(
            {
                "pattern": "This regular expression repeats a group that repeats itself (like "
                "(a+)+) or refers back to a group, which can take minutes on one long post. "
                "Write it without nesting the repeats."
            }
        )


# --- the words, compiled once per process -----------------------------------------------------


@dataclass(frozen=True)
class _Word:
    pk: int
    pattern: str
    is_regex: bool
    action: str


def _word_regex(word: _Word) -> str:
    if word.is_regex:  # as written (folding would turn \W into \w), matched ignoring case
        return word.pattern
    parts = fold(word.pattern.strip()).split()
    pieces = [r"\w*".join(re.escape(bit) for bit in part.split("*")) for part in parts]
    return r"(?<!\w)" + r"\s+".join(pieces) + r"(?!\w)"


@lru_cache(maxsize=16)
def _compiled(words: tuple[_Word, ...]) -> tuple[tuple[_Word, regex.Pattern], ...]:
    compiled = []
    for word in words:
        try:
            compiled.append((word, regex.compile(_word_regex(word), regex.IGNORECASE)))
        except regex.error:
            continue  # saved around the admin's check (a shell, a fixture): never matches
    return tuple(compiled)


def _words() -> tuple[tuple[_Word, regex.Pattern], ...]:
    rows = WatchedWord.objects.values_list("pk", "pattern", "is_regex", "action")
    return _compiled(tuple(_Word(*row) for row in rows.order_by("pk")))


# --- screening --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    field: str
    word_pk: int
    pattern: str
    action: str
    matched: tuple[str, ...]  # as written
    excerpt: str


@dataclass
class Screening:
    """What the watched words found in some texts, by field."""

    texts: dict[str, str]
    hits: list[Hit] = field(default_factory=list)

    def of(self, action: str, fields: Iterable[str] | None = None) -> list[Hit]:
        wanted = None if fields is None else set(fields)
        return [
            h for h in self.hits if h.action == action and (wanted is None or h.field in wanted)
        ]

    @property
    def blocked(self) -> list[Hit]:
        return self.of(Action.BLOCK)

    @property
    def holds(self) -> bool:
        return bool(self.of(Action.APPROVE))

    def held_words(self) -> list[str]:
        return _unique(m for hit in self.of(Action.APPROVE) for m in hit.matched)

    def raise_if_blocked(self, labels: dict[str, str]) -> None:
        """Refuse the blocked words, beside each field they are in."""
        errors = {}
        for name in self.texts:
            words = _unique(m for hit in self.of(Action.BLOCK, [name]) for m in hit.matched)
            if words:
                label = labels.get(name, "text")
                many = len(words) > 1
                errors[name] = (
                    f"Your {label} includes {_listed(words)}, which {'are' if many else 'is'} "
                    f"not allowed here. Please change {'them' if many else 'it'}."
                )
        if errors:
            raise ValidationError(errors)

    def record(self, obj: Model, *, author, fields: Iterable[str] | None = None) -> list[Flag]:
        """Flag ``obj`` for the moderators: one flag per field and word that holds or flags
        and is not waiting already (no query when nothing matched)."""
        hits = [h for h in self.hits if h.action in (Action.APPROVE, Action.FLAG)]
        if fields is not None:
            hits = [h for h in hits if h.field in set(fields)]
        if not hits:
            return []
        content_type = ContentType.objects.get_for_model(obj)
        # Saved again with the same words (a story edited twice): the open flag stands.
        waiting = set(
            Flag.objects.filter(
                content_type=content_type, object_id=obj.pk, status=Flag.Status.OPEN
            ).values_list("field", "word_id")
        )
        hits = [h for h in hits if (h.field[:50], h.word_pk) not in waiting]
        return Flag.objects.bulk_create(
            Flag(
                content_type=content_type,
                object_id=obj.pk,
                author=author,
                field=hit.field[:50],
                excerpt=hit.excerpt[:EXCERPT],
                word_id=hit.word_pk,
                matched=", ".join(hit.matched)[:200],
            )
            for hit in hits
        )


def screen(texts: dict[str, str], *, author=None, content_kind: str = "") -> Screening:
    """Match ``texts`` (field name: text) against the watched words. ``author`` and
    ``content_kind`` ("post", "story", "profile"...) say whose and what it is."""
    screening = Screening(texts=dict(texts))
    words = _words()
    if not words:
        return screening
    for name, text in texts.items():
        if not text:
            continue
        folded, where = _folded_with_map(text)
        for word, pattern in words:
            try:
                found = pattern.finditer(folded, timeout=SCREEN_SECONDS)
                spans = [m.span() for m in found if m.end() > m.start()]
            except TimeoutError:  # a pattern no check caught: it never holds a post up
                logger.warning("Watched word %s took too long on a %s", word.pk, content_kind)
                continue
            if not spans:
                continue
            matched = _unique(text[where[start] : where[end - 1] + 1] for start, end in spans)
            screening.hits.append(
                Hit(
                    field=name,
                    word_pk=word.pk,
                    pattern=word.pattern,
                    action=word.action,
                    matched=tuple(matched),
                    excerpt=_excerpt(text, where[spans[0][0]]),
                )
            )
    return screening


def check(
    texts: dict[str, str], *, author=None, content_kind: str, labels: dict[str, str] | None = None
) -> Screening:
    """``screen``, refusing blocked words (a ``ValidationError`` by field, naming them)."""
    screening = screen(texts, author=author, content_kind=content_kind)
    screening.raise_if_blocked(labels or dict.fromkeys(texts, content_kind))
    return screening


def _excerpt(text: str, at: int) -> str:
    start = max(0, at - 100)
    excerpt = text[start : start + EXCERPT]
    if start:
        excerpt = "…" + excerpt[1:]
    if start + EXCERPT < len(text):
        excerpt = excerpt[:-1] + "…"
    return excerpt


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _listed(words: list[str]) -> str:
    quoted = [f"“{word}”" for word in words]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


# --- new community accounts: links and mentions ---------------------------------------------


def is_limited(author) -> bool:
    """New community members (no organisation, joined recently) while they settle in;
    staff and moderators never."""
    if author is None or author.is_staff or author.is_superuser:
        return False
    return is_new_member(author)


def check_new_account_limits(text: str, *, author, field_name: str = "body") -> None:
    """Refuse more links or @mentions than a new community member may put in one text."""
    if not text or not is_limited(author):
        return
    links = getattr(settings, "SAFETY_NEW_MEMBER_LINKS", 2)
    mentions = getattr(settings, "SAFETY_NEW_MEMBER_MENTIONS", 3)
    found_links = len(_LINK.findall(text))
    found_mentions = len({name.casefold() for name in _MENTION.findall(text)})
    errors = []
    if found_links > links:
        errors.append(
            f"New members can include up to {_count(links, 'link')} a post while they settle "
            f"in, to keep spam out; this has {found_links}. Please take some out."
        )
    if found_mentions > mentions:
        errors.append(
            f"New members can mention up to {_count(mentions, 'person', 'people')} a post "
            f"while they settle in, so nobody is called on by someone they do not know yet; "
            f"this mentions {found_mentions}. Please take some out."
        )
    if errors:
        raise ValidationError({field_name: errors})


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
