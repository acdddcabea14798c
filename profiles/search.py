"""The people and skills sections of the one search (``sociable.search``), and who finds the
same people and skills as a viewer (registered in ``profiles/contributions.py``)."""

from __future__ import annotations

from sociable.paging import Found
from sociable.queries import Columns, containing, fetch
from sociable.search import Section, named, top, url

from .holdings import ORGANISATION, seen_levels
from .matching import match_reasons
from .models import Skill
from .selectors import (
    CANDIDATES,
    LISTED_SQL,
    TYPOS,
    DirectoryFilters,
    directory_search,
    spelled_like,
)
from .visibility import unseen_holdings, view_profile
from .vocabulary import skill_key

SKILL_SIMILARITY = 0.5  # as the skill suggestions: "pottry" finds "Pottery"


def people_section(viewer, q: str) -> Section:
    """The directory's search, best first, each with why it matched."""
    rows, total = top(directory_search(viewer, DirectoryFilters(q=q)))
    results = []
    for profile in rows:
        view = view_profile(viewer, profile)
        results.append((view, match_reasons(view, q)))
    see_all = url("profiles:directory", q=q)
    best = named(
        q, "Person", [(view.profile.display_name, view.profile) for view, _ in results], skill_key
    )
    return Section(
        "people",
        "People",
        "person",
        "people",
        results,
        total,
        see_all,
        best,
        # Whose cards it shows: never shared with them (your own card shows you all of it).
        people=[view.profile.user_id for view, _ in results],
    )


# The ids of skills named like a text: its words or part of a name (skill_name_search,
# skill_name_trgm), the TYPOS nearest names (skill_name_nearest, in order of distance) kept
# only when close enough ("pottry" finds "Pottery"; NULL otherwise, which no id equals), or
# another name of it (a merged skill's). At most CANDIDATES. Its parameters:
# ``_skills_named_params``.
_SKILLS_NAMED = f"""
    SELECT id FROM (
        (SELECT s.id FROM profiles_skill s
            WHERE UPPER(s.name::text) LIKE UPPER(%s)
            OR to_tsvector('english'::regconfig, COALESCE(s.name, ''))
                @@ websearch_to_tsquery('english'::regconfig, %s))
        UNION ALL
        (SELECT CASE WHEN word_similarity(UPPER(%s), UPPER(s.name)) >= {SKILL_SIMILARITY}
                THEN s.id END
            FROM profiles_skill s ORDER BY UPPER(%s) <<-> UPPER(s.name) LIMIT {TYPOS})
        UNION ALL
        (SELECT a.skill_id FROM profiles_skillalias a WHERE UPPER(a.name::text) LIKE UPPER(%s))
    ) named LIMIT {CANDIDATES}
"""  # noqa: S608 (constants; the text is a parameter)


def _skills_named_params(q: str) -> list:
    pattern = containing(q)
    return [pattern, q, q, q, pattern]


_SKILL = Columns(Skill, "s", "name", "slug", "kind", "curated")

# Skills named like the text that the skills index would list: curated ones, and ones
# someone the viewer's audience sees holds (the kept counts of the levels they see, asked
# "is there anyone", not "how many"), or the viewer themselves while their profile is
# listed. Exact names first, then close ones, by name; and whether the names found
# reached their bound.
_SKILLS = f"""
WITH named AS MATERIALIZED ({_SKILLS_NAMED})
SELECT {_SKILL.sql}, (SELECT count(*) FROM named) >= {CANDIDATES}, count(*) OVER ()
FROM profiles_skill s
WHERE s.id = ANY(ARRAY(SELECT id FROM named))
AND (s.curated
    OR EXISTS (SELECT FROM profiles_skillcount c WHERE c.skill_id = s.id AND c.people > 0
        AND (c.level = ANY(%s::smallint[])
            OR (c.level = {ORGANISATION} AND c.organisation_id = %s)))
    OR s.id IN (SELECT r.skill_id FROM profiles_profileskill r
        JOIN profiles_profile p ON p.id = r.profile_id JOIN accounts_user u ON u.id = p.user_id
        WHERE p.user_id = %s AND {LISTED_SQL}))
ORDER BY s.key = %s DESC, word_similarity(UPPER(%s), UPPER(s.name)) DESC, s.name, s.id
OFFSET %s LIMIT %s
"""  # noqa: S608 (constants and the listing rule; values are parameters)


class FoundSkills(Found):
    """Skills, interests and languages named like ``q`` that the skills index would list
    for ``viewer`` (``_SKILLS``), exact names first, then close ones: one query. The names
    are found first (a few of a thousand skills), so whether anyone visible holds a skill
    is only asked of those."""

    model = Skill
    most = CANDIDATES

    def __init__(self, viewer, q: str):
        self.q = " ".join(q.replace("\x00", " ").split())
        self.levels, self.organisation_id = seen_levels(viewer)
        self.own = viewer.pk if viewer is not None and viewer.is_authenticated else None

    def sql(self, start: int, stop: int) -> tuple[str, list]:
        q = self.q
        params = [
            *_skills_named_params(q),
            self.levels, self.organisation_id, self.own,
            skill_key(q), q,
            start, stop - start,
        ]  # fmt: skip
        return _SKILLS, params

    def make(self, row: tuple) -> Skill:
        return _SKILL.make(row)


def search_skills(viewer, q: str) -> FoundSkills:
    """Skills named like ``q`` that the skills index would list for ``viewer``."""
    return FoundSkills(viewer, q)


def skills_section(viewer, q: str) -> Section:
    rows, total = top(search_skills(viewer, q))
    see_all = url("search", q=q, section="skills")
    best = named(q, "Skill", [(skill.name, skill) for skill in rows], skill_key)
    return Section("skills", "Skills and interests", "skill", "skills", rows, total, see_all, best)


def holds_unseen_skill_named(viewer, q: str) -> bool:
    """Whether ``viewer`` holds a skill named like ``q`` that others of their audience may
    not see them hold (a hidden interest, say): then they alone find themselves by it. One
    query, and one more for someone who holds any such skill."""
    unseen = unseen_holdings(viewer)
    if not unseen:
        return False
    sql = f"SELECT EXISTS (SELECT FROM ({_SKILLS_NAMED}) n WHERE n.id = ANY(%s))"  # noqa: S608
    return fetch(sql, [*_skills_named_params(q), unseen])[0][0]


def did_you_mean(viewer, q: str) -> list[str]:
    """Skills spelled like ``q``, for a search that found nothing."""
    return [skill.name for skill in spelled_like(viewer, q)]
