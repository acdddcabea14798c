"""Markdown written by people, rendered once on save and sanitised by an allow-list.

CommonMark (markdown-it-py) with raw HTML switched off, then nh3 (ammonia)
keeps only the tags below. Links get rel="nofollow ugc noopener". The result
is safe to mark as safe in a template; store it beside the source text.
"""

import re
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
# Markdown's marks, and a link's address (to its end, or to the extract's, which may cut
# it): what a plain-text extract of Markdown leaves out.
_MARKS = re.compile(r"[*_`#>~]+|\]\([^)\s]*\)?|\[")


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")


def render_markdown(text: str, *, outline: bool = False) -> str:
    """Return sanitised HTML for ``text`` (CommonMark), without control characters.

    The page's own h1 is its only one, so headings start at h2: each moves one level down
    (a post's "# Hello" is an h2), or, for a text with an ``outline`` of its own (a story),
    its highest heading becomes an h2 and the rest keep their places below it.
    """
    parser = _parser()
    tokens = parser.parse(strip_invisible(text or ""))
    headings = [token for token in tokens if token.type in ("heading_open", "heading_close")]
    shift = 1
    if outline and headings:
        shift = 2 - min(int(token.tag[1]) for token in headings)
    for token in headings:
        token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
    html = parser.renderer.render(tokens, parser.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
    )


def without_marks(text: str) -> str:
    """``text`` (Markdown, or a piece of it) as a plain-text extract shows it: without the
    marks of emphasis, code, headings and quotes, and a link as its words alone
    ("[the rota](https://…)" as "the rota"). Not for HTML: the extract is still escaped."""
    return _MARKS.sub("", text)
