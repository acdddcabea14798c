"""Images in a story, through its images page: an accepted image is kept at a few widths
and served to those who may read the story; anything refused is refused in words, with
nothing kept, no row and no file; a removed image takes its files with it. (What is
accepted and how it is turned into renditions: tests/stories/test_images.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client

from stories import services
from stories.models import Image
from tests.profiles.test_photos import encode, noise, png_claiming_size, solid, upload
from tests.stories.factories import write
from tests.stories.test_writing import error_beside

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Uploads go to a folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_in(media: Path) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def a_jpeg(size=(2000, 1000)):
    return upload(encode(noise(size), "JPEG", quality=80), name="harbour.jpg")


def send(client, story, **data):
    return client.post(f"/stories/{story.pk}/images/", data)


# --- accepted ----------------------------------------------------------------------------------


def test_an_image_is_kept_at_a_few_widths_and_served_to_its_readers(client_as, staff_member, media):
    story = write(staff_member)
    client = client_as(staff_member)

    response = send(
        client, story, image=a_jpeg(), alt="The harbour at dawn", caption="Where we met"
    )

    assert response.status_code == 302
    assert response["Location"] == f"/stories/{story.pk}/images/"
    image = Image.objects.get(story=story)
    assert (image.number, image.alt, image.caption) == (1, "The harbour at dawn", "Where we met")
    assert (image.width, image.height, image.widths) == (1600, 800, [480, 960, 1600])
    assert files_in(media) == sorted(image.file_name(w) for w in image.widths)
    served = Client().get(f"/stories/{story.pk}/images/1/960.jpg")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["Cache-Control"] == "private, max-age=3600"
    assert b"".join(served.streaming_content)[:3] == b"\xff\xd8\xff"
    assert Client().get(f"/stories/{story.pk}/images/1/1200.jpg").status_code == 404
    page = client.get(f"/stories/{story.pk}/images/").content.decode()
    assert "Image 1 is added." in page and "[image 1]" in page


def test_images_are_numbered_in_turn(staff_member):
    story = write(staff_member, publish=False)

    first = services.add_image(story=story, by=staff_member, upload=a_jpeg(), alt="One")
    second = services.add_image(story=story, by=staff_member, upload=a_jpeg(), alt="Two")

    assert (first.number, second.number) == (1, 2)


def test_an_image_is_served_only_to_people_who_may_read_its_story(
    client_as, staff_member, community_member, other_staff
):
    staff_story = write(staff_member, audience="staff")
    draft = write(staff_member, publish=False)
    for story in (staff_story, draft):
        services.add_image(story=story, by=staff_member, upload=a_jpeg(), alt="A chart")

    staff_url = f"/stories/{staff_story.pk}/images/1/480.jpg"
    draft_url = f"/stories/{draft.pk}/images/1/480.jpg"
    assert client_as(other_staff).get(staff_url).status_code == 200
    assert client_as(community_member).get(staff_url).status_code == 404
    assert Client().get(staff_url).status_code == 404
    assert client_as(staff_member).get(draft_url).status_code == 200
    assert client_as(other_staff).get(draft_url).status_code == 404


def test_image_n_in_the_text_places_the_figure_with_its_widths(client_as, staff_member):
    story = write(staff_member, body="Before the picture.\n\n[image 1]\n\nAfter the picture.")
    services.add_image(
        story=story, by=staff_member, upload=a_jpeg(), alt="The harbour", caption="At dawn"
    )

    page = Client().get(story.get_absolute_url()).content.decode()

    before, after = page.index("Before the picture."), page.index("After the picture.")
    figure = page.index('<figure class="sociable-figure" id="image-1">')
    assert before < figure < after
    base = f"/stories/{story.pk}/images/1"
    assert f'srcset="{base}/480.jpg 480w, {base}/960.jpg 960w, {base}/1600.jpg 1600w"' in page
    assert f'src="{base}/960.jpg"' in page and 'alt="The harbour"' in page
    assert "<figcaption>At dawn</figcaption>" in page
    assert "[image 1]" not in page


def test_an_image_the_text_does_not_place_follows_it(client_as, staff_member):
    story = write(staff_member, body="No picture placed here.")
    services.add_image(story=story, by=staff_member, upload=a_jpeg(), alt="A map")

    page = Client().get(story.get_absolute_url()).content.decode()

    assert page.index("No picture placed here.") < page.index('id="image-1"')


# --- refused -----------------------------------------------------------------------------------


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">'
    b'<script>alert(1)</script><rect width="400" height="300"/></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.mark.parametrize(
    ("file", "message"),
    [
        pytest.param(
            lambda: upload(
                encode(solid((400, 300)), "GIF"), name="a.gif", content_type="image/gif"
            ),
            "The image must be a JPEG, PNG or WebP file",
            id="gif",
        ),
        pytest.param(
            lambda: upload(b"%PDF-1.4 a document", name="a.pdf", content_type="application/pdf"),
            "The image must be a JPEG, PNG or WebP file",
            id="pdf",
        ),
        pytest.param(
            lambda: upload(SVG, name="picture.jpg"),
            "The image must be a JPEG, PNG or WebP file",
            id="svg-called-jpeg",
        ),
        pytest.param(
            lambda: upload(HTML, name="picture.png", content_type="image/png"),
            "The image must be a JPEG, PNG or WebP file",
            id="html-called-png",
        ),
        pytest.param(
            lambda: upload(
                png_claiming_size(60_000, 60_000), name="a.png", content_type="image/png"
            ),
            "The image is too large",
            id="image-bomb",
        ),
        pytest.param(
            lambda: upload(encode(solid((150, 80)), "JPEG"), name="tiny.jpg"),
            "The image must be at least 200 pixels wide and 100 pixels high",
            id="too-small",
        ),
    ],
)
def test_what_is_not_a_fit_image_is_refused_and_nothing_is_kept(
    client_as, staff_member, media, file, message
):
    story = write(staff_member, publish=False)

    response = send(client_as(staff_member), story, image=file(), alt="What it shows")

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert error_beside(page, "image").startswith(message)
    assert 'value="What it shows"' in page  # the description typed stays
    assert not Image.objects.exists()
    assert files_in(media) == []


def test_an_image_needs_a_description(client_as, staff_member, media):
    story = write(staff_member, publish=False)

    response = send(client_as(staff_member), story, image=a_jpeg(), alt="  ", caption="Dawn")

    assert response.status_code == 200
    page = response.content.decode()
    assert error_beside(page, "alt") == "Describe the image for people who cannot see it."
    assert 'value="Dawn"' in page
    assert not Image.objects.exists()
    assert files_in(media) == []


def test_an_image_needs_a_file(client_as, staff_member, media):
    story = write(staff_member, publish=False)

    response = send(client_as(staff_member), story, alt="The harbour")

    assert error_beside(response.content.decode(), "image") == "Choose an image to upload."
    assert not Image.objects.exists()


def test_a_story_has_at_most_twelve_images(staff_member, media):
    story = write(staff_member, publish=False)
    small = encode(solid((400, 200)), "JPEG")
    for _ in range(services.MAX_IMAGES):
        services.add_image(story=story, by=staff_member, upload=upload(small), alt="A square")
    kept = files_in(media)

    with pytest.raises(ValidationError) as refused:
        services.add_image(story=story, by=staff_member, upload=upload(small), alt="One more")

    assert refused.value.message_dict == {"image": ["A story can have at most 12 images."]}
    assert story.images.count() == services.MAX_IMAGES and files_in(media) == kept


def test_nobody_adds_images_to_someone_elses_story(client_as, staff_member, other_staff, media):
    story = write(staff_member)

    response = send(client_as(other_staff), story, image=a_jpeg(), alt="Not mine")

    assert response.status_code == 404
    assert not Image.objects.exists() and files_in(media) == []


# --- removed -----------------------------------------------------------------------------------


def test_removing_an_image_deletes_its_files_and_its_place(
    client_as, staff_member, media, django_capture_on_commit_callbacks
):
    story = write(staff_member, body="Look:\n\n[image 1]")
    image = services.add_image(story=story, by=staff_member, upload=a_jpeg(), alt="Gone soon")
    assert len(files_in(media)) == 3

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(staff_member).post(
            f"/stories/{story.pk}/images/", {"remove": str(image.pk)}
        )

    assert response.status_code == 302
    assert not Image.objects.exists()
    assert files_in(media) == []
    assert Client().get(f"/stories/{story.pk}/images/1/480.jpg").status_code == 404
    page = Client().get(story.get_absolute_url()).content.decode()
    assert "[image 1]" not in page and "<figure" not in page


def test_nobody_removes_someone_elses_image(client_as, staff_member, other_staff, media):
    story = write(staff_member)
    image = services.add_image(story=story, by=staff_member, upload=a_jpeg(), alt="Kept")

    response = client_as(other_staff).post(
        f"/stories/{story.pk}/images/", {"remove": str(image.pk)}
    )
    mine = write(other_staff, publish=False)
    forged = client_as(other_staff).post(f"/stories/{mine.pk}/images/", {"remove": str(image.pk)})

    assert (response.status_code, forged.status_code) == (404, 404)
    assert Image.objects.filter(pk=image.pk).exists() and len(files_in(media)) == 3


def test_deleting_a_story_deletes_its_image_files(
    client_as, staff_member, media, django_capture_on_commit_callbacks
):
    story = write(staff_member)
    services.add_image(story=story, by=staff_member, upload=a_jpeg(), alt="Harbour")
    services.add_image(story=story, by=staff_member, upload=a_jpeg(), alt="Boats")
    assert len(files_in(media)) == 6

    with django_capture_on_commit_callbacks(execute=True):
        client_as(staff_member).post(f"/stories/{story.pk}/delete/")

    assert not Image.objects.exists() and files_in(media) == []


def test_an_image_s_files_stay_while_its_removal_may_still_roll_back(staff_member, media):
    """Its files go once the removal commits: a removal rolled back (an account's deletion
    failing at a later step) leaves the image whole."""
    story = write(staff_member)
    image = services.add_image(story=story, by=staff_member, upload=a_jpeg(), alt="Harbour")

    with pytest.raises(RuntimeError), transaction.atomic():
        services.remove_image(image=image, by=staff_member)
        raise RuntimeError("a later step fails")

    kept = Image.objects.get(story=story)
    assert files_in(media) == sorted(kept.file_name(w) for w in kept.widths)
    assert Client().get(f"/stories/{story.pk}/images/1/480.jpg").status_code == 200
