"""Which parts of a profile a viewer may see: the audience rule applied to field groups.

A profile has an audience, and so does each group of its fields. A group is
visible when both the profile and the group are: its effective audience is the
narrower of the two. Everything in the profiles app that shows, lists,
searches or exports profile fields asks this module, and so does every list of
people's names elsewhere (``names_for``): a name is part of the profile.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

from django.db.models import Q

from sociable.accounts.models import User
from sociable.audience import Audience, audience_q, audience_sql, can_see
from sociable.viewer import SQLFact, Viewer

from .models import AUDIENCE_ORDER, Profile, ProfileSkill

# Which field group a skill row belongs to: interests are their own, the rest are skills.
RELATION_GROUP = dict.fromkeys(ProfileSkill.Relation.values, "skills") | {
    ProfileSkill.Relation.INTEREST: "interests"
}

# Field group -> the Profile field holding its audience ("profile" is the profile's own).
GROUPS = {
    "profile": "audience",
    "contact": "contact_audience",
    "location": "location_audience",
    "skills": "skills_audience",
    "about": "about_audience",
    "interests": "interests_audience",
}
# Search levels, narrowest last; a profile's row at a level holds what that level sees.
LEVELS = AUDIENCE_ORDER
# The profile's side of ``user.profile``: whether a query brought it (select_related).
_USERS_PROFILE = Profile._meta.get_field("user").remote_field

T = TypeVar("T")
_OWNERS = object()  # "not given": the profile's owner's organisation


def effective_audience(profile: Profile, group: str) -> str:
    own = getattr(profile, GROUPS[group])
    return max(own, profile.audience, key=AUDIENCE_ORDER.index)


def visible_groups(viewer, profile: Profile) -> frozenset[str]:
    """Return the field groups of ``profile`` that ``viewer`` may see."""
    if viewer is not None and viewer.is_authenticated and viewer.pk == profile.user_id:
        return frozenset(GROUPS)  # the owner sees all of it, shared or not
    return _groups_for_audience(viewer, profile)


def unseen_holdings(viewer) -> list[int]:
    """The skills ``viewer`` holds in a part of their profile that others with their audience
    key may not see (hidden interests, say): only they are shown that they hold those, so a
    page listing them is theirs alone. The viewer fact "unseen_skills" (``UNSEEN_SKILLS``),
    read in the one query of the viewer's facts.
    """
    return Viewer.of(viewer).fact("unseen_skills")


_UNSEEN_FIELDS = ["show_interests", *GROUPS.values()]


def _unseen(viewer, rows: list[list]) -> list[int]:
    """``unseen_holdings`` from their profile's audiences once per skill row (or once, with
    no skill), each ``[*_UNSEEN_FIELDS, relation, skill_id]``; none without a profile."""
    if not rows:
        return []
    profile = Profile(user_id=viewer.pk, **dict(zip(_UNSEEN_FIELDS, rows[0], strict=False)))
    seen = _groups_for_audience(viewer, profile, organisation_id=viewer.organisation_id)
    return [
        skill_id
        for *_, relation, skill_id in rows
        if skill_id is not None and RELATION_GROUP[relation] not in seen
    ]


def _unseen_sql() -> str:
    columns = ", ".join(f"p.{Profile._meta.get_field(name).column}" for name in _UNSEEN_FIELDS)
    return f"""SELECT coalesce(json_agg(json_build_array({columns}, s.relation, s.skill_id)), '[]')
        FROM {Profile._meta.db_table} p LEFT JOIN {ProfileSkill._meta.db_table} s
        ON s.profile_id = p.id WHERE p.user_id = %s"""  # noqa: S608 (constants only)


UNSEEN_SKILLS = SQLFact(
    sql=_unseen_sql(),
    params=lambda viewer: [viewer.pk],
    read=_unseen,
    nobody=[],
)


def _groups_for_audience(
    viewer, profile: Profile, *, organisation_id: int | None = _OWNERS
) -> frozenset[str]:
    """The field groups of ``profile`` that ``viewer``'s audience sees (owner or not).
    ``organisation_id`` is its owner's (read from ``profile.user`` when not given)."""
    if organisation_id is _OWNERS:
        organisation_id = profile.user.organisation_id
    groups = {
        group
        for group in GROUPS
        if can_see(viewer, effective_audience(profile, group), organisation_id=organisation_id)
    }
    if "profile" not in groups:
        return frozenset()
    if not profile.show_interests:
        groups.discard("interests")
    return frozenset(groups)


def groups_at_level(profile: Profile, level: str) -> frozenset[str]:
    """The field groups someone at search ``level`` sees (for building search rows)."""
    rank = AUDIENCE_ORDER.index(level)
    groups = {g for g in GROUPS if AUDIENCE_ORDER.index(effective_audience(profile, g)) <= rank}
    if not profile.show_interests:
        groups.discard("interests")
    return frozenset(groups) if "profile" in groups else frozenset()


def group_q(viewer, group: str, prefix: str = "") -> Q:
    """Filter profiles (or rows pointing at them through ``prefix``) whose ``group`` is visible."""
    organisation_field = f"{prefix}user__organisation"
    q = audience_q(viewer, field=f"{prefix}audience", organisation_field=organisation_field)
    if group != "profile":
        q &= audience_q(
            viewer, field=f"{prefix}{GROUPS[group]}", organisation_field=organisation_field
        )
    if group == "interests":
        q &= Q(**{f"{prefix}show_interests": True})
    if viewer is not None and viewer.is_authenticated:
        q |= Q(**{f"{prefix}user_id": viewer.pk})
    return q


def group_sql(viewer, group: str, *, profile: str, user: str) -> tuple[str, list]:
    """``group_q`` for hand-written SQL: the profile read under the alias ``profile``, its
    user under ``user``, has its ``group`` visible to ``viewer``. Returns the SQL and its
    parameters."""
    organisation = f"{user}.{User._meta.get_field('organisation').column}"

    def column(field: str) -> str:
        return f"{profile}.{Profile._meta.get_field(field).column}"

    sql, params = audience_sql(viewer, audience=column("audience"), organisation=organisation)
    if group != "profile":
        own, own_params = audience_sql(
            viewer, audience=column(GROUPS[group]), organisation=organisation
        )
        sql, params = f"{sql} AND {own}", params + own_params
    if group == "interests":
        sql += f" AND {column('show_interests')}"
    if viewer is not None and viewer.is_authenticated:
        sql, params = f"{sql} OR {column('user')} = %s", [*params, viewer.pk]
    return f"({sql})", params


def search_levels(viewer) -> list[tuple[str, int | None]]:
    """The ProfileSearch rows ``viewer`` searches each profile at, as (level, organisation)
    pairs: rows of ``level`` whose organisation is ``organisation`` when it is given, or is
    not the viewer's own when it is None at the staff level (their own organisation's staff
    are found at its level, which holds more).

    Signed out: public. Signed in with no organisation: community. Staff of an
    organisation: their organisation's rows at its level, and everyone else's at staff.
    """
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return [(Audience.PUBLIC, None)]
    organisation_id = getattr(viewer, "organisation_id", None)
    if organisation_id is None:
        return [(Audience.COMMUNITY, None)]
    return [(Audience.ORGANISATION, organisation_id), (Audience.STAFF, None)]


def search_level_sql(viewer, alias: str) -> list[tuple[str, list]]:
    """``search_levels`` for hand-written SQL over ``profiles_profilesearch`` read under
    ``alias``: one (condition, parameters) for each level, each written as the level's
    indexes' predicate (``level = '...'``, the level a constant: ProfileSearch) so
    PostgreSQL reads that level's index alone. The organisation is a bigint, as the column:
    compared with an integer, btree_gin could not use it in the organisation level's index.
    """
    organisation_id = getattr(viewer, "organisation_id", None)
    branches = []
    for level, organisation in search_levels(viewer):
        condition, params = f"{alias}.level = '{level.value}'", []
        if organisation is not None:
            condition += f" AND {alias}.organisation_id = %s::bigint"
            params = [organisation]
        elif level == Audience.STAFF:
            condition += f" AND {alias}.organisation_id IS DISTINCT FROM %s::bigint"
            params = [organisation_id]
        branches.append((condition, params))
    return branches


def search_levels_sql(viewer, alias: str) -> tuple[str, list]:
    """``search_level_sql`` as one condition over all the viewer's levels, for the typo
    index that holds the staff and organisation levels together (``level IN (...)``, as its
    predicate)."""
    branches = search_level_sql(viewer, alias)
    if len(branches) == 1:
        return branches[0]
    levels = ", ".join(f"'{level.value}'" for level, _ in search_levels(viewer))
    conditions = " OR ".join(f"({condition})" for condition, _ in branches)
    params = [param for _, branch_params in branches for param in branch_params]
    return f"{alias}.level IN ({levels}) AND ({conditions})", params


@dataclass
class ProfileView:
    """A profile as one viewer may see it; templates read fields through ``sees``."""

    profile: Profile
    groups: frozenset[str]
    is_owner: bool

    @property
    def sees(self) -> dict[str, bool]:
        return {group: group in self.groups for group in GROUPS}

    @cached_property
    def skills(self) -> dict[str, list]:
        """Visible skills by relation ("teach", "interest", ...), from the prefetched rows."""
        by_relation: dict[str, list] = defaultdict(list)
        for row in self.profile.profile_skills.all():
            group = "interests" if row.relation == "interest" else "skills"
            if group in self.groups:
                by_relation[row.relation].append(row.skill)
        return dict(by_relation)


def view_profile(viewer, profile: Profile) -> ProfileView:
    is_owner = bool(viewer is not None and viewer.is_authenticated and viewer.pk == profile.user_id)
    return ProfileView(profile=profile, groups=visible_groups(viewer, profile), is_owner=is_owner)


# --- names --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Names(Generic[T]):
    """People listed on a page (going to an event, organising a group...) as one viewer may
    know them: ``shown``, the items whose person they may know by name, in the list's order,
    and how many ``others`` there are, counted and not named.

    ``hidden`` are the user pks of the people listed whose profile does not reach the
    viewer's audience (``audience.audience_key``), even when this viewer is one of them and
    so sees their own name: a part of a page rendered from these names is theirs alone,
    never kept for or served to the others (``sociable.parts.Part.owners``).
    """

    shown: list[T]
    others: int
    hidden: frozenset[int]

    @property
    def count(self) -> int:
        return len(self.shown) + self.others


def _reaches(viewer, user, profile: Profile | None) -> bool:
    """Whether ``user``'s profile reaches ``viewer``'s audience: the "profile" group of
    ``group_q`` on a profile of ``Profile.objects.active()``, decided in Python on rows the
    query brought already. No profile, an archived one or a closed account reaches nobody."""
    if profile is None or profile.archived_at is not None or not user.is_active:
        return False
    return can_see(viewer, profile.audience, organisation_id=user.organisation_id)


def _profiles_of(users: list) -> dict[int, Profile | None]:
    """Each user's profile: from ``user.profile`` where the query brought it, and the rest in
    one query, kept on them as if it had (asking again costs nothing)."""
    missing = [user for user in users if not _USERS_PROFILE.is_cached(user)]
    if missing:
        profiles = Profile.objects.filter(user__in=missing).in_bulk(field_name="user_id")
        for user in missing:
            profile = profiles.get(user.pk)
            if profile is not None:
                _USERS_PROFILE.field.set_cached_value(profile, user)
            _USERS_PROFILE.set_cached_value(user, profile)
    return {user.pk: _USERS_PROFILE.get_cached_value(user) for user in users}


def names_for(
    viewer,
    items: Iterable[T],
    *,
    person: Callable[[T], User] = lambda item: item.user,
    addressed: bool = False,
) -> Names[T]:
    """Split people listed on a page into those ``viewer`` may know by name and the others.

    A name is shown where its person's profile reaches the viewer (the audience of the
    "profile" field group); everyone sees their own. ``addressed``: the viewer is someone
    these people chose to address, an organiser of the group they asked to join or the
    event they replied to, and sees every name. ``person`` finds the person of an item (its
    ``user`` by default). Their profiles come from ``user.profile`` when the query brought
    them (``select_related("user__profile")``), otherwise in one query for all of them.
    """
    items = list(items)
    users = [person(item) for item in items]
    profiles = _profiles_of(users)
    own = viewer.pk if viewer is not None and viewer.is_authenticated else None
    shown, hidden = [], set()
    for item, user in zip(items, users, strict=True):
        if not _reaches(viewer, user, profiles[user.pk]):
            hidden.add(user.pk)
            if not (addressed or user.pk == own):
                continue
        shown.append(item)
    return Names(shown, len(items) - len(shown), frozenset(hidden))


def knows_name(viewer, user: User) -> bool:
    """Whether ``viewer`` may know ``user`` by name (``names_for`` for one person)."""
    return bool(names_for(viewer, [user], person=lambda person: person).shown)
