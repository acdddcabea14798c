"""The addresses on a thread page, built from each address's pattern.

A page of 50 posts links each post eight or more times; resolving the URLconf for every
link took about 30 ms a page. Each pattern is resolved once per process here, and a post's
links are filled in with its key (the same addresses ``reverse`` gives).
"""

from __future__ import annotations

from functools import cache
from urllib.parse import quote

from django.urls import reverse

_MARK = 987654321  # a number no real key is the same as, in any resolved pattern

POST_LINKS = {
    "permalink": "forums:post-permalink",
    "react": "forums:post-react",
    "report": "forums:post-report",
    "edit": "forums:post-edit",
    "delete": "forums:post-delete",
    "moderate": "forums:moderate-post",
}


@cache
def _pattern(name: str) -> tuple[str, str]:
    before, _, after = reverse(name, args=[_MARK]).partition(str(_MARK))
    return before, after


def _fill(name: str, key) -> str:
    before, after = _pattern(name)
    return f"{before}{quote(str(key), safe='')}{after}"


def post_links(post) -> dict[str, str]:
    return {link: _fill(name, post.pk) for link, name in POST_LINKS.items()}


def profile_link(username: str) -> str:
    return _fill("profiles:profile-detail", username)
