"""Query budgets count a page's own reads on its first visit after content changed:
everything rendered afresh. The page cache is on in every test (sociable/settings/test.py);
its own round trips (one read a page, and writes on a miss: rows of ``sociable_cache`` with
the database cache, none with Redis) are the cache's, counted in tests/test_page_cache.py,
not the page's.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sociable.pagecache import content_changed

CACHE_TABLE = settings.CACHES["pages"]["LOCATION"]


def cold() -> None:
    """Make the next request render as the first since content changed: nothing kept is
    served, and no generation is missing."""
    content_changed()


def page_queries(captured: list[dict]) -> list[str]:
    """The SQL of ``captured`` queries that are the page's own, not the page cache's."""
    return [query["sql"] for query in captured if f'"{CACHE_TABLE}"' not in query["sql"]]


def cold_queries(client, url: str) -> int:
    """How many queries of its own a first visit to ``url`` after a change of content runs."""
    cold()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(page_queries(context.captured_queries))


@contextmanager
def page_budget(budget: int):
    """Fail when what runs inside makes more than ``budget`` queries of its own, cold."""
    cold()
    with CaptureQueriesContext(connection) as context:
        yield
    own = page_queries(context.captured_queries)
    assert len(own) <= budget, f"{len(own)} queries, over {budget}:\n\n" + "\n\n".join(own)
