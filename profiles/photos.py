"""Check a profile photo upload and turn it into a clean, square JPEG.

Other apps reuse the checks and clean-up for their own images: each check takes an
ImageKind, which names the upload in error messages and sets its smallest size, and
defaults to the profile photo's.

The type is decided by what Pillow finds in the bytes, never by the file name or the
content type the browser declared. Only JPEG, PNG and WebP are decoded; a few other
image formats are recognised by their header alone, to give the right error code.

The output is re-encoded from pixels only, so nothing from the upload survives except
the picture: no EXIF (so no GPS or camera serial), no ICC profile, no comments, and no
bytes appended after the image (the "polyglot" trick of hiding a script in a photo).
"""

import struct
from dataclasses import dataclass
from io import BytesIO
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from sociable.uploads import describe_bytes

PHOTO_HELP_TEXT = "A JPEG, PNG or WebP image, at most 5 MB. We crop it to a square."

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MIN_SIDE = 100
MAX_SIDE = 8000
OUTPUT_SIDE = 512
JPEG_QUALITY = 85
WHITE = (255, 255, 255)

# Pillow format names we accept. Pillow reports some camera JPEGs as MPO.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPTED_DETECTED = frozenset({"JPEG", "MPO", "PNG", "WEBP"})
# Formats Pillow can decode at a reduced scale (``Image.draft``).
DRAFTABLE_FORMATS = frozenset({"JPEG", "MPO"})
# Formats only identified (header parsed, never decoded) to tell "wrong format" from
# "not an image". Each has a distinctive signature, so text files never match them.
OTHER_IMAGE_FORMATS = ("GIF", "BMP", "TIFF", "ICO", "JPEG2000", "PSD", "AVIF", "QOI")

# What Pillow raises on malformed input while parsing or decoding.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)

# Error messages, worded for the kind of upload: "{noun}" is "photo" or "image".
TYPE_MESSAGE = "The {noun} must be a JPEG, PNG or WebP file"
EMPTY_MESSAGE = "The selected {noun} is empty"
TOO_BIG_MESSAGE = "The {noun} must be smaller than {limit}"
UNREADABLE_MESSAGE = "The {noun} could not be opened: it may be damaged or incomplete"
TOO_SMALL_MESSAGE = "The {noun} must be at least {smallest}"
TOO_LARGE_MESSAGE = f"The {{noun}} is too large: it must be at most {MAX_SIDE} pixels wide and high"
# A JPEG is decoded at a fraction of its size (``decode``); PNG and WebP only whole, which
# for a 7,999-pixel square took 5 s and 200 MB whatever the file's size. Their pixel count is
# read from the header and held to this before a pixel is decoded (under a second).
MAX_DECODED_PIXELS = 4096 * 3072
TOO_MANY_PIXELS_MESSAGE = (
    "The {noun} is too large: a PNG or WebP {noun} must be at most 12 megapixels (for example "
    "4096 by 3072 pixels). Save it as a JPEG, or as a smaller picture"
)


@dataclass(frozen=True)
class ImageKind:
    """What an upload is called in error messages, and the smallest size it may have."""

    noun: str
    min_width: int
    min_height: int

    def smallest(self) -> str:
        """Describe the smallest size, e.g. "100 pixels wide and high"."""
        if self.min_width == self.min_height:
            return f"{self.min_width} pixels wide and high"
        return f"{self.min_width} pixels wide and {self.min_height} pixels high"

    def error(self, message: str, code: str, **values: str) -> ValidationError:
        """Return a ValidationError with the message worded for this kind of upload."""
        text = message.format(noun=self.noun, smallest=self.smallest(), **values)
        return ValidationError(text, code=code)


PROFILE_PHOTO = ImageKind(noun="photo", min_width=MIN_SIDE, min_height=MIN_SIDE)


class Upload(Protocol):
    """A Django UploadedFile, or any binary file-like that knows its size."""

    size: int | None

    def read(self, size: int = -1, /) -> bytes: ...

    def seek(self, offset: int, whence: int = 0, /) -> int: ...


def max_photo_bytes() -> int:
    """Return the upload limit in bytes, read from settings at call time."""
    return int(getattr(settings, "PROFILE_PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


def too_big(limit: int, kind: ImageKind) -> ValidationError:
    """Return the error for a file over the byte limit."""
    return kind.error(TOO_BIG_MESSAGE, "file_too_big", limit=describe_bytes(limit))


def read_upload(upload: Upload, limit: int, kind: ImageKind = PROFILE_PHOTO) -> bytes:
    """Read the upload, refusing it if it is empty or over the byte limit.

    The declared size is checked first, then the bytes actually read, so a file-like
    that misreports its size cannot get more than limit + 1 bytes into memory.
    """
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise too_big(limit, kind)
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if not data:
        raise kind.error(EMPTY_MESSAGE, "empty")
    if len(data) > limit:
        raise too_big(limit, kind)
    return data


def is_other_image(data: bytes) -> bool:
    """Tell whether the bytes carry the header of an image format we do not accept."""
    try:
        with Image.open(BytesIO(data), formats=OTHER_IMAGE_FORMATS):
            return True
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return True
    except DECODE_ERRORS:
        return False


def open_photo(data: bytes, kind: ImageKind = PROFILE_PHOTO) -> Image.Image:
    """Identify the bytes as a JPEG, PNG or WebP image, reading its header only."""
    try:
        image = Image.open(BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise kind.error(TOO_LARGE_MESSAGE, "too_large") from error
    except UnidentifiedImageError as error:
        code = "unsupported_format" if is_other_image(data) else "not_an_image"
        raise kind.error(TYPE_MESSAGE, code) from error
    except DECODE_ERRORS as error:
        raise kind.error(UNREADABLE_MESSAGE, "unreadable") from error
    if image.format not in ACCEPTED_DETECTED:
        raise kind.error(TYPE_MESSAGE, "unsupported_format")
    return image


def check_dimensions(
    width: int, height: int, image_format: str, kind: ImageKind = PROFILE_PHOTO
) -> None:
    """Refuse a picture that is too small to see or too large to process safely.

    Checked on the size the header declares, before any pixel is decoded.
    """
    check_not_too_small(width, height, kind)
    check_not_too_large(width, height, image_format, kind)


def check_not_too_small(width: int, height: int, kind: ImageKind = PROFILE_PHOTO) -> None:
    """Refuse a picture narrower or lower than the kind's smallest size."""
    if width < kind.min_width or height < kind.min_height:
        raise kind.error(TOO_SMALL_MESSAGE, "too_small")


def check_not_too_large(
    width: int, height: int, image_format: str, kind: ImageKind = PROFILE_PHOTO
) -> None:
    """Refuse a picture too large to decode safely, whichever way up it is.

    The side limit caps a JPEG at 64 million pixels, decoded at an eighth of each side at
    most; formats decoded whole are held to MAX_DECODED_PIXELS.
    """
    if width > MAX_SIDE or height > MAX_SIDE:
        raise kind.error(TOO_LARGE_MESSAGE, "too_large")
    if image_format not in DRAFTABLE_FORMATS and width * height > MAX_DECODED_PIXELS:
        raise kind.error(TOO_MANY_PIXELS_MESSAGE, "too_large")


def decode(
    image: Image.Image,
    kind: ImageKind = PROFILE_PHOTO,
    draft_size: tuple[int, int] = (OUTPUT_SIDE, OUTPUT_SIDE),
) -> Image.Image:
    """Decode the pixels and turn them the way the camera's EXIF orientation says.

    A large JPEG is decoded at a reduced scale (1/2 to 1/8) that still covers draft_size
    (as stored, before turning), which keeps memory and time low.
    """
    if image.format in DRAFTABLE_FORMATS:
        image.draft("RGB", draft_size)
    try:
        image.load()
        return ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise kind.error(TOO_LARGE_MESSAGE, "too_large") from error
    except DECODE_ERRORS as error:
        raise kind.error(UNREADABLE_MESSAGE, "unreadable") from error


def has_transparency(image: Image.Image) -> bool:
    """Tell whether the image has an alpha channel or a transparent palette colour."""
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def to_rgb(image: Image.Image) -> Image.Image:
    """Convert any mode to RGB, flattening transparency onto white."""
    if image.mode.startswith("I"):
        # 16- and 32-bit greyscale: scale to 8 bits rather than clipping to white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if has_transparency(image):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (*WHITE, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def square(image: Image.Image) -> Image.Image:
    """Crop the centre square and shrink it to at most OUTPUT_SIDE pixels a side.

    A large picture is first shrunk by a whole factor with a box filter (cheap), keeping at
    least twice the output size for the final, finer resampling.
    """
    factor = min(image.width, image.height) // (2 * OUTPUT_SIDE)
    if factor > 1:
        image = image.reduce(factor)
    side = min(OUTPUT_SIDE, image.width, image.height)
    return ImageOps.fit(image, (side, side), method=Image.Resampling.LANCZOS)


def strip_metadata(image: Image.Image) -> Image.Image:
    """Return a copy made from the pixels alone, with no EXIF, ICC or other info."""
    return Image.frombytes(image.mode, image.size, image.tobytes())


def encode_jpeg(image: Image.Image) -> bytes:
    """Encode as a progressive JPEG with no metadata."""
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
    return buffer.getvalue()


def process_photo(upload: Upload) -> ContentFile:
    """Validate an uploaded profile photo and return it as a clean square JPEG.

    Raises ValidationError with a message fit to show next to the form field.
    """
    data = read_upload(upload, max_photo_bytes())
    with open_photo(data) as image:
        check_dimensions(image.width, image.height, image.format)
        upright = decode(image)
    clean = strip_metadata(square(to_rgb(upright)))
    return ContentFile(encode_jpeg(clean), name="photo.jpg")
