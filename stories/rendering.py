"""A story's body with its images in place.

The body's HTML is stored sanitised (``sociable.markdown``); a line ``[image 2]`` in the
text becomes, on the page, image 2 of the story as a ``<figure>`` with its description and
caption and a ``srcset`` of the widths it is kept at. Images the text does not place follow
it. The figure is written here from the image's own fields, each escaped.
"""

from __future__ import annotations

import re

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .models import Image

_PLACED = re.compile(r"<p>\[image (\d{1,2})\]</p>", re.IGNORECASE)
# The column's width on a wide screen (two thirds of the page), and the whole width on a phone.
SIZES = "(min-width: 641px) 640px, 100vw"
SHOWN_WIDTH = 960  # the ``src`` for browsers without srcset


def figure(image: Image, site: str = "") -> SafeString:
    """``image`` as a ``<figure>``; its addresses start with ``site`` (a feed's, which is
    read away from the site, are whole)."""
    srcset = ", ".join(f"{site}{image.url(w)} {w}w" for w in image.widths)
    src_width = max([w for w in image.widths if w <= SHOWN_WIDTH] or image.widths[:1])
    height = round(image.height * src_width / image.width)
    caption = format_html("<figcaption>{}</figcaption>", image.caption) if image.caption else ""
    return format_html(
        '<figure class="sociable-figure" id="image-{}"><img src="{}" srcset="{}" sizes="{}" '
        'width="{}" height="{}" alt="{}" loading="lazy" decoding="async">{}</figure>',
        image.number, site + image.url(src_width), srcset, SIZES, src_width, height,
        image.alt, caption,
    )  # fmt: skip


def body_with_images(
    body_html: str, images: list[Image], site: str = ""
) -> tuple[SafeString, list[Image]]:
    """The body with each placed image in place, and the images it does not place."""
    by_number = {image.number: image for image in images}
    placed: set[int] = set()

    def place(match: re.Match) -> str:
        image = by_number.get(int(match.group(1)))
        if image is None:
            return ""  # an image since removed: nothing where it was
        placed.add(image.number)
        return figure(image, site)

    html = _PLACED.sub(place, body_html)
    return mark_safe(html), [image for image in images if image.number not in placed]  # noqa: S308 (sanitised body, escaped figures)
