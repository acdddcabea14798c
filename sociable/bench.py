"""What `make bench` needs from the site, switched on only by SOCIABLE_BENCH=1 (bench/README.md).

- ``QueryCountMiddleware`` adds an ``X-Sociable-Queries`` header: how many SQL queries the
  request ran, counting the session and user loads of the middleware below it; and an
  ``X-Sociable-Cache-Queries`` header: how many of them read or wrote the shared pages'
  cache in its database table (a deployment without Redis: with Redis they are none).
- ``ceiling`` is the bare Django view every page is compared with: the same middleware, the
  same login state (it asks whether you are signed in, so a session is loaded as on every
  real page), and nothing else.

sociable/settings/prod.py adds the middleware and sociable/urls.py the view only when the
variable is set; without it, neither exists.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

QUERIES_HEADER = "X-Sociable-Queries"
CACHE_QUERIES_HEADER = "X-Sociable-Cache-Queries"
CEILING_PATH = "_bench/ceiling/"


class QueryCountMiddleware:
    """Count the SQL queries of each request; put the number in a response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = cached = 0
        table = _pages_cache_table()

        def counting(execute, sql, params, many, context):
            nonlocal count, cached
            count += 1
            cached += bool(table and table in sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            response = self.get_response(request)
        response[QUERIES_HEADER] = str(count)
        response[CACHE_QUERIES_HEADER] = str(cached)
        return response


def _pages_cache_table() -> str:
    """The quoted table of the pages' cache when it is kept in the database, or ""."""
    cache = settings.CACHES["pages"]
    return f'"{cache["LOCATION"]}"' if cache["BACKEND"].endswith("DatabaseCache") else ""


@login_not_required
@never_cache
@require_GET
def ceiling(request: HttpRequest) -> HttpResponse:
    """The fastest page the stack can serve in this login state."""
    signed_in = "yes" if request.user.is_authenticated else "no"
    return HttpResponse(f"ceiling; signed in: {signed_in}\n", content_type="text/plain")
