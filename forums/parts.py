"""The forums' rows that pages show, and the parts of the forums' pages shared between
the people who see them alike (``sociable.parts``)."""

from sociable.content import content

# Not content: who follows what, how far each person has read, the moderation log.
content(
    "forums.Board",
    "forums.Thread",
    "forums.Post",
    "forums.PostRevision",
    "forums.Reaction",
    "forums.Mention",
    "forums.Report",
    "forums.Suspension",
    # A thread's tags (taggit's own tables).
    "taggit.Tag",
    "taggit.TaggedItem",
)
