"""Uploads are refused by what they declare, before they cost time, memory or disk."""

import socket
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from profiles.models import Profile
from tests.profiles.test_views import EDIT, form_data

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def png_bomb(width: int, height: int) -> bytes:
    """A valid PNG of ``width`` x ``height`` black pixels: tiny on disk, huge once decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + width * 3)  # filter byte, then RGB
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_refused_from_its_header_with_a_clear_message(
    client_as, staff_member
):
    bomb = png_bomb(7999, 7999)
    assert len(bomb) < 200 * 1024  # the 186 KB file that cost 5 s and 200 MB to accept

    response = client_as(staff_member).post(
        EDIT, form_data(photo=SimpleUploadedFile("me.png", bomb, content_type="image/png"))
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "a PNG or WebP photo must be at most 12 megapixels" in page
    assert 'value="Social worker"' in page, "keeps what was typed"
    assert not Profile.objects.filter(user=staff_member, job_title="Social worker").exists()


def test_a_body_over_the_limit_is_refused_with_a_clear_message_and_changes_nothing(
    client_as, staff_member
):
    photo = SimpleUploadedFile("me.jpg", b"\xff\xd8" + b"\0" * (12 * MB), content_type="image/jpeg")

    response = client_as(staff_member).post(EDIT, form_data(photo=photo), HTTP_REFERER=EDIT)

    assert response.status_code == 413
    page = response.content.decode()
    assert "What you sent is too large" in page
    assert "a profile photo or a group's image must be smaller than 5 MB" in page
    assert "an image in a story smaller than 10 MB" in page
    assert f'href="{EDIT}"' in page  # back to the form
    assert not Profile.objects.filter(user=staff_member, job_title="Social worker").exists()


def test_an_oversized_body_is_refused_before_it_is_sent(live_server):
    """The server answers as soon as it has the headers: 64 KB of a declared 50 MB is sent,
    and the refusal arrives without the rest (it never read the body)."""
    host, port = live_server.thread.host, live_server.thread.port
    with socket.create_connection((host, port), timeout=20) as connection:
        connection.sendall(
            b"POST /people/me/edit/ HTTP/1.1\r\n"
            + f"Host: {host}:{port}\r\n".encode()
            + b"Content-Type: multipart/form-data; boundary=x\r\n"
            + f"Content-Length: {50 * MB}\r\n\r\n".encode()
            + b"--x\r\n"
            + b"\0" * (64 * 1024)
        )
        answer = b""
        while b"</html>" not in answer:
            received = connection.recv(65536)
            assert received, f"the server closed the connection: {answer[:200]!r}"
            answer += received

    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"What you sent is too large" in answer


def test_every_page_tells_browsers_which_features_it_never_uses(client):
    policy = client.get("/").headers["Permissions-Policy"]

    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
