"""The addresses on a thread page, for each post and its author."""

from __future__ import annotations

from collections.abc import Callable

from sociable.links import by_pk, reverse

POST_LINKS = {
    "permalink": "forums:post-permalink",
    "react": "forums:post-react",
    "report": "forums:post-report",
    "edit": "forums:post-edit",
    "delete": "forums:post-delete",
    "moderate": "forums:moderate-post",
}


def post_links() -> Callable[[object], dict[str, str]]:
    """A page's post addresses: ``post_links()(post)``, each name resolved once a page."""
    addresses = {key: by_pk(name) for key, name in POST_LINKS.items()}
    return lambda post: {key: address(post.pk) for key, address in addresses.items()}


def profile_link(username: str) -> str:
    return reverse("profiles:profile-detail", args=[username])
