"""What the forums' tests make."""

from forums.models import Board


def group_board(group, **fields) -> Board:
    """The board made with ``group`` (forums/group_boards.py), as an administrator would
    change it (``fields``: a name, a slug, members only)."""
    board = Board.objects.get(group=group)
    for name, value in fields.items():
        setattr(board, name, value)
    board.save()
    return board


def board_shown_to(audience: str, *, group, organisation, name: str, slug: str) -> Board:
    """A board for ``audience`` (``organisation``'s, for one organisation): for a group's
    members, ``group``'s own board, renamed."""
    fields = {
        "name": name,
        "slug": slug,
        "audience": audience,
        "audience_organisation": organisation if audience == "organisation" else None,
    }
    if audience == "members":
        return group_board(group, **fields)
    return Board.objects.create(**fields)
