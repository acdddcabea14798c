"""Who may see that someone holds a skill, kept beside the holding: its copies of the rule.

A holding (a ``ProfileSkill`` row) is seen by an audience class when both the profile and
the holding's field group (skills, or interests) are; its ``level`` is the narrowest class
that sees it::

    0 public < 1 community < 2 staff < 3 the owner's organisation

and NULL when only its owner may see it (hidden interests, an organisation audience with
no organisation) or the profile is not listed (archived, account closed, out of the
directory). ``SkillCount`` counts each listed person once per skill, at the narrowest level
of their holdings of it. A viewer sees the levels ``seen_levels`` names: the skills index
adds up those counts, and the skill page reads each class's newest holders from an index
range (``selectors.people_with_skill``), rather than testing the rule on every holder.

These are copies of the rule's inputs (``profiles.visibility``: ``effective_audience``,
``show_interests``, ``listed()``), written here in SQL and nowhere else:

- ``settle(profile_ids)`` rewrites the levels of those profiles' holdings and moves their
  counts with them; ``services.refresh_search`` calls it on every change to a profile or
  its skills, and archiving, restoring and changes to an account (closed, moved to
  another organisation) call it too;
- deleting holdings (a skill removed, a person deleted, skills merged) takes them off the
  counts by a trigger on ``profiles_profileskill`` (migration 0010), whatever deleted them;
- ``recount_all()`` writes every level and every count from scratch (the seeds, and the
  ``recount_skills`` command after a bulk load).

The tests (tests/profiles/test_holdings.py) hold both copies to the plain rule.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q

from .models import AUDIENCE_ORDER, ProfileSkill
from .visibility import GROUPS, RELATION_GROUP

ORGANISATION = AUDIENCE_ORDER.index("organisation")  # 3: seen only by the owner's organisation
_INTEREST = ProfileSkill.Relation.INTEREST.value

# Each holding's level and organisation as the rule gives them, for the holdings ``{where}``
# picks. The rule's inputs: the profile's audience and its group's (interests, or skills),
# whether interests are shown, whether the profile is listed, and the owner's organisation.
_WANTED = f"""
    SELECT ps.id, ps.profile_id, ps.skill_id, r.level,
        CASE WHEN r.level = {ORGANISATION} THEN u.organisation_id END AS organisation_id
    FROM profiles_profileskill ps
    JOIN profiles_profile p ON p.id = ps.profile_id
    JOIN accounts_user u ON u.id = p.user_id
    CROSS JOIN LATERAL (
        SELECT CASE
            WHEN p.archived_at IS NOT NULL OR NOT u.is_active OR NOT p.in_directory THEN NULL
            WHEN ps.relation = '{_INTEREST}' AND NOT p.show_interests THEN NULL
            WHEN x.level = {ORGANISATION} AND u.organisation_id IS NULL THEN NULL
            ELSE x.level END::smallint
        FROM (SELECT GREATEST(
            array_position(%(order)s::text[], p.audience::text),
            array_position(%(order)s::text[], (CASE WHEN ps.relation = '{_INTEREST}'
                THEN p.interests_audience ELSE p.skills_audience END)::text)) - 1 AS level) x
    ) r(level)
    WHERE {{where}}
"""  # noqa: S608 (constants of the code, no one's input)

# Each person once per skill, at the narrowest level of their holdings of it, from rows
# ``{rows}`` (profile_id, skill_id, level, organisation_id) that hold ``{where}``.
_PEOPLE = """
    SELECT profile_id, skill_id, min(level) AS level,
        CASE WHEN min(level) = {organisation} THEN max(organisation_id) END AS organisation_id
    FROM {rows}
    WHERE level IS NOT NULL AND (level < {organisation} OR organisation_id IS NOT NULL)
        AND {where}
    GROUP BY profile_id, skill_id
"""


def _people(rows: str, where: str = "TRUE") -> str:
    return _PEOPLE.format(organisation=ORGANISATION, rows=rows, where=where)


# Add the changes ``change`` (skill_id, level, organisation_id, n) to the counts.
_ADD = """
    INSERT INTO profiles_skillcount (skill_id, level, organisation_id, people)
    SELECT skill_id, level, organisation_id, n FROM change
    ON CONFLICT (skill_id, level, organisation_id)
    DO UPDATE SET people = profiles_skillcount.people + EXCLUDED.people
"""

_SETTLE = f"""
    WITH wanted AS ({_WANTED.format(where="ps.profile_id = ANY({profiles})")}),
    was AS ({_people("profiles_profileskill", "profile_id = ANY({profiles})")}),
    now AS ({_people("wanted")}),
    written AS (
        UPDATE profiles_profileskill ps
        SET level = w.level, organisation_id = w.organisation_id
        FROM wanted w
        WHERE ps.id = w.id
            AND (ps.level, ps.organisation_id) IS DISTINCT FROM (w.level, w.organisation_id)
    ),
    change AS (
        SELECT skill_id, level, organisation_id, sum(n) AS n FROM (
            SELECT skill_id, level, organisation_id, -1 AS n FROM was
            UNION ALL SELECT skill_id, level, organisation_id, 1 FROM now
        ) moves
        GROUP BY skill_id, level, organisation_id
        HAVING sum(n) <> 0
    )
    {_ADD}
"""  # noqa: S608 (as above)

_RECOUNT = [
    f"""
    UPDATE profiles_profileskill ps
    SET level = w.level, organisation_id = w.organisation_id
    FROM ({_WANTED.format(where="TRUE")}) w
    WHERE ps.id = w.id
        AND (ps.level, ps.organisation_id) IS DISTINCT FROM (w.level, w.organisation_id)
    """,  # noqa: S608 (as above)
    "DELETE FROM profiles_skillcount",
    f"""
    INSERT INTO profiles_skillcount (skill_id, level, organisation_id, people)
    SELECT skill_id, level, organisation_id, count(*)
    FROM ({_people("profiles_profileskill")}) held
    GROUP BY skill_id, level, organisation_id
    """,  # noqa: S608 (as above)
]

# The trigger's body (migration 0010): holdings deleted, by anything, leave the counts.
# A person still counts at the narrowest level of the holdings of the skill they keep.
# Counts are only lowered where they are (a skill being deleted has lost its counts
# already: they go with it), and raised where a person's narrowest level rose.
FORGET_FUNCTION = f"""
CREATE OR REPLACE FUNCTION profiles_holdings_gone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    WITH gone AS ({_people("gone_rows")}),
    kept AS (
        SELECT g.skill_id, g.level AS gone_level, k.level AS kept_level,
            COALESCE(g.organisation_id, k.organisation_id) AS organisation_id
        FROM gone g
        CROSS JOIN LATERAL (
            SELECT min(ps.level) AS level, max(ps.organisation_id) AS organisation_id
            FROM profiles_profileskill ps
            WHERE ps.profile_id = g.profile_id AND ps.skill_id = g.skill_id
                AND ps.level IS NOT NULL
        ) k
    ),
    change AS (
        SELECT skill_id, level, CASE WHEN level = {ORGANISATION} THEN organisation_id END
            AS organisation_id, sum(n) AS n
        FROM (
            SELECT skill_id, LEAST(gone_level, kept_level) AS level, organisation_id, -1 AS n
            FROM kept
            UNION ALL SELECT skill_id, kept_level, organisation_id, 1 FROM kept
            WHERE kept_level IS NOT NULL
        ) moves
        GROUP BY 1, 2, 3
        HAVING sum(n) <> 0
    ),
    lowered AS (
        UPDATE profiles_skillcount sc SET people = sc.people + c.n
        FROM change c
        WHERE sc.skill_id = c.skill_id AND sc.level = c.level
            AND sc.organisation_id IS NOT DISTINCT FROM c.organisation_id
        RETURNING sc.id
    )
    INSERT INTO profiles_skillcount (skill_id, level, organisation_id, people)
    SELECT skill_id, level, organisation_id, n FROM change WHERE n > 0
    ON CONFLICT (skill_id, level, organisation_id)
    DO UPDATE SET people = profiles_skillcount.people + EXCLUDED.people;
    RETURN NULL;
END $$;
"""  # noqa: S608 (as above)


_SETTLE_PROFILES = _SETTLE.replace("{profiles}", "%(profiles)s")
_SETTLE_ACCOUNT = _SETTLE.replace(
    "{profiles}", "ARRAY(SELECT id FROM profiles_profile WHERE user_id = %(user)s)"
)


def settle(profile_ids: Iterable[int]) -> None:
    """Write the levels of these profiles' holdings as the rule gives them now, and move
    their people in the counts with them. One statement."""
    profile_ids = list(profile_ids)
    if profile_ids:
        with connection.cursor() as cursor:
            cursor.execute(_SETTLE_PROFILES, {"order": AUDIENCE_ORDER, "profiles": profile_ids})


def settle_account(user_id: int) -> None:
    """``settle`` the profile of the account ``user_id`` (if it has one)."""
    with connection.cursor() as cursor:
        cursor.execute(_SETTLE_ACCOUNT, {"order": AUDIENCE_ORDER, "user": user_id})


def recount_all(using=None) -> None:
    """Write every holding's level and every count from scratch, set-based."""
    with (using or connection).cursor() as cursor:
        for sql in _RECOUNT:
            cursor.execute(sql, {"order": AUDIENCE_ORDER} if "%(order)s" in sql else None)


def holding_level(
    audiences: dict[str, str],
    relation: str,
    *,
    show_interests: bool,
    listed: bool,
    organisation_id: int | None,
) -> int | None:
    """The level ``_WANTED`` writes, in Python, for rows written in bulk (the scale seed):
    ``audiences`` are the profile's, by field name (``audience``, ``skills_audience``...)."""
    group = RELATION_GROUP[relation]
    if not listed or (group == "interests" and not show_interests):
        return None
    own = audiences[GROUPS[group]]
    level = max(AUDIENCE_ORDER.index(audiences["audience"]), AUDIENCE_ORDER.index(own))
    return None if level == ORGANISATION and organisation_id is None else level


def seen_levels(viewer) -> tuple[list[int], int | None]:
    """The levels ``viewer`` sees of everyone else's holdings, and the organisation whose
    organisation-level holdings they see (None: none)."""
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return [0], None
    organisation_id = getattr(viewer, "organisation_id", None)
    if organisation_id is None:
        return [0, 1], None
    return [0, 1, 2], organisation_id


def seen_q(viewer, prefix: str = "") -> Q:
    """Filter holdings (or counts) to those ``viewer``'s audience sees."""
    levels, organisation_id = seen_levels(viewer)
    q = Q(**{f"{prefix}level__in": levels})
    if organisation_id is not None:
        q |= Q(**{f"{prefix}level": ORGANISATION, f"{prefix}organisation_id": organisation_id})
    return q
