"""PostgreSQL's plan of a search's query, run (``EXPLAIN ANALYZE``), for tests of what a
search reads."""

from collections.abc import Iterator

from sociable.paging import Found
from sociable.queries import fetch


def analysed(found: Found, start: int = 0, stop: int = 20) -> dict:
    """The top node of the plan of ``found.page(start, stop)``'s query, as it ran."""
    sql, params = found.sql(start, stop)
    [(plan,)] = fetch(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
    return plan[0]["Plan"]


def nodes(node: dict) -> Iterator[dict]:
    """``node`` and every node below it."""
    yield node
    for child in node.get("Plans", []):
        yield from nodes(child)


def tables_counted_from(found: Found, stop: int = 20) -> set[str]:
    """The tables read below the count of what ``found`` found (its ``count(*) OVER ()``):
    none, when it ranks and counts what its branches found as they found it."""
    [counted] = [
        node for node in nodes(analysed(found, 0, stop)) if node["Node Type"] == "WindowAgg"
    ]
    return {node["Relation Name"] for node in nodes(counted) if "Relation Name" in node}
