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
