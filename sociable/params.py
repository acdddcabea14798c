"""Read what a query or form parameter names, whatever was typed into it."""

from __future__ import annotations

# The largest id a bigint (Django's BigAutoField) holds.
LARGEST_ID = 2**63 - 1


def row_id(value: str | None) -> int | None:
    """Return the id a parameter gives (``?to=12``), or None when it gives none: empty,
    not a whole number in ASCII digits, or past any id."""
    if not value or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if number <= LARGEST_ID else None
