"""Images in stories: what is refused, and the renditions an accepted image turns into."""

import os
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from PIL import ExifTags, Image

from stories.images import IMAGE_HELP_TEXT, WIDTHS, ProcessedImage, process_story_image
from tests.profiles.test_photos import (
    BLUE,
    RED,
    close_to,
    encode,
    noise,
    png,
    png_claiming_size,
    solid,
    upload,
)

MB = 1024 * 1024
NOT_AN_IMAGE = "The image must be a JPEG, PNG or WebP file"
UNREADABLE = "The image could not be opened: it may be damaged or incomplete"
TOO_SMALL = "The image must be at least 200 pixels wide and 100 pixels high"
TOO_LARGE = "The image is too large: it must be at most 8000 pixels wide and high"


def jpeg(image: Image.Image, **params):
    """Upload an image as a JPEG named photo.jpg."""
    return upload(encode(image, "JPEG", **params))


def refusal(file) -> ValidationError:
    """Process a file that must be refused, and return the error."""
    with pytest.raises(ValidationError) as caught:
        process_story_image(file)
    return caught.value


def opened(processed: ProcessedImage) -> dict[int, Image.Image]:
    """Reopen every rendition, by width."""
    return {width: Image.open(BytesIO(data)) for width, data in processed.renditions.items()}


def exif_turned(orientation: int) -> Image.Exif:
    """Make EXIF that tells a viewer how to turn the picture."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    return exif


def test_the_help_text_names_the_formats_and_size():
    assert IMAGE_HELP_TEXT == "A JPEG, PNG or WebP image, at most 10 MB."


def test_a_wide_jpeg_comes_out_as_progressive_jpegs_480_960_and_1600_wide():
    processed = process_story_image(jpeg(solid((3200, 1800))))

    images = opened(processed)
    assert WIDTHS == (480, 960, 1600)
    assert list(processed.renditions) == [480, 960, 1600]
    assert {width: image.size for width, image in images.items()} == {
        480: (480, 270),
        960: (960, 540),
        1600: (1600, 900),
    }
    assert all(image.format == "JPEG" and image.mode == "RGB" for image in images.values())
    assert all(image.info.get("progressive") for image in images.values())
    assert (processed.width, processed.height) == (1600, 900)


def test_the_whole_picture_is_kept_not_cropped():
    picture = solid((2000, 1000), BLUE)
    picture.paste(RED, (0, 0, 100, 1000))
    picture.paste(RED, (1900, 0, 2000, 1000))

    images = opened(process_story_image(jpeg(picture, quality=95)))

    for width, image in images.items():
        assert close_to(image.getpixel((2, image.height // 2)), RED), width
        assert close_to(image.getpixel((width - 3, image.height // 2)), RED), width
        assert close_to(image.getpixel((width // 2, image.height // 2)), BLUE), width


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        pytest.param(300, [300], id="narrower-than-480-kept-at-its-width"),
        pytest.param(479, [479], id="just-under-480"),
        pytest.param(480, [480], id="exactly-480"),
        pytest.param(1000, [480, 960], id="between-960-and-1600"),
        pytest.param(1600, [480, 960, 1600], id="exactly-1600"),
    ],
)
def test_no_rendition_is_wider_than_the_original(width, expected):
    processed = process_story_image(png(solid((width, 200))))

    assert list(processed.renditions) == expected
    assert processed.width == expected[-1]


def test_a_300_pixel_wide_image_gives_one_rendition_at_its_own_size():
    processed = process_story_image(jpeg(solid((300, 450))))

    assert [image.size for image in opened(processed).values()] == [(300, 450)]
    assert (processed.width, processed.height) == (300, 450)


def test_a_jpeg_with_exif_orientation_6_comes_out_upright_in_every_rendition():
    # Stored 4000 by 2000 with red on top; orientation 6 says "turn 90 degrees clockwise to
    # view", so upright it is 2000 by 4000 with red on the right and blue on the left.
    stored = solid((4000, 2000), BLUE)
    stored.paste(RED, (0, 0, 4000, 1000))

    processed = process_story_image(jpeg(stored, exif=exif_turned(6), quality=95))

    images = opened(processed)
    assert {width: image.size for width, image in images.items()} == {
        480: (480, 960),
        960: (960, 1920),
        1600: (1600, 3200),
    }
    for width, image in images.items():
        assert close_to(image.getpixel((10, image.height // 2)), BLUE), width
        assert close_to(image.getpixel((width - 10, image.height // 2)), RED), width
        assert ExifTags.Base.Orientation not in image.getexif()


def test_the_smallest_size_applies_to_the_image_as_seen_once_upright():
    # 150 by 300 as stored, 300 by 150 upright: wide enough.
    accepted = process_story_image(jpeg(solid((150, 300)), exif=exif_turned(6)))
    # 300 by 150 as stored, 150 by 300 upright: too narrow.
    error = refusal(jpeg(solid((300, 150)), exif=exif_turned(6)))

    assert (accepted.width, accepted.height) == (300, 150)
    assert error.messages == [TOO_SMALL]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_gps_and_camera_details_are_gone_from_every_rendition(fmt):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Sociable Test Camera"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    original = encode(noise((1000, 600)), fmt, exif=exif)
    assert Image.open(BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    processed = process_story_image(upload(original))

    assert list(processed.renditions) == [480, 960]
    for width, data in processed.renditions.items():
        image = Image.open(BytesIO(data))
        assert not image.getexif(), width
        assert b"Exif" not in data
        assert b"Sociable Test Camera" not in data
        assert "icc_profile" not in image.info


def test_bytes_hidden_after_a_valid_jpeg_do_not_survive():
    polyglot = encode(noise((600, 400)), "JPEG") + b"<html><script>alert(1)</script></html>"

    processed = process_story_image(upload(polyglot))

    assert list(processed.renditions) == [480]
    assert all(b"<script>" not in data for data in processed.renditions.values())
    assert all(data.endswith(b"\xff\xd9") for data in processed.renditions.values())


def test_a_transparent_png_is_flattened_on_white():
    picture = solid((1000, 500), (0, 0, 0, 0), mode="RGBA")
    picture.paste((*RED, 255), (250, 125, 750, 375))

    images = opened(process_story_image(png(picture)))

    for width, image in images.items():
        assert image.mode == "RGB"
        assert close_to(image.getpixel((3, 3)), (255, 255, 255), tolerance=5), width
        assert close_to(image.getpixel((width // 2, image.height // 2)), RED), width


def test_a_webp_image_is_accepted():
    processed = process_story_image(upload(encode(solid((640, 480)), "WEBP"), name="a.webp"))

    assert [image.size for image in opened(processed).values()] == [(480, 360)]


def test_a_jpeg_decoded_at_a_reduced_scale_is_not_refused_as_too_low():
    # A JPEG this wide is decoded at a fraction of its size; its 120-pixel height must not
    # shrink under the 100-pixel minimum on the way.
    processed = process_story_image(jpeg(solid((8000, 120))))

    assert list(processed.renditions) == [480, 960, 1600]
    assert (processed.width, processed.height) == (1600, 24)


def test_an_image_of_exactly_200_by_100_pixels_is_accepted():
    processed = process_story_image(png(solid((200, 100))))

    assert (processed.width, processed.height) == (200, 100)


def test_an_empty_file_is_refused():
    error = refusal(upload(b""))

    assert error.messages == ["The selected image is empty"]
    assert error.code == "empty"


def test_a_file_over_10_mb_is_refused():
    error = refusal(upload(b"\xff" * (10 * MB + 1)))

    assert error.messages == ["The image must be smaller than 10 MB"]
    assert error.code == "file_too_big"


def test_a_file_of_exactly_10_mb_is_not_refused_for_its_size():
    error = refusal(upload(b"\xff" * (10 * MB)))

    assert error.code != "file_too_big"


def test_the_limit_in_settings_is_read_when_the_image_is_processed(settings):
    image = png(noise((400, 300)))
    assert image.size > 100 * 1024
    settings.STORY_IMAGE_MAX_BYTES = 100 * 1024

    error = refusal(image)

    assert error.messages == ["The image must be smaller than 100 KB"]
    assert error.code == "file_too_big"


def test_a_file_that_lies_about_its_size_is_still_held_to_the_limit(settings):
    settings.STORY_IMAGE_MAX_BYTES = MB
    file = upload(b"\xff" * (2 * MB))
    file.size = 10

    error = refusal(file)

    assert error.messages == ["The image must be smaller than 1 MB"]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">'
            b'<script>alert(1)</script><rect width="400" height="300"/></svg>',
            id="svg",
        ),
        pytest.param(b"<html><body><script>alert(1)</script></body></html>", id="html"),
        pytest.param(os.urandom(4096), id="random-bytes"),
    ],
)
def test_a_file_that_is_not_an_image_but_is_named_jpg_is_refused(content):
    error = refusal(upload(content, name="photo.jpg", content_type="image/jpeg"))

    assert error.messages == [NOT_AN_IMAGE]
    assert error.code == "not_an_image"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_an_image_in_another_format_is_refused_even_if_named_jpg(fmt):
    error = refusal(upload(encode(solid((400, 300)), fmt)))

    assert error.messages == [NOT_AN_IMAGE]
    assert error.code == "unsupported_format"


def test_a_truncated_jpeg_is_refused_as_damaged():
    data = encode(noise((600, 400)), "JPEG")

    error = refusal(upload(data[: len(data) // 2]))

    assert error.messages == [UNREADABLE]
    assert error.code == "unreadable"


@pytest.mark.parametrize("size", [(199, 300), (300, 99), (50, 50)])
def test_an_image_under_200_pixels_wide_or_100_high_is_refused(size):
    error = refusal(png(solid(size)))

    assert error.messages == [TOO_SMALL]
    assert error.code == "too_small"


@pytest.mark.parametrize("size", [(8001, 200), (300, 8001)])
def test_an_image_over_8000_pixels_on_a_side_is_refused(size):
    error = refusal(png(solid(size, mode="L", colour=128)))

    assert error.messages == [TOO_LARGE]
    assert error.code == "too_large"


def test_a_header_claiming_huge_dimensions_is_refused_before_decoding():
    error = refusal(upload(png_claiming_size(9000, 9000), name="photo.png"))

    assert error.messages == [TOO_LARGE]
    assert error.code == "too_large"


def test_a_decompression_bomb_is_refused_and_the_global_limit_is_untouched():
    limit = Image.MAX_IMAGE_PIXELS

    error = refusal(upload(png_claiming_size(50_000, 50_000), name="photo.png"))

    assert error.messages == [TOO_LARGE]
    assert error.code == "too_large"
    assert Image.MAX_IMAGE_PIXELS == limit


def test_a_png_over_12_megapixels_is_refused_before_decoding():
    error = refusal(upload(png_claiming_size(4096, 3073), name="photo.png"))

    assert error.messages == [
        "The image is too large: a PNG or WebP image must be at most 12 megapixels (for "
        "example 4096 by 3072 pixels). Save it as a JPEG, or as a smaller picture"
    ]
    assert error.code == "too_large"
