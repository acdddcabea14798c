"""The directory finds people open to a chat, shadowing, mentoring or a loan, as far as the
viewer may see what they say they are open to (shown with their skills)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from profiles.selectors import DirectoryFilters, directory_search
from sociable.viewer import Viewer
from tests.accounts.factories import staff_of
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(council, trust):
    return {
        "open_public": make_profile(
            staff_of(council, name="Ada Open"),
            has=["Excel"],
            open_to_chat=True,
            audience="public",
            skills_audience="public",
        ),
        "open_staff": make_profile(
            staff_of(trust, name="Bea Open"),
            has=["Excel"],
            open_to_chat=True,
            open_to_mentoring=True,
            audience="public",
            skills_audience="staff",
        ),
        "closed": make_profile(
            staff_of(council, name="Cy Closed"), has=["Excel"], audience="public"
        ),
    }


def _names(viewer, **filters) -> list[str]:
    return [p.user.name for p in directory_search(Viewer.of(viewer), DirectoryFilters(**filters))]


@pytest.mark.parametrize("q", ["", "excel"])
def test_the_filter_finds_those_open_to_it_as_far_as_the_viewer_sees(people, staff_member, q):
    assert _names(staff_member, q=q, open_to="chat") == ["Ada Open", "Bea Open"]
    assert _names(staff_member, q=q, open_to="mentoring") == ["Bea Open"]
    # Signed out, Bea's skills (and what she is open to) are hidden: she is not found by it.
    assert _names(AnonymousUser(), q=q, open_to="chat") == ["Ada Open"]
    if not q:  # (their Excel is hidden from the public too)
        assert _names(AnonymousUser()) == ["Ada Open", "Bea Open", "Cy Closed"]


def test_the_filter_is_offered_and_kept_on_the_directory(people, client_as, staff_member):
    response = client_as(staff_member).get("/people/", {"open_to": "mentoring"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Bea Open" in page and "Ada Open" not in page
    assert '<option value="mentoring" selected>' in page


def test_an_unknown_choice_is_refused_plainly(people, client):
    response = client.get("/people/", {"open_to": "<script>"})

    assert response.status_code == 200
    assert "&lt;script&gt;" in response.content.decode() or "Select a valid choice" in (
        response.content.decode()
    )
    assert "<script>" not in response.content.decode().split("<main", 1)[-1]
