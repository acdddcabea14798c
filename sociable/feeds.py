"""The Atom feeds' writer, shared by every app that has a feed."""

from __future__ import annotations

from typing import Any

from django.utils.feedgenerator import Atom1Feed

from .text import strip_invisible


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return strip_invisible(value)
    if isinstance(value, list | tuple):
        return type(value)(_clean(item) for item in value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


class AtomWithContent(Atom1Feed):
    """Atom with each entry's full (sanitised) HTML in ``<content>``.

    Every value is stripped of the characters XML 1.0 cannot hold (``sociable.text``)
    before it is written, whatever is stored: one such character in one event's title
    otherwise fails the whole feed for every reader (Django refuses to write it).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*_clean(args), **_clean(kwargs))

    def add_item(self, *args, **kwargs) -> None:
        super().add_item(*_clean(args), **_clean(kwargs))

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})
