"""Markdown written by people, rendered once on save and sanitised by an allow-list.

CommonMark (markdown-it-py) with raw HTML switched off, then nh3 (ammonia)
keeps only the tags below. Links get rel="nofollow ugc noopener". The result
is safe to mark as safe in a template; store it beside the source text.
"""

from functools import cache

import nh3
from markdown_it import MarkdownIt

from .text import strip_invisible

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h2", "h3", "h4", "h5", "h6", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")


def render_markdown(text: str) -> str:
    """Return sanitised HTML for ``text`` (CommonMark), without control characters."""
    html = _parser().render(strip_invisible(text or ""))
    # Headings start at h2: the page's own h1 is the only one.
    for level in range(5, 0, -1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(
            f"</h{level}>", f"</h{level + 1}>"
        )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
    )
