"""A group's image: described for people who cannot see it, shown on its page and in the
list, and served only to people who may see the group."""

import pytest
from django.test import Client

from groups.models import Group
from sociable.links import reverse
from tests.profiles.test_photos import jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _fields(**overrides) -> dict:
    fields = {
        "name": "Lunchtime choir", "summary": "We sing at lunch", "description": "",
        "kind": "social", "tags": "Choir singing", "audience": "staff", "join_policy": "open",
    }  # fmt: skip
    return fields | overrides


def test_an_image_needs_describing_and_what_was_typed_is_kept(client_as, staff_member):
    client = client_as(staff_member)

    refused = client.post(
        reverse("groups:group-create"), _fields(image=jpeg(), summary="Altos wanted")
    )

    page = refused.content.decode()
    assert refused.status_code == 200 and not Group.objects.exists()
    assert "Describe the image for people who cannot see it" in page
    assert 'value="Altos wanted"' in page


def test_the_image_is_shown_with_its_words_and_only_to_who_may_see_the_group(
    client_as, staff_member, other_staff, community_member
):
    alt = "Twelve of us singing in the atrium"
    response = client_as(staff_member).post(
        reverse("groups:group-create"), _fields(image=jpeg(), image_alt=alt)
    )
    group = Group.objects.get()
    address = reverse("groups:group-image", args=[group.slug])
    assert response.status_code == 302 and group.image

    colleague = client_as(other_staff)
    shown = f'src="{address}" alt="{alt}"'
    assert shown in colleague.get(group.get_absolute_url()).content.decode()
    assert f'src="{address}"' in colleague.get(reverse("groups:group-list")).content.decode()
    image = colleague.get(address)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert b"".join(image.streaming_content)[:2] == b"\xff\xd8"
    # Staff only: a community member and a visitor are told there is nothing there.
    assert client_as(community_member).get(address).status_code == 404
    assert Client().get(address).status_code == 404


def test_a_group_without_an_image_has_none_to_serve(client_as, staff_member):
    client_as(staff_member).post(reverse("groups:group-create"), _fields())
    group = Group.objects.get()

    assert (
        client_as(staff_member).get(reverse("groups:group-image", args=[group.slug])).status_code
        == 404
    )
