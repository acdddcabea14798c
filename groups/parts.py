"""The groups' rows that pages show, and the parts of the groups' pages shared between
the people who see them alike (``sociable.parts``)."""

from sociable.content import content

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
