"""Paging a search: the page and how many it found, in one query."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import router
from django.db.models import Model

from .queries import fetch

# Past every page a search can have: Paginator's way (the last page) spares PostgreSQL an
# OFFSET it cannot hold (page=999999999999999999999 is past bigint).
LAST_PAGE_TO_READ = 100_000


class Total(int):
    """How many a search found, and whether that is all of them: ``capped`` when its
    candidates reached the search's bound, so that more may match than it ranked and
    counted (ADR 0005: the page says "1,000 or more", ``counted``). An int everywhere
    else, so a paginator's arithmetic and a template's comparisons read it as one."""

    capped: bool

    def __new__(cls, n: int = 0, capped: bool = False) -> Total:
        total = super().__new__(cls, n)
        total.capped = capped
        return total

    def __reduce__(self):  # kept with a shared part: the flag with it
        return (Total, (int(self), self.capped))


def counted(total: int) -> str:
    """A count as a page says it: "3", "1,234", or "1,000 or more" for a ``Total`` whose
    search stopped at its bound."""
    said = f"{total:,}"
    return f"{said} or more" if getattr(total, "capped", False) else said


def _page_number(number) -> int:
    try:
        return max(int(number), 1)
    except (TypeError, ValueError):
        return 1


class Found(ABC):
    """What a search found, ranked by one hand-written query (``sociable.queries.fetch``):
    ``page(start, stop)`` reads those results, best first, and how many there are (at most
    the search's bound: a ``Total``, which says whether the bound was reached), in one
    query. Subclasses write the query; each of its rows ends with whether the search's
    candidates reached its bound, then the count.

    Its SQL is the same text for every search of one shape (who is looking, which filters),
    so building it costs nothing like an ORM query's, and it is prepared (``rows``): the one
    search asks five of them on every page (docs/decisions/0019).
    """

    #: The most results any search of this kind finds (its candidates' bound).
    most: int = 1000
    #: The words searched for (nothing is found for none).
    q: str
    #: What it finds: the router says where it is read (a replica, in the views that read
    #: from one: sociable.db).
    model: type[Model]

    @abstractmethod
    def sql(self, start: int, stop: int) -> tuple[str, list]:
        """The query of results ``start`` to ``stop``, and its parameters."""

    @abstractmethod
    def make(self, row: tuple) -> Any:
        """The result one row of ``sql`` reads (its last two columns: whether the bound was
        reached, and the count)."""

    def page(self, start: int, stop: int) -> tuple[list[Any], Total]:
        """Results ``start`` to ``stop``, best first, and how many there are."""
        if not self.q or stop <= start:
            return [], Total(0)
        rows = self.rows(start, stop)
        total = Total(rows[0][-1], rows[0][-2]) if rows else Total(0)
        return [self.make(row) for row in rows], total

    def rows(self, start: int, stop: int) -> list[tuple]:
        """The rows of ``sql(start, stop)``, the query prepared: each search's SQL is a few
        texts (one per shape), and every branch of it reads an index with a bound written
        into the SQL, so one plan suits every word; it spares the 0.4-1.5 ms PostgreSQL
        took to plan each of them (ADR 0019, decision 8)."""
        using = router.db_for_read(self.model)
        return fetch(*self.sql(start, stop), prepare=True, using=using)

    def explain(self, start: int = 0, stop: int = 20) -> str:
        """PostgreSQL's plan of ``page(start, stop)``, as ``QuerySet.explain`` gives it."""
        sql, params = self.sql(start, stop)
        return "\n".join(row[0] for row in fetch(f"EXPLAIN {sql}", params))

    def __iter__(self) -> Iterator[Any]:
        """Every result, best first (for tests and tools: pages read ``page``)."""
        return iter(self.page(0, self.most)[0])

    def count(self) -> Total:
        return self.page(0, 1)[1]


class FoundPaginator(Paginator):
    """Pages of a ``Found``: each page and the count in one query, where PostgreSQL has
    found and ranked every match anyway (at most the search's bound), rather than by a
    second query finding them all again."""

    def get_page(self, number) -> Page:
        number = min(_page_number(number), LAST_PAGE_TO_READ)
        bottom = (number - 1) * self.per_page
        rows, total = self.object_list.page(bottom, bottom + self.per_page)
        if not rows and number > 1:  # past the last page: Paginator's way (the last page)
            _, total = self.object_list.page(0, 1)
            self.count = total
            number = self.num_pages
            bottom = (number - 1) * self.per_page
            rows, _ = self.object_list.page(bottom, bottom + self.per_page)
        self.count = total  # (a cached property of Paginator's)
        return self._get_page(rows, number, self)


class Stretch:
    """A page of a list read newest first without counting it: one row past the page says
    whether there is a next one. Counting every row an audience may see took longer than
    reading the page (the stories' list: 6 ms at S, a scan of the whole list at L), and a
    list you read from the top needs "older" more than "page 3 of 412"."""

    def __init__(self, queryset, number, per_page: int):
        self.number = min(_page_number(number), LAST_PAGE_TO_READ)
        bottom = (self.number - 1) * per_page
        rows = list(queryset[bottom : bottom + per_page + 1])
        self.object_list = rows[:per_page]
        self.has_next = len(rows) > per_page
        self.has_previous = self.number > 1
        self.next_page_number = self.number + 1
        self.previous_page_number = self.number - 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous
