"""Which passwords people may choose (settings: AUTH_PASSWORD_VALIDATORS).

Length alone let through ``aaaaaaaaaaaa`` and ``Kirkfield2026``. zxcvbn estimates how many
guesses a password would take, knowing keyboard patterns, repeats, dates, common words and
names, and what the person and this site are called, as the NCSC's guidance and GOV.UK
services do; Django's own validators still check the length, similarity to the person's
details and the common-password list. The demo's published password is never accepted: the
seeded demo accounts are given it directly (sociable/demo.py), never through a form.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import backends as auth_backends
from django.core.exceptions import PermissionDenied, ValidationError
from zxcvbn import zxcvbn

from sociable.demo_credentials import DEMO_PASSWORD

# zxcvbn's scores: 3 is "safely unguessable" (about 10^8 guesses), enough against an online
# attack and a slow hash offline.
MIN_SCORE = 3
# Only the start of a long password matters to the estimate, and zxcvbn's time grows with
# length: a pasted book must not cost seconds.
ESTIMATE_CHARACTERS = 100
# Letters a password must have beyond the person's own details and the site's words.
MIN_OWN_LETTERS = 6
# Words anyone would try first against this site's accounts.
SITE_WORDS = ["sociable", "kirkfield", "council", "nhs", "trust", "partnership", "owls"]


def personal_words(user) -> list[str]:
    """The words of ``user``'s own details a guesser would try: name, email, username."""
    words: list[str] = []
    for value in (getattr(user, "name", ""), getattr(user, "username", "")):
        if value:
            words.append(value)
            words.extend(re.split(r"[\s._-]+", value))
    email = getattr(user, "email", "") or ""
    if "@" in email:
        local, domain = email.lower().split("@", 1)
        words.extend([local, *re.split(r"[._+-]+", local), *domain.split(".")])
    return [word for word in words if len(word) > 2]


def own_letters(password: str, words: list[str]) -> str:
    """The letters of ``password`` left once ``words`` are taken out of it."""
    rest = password.lower()
    for word in sorted({w.lower() for w in words}, key=len, reverse=True):
        rest = rest.replace(word, "")
    return "".join(character for character in rest if character.isalpha())


class StrengthValidator:
    """Refuse passwords zxcvbn expects to be guessed in fewer than about 10^8 tries, and
    passwords made mostly of the person's own name, address or this site's words.
    """

    def validate(self, password: str, user=None) -> None:
        words = [*personal_words(user), *SITE_WORDS]  # the person's own are tried first
        result = zxcvbn(password[:ESTIMATE_CHARACTERS], user_inputs=words)
        # zxcvbn guesses "okafor-amara-1978" as random letters between the names: the
        # names, a year and punctuation are no password, whatever the estimate says.
        mostly_known = len(own_letters(password, words)) < MIN_OWN_LETTERS
        if result["score"] >= MIN_SCORE and not mostly_known:
            return
        feedback = result["feedback"]
        reasons = [feedback["warning"]] if feedback["warning"] else []
        if mostly_known:
            reasons = ["It is mostly your name, your email address or this site's name."]
        advice = " ".join([*reasons, *feedback["suggestions"][:1]])
        raise ValidationError(
            f"Choose a password that is harder to guess. {advice}".strip(),
            code="password_too_guessable",
        )

    def get_help_text(self) -> str:
        return "Your password must be hard to guess: a few unrelated words work well."


class NotTheDemoPasswordValidator:
    """Refuse the demo's password, which is published in the README."""

    def validate(self, password: str, user=None) -> None:
        if password.strip().lower() == DEMO_PASSWORD:
            raise ValidationError(
                "This password is published in Sociable's instructions. Choose your own.",
                code="password_published",
            )

    def get_help_text(self) -> str:
        return "Your password cannot be the demo's published password."


class ModelBackend(auth_backends.ModelBackend):
    """Django's backend, refusing any sign-in with the demo's password where the settings
    say so (production).

    First in AUTHENTICATION_BACKENDS: raising PermissionDenied stops Django trying the
    others, so even demo accounts loaded into a production database by mistake stay shut.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if password == DEMO_PASSWORD and settings.SOCIABLE_REFUSE_DEMO_PASSWORD:
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)
