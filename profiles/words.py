"""The words of the search rows, for spelling a search right (ADR 0019, decision 10).

A search whose words match no one, and which is near no skill's name, is read once more
with each word replaced by the nearest word the viewer's search rows hold, if it is near
enough: "Imogn Hart" is searched as "imogen hart", through the same word indexes as any
search. This is what PostgreSQL's documentation gives for pg_trgm: a trigram index over a
few thousand words, where one over the rows themselves (2 million of them for staff at L)
is read nearly whole for a misspelt name (2 s).

The words are kept per level, as the rows are (``SearchWord``), and read through the same
conditions (``visibility.search_levels_sql``), so a search is never corrected towards a
word only a wider audience may see.
"""

from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection, transaction

from .models import OWN_LEVEL

SHORTEST = 3  # shorter words are neither kept nor corrected: "of", "it", "hr"
NEAR_ENOUGH = 0.3  # pg_trgm's similarity (its default threshold): "imogn" and "imogen" 0.44

# The words of the search rows (``rows``: a condition on ``s``), each with the level (and
# at the organisation level, the organisation) and how many rows hold it.
_COUNT = f"""
SELECT s.level, CASE WHEN s.level = '{OWN_LEVEL}' THEN s.organisation_id END, w.word,
    count(DISTINCT s.id)
FROM profiles_profilesearch s,
    regexp_split_to_table(lower(unaccent(s.terms)), '[^[:alnum:]]+') AS w(word)
WHERE length(w.word) >= {SHORTEST} {{rows}}
GROUP BY 1, 2, 3
"""  # noqa: S608 (constants only)
# The rows' words now, less those they held before (``counted``), added to the list in one
# statement, in order, so that two people's changes lock the words they share in the same
# order and never wait on each other in a circle.
_CHANGE = f"""
INSERT INTO profiles_searchword (level, organisation_id, word, uses)
SELECT level, organisation_id, word, sum(uses) FROM (
    {_COUNT.format(rows="AND s.profile_id = ANY(%s)")}
    UNION ALL
    SELECT * FROM unnest(%s::varchar[], %s::bigint[], %s::text[], %s::bigint[])
) changed (level, organisation_id, word, uses)
GROUP BY 1, 2, 3 HAVING sum(uses) <> 0
ORDER BY 1, 2, 3
ON CONFLICT (level, organisation_id, word)
    DO UPDATE SET uses = profiles_searchword.uses + EXCLUDED.uses
RETURNING id, uses
"""  # noqa: S608 (constants only)

# The text's words, each the nearest word of the viewer's levels (``levels``, on ``w``) if
# near enough and kept as typed if not, as a query of them all; ties by the word. Its
# parameters: the levels', then the text.
CORRECTED = f"""(SELECT plainto_tsquery('english'::regconfig, string_agg(
        CASE WHEN length(t.typed) < {SHORTEST} THEN t.typed ELSE COALESCE((
            SELECT n.word FROM (
                SELECT w.word, w.word <-> t.typed AS distance FROM profiles_searchword w
                WHERE {{levels}} ORDER BY distance, w.word LIMIT 1) n
            WHERE 1 - n.distance >= {NEAR_ENOUGH}), t.typed) END,
        ' ' ORDER BY t.n))
    FROM regexp_split_to_table(lower(unaccent(%s)), '[^[:alnum:]]+') WITH ORDINALITY
        AS t(typed, n)
    WHERE t.typed <> '')"""  # noqa: S608 (the levels' SQL; values are parameters)


@contextmanager
def counted(profile_ids: Iterable[int]):
    """Keep the list's counts right while the search rows of these profiles are written
    inside the ``with``: their words are counted before and after, and the difference
    applied; a word no row holds any more goes."""
    profile_ids = sorted(profile_ids)
    with transaction.atomic(), connection.cursor() as cursor:
        # Two changes to one person's rows at once would both count from the same before.
        cursor.execute(
            "SELECT FROM profiles_profile WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
            [profile_ids],
        )
        cursor.execute(_COUNT.format(rows="AND s.profile_id = ANY(%s)"), [profile_ids])
        before = cursor.fetchall()
        yield
        levels, organisations, texts, uses = ([row[i] for row in before] for i in range(4))
        cursor.execute(_CHANGE, [profile_ids, levels, organisations, texts, [-n for n in uses]])
        gone = [pk for pk, left in cursor.fetchall() if left <= 0]
        if gone:
            cursor.execute("DELETE FROM profiles_searchword WHERE id = ANY(%s)", [gone])


@transaction.atomic
def rebuild() -> int:
    """The list again from every search row (as ``seed_scale`` writes them, or to mend the
    counts); returns how many words it holds. Searches read the old list until this
    commits."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM profiles_searchword")
        cursor.execute(
            "INSERT INTO profiles_searchword (level, organisation_id, word, uses) "
            + _COUNT.format(rows="")
        )
        return cursor.rowcount
