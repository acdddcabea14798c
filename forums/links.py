"""The addresses on a thread page: a page of 50 posts links each post eight or more times,
so they are filled in from patterns resolved once (``sociable.links``)."""

from __future__ import annotations

from sociable.links import link

POST_LINKS = {
    "permalink": "forums:post-permalink",
    "react": "forums:post-react",
    "report": "forums:post-report",
    "edit": "forums:post-edit",
    "delete": "forums:post-delete",
    "moderate": "forums:moderate-post",
}


def post_links(post) -> dict[str, str]:
    return {key: link(name, post.pk) for key, name in POST_LINKS.items()}


def profile_link(username: str) -> str:
    return link("profiles:profile-detail", username)
