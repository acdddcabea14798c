"""Addresses filled in from patterns resolved once are the addresses ``reverse`` gives."""

import pytest
from django.urls import NoReverseMatch, reverse

from sociable.links import link

CASES = [
    ("profiles:profile-detail", ["amara.okafor"]),
    ("profiles:profile-detail", ["jo+test@example.com"]),  # usernames may hold @ . + - _
    ("profiles:profile-detail", ["what? #1 100%"]),  # text that would change the address
    ("profiles:team-detail", ["housing-options"]),
    ("skill-detail", ["british-sign-language"]),
    ("forums:board-detail", ["staff-room"]),
    ("forums:thread-detail", [123, "who-can-help"]),
    ("forums:post-permalink", [42]),
    ("groups:group-detail", ["lunchtime-choir"]),
    ("groups:event-detail", ["lunchtime-choir", 7]),
]


@pytest.mark.parametrize(("name", "args"), CASES)
def test_a_link_is_the_address_reverse_gives(name, args):
    assert link(name, *args) == reverse(name, args=args)


def test_an_address_asked_with_the_wrong_number_of_arguments_is_an_error():
    with pytest.raises(NoReverseMatch):
        link("forums:thread-detail", 123)
