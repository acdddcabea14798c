"""Each group's own board (PRODUCT.md: boards "one per group"), made with the group.

A new group's board has its name and its audience: a staff group's discussion is open to
staff, a members-only group's to its members. The board is never wider than its group:
when a group's audience narrows, its board's narrows with it (and the triggers of
``forums/migrations/0007`` carry the change to every post). An administrator may narrow a
board further (to the group's members, say); widening one is for them alone, in the admin,
so an organiser who opens a group up never opens its past discussion with it.
"""

from __future__ import annotations

from django.db.models.signals import post_save

from groups.models import Group
from sociable.audience import Audience, narrower

from .models import RESERVED_SLUGS, Board

# Where groups' boards come in the list of boards: after the site's own.
GROUP_BOARDS_AFTER = 1000


def board_for(group: Group) -> Board:
    """``group``'s board, made if it has none, and narrowed to the group's audience."""
    board = Board.objects.filter(group=group).first()
    if board is None:
        return Board.objects.create(
            group=group,
            name=group.name[:120],
            slug=_free_slug(group.slug),
            description=f"Between meetings of {group.name}: questions, notes and photos."[:300],
            audience=group.audience,
            audience_organisation_id=group.audience_organisation_id,
            position=GROUP_BOARDS_AFTER,
        )
    audience = narrower(board.audience, group.audience)
    if audience != board.audience:
        board.audience = audience
        board.audience_organisation_id = (
            group.audience_organisation_id if audience == Audience.ORGANISATION else None
        )
        board.save(update_fields=["audience", "audience_organisation"])
    return board


def _free_slug(slug: str) -> str:
    """``slug``, or the next free one: not another board's, nor a forums page's ("search")."""
    taken = set(Board.objects.filter(slug__startswith=slug).values_list("slug", flat=True))
    taken |= set(RESERVED_SLUGS)
    found, n = slug, 1
    while found in taken:
        n += 1
        found = f"{slug}-{n}"
    return found


def _group_saved(sender, instance: Group, raw: bool = False, **kwargs) -> None:
    if not raw:  # not while fixtures load
        board_for(instance)


def connect() -> None:
    post_save.connect(_group_saved, sender=Group, dispatch_uid="forums_group_board")
