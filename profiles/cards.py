"""People's cards, each rendered once for everyone with one audience key and shared.

What a card shows of a person depends only on who they are and the viewer's audience key
(``audience.audience_key``): the public, the community, or one organisation's staff. So a
card is a shared part of a page (``profiles.parts.card``), kept under that key and the
person, and gone at the next change of content as every shared part is. A person's own
card is never kept or served from the cache: they see all of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from . import parts


@dataclass(frozen=True)
class Card:
    """One person's card as the viewer may see it: its HTML and the parts of their profile
    (``visibility.GROUPS``) it may show."""

    html: str
    groups: frozenset[str]


def shared_cards(request: HttpRequest, pks) -> dict[int, Card]:
    """The cards of those of the profiles ``pks`` that the viewer may find, by pk.

    Kept cards come in one round trip to the cache. The others come from one query
    (``selectors.card_people``, asked once whatever number are missing) and are kept,
    including the answer that the viewer's audience may not find someone, until content
    changes.
    """
    pks = list(dict.fromkeys(pks))
    found = parts.card.many(request, [((pk,), {}) for pk in pks])
    return {
        pk: Card(part.html, part.facts["groups"])
        for pk, part in zip(pks, found, strict=True)
        if part.facts["groups"]
    }
