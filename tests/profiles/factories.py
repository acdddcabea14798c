"""Profiles for tests, built through the same services the site uses."""

from profiles import services
from profiles.models import Profile, ProfileSkill
from sociable.accounts.models import User

Relation = ProfileSkill.Relation


def make_profile(
    user: User,
    *,
    team: str = "",
    place: str = "",
    teach=(),
    has=(),
    learn=(),
    interests=(),
    languages=(),
    **fields,
) -> Profile:
    """Give ``user`` a profile with these fields and skills (names, as typed in the form)."""
    profile = services.ensure_profile(user=user)
    if team:
        fields["team"] = services.find_or_create_team(organisation=user.organisation, name=team)
    if place:
        fields["place"] = services.find_or_create_place(name=place)
    services.update_profile(
        profile=profile,
        fields=fields,
        skills={
            Relation.TEACH: list(teach),
            Relation.HAS: list(has),
            Relation.LEARN: list(learn),
            Relation.INTEREST: list(interests),
            Relation.LANGUAGE: list(languages),
        },
    )
    profile.refresh_from_db()
    return profile
