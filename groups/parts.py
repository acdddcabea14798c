"""The groups' rows that pages show, and the parts of the groups' pages shared between
the people who see them alike (``sociable.parts``)."""

from sociable import registry
from sociable.content import content

from .models import Membership

# Not content: each person's private calendar address.
content(
    "groups.Group",
    "groups.GroupTag",
    "groups.Membership",
    "groups.Event",
    "groups.RSVP",
    "groups.Suggestion",
    "groups.Backing",
)


def member_groups(user) -> frozenset[int]:
    """The viewer fact "groups": the groups they are an active member of (one query), which
    decide what they see of groups, events and boards whose audience is their members."""
    if not user.is_authenticated:
        return frozenset()
    memberships = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
    return frozenset(memberships.order_by().values_list("group", flat=True))


registry.viewer_facts.add("groups", member_groups)
