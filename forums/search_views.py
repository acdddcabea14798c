"""Search the discussions (``/forums/search/?q=``): what a person may read, and nothing else."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from sociable.db import reads_from_replica
from sociable.paging import FoundPaginator

from . import search as forum_search


@login_not_required
@require_GET
@reads_from_replica
def search(request: HttpRequest) -> HttpResponse:
    q = forum_search.clean_query(request.GET.get("q"))
    page = None
    if q:
        results = forum_search.search_posts(request.viewer, q)
        paginator = FoundPaginator(results, forum_search.RESULTS_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        for post in page:
            post.snippet = forum_search.snippet(post.headline)
    return render(
        request,
        "forums/search.html",
        {
            "q": q,
            "page": page,
            "query_string": urlencode({"q": q}) if q else "",
        },
    )
