"""The addresses on a thread page, for each post and its author."""

from __future__ import annotations

from sociable.links import reverse

POST_LINKS = {
    "permalink": "forums:post-permalink",
    "react": "forums:post-react",
    "report": "forums:post-report",
    "edit": "forums:post-edit",
    "delete": "forums:post-delete",
    "moderate": "forums:moderate-post",
}


def post_links(post) -> dict[str, str]:
    return {key: reverse(name, args=[post.pk]) for key, name in POST_LINKS.items()}


def profile_link(username: str) -> str:
    return reverse("profiles:profile-detail", args=[username])
