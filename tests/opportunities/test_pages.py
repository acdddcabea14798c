"""The opportunities' pages run a fixed number of queries however many there are, and
"for you" ranks by what you want to learn and what you know."""

import pytest
from django.test import Client

from opportunities import selectors, services
from sociable.links import reverse
from sociable.viewer import Viewer
from tests.accounts.factories import staff_of
from tests.cold import cold_queries
from tests.opportunities.factories import post
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db


def _grow(poster, people, n: int):
    for i in range(n):
        found = post(poster, title=f"Loan {n}-{i}", needs=["Excel"], teaches=[f"Skill {i}"])
        for person in people:
            services.express_interest(opportunity=found, person=person, note=f"Hello {i}")
    return found


def test_the_pages_take_a_fixed_number_of_queries(client_as, council, staff_member, other_staff):
    make_profile(other_staff, learn=["Skill 1"], has=["Excel"])
    people = [staff_of(council, name=f"Keen {n}") for n in range(3)]
    poster, reader = client_as(staff_member), client_as(other_staff)

    def counts() -> list[int]:
        last = _grow(staff_member, people, 4)
        pages = [
            (poster, reverse("opportunities:list")),
            (reader, reverse("opportunities:list")),
            (reader, reverse("opportunities:list") + "?q=loan&skill=excel&closing_soon=on"),
            (poster, last.get_absolute_url()),
            (reader, last.get_absolute_url()),
            (poster, reverse("opportunities:mine")),
            (client_as(people[0]), reverse("opportunities:mine")),
        ]
        return [cold_queries(client, url) for client, url in pages]

    small, large = counts(), counts()

    assert small == large
    assert max(large) <= 7, large


def test_for_you_ranks_what_you_would_learn_above_what_you_know(council, staff_member, other_staff):
    make_profile(other_staff, learn=["Service design"], has=["Excel"])
    knows = post(staff_member, title="Needs Excel", needs=["Excel"])
    learns = post(staff_member, title="Teaches service design", teaches=["Service design"])
    post(staff_member, title="Nothing in common", needs=["Welding"])
    shown = post(staff_member, title="Already keen", teaches=["Service design"])
    services.express_interest(opportunity=shown, person=other_staff, note="Yes")

    found = selectors.for_you(Viewer.of(other_staff))

    assert found == [learns, knows]
    assert selectors.for_you(Viewer.of(staff_member)) == []  # nothing of their own


def test_signed_out_the_list_shows_only_public_ones_and_no_for_you(staff_member):
    post(staff_member, kind="apprenticeship", title="Public apprenticeship", audience="public")
    post(staff_member, kind="volunteering", title="Signed-in volunteering", audience="community")

    page = Client().get(reverse("opportunities:list")).content.decode()

    assert "Public apprenticeship" in page and "Signed-in volunteering" not in page
    assert "For you" not in page and "Offer an opportunity" not in page


def _home(client) -> str:
    return client.get(reverse("home")).content.decode()


def test_home_suggests_the_open_ones_that_suit_you_and_only_those_you_may_see(
    client_as, staff_member, other_staff, community_member
):
    make_profile(other_staff, learn=["Service design"])
    make_profile(community_member, learn=["Service design"])
    post(staff_member, title="Shadow our designers", teaches=["Service design"])
    post(staff_member, title="Council-only design sprint", teaches=["Service design"],
         audience="organisation")  # fmt: skip
    post(staff_member, title="Count the bins", needs=["Welding"])
    post(staff_member, kind="volunteering", title="Design the fun day", audience="community",
         teaches=["Service design"])  # fmt: skip
    post(staff_member, title="Still a draft", teaches=["Service design"], publish=False)

    colleague = _home(client_as(other_staff))
    member = _home(client_as(community_member))
    poster = _home(client_as(staff_member))

    assert "Shadow our designers" in colleague and "Design the fun day" in colleague
    assert "Council-only design sprint" not in colleague  # another organisation's
    assert "Count the bins" not in colleague and "Still a draft" not in colleague
    assert "Design the fun day" in member and "Shadow our designers" not in member
    # The poster has no skills on their profile: home asks them to add some.
    assert "Shadow our designers" not in poster
    assert "Add skills you have and want to learn" in poster


def test_home_says_when_nothing_open_suits_your_skills(client_as, staff_member, other_staff):
    make_profile(other_staff, has=["Welding"])
    post(staff_member, title="Shadow our designers", teaches=["Service design"])

    page = _home(client_as(other_staff))

    assert "Nothing open suits your skills just now" in page
    assert "Shadow our designers" not in page
