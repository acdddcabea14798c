"""The profiles' rows that pages show, and the parts of the profiles' pages shared between
the people who see them alike (``sociable.parts``)."""

from sociable.content import content

# Not content: the people home suggests to each person, kept for them alone.
content(
    "profiles.Skill",
    "profiles.SkillAlias",
    "profiles.Team",
    "profiles.Place",
    "profiles.Profile",
    "profiles.ProfileSkill",
    "profiles.ProfileSearch",
    "profiles.ProfileCorrection",
)
