"""Reads behind the directory, profile, skill, team and place pages.

Each runs a fixed number of queries whatever the number of people or skills,
and every one filters through profiles.visibility (the audience rule).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import (
    SearchVector,
)
from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    Case,
    Count,
    Exists,
    FloatField,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Func, RawSQL
from django.db.models.functions import Coalesce, Lower, Upper

from sociable.accounts.models import Organisation, User
from sociable.audience import Audience
from sociable.paging import Found
from sociable.queries import Columns, containing, count_of, fetch

from . import words
from .holdings import ORGANISATION, seen_levels, seen_q
from .models import OWN_LEVEL, Matches, Place, Profile, ProfileSkill, Skill, SkillCount, Team
from .visibility import (
    GROUPS,
    group_q,
    group_sql,
    search_level_sql,
    search_levels,
    search_levels_sql,
)

Relation = ProfileSkill.Relation
TYPO_THRESHOLD = 0.45  # word similarity (pg_trgm) at which "opra singer" finds "Opera singing"
TYPOS = 20  # the nearest skill names a search of skills checks against TYPO_THRESHOLD
# The most matches a directory search ranks (and counts): see directory_search.
CANDIDATES = 1000
# Profiles of people still here who are in the directory: ProfileQuerySet.listed() by hand,
# for a profile read as ``p`` and its account as ``u``.
LISTED_SQL = "p.archived_at IS NULL AND u.is_active AND p.in_directory"


class WordSimilarity(Func):
    function = "word_similarity"
    output_field = FloatField()


class Unaccent(Func):
    function = "unaccent"


def name_vector() -> SearchVector:
    """The words of a name, written exactly as the ``skill_name_search`` GIN index (and the
    groups' ``group_name_search``) defines them, so PostgreSQL can use it."""
    return SearchVector("name", config="english")


def _skill_rows():
    # Only what cards and profiles show: a page of cards holds hundreds of these rows.
    return (
        ProfileSkill.objects.select_related("skill")
        .only("profile_id", "relation", "skill__name", "skill__slug", "skill__kind")
        .order_by("skill__name")
    )


def with_card_data(profiles):
    """Add what a profile card shows: organisation, team, place and skills, in one more query."""
    return profiles.select_related("user__organisation", "team", "place").prefetch_related(
        Prefetch("profile_skills", queryset=_skill_rows())
    )


# The columns a profile card shows, and those ProfileView needs to decide what it may show.
CARD_FIELDS = (
    "user__username",
    "user__name",
    "user__organisation__name",
    "user__organisation__short_name",
    "preferred_name",
    "pronouns",
    "photo",
    "job_title",
    "floor",
    "team__name",
    "place__name",
    "show_interests",
    *GROUPS.values(),
)


# What a card lists of a person: the skills they can teach, by name. Constant SQL, not an
# ArraySubquery: home asks it on every visit, and compiling that took longer than running it.
_CARD_SKILL_ROWS = (
    "ARRAY(SELECT jsonb_build_object('relation', r.relation, 'name', s.name, 'slug', s.slug)"
    " FROM profiles_profileskill r JOIN profiles_skill s ON s.id = r.skill_id"
    " WHERE r.profile_id = profiles_profile.id AND r.relation = %s ORDER BY s.name)"
)


def card_people(viewer, pks) -> dict[int, Profile]:
    """Those of the profiles ``pks`` that ``viewer`` may find, by pk, with only what their
    cards show, in one query: their columns, and the skills they can teach (all a card lists
    of them) brought as an array rather than prefetched. ``ProfileView`` reads those rows as
    if they were prefetched, and decides which of them the viewer may see.

    For pages that list people from several selectors: fetch each list's pks, then all
    their cards at once."""
    people = (
        listed_profiles(viewer)
        .filter(pk__in=pks)
        .select_related("user__organisation", "team", "place")
        .only(*CARD_FIELDS)
        .annotate(
            card_skill_rows=RawSQL(  # noqa: S611
                _CARD_SKILL_ROWS, (Relation.TEACH.value,), ArrayField(JSONField())
            )
        )
        .order_by()
    )
    found = {}
    for profile in people:
        profile._prefetched_objects_cache = {
            "profile_skills": [
                Held(row["relation"], Skill(name=row["name"], slug=row["slug"]))
                for row in profile.card_skill_rows
            ]
        }
        found[profile.pk] = profile
    return found


# Home's read of the person's own profile: hand-written SQL, as are its other reads
# (docs/decisions/0011). "Active" is ProfileQuerySet.active(): not archived, account active.
_OWN_PROFILE = Columns(
    Profile,
    "p",
    "user",
    "team",
    "place",
    "job_title",
    "ask_me_about",
    "photo",
    "working_on",
    "bio",
    "started_on",
)
_OWN_USER = Columns(User, "u", "organisation")
_OWN_ORGANISATION = Columns(Organisation, "o", "name")
_OWN_MATCHES = Columns(Matches, "m", "basis", "teachers", "learners", "found_at")
_OWN_PROFILE_SQL = f"""
    SELECT {_OWN_PROFILE.sql}, {_OWN_USER.sql}, {_OWN_ORGANISATION.sql}, {_OWN_MATCHES.sql},
        ARRAY(SELECT r.relation FROM profiles_profileskill r WHERE r.profile_id = p.id
            ORDER BY r.id),
        ARRAY(SELECT r.skill_id FROM profiles_profileskill r WHERE r.profile_id = p.id
            ORDER BY r.id)
    FROM profiles_profile p
    JOIN accounts_user u ON u.id = p.user_id
    LEFT JOIN accounts_organisation o ON o.id = u.organisation_id
    LEFT JOIN profiles_matches m ON m.profile_id = p.id
    WHERE p.user_id = %s AND p.archived_at IS NULL AND u.is_active
"""  # noqa: S608 (column names, not anyone's input)


def own_profile(user) -> Profile | None:
    """``user``'s own profile if it is active, with their organisation, the relation and
    skill of each of their skill rows, oldest first, in ``own_skills``, and the matches home
    keeps for them in ``kept_matches`` (None if none are kept), in one query: what home
    suggests from."""
    rows = fetch(_OWN_PROFILE_SQL, [user.pk], prepare=True)
    if not rows:
        return None
    row = rows[0]
    profile, user, user.organisation, profile.kept_matches = Columns.make_each(
        row, _OWN_PROFILE, _OWN_USER, _OWN_ORGANISATION, _OWN_MATCHES
    )
    profile.user = user
    relations, skills = row[-2:]
    profile.own_skills = [
        {"relation": relation, "skill": skill}
        for relation, skill in zip(relations, skills, strict=True)
    ]
    return profile


def listed_profiles(viewer):
    return Profile.objects.listed().filter(group_q(viewer, "profile"))


@dataclass
class DirectoryFilters:
    q: str = ""
    organisation: str = ""  # organisation slug
    team: str = ""  # a team's slug, or all or part of its name
    place: str = ""  # a building's slug, or all or part of its name
    skill: str = ""  # skill slug
    teaches: bool = False
    open_to: str = ""  # one of OPEN_TO: people open to a chat, shadowing, mentoring or a loan


# What people may say they are open to (``Profile.open_to_<this>``), as the directory's
# filter offers it. Shown with their skills, so seen by whoever sees those.
OPEN_TO = {
    "chat": "Open to a chat",
    "shadowing": "Happy to be shadowed",
    "mentoring": "Open to mentoring",
    "loan": "Open to a short loan or secondment",
    "buddy": "Happy to buddy a new starter",
}


def named_like(text: str) -> Q:
    """Rows (teams, buildings) whose slug is ``text`` or whose name contains it."""
    return Q(slug=text) | Q(name__icontains=text)


# The SQL of a search's candidates: the viewer's search rows that match the words
# (at most CANDIDATES of them, matched once); only when none does, of those whose words
# match the skill named nearest the text, when it is close enough ("opra singer": "Opera
# singing"); and only when neither does, of those matching the text's words each spelt as
# the nearest word of the viewer's search rows (``words.CORRECTED``: "Imogn Hart" as
# "imogen hart"). Every level is read through its own word index (ProfileSearch), in its
# own branch, or for a common word (or skill name) walked in order to the bound
# (``_WALKED_OR_INDEXED``), and the words are matched once: NOT EXISTS reads the
# materialized CTE, not the index again. The nearest skill is read from
# ``skill_name_nearest`` (1,606 names at L) and the nearest words from
# ``search_word_nearest``: each under a millisecond, where the nearest search rows to a
# misspelt name, read from a trigram index of the rows themselves, took 2 s for staff at L
# (ADR 0019, decision 10). Each candidate comes as ``_FOUND_ROW``: the row, its person, their
# name and its rank for the words it was found by, so that the candidates are ranked and
# counted from the search rows alone (decision 18). Ranked by ``ts_rank`` with length
# normalisation 1: a name or a skill (weight A) counts most, then job title, team and
# learning (B).
_FOUND_ROW = "s.id, s.profile_id, s.name, ts_rank(s.document, {query}, 1) AS score"
_WORDS = f"""(SELECT {_FOUND_ROW} FROM profiles_profilesearch s WHERE {{level}}
    AND s.document @@ {{query}}
    LIMIT {{candidates}})"""  # noqa: S608 (constants)
_TYPED = "websearch_to_tsquery('english'::regconfig, unaccent(%s))"
# A common word's search walks the search rows in order and stops at the bound, where the
# word index would read the word's whole posting list at the level first (75 ms for staff
# and "Excel" at L, against 12 ms for PostgreSQL's own plan for that word: ADR 0019,
# decision 11). It does when the walk reads fewer rows than the index reads postings, a row
# costing WALKED_ROW postings (0.3-0.4 µs each at M): the rows a walk reads are about the
# table's rows times CANDIDATES over the rows it finds the word in.
WALKED_ROW = 1
# A level's branch of the words' search (``_WORDS``), which chooses as it runs between a walk
# and the word index, from the counts of ``word`` (the text, or the nearest skill's name,
# taken as one word) in the level's word list (``SearchWord.uses``, ``w``): the postings the
# index reads are the level's count; the rows the walk finds it in, the level's count less
# those it skips (``hidden``: the viewer's own organisation's staff, at the staff level);
# the table's rows are ``reltuples``, as PostgreSQL last counted them (never counted: never
# common). A walk reads the rows by id and matches the words on each: ``ts_match_vq`` is
# ``@@`` and the level's test is wrapped, so that no index reads them and the plan,
# prepared for any word (``force_generic_plan``), is the walk. The same rows match either
# way; of more than CANDIDATES, which are ranked can differ (the first by id, or by place
# in the table), as it could before between two plans. Its parameters: the word list's
# level, the hidden count's, then the level's, twice.
_WALKED_OR_INDEXED = f"""(WITH common AS MATERIALIZED (
        SELECT EXISTS (SELECT FROM profiles_searchword w, pg_class c
            WHERE {{word_level}} AND w.word = {{word}}
                AND c.oid = 'profiles_profilesearch'::regclass AND c.reltuples > 0
                AND w.uses::float8 * (w.uses - {{hidden}})
                    >= {{walked_row}} * {{candidates}} * c.reltuples)
        AS common)
    (SELECT {_FOUND_ROW} FROM profiles_profilesearch s
        WHERE (SELECT common FROM common)
            AND ({{level}} AND ts_match_vq(s.document, (SELECT {{query}}))) IS TRUE
        ORDER BY s.id LIMIT {{candidates}})
    UNION ALL
    (SELECT {_FOUND_ROW} FROM profiles_profilesearch s
        WHERE NOT (SELECT common FROM common) AND {{level}} AND s.document @@ {{query}}
        LIMIT {{candidates}}))"""  # noqa: S608 (constants)
# What a staff viewer's search skips of a word's rows at the staff level: those of their own
# organisation, which they search at its level, and which hold at least as many of its words.
_OWN_ORGANISATION_USES = f"""COALESCE((SELECT o.uses FROM profiles_searchword o
    WHERE o.level = '{OWN_LEVEL}' AND o.organisation_id = %s::bigint
        AND o.word = w.word), 0)"""  # noqa: S608 (a constant; values are parameters)
# The name of the skill named nearest the text, if it is close enough (or none): ties by id.
# The NEAREST_FEW nearest are read in order from ``skill_name_nearest``, and the nearest of
# them taken: ordered by distance and id at once, which no index gives, every skill's name
# was scored and sorted (4-8 ms for 1,156 at S, on each search that found no one by its
# words, as most signed-out searches for a skill do). Ties past the few are not seen.
# Its parameters: the text, twice.
NEAREST_FEW = 5
_NEAREST_SKILL_NAME = f"""SELECT k.name
    FROM (SELECT k.id, k.name, UPPER(unaccent(%s)) <<-> UPPER(k.name) AS distance
        FROM profiles_skill k ORDER BY distance LIMIT {NEAREST_FEW}) k
    WHERE word_similarity(UPPER(unaccent(%s)), UPPER(k.name)) >= {{threshold}}
    ORDER BY k.distance, k.id LIMIT 1"""  # noqa: S608 (a constant; values are parameters)
# The words as typed are read once: as a query, and as one word (``_WALKED_OR_INDEXED``).
# Its parameters: the text, twice.
_CANDIDATES = f"""WITH typed AS MATERIALIZED (
    SELECT {_TYPED} AS query, lower(unaccent(%s)) AS word),
words AS MATERIALIZED (
    SELECT * FROM ({{words}}) found LIMIT {{candidates}}),
skill AS MATERIALIZED (
    SELECT plainto_tsquery('english'::regconfig, unaccent(k.name)) AS query,
        lower(unaccent(k.name)) AS word
    FROM ({{nearest_skill_name}}) k WHERE NOT EXISTS (SELECT FROM words)),
named AS MATERIALIZED (
    SELECT * FROM ({{named}}) found LIMIT {{candidates}}),
corrected AS MATERIALIZED (
    SELECT {{corrected}} AS query
    WHERE NOT EXISTS (SELECT FROM words) AND NOT EXISTS (SELECT FROM named))
SELECT * FROM words
UNION ALL
SELECT * FROM named
UNION ALL
SELECT * FROM ({{spelt}}) found LIMIT {{candidates}}"""  # noqa: S608 (constants)


def _corrected(viewer) -> tuple[str, list]:
    """``words.CORRECTED`` for ``viewer``'s levels, and the levels' parameters (the text
    follows them)."""
    levels, params = search_levels_sql(viewer, "w")
    return words.CORRECTED.format(levels=levels), params


def _candidates(viewer, q: str) -> tuple[str, list]:
    """The SQL (and its parameters) of the search rows ``q`` may find for ``viewer``, each
    as ``_FOUND_ROW``: see ``_CANDIDATES``."""
    levels = search_level_sql(viewer, "s")
    # Each level's counts in the word list, read by its key (the organisation is kept at the
    # organisation level alone: SearchWord).
    word_levels = [
        (f"w.level = '{level.value}' AND w.organisation_id = %s::bigint", [organisation])
        if organisation is not None
        else (f"w.level = '{level.value}' AND w.organisation_id IS NULL", [])
        for level, organisation in search_levels(viewer)
    ]

    # What each level's walk skips of the word's rows (``_WALKED_OR_INDEXED``), and its
    # parameters.
    organisation_id = getattr(viewer, "organisation_id", None)
    hidden = [
        (_OWN_ORGANISATION_USES, [organisation_id]) if level == Audience.STAFF else ("0", [])
        for level, _ in search_levels(viewer)
    ]
    each_level = list(zip(levels, word_levels, hidden, strict=True))

    def walked_or_indexed(query: str, word: str) -> str:
        return " UNION ALL ".join(
            _WALKED_OR_INDEXED.format(
                level=level,
                word_level=word_level,
                word=word,
                hidden=skipped,
                query=query,
                walked_row=WALKED_ROW,
                candidates=CANDIDATES,
            )
            for (level, _), (word_level, _), (skipped, _) in each_level
        )

    def walked_or_indexed_params() -> list:
        return [
            param
            for (_, params), (_, word_params), (_, skipped) in each_level
            for param in (*word_params, *skipped, *params, *params)
        ]

    def branches(query: str) -> str:
        return " UNION ALL ".join(
            _WORDS.format(level=level, query=query, candidates=CANDIDATES) for level, _ in levels
        )

    def level_params() -> list:
        return [param for _, params in levels for param in params]

    corrected, corrected_params = _corrected(viewer)
    sql = _CANDIDATES.format(
        words=walked_or_indexed("(SELECT query FROM typed)", "(SELECT word FROM typed)"),
        nearest_skill_name=_NEAREST_SKILL_NAME.format(threshold=float(TYPO_THRESHOLD)),
        named=walked_or_indexed("(SELECT query FROM skill)", "(SELECT word FROM skill)"),
        corrected=corrected,
        spelt=branches("(SELECT query FROM corrected)"),
        candidates=CANDIDATES,
    )
    params = [
        q, q,  # the words as typed
        *walked_or_indexed_params(),
        q, q,  # the nearest skill
        *walked_or_indexed_params(),
        *corrected_params, q,
        *level_params(),
    ]  # fmt: skip
    return sql, params


# What a directory card, a search result's "why matched" and ``ProfileView`` read of a
# person found by a search: every column of the profile, the account's name and
# organisation, the team and building, and every skill row, by skill name.
_FOUND_PROFILE = Columns(Profile, "p", *(f.name for f in Profile._meta.concrete_fields))
_FOUND_USER = Columns(User, "u", "username", "name", "organisation", "is_active")
_FOUND_ORGANISATION = Columns(Organisation, "o", "name", "short_name", "slug", "kind")
_FOUND_TEAM = Columns(Team, "t", "organisation", "name", "slug")
_FOUND_PLACE = Columns(Place, "pl", "name", "slug", "address")

# A page of the people a search found: the candidates (``_candidates``, found and ranked
# once) ranked, counted and cut to the page from the search rows alone, which exist only
# for listed profiles, at the levels each is visible at (``refresh_search``); then, for the
# page alone, each person checked against the rule again (a row is a copy: a copy gone
# stale shows no one) and what their card shows, and whether the candidates reached their
# bound. The directory's filters read profiles: a filtered search joins every candidate to
# its profile and account to rank and count (``_FILTERED``).
_FOUND_PEOPLE = f"""
WITH found AS MATERIALIZED ({{candidates}}),
ranked AS (
    SELECT f.profile_id AS id, f.name, f.score, count(*) OVER () AS total
    FROM found f{{filtered}}
    ORDER BY f.score DESC, f.name, f.profile_id OFFSET %s LIMIT %s
)
SELECT {_FOUND_PROFILE.sql}, {_FOUND_USER.sql}, {_FOUND_ORGANISATION.sql},
    {_FOUND_TEAM.sql}, {_FOUND_PLACE.sql},
    (SELECT json_agg(json_build_array(r.relation, r.skill_id, held.name, held.slug, held.kind)
            ORDER BY held.name)
        FROM profiles_profileskill r JOIN profiles_skill held ON held.id = r.skill_id
        WHERE r.profile_id = p.id)::text,
    (SELECT count(*) FROM found) >= {{most}}, ranked.total
FROM ranked
JOIN profiles_profile p ON p.id = ranked.id
JOIN accounts_user u ON u.id = p.user_id
LEFT JOIN accounts_organisation o ON o.id = u.organisation_id
LEFT JOIN profiles_team t ON t.id = p.team_id
LEFT JOIN profiles_place pl ON pl.id = p.place_id
WHERE {LISTED_SQL} AND {{visible}}
ORDER BY ranked.score DESC, ranked.name, ranked.id
"""  # noqa: S608 (the listing rule, column names and the rule's SQL; values are parameters)
_FILTERED = f"""
    JOIN profiles_profile p ON p.id = f.profile_id
    JOIN accounts_user u ON u.id = p.user_id
    WHERE {LISTED_SQL} AND {{conditions}}"""  # noqa: S608 (as _FOUND_PEOPLE)


def _open_column(filters: DirectoryFilters) -> str:
    return f"open_to_{filters.open_to}"


def _filters_sql(viewer, filters: DirectoryFilters) -> tuple[list[str], list]:
    """The directory's filters as SQL conditions on a profile ``p`` and its account ``u``
    (as ``directory_search`` filters a queryset), and their parameters."""
    conditions, params = [], []
    if filters.organisation:
        conditions.append(
            "u.organisation_id IN (SELECT id FROM accounts_organisation WHERE slug = %s)"
        )
        params.append(filters.organisation)
    for value, column, table in (
        (filters.team, "team_id", "profiles_team"),
        (filters.place, "place_id", "profiles_place"),
    ):
        if value:
            location, location_params = group_sql(viewer, "location", profile="p", user="u")
            conditions.append(
                f"{location} AND p.{column} IN (SELECT id FROM {table}"  # noqa: S608 (names)
                " WHERE slug = %s OR UPPER(name::text) LIKE UPPER(%s))"
            )
            params += [*location_params, value, containing(value)]
    if filters.open_to in OPEN_TO:
        skills, skills_params = group_sql(viewer, "skills", profile="p", user="u")
        conditions.append(f"{skills} AND p.{_open_column(filters)}")
        params += skills_params
    if filters.skill or filters.teaches:
        relations = [Relation.TEACH] if filters.teaches else [Relation.TEACH, Relation.HAS]
        skills, skills_params = group_sql(viewer, "skills", profile="p", user="u")
        rows = "SELECT FROM profiles_profileskill r WHERE r.profile_id = p.id"
        rows += " AND r.relation = ANY(%s)"
        row_params: list = [[str(relation) for relation in relations]]
        if filters.skill:
            rows += " AND r.skill_id IN (SELECT id FROM profiles_skill WHERE slug = %s)"
            row_params.append(filters.skill)
        conditions.append(f"{skills} AND EXISTS ({rows})")
        params += [*skills_params, *row_params]
    return conditions, params


class FoundPeople(Found):
    """The listed profiles ``viewer`` may see that a directory search (``filters``, with
    words) finds, best first: see ``directory_search``. Each comes with its account,
    organisation, team, building and skill rows, as ``with_card_data`` brings them."""

    model = Profile
    most = CANDIDATES

    def __init__(self, viewer, filters: DirectoryFilters):
        self.viewer = viewer
        self.filters = filters
        self.q = filters.q.strip()
        # The people found share their skills ("Excel" on most of a search for it): one
        # instance of each, by id.
        self.skills: dict[int, Skill] = {}

    def sql(self, start: int, stop: int) -> tuple[str, list]:
        candidates, candidate_params = _candidates(self.viewer, self.q)
        visible, visible_params = group_sql(self.viewer, "profile", profile="p", user="u")
        conditions, filter_params = _filters_sql(self.viewer, self.filters)
        filtered, filtered_params = "", []
        if conditions:
            filtered = _FILTERED.format(conditions=" AND ".join([visible, *conditions]))
            filtered_params = [*visible_params, *filter_params]
        sql = _FOUND_PEOPLE.format(
            candidates=candidates, filtered=filtered, visible=visible, most=int(CANDIDATES)
        )
        params = [*candidate_params, *filtered_params, start, stop - start, *visible_params]
        return sql, params

    def make(self, row: tuple) -> Profile:
        profile, user, organisation, profile.team, profile.place = Columns.make_each(
            row, _FOUND_PROFILE, _FOUND_USER, _FOUND_ORGANISATION, _FOUND_TEAM, _FOUND_PLACE
        )
        profile.user, user.organisation = user, organisation
        rows = []
        for relation, pk, name, slug, kind in json.loads(row[-3] or "[]"):
            if (skill := self.skills.get(pk)) is None:
                skill = Skill.from_db(DEFAULT_DB_ALIAS, _SKILL, (pk, name, slug, kind))
                self.skills[pk] = skill
            rows.append(Held(relation, skill))
        profile._prefetched_objects_cache = {"profile_skills": rows}
        return profile


_SKILL = ("id", "name", "slug", "kind")


@dataclass(slots=True)
class Held:
    """A skill a profile in a list holds, and how: what a card and its match reasons read of
    a ``ProfileSkill`` (``profile.profile_skills.all()``), made in a fraction of a model's
    time, for a page of cards holds hundreds of them."""

    relation: str
    skill: Skill

    @property
    def skill_id(self) -> int | None:
        return self.skill.pk


def teaches(viewer) -> Exists | Value:
    """Whether ``viewer`` says they can teach a skill: a condition on skills, read with the
    skill (the skill page offers whoever can teach it to run a session on it)."""
    if not viewer.is_authenticated:
        return Value(False)
    rows = ProfileSkill.objects.filter(
        profile__user_id=viewer.pk, skill=OuterRef("pk"), relation=Relation.TEACH
    )
    return Exists(rows)


def directory_search(viewer, filters: DirectoryFilters):
    """Return the visible profiles matching ``filters``, best first when there is a query.

    With a query, the viewer's search rows are matched first, once (``_candidates``): at most
    CANDIDATES of the rows matching its words, since a common skill matches thousands of
    people and ranking them all would cost time in proportion (past that, people narrow the
    search instead). Only when no row matches a word, a typo is forgiven: the rows matching
    the words of the skill named nearest the text, if it is close enough ("opra singer":
    "Opera singing"); and only when there are none, the rows matching its words each spelt
    as the nearest word the viewer's search rows hold ("Imogn Hart": "imogen hart"). Those
    rows are ranked and counted as they are found; only the page's are joined to their
    profiles (``FoundPeople``, which applies the filters too). Without a query, the
    filters narrow the listed profiles, by name.

    Ranking (issue 19): matches by ``ts_rank`` with length normalisation 1 (a name or a
    skill, weight A, counts most, then job title, team and learning, B), whether of the
    words as typed, of the nearest skill's or of the words spelt right. A search has one
    kind or another, never two. Ties by name (the search row's copy), then pk. Until issue
    19, every match was ranked by ``ts_rank`` plus half its ``word_similarity``: scoring
    word similarity on a thousand candidates cost more than the rest of the search.
    """
    if filters.q.strip():
        return FoundPeople(viewer, filters)
    profiles = listed_profiles(viewer)
    if filters.organisation:
        profiles = profiles.filter(user__organisation__slug=filters.organisation)
    if filters.team:
        teams = Team.objects.filter(named_like(filters.team))
        profiles = profiles.filter(group_q(viewer, "location"), team__in=teams)
    if filters.place:
        places = Place.objects.filter(named_like(filters.place))
        profiles = profiles.filter(group_q(viewer, "location"), place__in=places)
    if filters.open_to in OPEN_TO:
        profiles = profiles.filter(group_q(viewer, "skills"), **{_open_column(filters): True})
    if filters.skill or filters.teaches:
        relations = [Relation.TEACH] if filters.teaches else [Relation.TEACH, Relation.HAS]
        rows = ProfileSkill.objects.filter(profile=OuterRef("pk"), relation__in=relations)
        if filters.skill:
            rows = rows.filter(skill__slug=filters.skill)
        profiles = profiles.filter(group_q(viewer, "skills"), Exists(rows))
    return with_card_data(profiles).order_by("user__name", "pk")


def profile_page(username: str):
    """The profile with everything its page may show (visibility is checked by the caller)."""
    return with_card_data(Profile.objects.active()).filter(user__username=username)


def visible_profile(viewer, username: str):
    """The profile of ``username`` if ``viewer`` may see it (``visibility.visible_groups``
    has "profile" in it), for a check of access: none of its page's data."""
    return Profile.objects.active().filter(group_q(viewer, "profile"), user__username=username)


SKILL_PAGE_PEOPLE = 12  # people per section of a skill page; the directory lists them all

# A skill page's newest holders of each relation, as a viewer's audience sees them, newest
# first: for each relation, the ``limit + 1`` newest of each level the viewer sees (an index
# range of ``profileskill_seen_by_class`` each), of their organisation's
# (``profileskill_seen_by_org``) and of their own holdings, cut to ``limit + 1``. Every
# viewer and every skill read it in one shape, so it is prepared (sociable.queries.fetch):
# the viewer's levels are an array, and no organisation or no account a NULL that matches
# nothing. Their own holdings count when their profile is listed, whoever may see them.
_NEWEST_HOLDERS = f"""
    SELECT h.id, h.relation, h.profile_id
    FROM unnest(%s::text[]) AS rel(relation)
    CROSS JOIN LATERAL (
        SELECT x.id, rel.relation, x.profile_id FROM (
            (SELECT ps.id, ps.profile_id FROM unnest(%s::smallint[]) AS lvl(level)
             CROSS JOIN LATERAL (
                SELECT ps.id, ps.profile_id FROM profiles_profileskill ps
                WHERE ps.skill_id = %s AND ps.relation = rel.relation AND ps.level = lvl.level
                ORDER BY ps.id DESC LIMIT %s) ps)
            UNION ALL
            (SELECT ps.id, ps.profile_id FROM profiles_profileskill ps
             WHERE ps.skill_id = %s AND ps.relation = rel.relation
                AND ps.level = {ORGANISATION} AND ps.organisation_id = %s
             ORDER BY ps.id DESC LIMIT %s)
            UNION  -- their own, which their audience may see too
            (SELECT ps.id, ps.profile_id FROM profiles_profileskill ps
             JOIN profiles_profile p ON p.id = ps.profile_id
             JOIN accounts_user u ON u.id = p.user_id
             WHERE p.user_id = %s AND ps.skill_id = %s AND ps.relation = rel.relation
                AND {LISTED_SQL})
        ) x
        ORDER BY x.id DESC LIMIT %s
    ) h
    ORDER BY h.id DESC
"""  # noqa: S608 (the listing rule and a constant; values are parameters)


def people_with_skill(viewer, skill: Skill, *, limit: int = SKILL_PAGE_PEOPLE):
    """Who can teach, has, wants to learn... ``skill``, as far as ``viewer`` may see: for each
    relation the ``limit`` who added it most recently, and whether there are more.

    Returns ``{relation: (profiles, more)}``. Each relation reads at most ``limit + 1`` rows
    of each audience class the viewer sees, through the holdings' own copy of who may see
    them (``profiles.holdings``): a skill thousands of people have costs the same as a rare
    one, and no holder nobody may see is read. Two queries: the holdings (prepared), then
    the people's cards (``card_people``).
    """
    levels, organisation_id = seen_levels(viewer)
    own = viewer.pk if viewer is not None and viewer.is_authenticated else None
    rows = fetch(
        _NEWEST_HOLDERS,
        [
            list(Relation.values),
            levels,
            skill.pk,
            limit + 1,
            skill.pk,
            organisation_id,
            limit + 1,
            own,
            skill.pk,
            limit + 1,
        ],
        prepare=True,
    )
    cards = card_people(viewer, {profile_id for _, _, profile_id in rows}) if rows else {}
    people: dict[str, list[Profile]] = {relation: [] for relation in Relation.values}
    for _, relation, profile_id in rows:
        # card_people asks the rule itself whether the profile is listed and visible: a copy
        # not yet settled (a profile changed round the services) shows nobody it should not.
        if profile_id in cards:
            people[relation].append(cards[profile_id])
    return {
        relation: (sorted(found[:limit], key=lambda p: (p.user.name, p.pk)), len(found) > limit)
        for relation, found in people.items()
    }


def _own_holdings(viewer):
    """``viewer``'s holdings, while their profile is listed (none for nobody signed in)."""
    if viewer is None or not viewer.is_authenticated:
        return ProfileSkill.objects.none()
    return ProfileSkill.objects.filter(
        profile__in=Profile.objects.listed().filter(user_id=viewer.pk)
    )


def _seen_people(viewer):
    """How many people ``viewer``'s audience sees hold the skill ``OuterRef("pk")``: the
    kept counts of the classes they see (``profiles.holdings``)."""
    counts = (
        SkillCount.objects.filter(seen_q(viewer), skill=OuterRef("pk"))
        .order_by()
        .values("skill")
        .annotate(n=Sum("people"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0, output_field=IntegerField())


def held_q(viewer) -> Q:
    """Skills someone ``viewer`` may see holds: anyone their audience sees, or themselves."""
    seen = SkillCount.objects.filter(seen_q(viewer), skill=OuterRef("pk"), people__gt=0)
    return Q(Exists(seen)) | Q(pk__in=_own_holdings(viewer).values("skill"))


def skill_index(viewer, kind: str | None = None):
    """Every skill with how many visible people have, teach or want it (zero counts hidden).

    The people of each class are kept counted (``SkillCount``): a skill's count is those of
    the classes ``viewer`` sees, plus themselves where they hold it out of their audience's
    sight (everyone sees that they hold their own)."""
    # One join grouped by skill (a few rows a skill), not a subquery per skill.
    people = Coalesce(Sum("counts__people", filter=seen_q(viewer, "counts__")), 0)
    if viewer is not None and viewer.is_authenticated:
        own = _own_holdings(viewer)
        unseen = own.exclude(skill__in=own.filter(seen_q(viewer)).values("skill"))
        people += Case(
            When(pk__in=unseen.values("skill"), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    skills = Skill.objects.annotate(people=people).order_by("name")
    if kind:
        skills = skills.filter(kind=kind)
    return skills


MATCH_CANDIDATES = 20  # the newest holders of each skill that matches rank (see best_matches)
MATCH_SKILLS = 10  # the most of a person's skills that matches look for


def matches_for(viewer, profile: Profile, *, give: str, take: str, limit: int = 6, skills=None):
    """The ``limit`` best of ``best_matches``, with what their cards show."""
    ranked = best_matches(viewer, profile, give=give, take=take, skills=skills)
    return with_card_data(ranked)[:limit]


def best_matches(viewer, profile: Profile, *, give: str, take: str, skills=None):
    """People whose ``give`` skills match ``profile``'s ``take`` skills, best matches first.

    ``give=TEACH, take=LEARN``: people who can teach what this person wants to learn.
    Ranked by how many skills match, then nearness: same team, then same building.
    ``skills`` are the ids of ``profile``'s ``take`` skills when the caller has them already
    (otherwise they are read from ``profile.profile_skills``).

    Only the MATCH_CANDIDATES people who most recently added each skill that way are
    ranked, read through the (skill, relation, id) index, and as many in the same team and
    in the same building: a common skill has thousands of holders, and scoring them all
    would cost time in proportion (ADR 0005).
    """
    if skills is None:
        skills = [row.skill_id for row in profile.profile_skills.all() if row.relation == take]
    skills = list(skills)[:MATCH_SKILLS]
    if not skills:
        return Profile.objects.none()
    giving = ProfileSkill.objects.filter(relation=give)
    newest = [
        giving.filter(skill_id=skill).order_by("-pk").values("profile_id")[:MATCH_CANDIDATES]
        for skill in skills
    ]
    # And the people nearest: the same team or building (as far as the viewer may see it),
    # however long ago they added the skill.
    nearby = giving.filter(skill_id__in=skills).filter(group_q(viewer, "location", "profile__"))
    for workplace in ("team_id", "place_id"):
        if getattr(profile, workplace):
            near = nearby.filter(**{f"profile__{workplace}": getattr(profile, workplace)})
            newest.append(near.order_by("-pk").values("profile_id")[:MATCH_CANDIDATES])
    candidates = newest[0].union(*newest[1:], all=True) if len(newest) > 1 else newest[0]
    # Seeing someone's skills means seeing their profile too (group_q): no separate check.
    return (
        Profile.objects.listed()
        .filter(group_q(viewer, "skills"), ~Q(pk=profile.pk), pk__in=Subquery(candidates))
        .annotate(
            shared=count_of(giving.filter(skill_id__in=skills), "profile"),
            nearness=_nearness(viewer, profile),
        )
        .order_by("-shared", "-nearness", "user__name")
    )


def _nearness(viewer, profile: Profile):
    """2 for people in ``profile``'s team, 1 for people in its building, 0 for anyone else
    and for anyone whose workplace ``viewer`` may not see."""
    near = []
    if profile.team_id:
        near.append(When(team_id=profile.team_id, then=Value(2)))
    if profile.place_id:
        near.append(When(place_id=profile.place_id, then=Value(1)))
    if not near:
        return Value(0)
    return Case(
        When(group_q(viewer, "location"), then=Case(*near, default=Value(0))),
        default=Value(0),
        output_field=IntegerField(),
    )


class LevenshteinAtMost(Func):
    """fuzzystrmatch's ``levenshtein_less_equal``: the edits from one text to the other, or
    any number above ``most`` once that many are needed (it stops counting there)."""

    function = "levenshtein_less_equal"
    output_field = IntegerField()

    def __init__(self, text, other, most: int):
        super().__init__(text, other, Value(most))


def spelled_like(viewer, text: str, *, limit: int = 3) -> list[Skill]:
    """The skills whose names ``text`` may be a misspelling of ("Execl" for Excel), nearest
    first: one or two letters changed, added, dropped or swapped (one for a short word).

    For a search that found nobody: trigram similarity scores a swap of two letters too low
    to find the person by it. Only skills ``viewer``'s audience may see someone else holds,
    so what is suggested to one colleague is what is suggested to all.
    """
    text = " ".join(text.split())
    if not 3 <= len(text) <= 60:
        return []
    most = 1 if len(text) <= 4 else 2
    # Someone else: the people their audience sees, less themselves where they are one.
    own = _own_holdings(viewer).filter(seen_q(viewer)).values("skill")
    return list(
        Skill.objects.annotate(
            edits=LevenshteinAtMost(Lower(Unaccent("name")), Lower(Unaccent(Value(text))), most)
        )
        .filter(edits__gt=0, edits__lte=most)
        .alias(seen=_seen_people(viewer))
        .filter(Q(seen__gt=1) | (Q(seen=1) & ~Q(pk__in=own)))
        .order_by("edits", "name")[:limit]
    )


def suggest_skills(term: str, kind: str, limit: int = 8):
    """Existing names like ``term``: curated and popular first, then close spellings."""
    return (
        Skill.objects.filter(kind=kind)
        .annotate(similarity=WordSimilarity(Value(term.upper()), Upper("name")))
        .filter(Q(name__icontains=term) | Q(similarity__gte=0.5))
        .annotate(popularity=Count("profile_skills"))
        .order_by("-curated", "-similarity", "-popularity", "name")
        .values_list("name", flat=True)[:limit]
    )


def people_in(viewer, *, team=None, place=None):
    """The visible people of a team or building (only those whose workplace is visible)."""
    people = listed_profiles(viewer).filter(group_q(viewer, "location"))
    if team is not None:
        people = people.filter(team=team)
    if place is not None:
        people = people.filter(place=place)
    return with_card_data(people).order_by("floor", "user__name")


def new_people_near(viewer, profile: Profile, *, since, limit: int = 6) -> list[int]:
    """The pks of people who arrived since ``since`` in ``profile``'s team or building, newest
    first: listed profiles whose workplace ``viewer`` may see (archived or left people are
    not listed). Nothing for their cards is fetched: see ``card_people``.

    Hand-written SQL, as home's other reads are (docs/decisions/0011): no query at all when
    the profile has no team or building. The team's and the building's newest are each read
    newest first from their (team, created_at) and (place, created_at) indexes, ``limit`` at
    most, and how recent they are is checked after: prepared, with one plan for any team
    (sociable.queries.fetch). Asked for everyone who arrived since a date, it read all of a
    big building's month of arrivals to sort them (2.8 ms at L).
    """
    near = [column for column in ("team_id", "place_id") if getattr(profile, column)]
    if not near:
        return []
    # Seeing someone's workplace means seeing their profile too (group_q).
    visible, visible_params = group_sql(viewer, "location", profile="p", user="u")
    newest = [
        f"""(SELECT p.id, p.created_at FROM profiles_profile p JOIN accounts_user u
            ON u.id = p.user_id
            WHERE p.{column} = %s AND {LISTED_SQL} AND {visible} AND p.id <> %s
            ORDER BY p.created_at DESC, p.id DESC LIMIT {int(limit)})"""  # noqa: S608 (as below)
        for column in near
    ]
    sql = f"""
        SELECT id, created_at FROM ({" UNION ".join(newest)}) near
        ORDER BY created_at DESC, id DESC LIMIT {int(limit)}
    """  # noqa: S608 (the rule's SQL, column names and a number; values are parameters)
    values = [
        value
        for column in near
        for value in (getattr(profile, column), *visible_params, profile.pk)
    ]
    return [pk for pk, arrived in fetch(sql, values, prepare=True) if arrived >= since]
