"""Profile photo uploads: what is refused, and what an accepted photo turns into."""

import os
import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from profiles.photos import PHOTO_HELP_TEXT, process_photo

RED = (220, 20, 20)
BLUE = (20, 20, 220)
GREEN = (20, 200, 20)

NOT_A_PHOTO = "The photo must be a JPEG, PNG or WebP file"
UNREADABLE = "The photo could not be opened: it may be damaged or incomplete"
TOO_SMALL = "The photo must be at least 100 pixels wide and high"
TOO_LARGE = "The photo is too large: it must be at most 8000 pixels wide and high"


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    """Encode an image in memory."""
    buffer = BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def solid(size: tuple[int, int] = (300, 200), colour=GREEN, mode: str = "RGB") -> Image.Image:
    """Make an image of one colour."""
    return Image.new(mode, size, colour)


def noise(size: tuple[int, int]) -> Image.Image:
    """Make an RGB image of random pixels, which compresses badly."""
    return Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    """Wrap bytes as Django wraps a file posted in a form."""
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg(image: Image.Image | None = None, **params) -> SimpleUploadedFile:
    """Upload an image as a JPEG."""
    return upload(encode(image or solid(), "JPEG", **params))


def png(image: Image.Image, **params) -> SimpleUploadedFile:
    """Upload an image as a PNG."""
    return upload(encode(image, "PNG", **params), name="photo.png", content_type="image/png")


def refusal(file) -> ValidationError:
    """Process a file that must be refused, and return the error."""
    with pytest.raises(ValidationError) as caught:
        process_photo(file)
    return caught.value


def result(file) -> tuple[Image.Image, bytes]:
    """Process a file that must be accepted, and reopen what came out."""
    content = process_photo(file)
    data = content.read()
    return Image.open(BytesIO(data)), data


def png_claiming_size(width: int, height: int) -> bytes:
    """Make a tiny PNG whose header claims the given size (a decompression bomb's trick)."""
    data = encode(solid((1, 1), 0, mode="L"), "PNG")
    chunk = b"IHDR" + struct.pack(">II", width, height) + data[24:29]
    return (
        data[:8] + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk)) + data[33:]
    )


def close_to(actual, expected, tolerance: int = 40) -> bool:
    """Tell whether two RGB colours match, allowing for JPEG's losses."""
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def test_the_help_text_names_the_formats_size_and_crop():
    assert PHOTO_HELP_TEXT == "A JPEG, PNG or WebP image, at most 5 MB. We crop it to a square."


def test_an_empty_file_is_refused():
    error = refusal(upload(b""))

    assert error.messages == ["The selected photo is empty"]
    assert error.code == "empty"


def test_a_file_over_5_mb_is_refused():
    error = refusal(upload(b"\xff" * (5 * 1024 * 1024 + 1)))

    assert error.messages == ["The photo must be smaller than 5 MB"]
    assert error.code == "file_too_big"


def test_a_file_of_exactly_5_mb_is_not_refused_for_its_size():
    error = refusal(upload(b"\xff" * (5 * 1024 * 1024)))

    assert error.code != "file_too_big"


def test_a_lower_limit_in_settings_refuses_a_smaller_photo(settings):
    settings.PROFILE_PHOTO_MAX_BYTES = 100 * 1024
    photo = png(noise((300, 300)))
    assert photo.size > 100 * 1024

    error = refusal(photo)

    assert error.messages == ["The photo must be smaller than 100 KB"]


def test_a_higher_limit_in_settings_accepts_a_bigger_photo(settings):
    settings.PROFILE_PHOTO_MAX_BYTES = 8 * 1024 * 1024
    photo = png(noise((1500, 1500)), compress_level=1)
    assert photo.size > 5 * 1024 * 1024

    image, _ = result(photo)

    assert image.size == (512, 512)


def test_a_file_that_lies_about_its_size_is_still_held_to_the_limit(settings):
    settings.PROFILE_PHOTO_MAX_BYTES = 1024 * 1024
    photo = upload(b"\xff" * (2 * 1024 * 1024))
    photo.size = 10

    error = refusal(photo)

    assert error.messages == ["The photo must be smaller than 1 MB"]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"<!DOCTYPE html><html><script>alert(1)</script></html>", id="html"),
        pytest.param(b"<?php system($_GET['cmd']); ?>", id="php"),
        pytest.param(
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="200" '
            b'height="200"><script>alert(1)</script><rect width="200" height="200"/></svg>',
            id="svg",
        ),
        pytest.param(os.urandom(4096), id="random-bytes"),
    ],
)
def test_a_file_that_is_not_an_image_but_is_named_jpg_is_refused(content):
    error = refusal(upload(content, name="photo.jpg", content_type="image/jpeg"))

    assert error.messages == [NOT_A_PHOTO]
    assert error.code == "not_an_image"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_an_image_in_another_format_is_refused_even_if_named_jpg(fmt):
    error = refusal(upload(encode(solid(), fmt), name="photo.jpg", content_type="image/jpeg"))

    assert error.messages == [NOT_A_PHOTO]
    assert error.code == "unsupported_format"


def test_a_truncated_jpeg_is_refused_as_damaged():
    data = encode(noise((300, 300)), "JPEG")

    error = refusal(upload(data[: len(data) // 2]))

    assert error.messages == [UNREADABLE]
    assert error.code == "unreadable"


def test_a_jpeg_cut_off_inside_its_header_is_refused():
    error = refusal(upload(encode(solid(), "JPEG")[:20]))

    assert error.messages == [NOT_A_PHOTO]


def test_the_type_comes_from_the_content_not_the_name_or_declared_type():
    photo = upload(encode(solid(), "PNG"), name="cat.gif", content_type="image/gif")

    image, _ = result(photo)

    assert image.format == "JPEG"


@pytest.mark.parametrize("size", [(99, 300), (300, 99), (50, 50)])
def test_a_photo_under_100_pixels_on_a_side_is_refused(size):
    error = refusal(png(solid(size)))

    assert error.messages == [TOO_SMALL]
    assert error.code == "too_small"


def test_a_photo_of_exactly_100_pixels_is_accepted():
    image, _ = result(png(solid((100, 100))))

    assert image.size == (100, 100)


@pytest.mark.parametrize("size", [(8001, 100), (100, 8001)])
def test_a_photo_over_8000_pixels_on_a_side_is_refused(size):
    error = refusal(png(solid(size, mode="L", colour=128)))

    assert error.messages == [TOO_LARGE]
    assert error.code == "too_large"


def test_a_header_claiming_huge_dimensions_is_refused_before_decoding():
    error = refusal(upload(png_claiming_size(9000, 9000), name="photo.png"))

    assert error.messages == [TOO_LARGE]


def test_a_decompression_bomb_is_refused_and_the_global_limit_is_untouched():
    limit = Image.MAX_IMAGE_PIXELS

    error = refusal(upload(png_claiming_size(50_000, 50_000), name="photo.png"))

    assert error.messages == [TOO_LARGE]
    assert Image.MAX_IMAGE_PIXELS == limit


def test_a_jpeg_with_exif_orientation_6_comes_out_upright():
    # Stored 300x200 with red on top; orientation 6 says "turn 90 degrees clockwise to
    # view", so upright the red half is on the right and the blue half on the left.
    stored = solid((300, 200), BLUE)
    stored.paste(RED, (0, 0, 300, 100))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6

    image, _ = result(jpeg(stored, exif=exif, quality=95))

    assert image.size == (200, 200)
    assert close_to(image.getpixel((20, 100)), BLUE)
    assert close_to(image.getpixel((180, 100)), RED)
    assert ExifTags.Base.Orientation not in image.getexif()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_photo_with_exif_gps_and_camera_details_loses_them(fmt):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Sociable Test Camera"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    original = encode(noise((300, 300)), fmt, exif=exif)
    assert Image.open(BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    image, data = result(upload(original))

    assert not image.getexif()
    assert b"Exif" not in data
    assert b"Sociable Test Camera" not in data
    assert "icc_profile" not in image.info


def test_bytes_hidden_after_the_image_do_not_survive():
    polyglot = encode(noise((200, 200)), "JPEG") + b"<?php system($_GET['cmd']); ?>"

    _, data = result(upload(polyglot))

    assert b"<?php" not in data


def test_a_transparent_png_comes_out_rgb_on_white():
    picture = solid((200, 200), (0, 0, 0, 0), mode="RGBA")
    picture.paste((*RED, 255), (50, 50, 150, 150))

    image, _ = result(png(picture))

    assert image.mode == "RGB"
    assert close_to(image.getpixel((5, 5)), (255, 255, 255), tolerance=5)
    assert close_to(image.getpixel((100, 100)), RED)


def test_a_palette_png_with_a_transparent_colour_comes_out_white_there():
    picture = solid((200, 200), (0, 0, 0, 0), mode="RGBA")
    picture.paste((*BLUE, 255), (50, 50, 150, 150))
    paletted = picture.convert("P", palette=Image.Palette.ADAPTIVE)
    paletted.info["transparency"] = paletted.getpixel((0, 0))

    image, _ = result(png(paletted, transparency=paletted.getpixel((0, 0))))

    assert close_to(image.getpixel((5, 5)), (255, 255, 255), tolerance=5)


def test_a_16_bit_greyscale_png_keeps_its_tone():
    image, _ = result(png(solid((200, 200), 32768, mode="I;16")))

    assert close_to(image.getpixel((100, 100)), (128, 128, 128), tolerance=5)


def test_a_3000_by_2000_photo_comes_out_a_512_pixel_progressive_jpeg():
    content = process_photo(jpeg(noise((3000, 2000))))
    image = Image.open(BytesIO(content.read()))

    assert content.name == "photo.jpg"
    assert image.format == "JPEG"
    assert image.size == (512, 512)
    assert image.mode == "RGB"
    assert image.info.get("progressive")


def test_the_centre_of_a_wide_photo_is_kept():
    picture = solid((3000, 1000), RED)
    picture.paste(BLUE, (1000, 0, 2000, 1000))

    image, _ = result(jpeg(picture))

    assert close_to(image.getpixel((10, 256)), BLUE)
    assert close_to(image.getpixel((500, 256)), BLUE)


def test_a_150_by_300_photo_comes_out_150_square_without_upscaling():
    image, _ = result(png(solid((150, 300))))

    assert image.size == (150, 150)


def test_a_webp_photo_is_accepted():
    photo = upload(encode(solid((640, 480)), "WEBP"), name="photo.webp")

    image, _ = result(photo)

    assert image.format == "JPEG"
    assert image.size == (480, 480)
