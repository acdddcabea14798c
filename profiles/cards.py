"""People's cards, each rendered once for everyone with one audience key and shared.

What a card shows of a person depends only on who they are and the viewer's audience key
(``audience.audience_key``): the public, the community, or one organisation's staff. So a
card is a shared part of a page (``sociable.pagecache``, docs/decisions/0013), kept under
that key and the person, and gone at the next change of content as every shared part is.
A person's own card is never kept or served from the cache: they see all of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from sociable.audience import audience_key
from sociable.pagecache import Part, Wanted, render_part, shared_parts

from .models import Profile
from .selectors import card_people
from .visibility import view_profile

TEMPLATE = "profiles/partials/_profile_card.html"


@dataclass(frozen=True)
class Card:
    """One person's card as the viewer may see it: its HTML and the parts of their profile
    (``visibility.GROUPS``) it may show."""

    html: str
    groups: frozenset[str]


def shared_cards(request: HttpRequest, pks) -> dict[int, Card]:
    """The cards of those of the profiles ``pks`` that the viewer may find, by pk.

    Kept cards come in one round trip to the cache. The others come from one query
    (``card_people``, asked once whatever number are missing) and are kept, including the
    answer that the viewer's audience may not find someone, until content changes.
    """
    viewer = request.user
    pks = list(dict.fromkeys(pks))
    audience = audience_key(viewer)
    found: dict[int, Profile] | None = None

    def person(pk: int) -> Profile | None:
        nonlocal found
        if found is None:  # the first card not kept reads them all
            found = card_people(viewer, pks)
        return found.get(pk)

    def render(pk: int):
        def card() -> Part:
            profile = person(pk)
            if profile is None:  # not listed, or hidden from this audience
                return Part("", facts={"groups": frozenset()})
            view = view_profile(viewer, profile)
            return render_part(
                TEMPLATE, {"view": view}, owners={profile.user_id}, facts={"groups": view.groups}
            )

        return card

    parts = shared_parts(request, *(Wanted("card", audience, str(pk), render(pk)) for pk in pks))
    return {
        pk: Card(part.html, part.facts["groups"])
        for pk, part in zip(pks, parts, strict=True)
        if part.facts["groups"]
    }
