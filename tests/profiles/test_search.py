"""The directory search: one box over everything visible, ranked, forgiving typos."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse

from profiles import selectors
from profiles.models import Profile
from profiles.selectors import DirectoryFilters, directory_search
from tests.accounts.factories import staff_of
from tests.cold import CACHE_TABLE
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(council, trust):
    singer = make_profile(
        staff_of(council, name="Imogen Hart"),
        job_title="Housing officer",
        teach=["Opera singing"],
        team="Housing",
        place="Merrion House",
    )
    fan = make_profile(
        staff_of(trust, name="Bilal Khan"),
        job_title="Porter",
        bio="I go to the opera twice a year.",
    )
    editor = make_profile(
        staff_of(trust, name="Chloe Dunn"),
        job_title="Comms officer",
        teach=["Video editing"],
        has=["Excel"],
    )
    learner = make_profile(
        staff_of(council, name="Dev Patel"),
        job_title="Data analyst",
        learn=["Video editing"],
        team="Housing",
    )
    return {"singer": singer, "fan": fan, "editor": editor, "learner": learner}


def names(viewer, **filters):
    return [p.user.name for p in directory_search(viewer, DirectoryFilters(**filters))]


def test_the_opera_singer_ranks_first_for_opera(people, staff_member):
    assert names(staff_member, q="opera")[:2] == ["Imogen Hart", "Bilal Khan"]


@pytest.mark.parametrize("typo", ["opra singer", "opera singr", "Imogn Hart"])
def test_typos_still_find_the_person(people, staff_member, typo):
    assert names(staff_member, q=typo)[0] == "Imogen Hart"


def test_names_job_titles_and_teams_are_all_searched(people, staff_member):
    assert names(staff_member, q="chloe") == ["Chloe Dunn"]
    assert names(staff_member, q="data analyst") == ["Dev Patel"]
    assert set(names(staff_member, q="housing")) == {"Imogen Hart", "Dev Patel"}


def test_accents_and_case_do_not_matter(people, staff_member):
    assert names(staff_member, q="ÓPERA")[0] == "Imogen Hart"


def test_filters_narrow_the_results(people, staff_member, council, trust):
    assert names(staff_member, organisation=trust.slug) == ["Bilal Khan", "Chloe Dunn"]
    editing = people["editor"].profile_skills.get(relation="teach").skill
    assert names(staff_member, skill=editing.slug) == ["Chloe Dunn"]
    assert names(staff_member, q="video editing", teaches=True) == ["Chloe Dunn"]
    housing = people["singer"].team
    assert names(staff_member, team=housing.slug) == ["Dev Patel", "Imogen Hart"]


def test_no_query_lists_everyone_visible_alphabetically(people, staff_member):
    assert names(staff_member) == sorted(names(staff_member))
    assert len(names(staff_member)) == 4


def test_an_anonymous_visitor_finds_only_public_profiles(people):
    Profile.objects.filter(pk=people["editor"].pk).update(audience="public")

    assert names(AnonymousUser()) == ["Chloe Dunn"]
    assert names(AnonymousUser(), q="opera") == []


def test_results_say_why_each_person_matched(client_as, people, staff_member):
    html = client_as(staff_member).get("/people/", {"q": "video editing"}).content.decode()

    assert "Can teach:</span> Video editing" in html
    assert "Wants to learn:</span> Video editing" in html


def test_no_results_suggest_what_to_do(client_as, people, staff_member):
    html = client_as(staff_member).get("/people/", {"q": "beekeeping"}).content.decode()

    assert "Nobody yet matches “beekeeping”" in html
    assert reverse("profiles:profile-edit") in html


def test_a_search_that_finds_nobody_offers_the_skill_it_may_mean(client_as, people, staff_member):
    client = client_as(staff_member)
    html = client.get("/people/", {"q": "Execl", "page": "2"}).content.decode()

    assert "Nobody yet matches “Execl”. Did you mean" in html
    assert '<a class="govuk-link" href="?q=Excel">Excel</a>?' in html
    assert "Chloe Dunn" in client.get("/people/", {"q": "Excel"}).content.decode()


def test_only_skills_others_of_your_audience_may_see_are_offered(
    client_as, people, staff_member, other_staff, trust
):
    make_profile(staff_of(trust, name="Gwen"), teach=["Welsh"], skills_audience="organisation")
    make_profile(staff_member, interests=["Basketry"], show_interests=False)

    def offered(user, q: str) -> bool:
        html = client_as(user).get("/people/", {"q": q}).content.decode()
        assert "Nobody yet matches" in html
        return "Did you mean" in html

    assert offered(other_staff, "Wlesh")  # Gwen's colleague
    assert not offered(staff_member, "Wlesh")  # Gwen's skills are for the trust alone
    assert not offered(staff_member, "Baskerty")  # only Amara is shown she holds it


def test_search_text_is_escaped(client_as, people, staff_member):
    html = client_as(staff_member).get("/people/", {"q": "<script>x</script>"}).content.decode()

    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_results_are_paginated(client_as, council, staff_member):
    for n in range(25):
        make_profile(staff_of(council, name=f"Person {n:02d}"), teach=["Excel"])

    client = client_as(staff_member)
    sql = []
    with connection.execute_wrapper(
        lambda run, query, *args: sql.append(query) or run(query, *args)
    ):
        first = client.get("/people/", {"q": "excel"}).content.decode()
    second = client.get("/people/", {"q": "excel", "page": 2}).content.decode()
    past_the_end = client.get("/people/", {"q": "excel", "page": 9}).content.decode()
    not_a_number = client.get("/people/", {"q": "excel", "page": "two"}).content.decode()

    assert "25 people matching “excel”" in first
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "Person 00" in first and "Person 24" in second
    assert "Page 2 of 2" in past_the_end and "Person 24" in past_the_end
    assert "Page 1 of 2" in not_a_number and "25 people matching “excel”" in not_a_number
    # The total comes with the page: the matches are not found a second time to count them.
    # (The page cache counts its own rows before it keeps a page: not a count of matches.)
    own = [query for query in sql if f'"{CACHE_TABLE}"' not in query]
    assert own and not [query for query in own if query.startswith("SELECT COUNT(*)")]


def test_a_search_that_stops_at_its_bound_says_there_may_be_more(
    client_as, council, staff_member, monkeypatch
):
    """A search ranks and counts at most its bound of candidates: past it, the page says
    "or more", not a count it did not make (ADR 0005)."""
    for n in range(5):
        make_profile(staff_of(council, name=f"Person {n}"), teach=["Excel"])
    make_profile(staff_of(council, name="Lone Weaver"), teach=["Weaving"])
    monkeypatch.setattr(selectors, "CANDIDATES", 3)
    client = client_as(staff_member)

    common = client.get("/people/", {"q": "excel"}).content.decode()
    rare = client.get("/people/", {"q": "weaving"}).content.decode()
    one_search = client.get(reverse("search"), {"q": "excel"}).content.decode()

    assert "3 or more people matching “excel”" in common
    assert "1 person matching “weaving”" in rare and "or more" not in rare
    assert ">3 or more people</a>" in one_search  # the summary of what was found
    assert "See all 3 or more people" in one_search
    # The section is kept, and read back, with whether its count is all of them.
    again = client.get(reverse("search"), {"q": "excel"})
    assert again.context["results"].sections[0].results == []  # read back, not rendered
    assert ">3 or more people</a>" in again.content.decode()


def test_another_name_for_a_skill_finds_it(council, staff_member):
    from profiles.models import Skill, SkillAlias

    signer = make_profile(staff_of(council, name="Rachel Lee"), languages=["British Sign Language"])
    SkillAlias.objects.create(
        key="bsl", name="BSL", skill=Skill.objects.get(name="British Sign Language")
    )
    from profiles.services import refresh_search

    refresh_search(profiles=[signer])

    assert names(staff_member, q="bsl") == ["Rachel Lee"]


def test_the_filter_form_takes_a_typed_skill_name_and_a_team(client_as, people, staff_member):
    housing = people["singer"].team
    client = client_as(staff_member)

    by_skill = client.get("/people/", {"skill": "video EDITING", "teaches": "on"})
    by_team = client.get("/people/", {"team": housing.slug})

    assert [v.profile.user.name for v, _ in by_skill.context["results"]] == ["Chloe Dunn"]
    assert [v.profile.user.name for v, _ in by_team.context["results"]] == [
        "Dev Patel",
        "Imogen Hart",
    ]
    assert "Fostering" not in by_team.content.decode()


def test_reasons_quote_about_me_without_markdown_marks(client_as, council, staff_member):
    make_profile(staff_of(council, name="Eleanor Sutcliffe"), bio="I sing with **Kirkfield Opera**")

    html = client_as(staff_member).get("/people/", {"q": "opera"}).content.decode()

    assert "I sing with Kirkfield Opera" in html


def test_a_person_who_moves_organisation_is_searched_at_their_new_colleagues_level(
    council, trust, staff_member, other_staff
):
    mover = staff_of(council, name="Morgan Mover")
    make_profile(mover, bio="I restore canal boats", about_audience="organisation")

    def found_by(viewer) -> bool:
        return mover.profile in directory_search(viewer, DirectoryFilters(q="canal boats"))

    assert found_by(staff_member) and not found_by(other_staff)

    mover.organisation = trust  # e.g. a verified email at the trust's domain
    mover.save(update_fields=["organisation"])

    assert found_by(other_staff) and not found_by(staff_member)


def test_team_and_building_filters_take_part_of_a_name_as_typed(client_as, people, staff_member):
    """Thousands of teams make a select unusable: people type what they remember."""
    client = client_as(staff_member)

    by_team = client.get("/people/", {"team": "  hous "})
    by_building = client.get("/people/", {"place": "merrion"})
    nowhere = client.get("/people/", {"team": "Fostering"})

    assert [v.profile.user.name for v, _ in by_team.context["results"]] == [
        "Dev Patel",
        "Imogen Hart",
    ]
    assert "Showing people in a team named like “hous”." in by_team.content.decode()
    assert 'value="  hous "' in by_team.content.decode()  # kept as typed
    assert [v.profile.user.name for v, _ in by_building.context["results"]] == ["Imogen Hart"]
    assert nowhere.context["results"] == []
    assert "Nobody found" in nowhere.content.decode()


def test_a_filter_that_is_wrong_is_said_keeps_what_was_typed_and_finds_nobody(
    client_as, people, staff_member
):
    """An organisation no one has (a link to one since renamed, an address typed by hand):
    the page says so where it can be seen, keeps the words, and lists no one as if the
    search had been for nothing."""
    response = client_as(staff_member).get("/people/", {"q": "opera", "organisation": "gone"})
    html = response.content.decode()

    assert response.status_code == 200
    assert html.count("Select a valid choice. gone is not one of the available choices.") == 2
    assert '<a href="#id_organisation">' in html  # the summary leads to the filter
    assert "<title>Error: People" in html
    assert 'value="opera"' in html
    assert '<details class="govuk-details" open>' in html
    assert "Imogen Hart" not in html  # the singer, found by "opera" when nothing is wrong
    assert "results" not in response.context


def test_a_card_shows_everything_a_person_typed_escaped(client_as, council, staff_member):
    """A card is drawn in Python (``profiles.rendering``): every field it shows, and why
    its person matched, comes out as text, on the directory and the one search alike."""
    make_profile(
        staff_of(council, name="Quill <b>Marsh</b>"),
        pronouns="<i>they</i>",
        job_title='Archivist "&" <script>x</script>',
        team="<u>Records</u>",
        place="<em>Hall</em>",
        floor="<s>2</s>",
        teach=["Quillwork <img>"],
    )
    client = client_as(staff_member)

    for html in (
        client.get("/people/", {"q": "quillwork"}).content.decode(),
        client.get("/search/", {"q": "quillwork"}).content.decode(),
    ):
        for typed in ("<b>Marsh</b>", "<i>they</i>", "<script>x</script>", "<u>", "<em>", "<s>"):
            assert typed not in html
        assert "Quill &lt;b&gt;Marsh&lt;/b&gt;" in html
        assert "(&lt;i&gt;they&lt;/i&gt;)" in html
        assert "Archivist &quot;&amp;&quot; &lt;script&gt;x&lt;/script&gt;, " in html
        where = " · &lt;u&gt;Records&lt;/u&gt; · &lt;em&gt;Hall&lt;/em&gt;, &lt;s&gt;2&lt;/s&gt;"
        assert where in html
        assert "Can teach:</span> Quillwork &lt;img&gt;" in html
