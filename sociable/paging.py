"""Paging a search: the page and how many it found, in one query."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window


class RankedPaginator(Paginator):
    """Pages of a search that ranks a bounded number of candidates (``sociable.queries.
    any_of``): the total is counted in the query that reads the page (``COUNT(*) OVER
    ()``), where PostgreSQL has found and ranked every match anyway, rather than by a
    second query finding them all again.

    Not for a list without such a bound: counting in the page's query would make it read
    every row, where a page alone reads a few.
    """

    # Past every page a search can have: Paginator's way (the last page) spares PostgreSQL
    # an OFFSET it cannot hold (page=999999999999999999999 is past bigint).
    LAST_PAGE_TO_READ = 100_000

    def get_page(self, number) -> Page:
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        if number > self.LAST_PAGE_TO_READ:
            return super().get_page(number)
        bottom = (number - 1) * self.per_page
        counted = self.object_list.annotate(paged_total=Window(Count("*")))
        rows = list(counted[bottom : bottom + self.per_page])
        if not rows:  # past the last page, or nothing found: Paginator's way (a count)
            return super().get_page(number)
        self.count = rows[0].paged_total  # (a cached property of Paginator's)
        return self._get_page(rows, number, self)
