"""Check an image uploaded for a story and turn it into clean JPEGs of a few widths.

The checks are profiles.photos's: the type read from the bytes alone, the limits on
size, and the care with image bombs. An accepted image is turned upright, flattened onto
white and shrunk, whole and keeping its shape, to each of WIDTHS it is at least as wide
as (or kept at its own width if it is narrower than all of them). Each rendition is
re-encoded from pixels only, so no EXIF (GPS, camera serial), ICC profile or bytes
appended after the image survive.
"""

from dataclasses import dataclass
from math import ceil

from django.conf import settings
from PIL import ExifTags, Image

from profiles.photos import (
    DECODE_ERRORS,
    DRAFTABLE_FORMATS,
    UNREADABLE_MESSAGE,
    ImageKind,
    Upload,
    check_not_too_large,
    check_not_too_small,
    decode,
    encode_jpeg,
    open_photo,
    read_upload,
    strip_metadata,
    to_rgb,
)

WIDTHS = (480, 960, 1600)
IMAGE_HELP_TEXT = "A JPEG, PNG or WebP image, at most 10 MB."

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
STORY_IMAGE = ImageKind(noun="image", min_width=200, min_height=100)
# EXIF orientations that turn the picture a quarter, swapping its width and height.
SIDEWAYS = frozenset({5, 6, 7, 8})


@dataclass(frozen=True)
class ProcessedImage:
    """A story image's renditions: JPEG bytes by width, ascending, and the largest's size."""

    width: int
    height: int
    renditions: dict[int, bytes]


def max_image_bytes() -> int:
    """Return the upload limit in bytes, read from settings at call time."""
    return int(getattr(settings, "STORY_IMAGE_MAX_BYTES", DEFAULT_MAX_BYTES))


def rendition_widths(width: int) -> list[int]:
    """Return the widths to make of a picture this wide, ascending, none wider than it."""
    return [each for each in WIDTHS if each <= width] or [width]


def draft_size(image: Image.Image) -> tuple[int, int]:
    """Return the size, as stored, that a JPEG needs decoding at to give every rendition.

    It covers the widest rendition once the picture is turned upright, and is never under
    the smallest size allowed, so a picture decoded at a reduced scale is not refused as
    too small. Only a JPEG's EXIF is read here: reading a PNG's may decode it.
    """
    if image.format not in DRAFTABLE_FORMATS:
        return image.size
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation)
    except DECODE_ERRORS as error:
        raise STORY_IMAGE.error(UNREADABLE_MESSAGE, "unreadable") from error
    upright_width = image.height if orientation in SIDEWAYS else image.width
    scale = max(rendition_widths(upright_width)) / upright_width
    floor = max(STORY_IMAGE.min_width, STORY_IMAGE.min_height)
    return max(ceil(image.width * scale), floor), max(ceil(image.height * scale), floor)


def shrink(picture: Image.Image, width: int) -> Image.Image:
    """Return the picture at the given width, keeping its shape, with no metadata."""
    if width != picture.width:
        height = max(1, round(picture.height * width / picture.width))
        picture = picture.resize((width, height), Image.Resampling.LANCZOS)
    return strip_metadata(picture)


def process_story_image(upload: Upload) -> ProcessedImage:
    """Validate an image uploaded for a story and return its renditions as clean JPEGs.

    Raises ValidationError with a message fit to show next to the form field.
    """
    data = read_upload(upload, max_image_bytes(), STORY_IMAGE)
    with open_photo(data, STORY_IMAGE) as image:
        check_not_too_large(image.width, image.height, image.format, STORY_IMAGE)
        upright = decode(image, STORY_IMAGE, draft_size(image))
    # The smallest width and height apply to the picture as seen, once turned upright.
    check_not_too_small(upright.width, upright.height, STORY_IMAGE)
    picture = to_rgb(upright)
    renditions = {width: shrink(picture, width) for width in rendition_widths(picture.width)}
    largest = renditions[max(renditions)]
    return ProcessedImage(
        width=largest.width,
        height=largest.height,
        renditions={width: encode_jpeg(image) for width, image in renditions.items()},
    )
