"""The directory search reads copies of the audience rule (ProfileSearch rows, one per level a
listed profile is visible at): it must find the same people, in the same order, as the rule
read plainly, for every kind of viewer, and keep doing so as profiles change."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from profiles import selectors, services, words
from profiles.models import Profile, ProfileSearch, SearchWord, Skill, SkillAlias
from profiles.search import did_you_mean
from profiles.selectors import TYPO_THRESHOLD, DirectoryFilters, FoundPeople, directory_search
from profiles.visibility import _groups_for_audience, group_q
from profiles.words import NEAR_ENOUGH, SHORTEST
from sociable.viewer import Viewer
from tests.accounts.factories import UserFactory, staff_of
from tests.plans import analysed, nodes, tables_counted_from
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db

ALIKE = 25  # analysts who hold Excel, and nothing else, alike

WORDS = [
    "opera",
    "excel",
    "housing",
    "zoe",
    "Zoë",
    "bsl",
    "british sign language",
    "video editing",
    "canal boats",
    "nobody has this",
]
TYPOS_TYPED = ["opra singer", "Exccel", "Execl", "Imogn Hart", "vidoe editng"]


@pytest.fixture
def people(council, trust, staff_member):
    """People with every kind of audience, some of them not listed."""
    make_profile(
        staff_of(council, name="Imogen Hart"),
        job_title="Housing officer",
        teach=["Opera singing"],
        team="Housing",
        audience="public",
        skills_audience="public",
    )
    make_profile(
        staff_of(trust, name="Zoë Brontë"),
        job_title="Porter",
        bio="I go to the opera and restore canal boats.",
        has=["Excel"],
        audience="public",
        about_audience="community",
    )
    make_profile(
        staff_of(trust, name="Chloe Dunn"),
        job_title="Comms officer",
        teach=["Video editing"],
        has=["Excel"],
        skills_audience="staff",
    )
    make_profile(
        staff_of(council, name="Dev Patel"),
        job_title="Data analyst",
        learn=["Video editing"],
        has=["Excel"],
        team="Housing",
        audience="organisation",
    )
    make_profile(
        staff_of(council, name="Rachel Lee"),
        languages=["British Sign Language"],
        has=["Excel"],
        skills_audience="organisation",
    )
    make_profile(
        UserFactory(name="Zoe Walsh", email="zoe@example.com"),
        job_title="Opera singer",
        has=["Excel"],
        audience="community",
    )
    # Not listed: archived, out of the directory, account closed.
    gone = make_profile(staff_of(council, name="Olive Opera"), teach=["Opera singing"])
    services.archive_profile(profile=gone)
    make_profile(staff_of(trust, name="Hidden Excel"), has=["Excel"], in_directory=False)
    closed = staff_of(trust, name="Closed Excel")
    make_profile(closed, has=["Excel"], audience="public")
    closed.is_active = False
    closed.save()
    # Many who hold Excel alike: "Execl" is as near to all of them.
    for n in range(ALIKE):
        make_profile(staff_of(trust, name=f"Analyst {n:02d}"), has=["Excel"])
    # The viewer's own profile, found by what their audience sees of it.
    make_profile(staff_member, teach=["Opera singing"], interests=["Canal boats"])
    sign = Skill.objects.get(name="British Sign Language")
    SkillAlias.objects.create(key="bsl", name="BSL", skill=sign)
    services.refresh_search(profiles=Profile.objects.all())


@pytest.fixture(params=["anonymous", "community", "staff", "other_staff", "owner"])
def viewer(request, people, staff_member, other_staff, community_member):
    return Viewer.of(
        {
            "anonymous": AnonymousUser(),
            "community": community_member,
            "staff": staff_of(staff_member.organisation, name="Sam Colleague"),
            "other_staff": other_staff,
            "owner": staff_member,
        }[request.param]
    )


def _skill_names(profiles) -> dict[int, dict[str, list[str]]]:
    """Each profile's skill names (and their other names) by relation, read plainly."""
    names: dict[int, dict[str, list[str]]] = {
        p.pk: {r: [] for r in services.Relation} for p in profiles
    }
    for profile in profiles:
        for row in profile.profile_skills.order_by("pk").select_related("skill"):
            aliases = list(row.skill.aliases.order_by("pk").values_list("name", flat=True))
            names[profile.pk][row.relation] += [row.skill.name, *aliases]
    return names


_SCORE = """
SELECT v @@ q, ts_rank(v, q, 1), COALESCE(v @@ k, false), ts_rank(v, k, 1),
    v @@ c, ts_rank(v, c, 1)
FROM (SELECT setweight(to_tsvector('english', unaccent(%s)), 'A') ||
    setweight(to_tsvector('english', unaccent(%s)), 'B') ||
    setweight(to_tsvector('english', unaccent(%s)), 'C') ||
    setweight(to_tsvector('english', unaccent(%s)), 'D') AS v,
    websearch_to_tsquery('english', unaccent(%s)) AS q,
    plainto_tsquery('english', unaccent(%s)) AS k,
    plainto_tsquery('english', %s) AS c) d
"""


def _words_of(cursor, text: str) -> list[str]:
    cursor.execute("SELECT regexp_split_to_table(lower(unaccent(%s)), '[^[:alnum:]]+')", [text])
    return [word for (word,) in cursor.fetchall() if word]


def nearest_skill(q: str) -> str | None:
    """The name of the skill most like ``q`` (word similarity, ties by pk), if it is as
    close as a typo may be: every skill scored, plainly."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, name, word_similarity(UPPER(unaccent(%s)), UPPER(name))"
            " FROM profiles_skill",
            [q],
        )
        scored = cursor.fetchall()
    if not scored:
        return None
    _, name, similarity = min(scored, key=lambda row: (-row[2], row[0]))
    return name if similarity >= TYPO_THRESHOLD else None


def spelt_right(q: str, seen_terms: list[str]) -> str:
    """``q`` with each word (of SHORTEST letters or more) the nearest of the words the
    viewer sees in people's names and skills (``seen_terms``), ties by the word, if near
    enough: every word scored, plainly."""
    with connection.cursor() as cursor:
        known = sorted({w for terms in seen_terms for w in _words_of(cursor, terms)})
        known = [w for w in known if len(w) >= SHORTEST]
        spelt = []
        for typed in _words_of(cursor, q):
            cursor.execute("SELECT w, similarity(w, %s) FROM unnest(%s::text[]) w", [typed, known])
            scored = cursor.fetchall()
            word, similarity = min(scored, key=lambda row: (-row[1], row[0]), default=("", 0))
            near = len(typed) >= SHORTEST and similarity >= NEAR_ENOUGH
            spelt.append(word if near else typed)
    return " ".join(spelt)


def plain_ranking(viewer, q: str) -> list[int]:
    """The directory's ranking read straight from the rule, not from the search rows: the
    listed profiles ``viewer`` may see (``group_q``), each as ``viewer``'s audience sees it
    (its owner too), words matched and ranked by ts_rank; only if none matches, the words
    of the skill most like the text, if close enough, matched and ranked the same; only if
    none matches those either, the text spelt with the words of what the viewer sees
    (``spelt_right``), matched and ranked the same."""
    visible = list(
        Profile.objects.listed()
        .filter(group_q(viewer, "profile"))
        .select_related("user__organisation", "team", "place")
    )
    names = _skill_names(visible)
    skill = nearest_skill(q)
    texts = {}
    for profile in visible:
        if groups := _groups_for_audience(viewer, profile):
            texts[profile] = services.search_texts(profile, names[profile.pk], groups)
    spelt = spelt_right(q, [terms for terms, *_ in texts.values()])
    scored = []
    with connection.cursor() as cursor:
        for profile, (_, *weighted) in texts.items():
            cursor.execute(_SCORE, [*weighted, q, skill, spelt])
            scored.append((profile, *cursor.fetchone()))

    def best_first(matches):
        return [p.pk for p, rank in sorted(matches, key=lambda s: (-s[1], s[0].user.name, s[0].pk))]

    for matched, ranked in [(1, 2), (3, 4), (5, 6)]:
        if matches := [(row[0], row[ranked]) for row in scored if row[matched]]:
            return best_first(matches)
    return []


def found(viewer, q: str) -> list[int]:
    return [p.pk for p in directory_search(viewer, DirectoryFilters(q=q))]


def test_the_search_finds_what_the_rule_finds_in_the_same_order(viewer):
    for q in WORDS + TYPOS_TYPED:
        assert found(viewer, q) == plain_ranking(viewer, q), q


def walked(viewer, q: str) -> int:
    """How many search rows the walk of a common word found in the directory's search of
    ``q`` (none: the word indexes found them)."""
    return sum(
        node["Actual Rows"]
        for node in nodes(analysed(FoundPeople(viewer, DirectoryFilters(q=q))))
        if "ts_match_vq" in node.get("Filter", "")
    )


@pytest.fixture
def every_word_common(monkeypatch):
    """Every word the search rows hold is common: a search walks the rows rather than reading
    the word indexes (``selectors.WALKED_ROW``; the table's rows counted, as on any site that
    has been vacuumed)."""
    monkeypatch.setattr(selectors, "WALKED_ROW", 1e-9)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE profiles_profilesearch")


def test_a_common_word_finds_what_the_rule_finds_in_the_same_order(viewer, every_word_common):
    """A word held by more rows than the threshold is found by walking the rows, not through
    the word indexes: the same people, in the same order, as the plain ranking."""
    for q in WORDS + TYPOS_TYPED:
        assert found(viewer, q) == plain_ranking(viewer, q), q
    assert walked(viewer, "opera") > 0
    # A typo of a skill walks for the skill's name as the skill's name would.
    assert walked(viewer, "Exccel") == walked(viewer, "excel")


def test_a_word_that_is_not_common_reads_the_word_indexes(people, staff_member):
    """Below the threshold (the default, on a small site), nothing is walked."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE profiles_profilesearch")
    viewer = Viewer.of(staff_member)
    assert found(viewer, "excel") == plain_ranking(viewer, "excel")
    assert walked(viewer, "excel") == 0


def test_the_data_set_tells_the_viewers_apart(people, staff_member, other_staff, community_member):
    """Each kind of viewer finds different people by the same word, so the comparison above
    checks each one's level."""
    viewers = [AnonymousUser(), community_member, staff_member, other_staff]
    results = {tuple(found(Viewer.of(v), "excel")) for v in viewers}

    assert len(results) == len(viewers)


def test_a_signed_out_search_never_returns_a_non_public_profile(people):
    anonymous = Viewer.of(AnonymousUser())
    for q in WORDS + TYPOS_TYPED:
        profiles = Profile.objects.filter(pk__in=found(anonymous, q))
        assert {p.audience for p in profiles} <= {"public"}, q
    assert found(anonymous, "opera")  # and it does find public ones


def test_typos_accents_and_other_names_still_find_people(people, staff_member):
    viewer = Viewer.of(staff_member)

    def names(q: str) -> list[str]:
        return [p.user.name for p in directory_search(viewer, DirectoryFilters(q=q))]

    assert "Imogen Hart" in names("opra singer")
    assert "Chloe Dunn" in names("Exccel")
    assert {"Zoë Brontë", "Zoe Walsh"} <= set(names("Zoe"))
    assert {"Zoë Brontë", "Zoe Walsh"} <= set(names("zoë"))
    assert "Rachel Lee" in names("BSL")
    # A swap of two letters is too far for the trigrams: the search offers the skill instead.
    assert names("Execl") == [] and did_you_mean(viewer, "Execl") == ["Excel"]


def test_a_typo_of_a_skill_finds_everyone_with_the_skill(people, staff_member):
    """ "Exccel" is nearest the skill Excel: everyone the viewer sees with it, as "Excel"
    finds them."""
    viewer = Viewer.of(staff_member)
    typo = found(viewer, "Exccel")

    assert len(typo) > ALIKE
    assert set(typo) == set(found(viewer, "Excel"))
    assert typo == plain_ranking(viewer, "Exccel")


def test_the_skill_nearest_a_typo_is_read_from_its_index_not_every_name_scored(
    people, staff_member
):
    """A search that finds no one by its words reads the few names nearest it in order from
    the names' trigram index; scoring and sorting every skill's name took 4-8 ms at S."""
    Skill.objects.bulk_create(
        Skill(name=f"Skill {n}", slug=f"skill-{n}", key=f"skill{n}") for n in range(1500)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE profiles_skill")
    viewer = Viewer.of(staff_member)

    plan = FoundPeople(viewer, DirectoryFilters(q="Exccel")).explain()

    assert re.search(r"Index Scan using skill_name_nearest .*\n\s*Order By", plan), plan
    assert not re.search(r"Seq Scan on profiles_skill k(_\d+)? ", plan), plan
    assert set(found(viewer, "Exccel")) == set(found(viewer, "Excel"))


@pytest.mark.parametrize("q", ["excel", "Execl", "Imogn Hart"])
def test_a_search_ranks_and_counts_its_candidates_without_reading_their_profiles(
    people, staff_member, q
):
    """The Excel holders a colleague sees are ranked and counted from the search rows
    alone: no profile or account is read below the count (ADR 0019, decision 18), and the
    page is what the rule read plainly ranks first: the words as typed, a typo of a skill,
    a misspelt name."""
    viewer = Viewer.of(staff_member)
    search = FoundPeople(viewer, DirectoryFilters(q=q))
    page, total = search.page(0, 5)

    assert tables_counted_from(search, 5) == set()
    assert [p.pk for p in page] == plain_ranking(viewer, q)[:5]
    assert total == len(plain_ranking(viewer, q))


def test_a_rename_reorders_people_alike(people, staff_member):
    """People a search ranks alike come in order of name, as their search rows carry it: a
    new name moves them."""
    viewer = Viewer.of(staff_member)
    alike = set(
        Profile.objects.filter(user__name__startswith="Analyst").values_list("pk", flat=True)
    )
    analyst = Profile.objects.select_related("user").get(user__name="Analyst 24")
    assert [pk for pk in found(viewer, "excel") if pk in alike][-1] == analyst.pk

    analyst.user.name = "Aaron Abbott"
    analyst.user.save()

    assert set(ProfileSearch.objects.filter(profile=analyst).values_list("name", flat=True)) == {
        "Aaron Abbott"
    }
    assert found(viewer, "excel") == plain_ranking(viewer, "excel")
    assert [pk for pk in found(viewer, "excel") if pk in alike][0] == analyst.pk


def test_a_search_row_gone_stale_shows_no_one_the_rule_hides(people):
    """The rows are copies, kept by every write the product makes; a change that bypassed
    them (a bulk update by hand, say) still shows no one to a viewer the rule hides them
    from: each person on the page is checked again."""
    imogen = Profile.objects.get(user__name="Imogen Hart")
    anonymous = Viewer.of(AnonymousUser())
    assert imogen.pk in found(anonymous, "opera")

    Profile.objects.filter(pk=imogen.pk).update(audience="organisation")  # no refresh_search

    assert imogen.pk not in found(anonymous, "opera")
    assert found(anonymous, "opera") == plain_ranking(anonymous, "opera")


def test_a_misspelt_name_is_searched_spelt_right(people, staff_member):
    """A misspelt name near no skill is searched as the nearest names the viewer's rows
    hold: everyone so named, as the names find them."""
    viewer = Viewer.of(staff_member)
    for n in range(25):
        make_profile(staff_of(staff_member.organisation, name=f"Quentin Quarrington {n:02}"))
    typo = found(viewer, "Quentn Quarington")

    assert nearest_skill("Quentn Quarington") is None
    assert len(typo) == 25
    assert (
        typo == found(viewer, "Quentin Quarrington") == plain_ranking(viewer, "Quentn Quarington")
    )


def test_a_name_hidden_from_a_level_never_spells_its_searches(people, staff_member):
    """A name only staff may see is not a word a stranger's search is spelt towards: the
    stranger's "Quentn" is spelt as the name they may see, and once the hidden profile is
    public, as its own."""
    organisation = staff_member.organisation
    quentin = make_profile(staff_of(organisation, name="Quentin Quarrington"), audience="staff")
    quentina = make_profile(staff_of(organisation, name="Quentina Smith"), audience="public")
    anonymous, staff = Viewer.of(AnonymousUser()), Viewer.of(staff_member)

    assert found(staff, "Quentn") == [quentin.pk]
    assert found(anonymous, "Quentn") == [quentina.pk]
    assert found(anonymous, "Quentn Quarington") == []

    services.update_profile(profile=quentin, fields={"audience": "public"})
    assert found(anonymous, "Quentn Quarington") == [quentin.pk]

    services.update_profile(profile=quentin, fields={"audience": "staff"})
    assert found(anonymous, "Quentn") == [quentina.pk]
    assert not SearchWord.objects.filter(level="public", word="quarrington").exists()


def test_the_word_list_counts_what_the_rows_hold(people, staff_member, other_staff):
    """After changes of every kind (a new skill, a move, leaving, an account closed, a
    profile deleted) the list holds each level's words as many times as its rows do: what
    building it again from the rows gives."""
    moved = make_profile(staff_of(staff_member.organisation, name="Wendeline Moss"), has=["Excel"])
    services.update_profile(profile=moved, fields={}, skills={"has": ["Excel", "Falconry"]})
    moved.user.organisation = other_staff.organisation
    moved.user.save()
    left = Profile.objects.get(user__name="Dev Patel")
    services.archive_profile(profile=left)
    closed = Profile.objects.get(user__name="Chloe Dunn").user
    closed.is_active = False
    closed.save()
    Profile.objects.get(user__name="Zoe Walsh").user.delete()

    def listed():
        return sorted(SearchWord.objects.values_list("level", "organisation_id", "word", "uses"))

    kept = listed()
    words.rebuild()
    assert kept == listed()
    assert ("staff", None, "falconry", 1) in kept
    assert not SearchWord.objects.filter(word="walsh").exists()


def _levels(profile: Profile) -> set[str]:
    return set(ProfileSearch.objects.filter(profile=profile).values_list("level", flat=True))


def _agrees(*viewers) -> None:
    for viewer in viewers:
        for q in ["opera", "excel", "canal boats", "opra singer"]:
            assert found(viewer, q) == plain_ranking(viewer, q), (viewer, q)


def test_search_rows_follow_audience_changes(people, staff_member, other_staff, community_member):
    viewers = [Viewer.of(v) for v in (AnonymousUser(), community_member, staff_member, other_staff)]
    imogen = Profile.objects.get(user__name="Imogen Hart")
    zoe = Profile.objects.get(user__name="Zoë Brontë")
    anonymous = viewers[0]
    assert imogen.pk in found(anonymous, "opera")

    # The profile's audience narrows: gone from the public and other organisations.
    services.update_profile(profile=imogen, fields={"audience": "organisation"})
    assert _levels(imogen) == {"organisation"}
    assert imogen.pk not in found(anonymous, "opera")
    assert imogen.pk not in found(viewers[3], "opera")
    # A group's audience narrows: the public no longer finds Zoë by what she wrote about.
    services.update_profile(profile=zoe, fields={"about_audience": "staff"})
    assert zoe.pk not in found(anonymous, "canal boats")
    assert zoe.pk in found(viewers[3], "canal boats")
    # Skills shown to the public: anyone finds Chloe by them.
    chloe = Profile.objects.get(user__name="Chloe Dunn")
    services.update_profile(
        profile=chloe, fields={"audience": "public", "skills_audience": "public"}
    )
    assert chloe.pk in found(anonymous, "video editing")
    _agrees(*viewers)


def test_search_rows_go_when_a_person_leaves_and_come_back(people, staff_member, other_staff):
    viewers = [Viewer.of(v) for v in (AnonymousUser(), staff_member, other_staff)]
    imogen = Profile.objects.get(user__name="Imogen Hart")

    services.archive_profile(profile=imogen)
    assert _levels(imogen) == set()
    _agrees(*viewers)

    services.restore_profile(profile=imogen)
    assert _levels(imogen) == {"public", "community", "staff", "organisation"}
    _agrees(*viewers)


def test_search_rows_go_when_out_of_the_directory_or_the_account_is_closed(
    people, staff_member, other_staff
):
    viewers = [Viewer.of(v) for v in (AnonymousUser(), staff_member, other_staff)]
    chloe = Profile.objects.get(user__name="Chloe Dunn")
    rachel = Profile.objects.select_related("user").get(user__name="Rachel Lee")

    services.update_profile(profile=chloe, fields={"in_directory": False})
    rachel.user.is_active = False
    rachel.user.save(update_fields=["is_active"])
    assert _levels(chloe) == _levels(rachel) == set()
    _agrees(*viewers)

    services.update_profile(profile=chloe, fields={"in_directory": True})
    rachel.user.is_active = True
    rachel.user.save()
    assert _levels(chloe) and _levels(rachel)
    _agrees(*viewers)


def test_search_rows_follow_a_move_to_another_organisation(people, staff_member, other_staff):
    dev = Profile.objects.select_related("user").get(user__name="Dev Patel")
    viewers = [Viewer.of(staff_member), Viewer.of(other_staff)]
    assert dev.pk in found(viewers[0], "data analyst")

    dev.user.organisation = other_staff.organisation
    dev.user.save(update_fields=["organisation"])

    assert dev.pk not in found(viewers[0], "data analyst")
    assert dev.pk in found(viewers[1], "data analyst")
    _agrees(*viewers)
