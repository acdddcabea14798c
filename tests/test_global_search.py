"""One search (/search/?q=): people, skills, groups, events and discussions on one page.

Each audience has its own word, used by one thing of every kind: a profile that teaches a
skill, a group, its event and a thread. Searching for a word finds everything with it if
the viewer is in that audience, and nothing at all (no result, no count) otherwise.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode

from forums import services as forum_services
from forums.models import Board
from groups import services as group_services
from tests.accounts.factories import UserFactory, staff_of
from tests.cold import cold_queries
from tests.forums.factories import board_shown_to
from tests.groups.factories import make_event, make_group
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db

SECTIONS = ["people", "skills", "groups", "events", "discussions"]
# audience -> the word only things with that audience use
WORDS = {
    "public": "Kingfisher",
    "community": "Heron",
    "staff": "Otter",
    "organisation": "Badger",
    "members": "Puffin",
}


# Each result's own link: a card's heading, or a skill's list item.
RESULT = re.compile(r"(?:<h3[^>]*>|<li>)\s*<a [^>]*>([^<]+)</a>")


def search(client: Client, q: str | None = None, **params):
    data = {"q": q, **params} if q is not None else params
    return client.get(reverse("search"), data)


def totals(response) -> dict[str, int]:
    results = response.context["results"]
    return {section.key: section.total for section in results.sections}


def shown(response, key: str) -> list[str]:
    """The names of the results a section shows, in order (as the page shows them, whether
    its part was rendered now or kept)."""
    section = next(s for s in response.context["results"].sections if s.key == key)
    return [unescape(name) for name in RESULT.findall(section.html)]


@pytest.fixture(autouse=True)
def quick_posting(settings):
    settings.FORUMS_POSTS_PER_10_MINUTES = 1_000
    settings.FORUMS_APPROVE_FIRST_POSTS = 0


@pytest.fixture
def member(council):
    """Council staff who belong to the members-only group."""
    return staff_of(council, name="Grace Member")


@pytest.fixture
def moderator(db):
    """A moderator of every board, who belongs to no organisation and no group."""
    user = UserFactory(name="Priya Moderator", is_staff=True)
    user.groups.add(AuthGroup.objects.get(name="Moderators"))
    return user


@pytest.fixture
def world(council, member, staff_member):
    """One profile, skill, group, event and thread per audience, each using its own word."""
    organiser = staff_of(council, name="Olu Organiser")
    for audience, word in WORDS.items():
        if audience != "members":  # a profile's audience is never one group
            make_profile(
                staff_of(council, name=f"Sam {audience.title()}"),
                job_title=f"{word} warden",
                teach=[f"{word} spotting"],
                audience=audience,
                skills_audience=audience,
            )
        group = make_group(organiser, name=f"{word} club", audience=audience)
        make_event(group, title=f"{word} walk")
        if audience == "members":
            group_services.add_member(group=group, user=member)
        board = board_shown_to(
            audience,
            group=group,
            organisation=council,
            name=f"{audience.title()} board",
            slug=f"{audience}-board",
        )
        forum_services.start_thread(
            board=board, author=organiser, title=f"{word} sightings", body="Seen any lately?"
        )


# --- who finds what --------------------------------------------------------------------------

EVERY_SECTION = set(SECTIONS)
# What each section's thing is called, given the audience's word.
NAMES = {
    "people": "{} warden",
    "skills": "{} spotting",
    "groups": "{} club",
    "events": "{} walk",
    "discussions": "{} sightings",
}
PROFILE_SECTIONS = {"people", "skills"}
# viewer -> audience -> the sections in which that audience's word is found
CAN_FIND = {
    "anonymous": {"public": EVERY_SECTION},
    "community member": {"public": EVERY_SECTION, "community": EVERY_SECTION},
    "staff of another organisation": {
        "public": EVERY_SECTION,
        "community": EVERY_SECTION,
        "staff": EVERY_SECTION,
    },
    "staff of the organisation": {
        "public": EVERY_SECTION,
        "community": EVERY_SECTION,
        "staff": EVERY_SECTION,
        "organisation": EVERY_SECTION,
    },
    "group member": {
        "public": EVERY_SECTION,
        "community": EVERY_SECTION,
        "staff": EVERY_SECTION,
        "organisation": EVERY_SECTION,
        "members": EVERY_SECTION - PROFILE_SECTIONS,
    },
    # Moderators see the boards they moderate, and otherwise what their audience allows.
    "moderator": {
        "public": EVERY_SECTION,
        "community": EVERY_SECTION,
        "staff": {"discussions"},
        "organisation": {"discussions"},
        "members": {"discussions"},
    },
}


@pytest.fixture
def viewers(client_as, community_member, other_staff, staff_member, member, moderator):
    return {
        "anonymous": Client(),
        "community member": client_as(community_member),
        "staff of another organisation": client_as(other_staff),
        "staff of the organisation": client_as(staff_member),
        "group member": client_as(member),
        "moderator": client_as(moderator),
    }


@pytest.mark.parametrize("viewer", list(CAN_FIND))
def test_each_viewer_finds_what_they_may_see_and_nothing_else_not_even_a_count(
    viewer, viewers, world
):
    client = viewers[viewer]
    for audience, word in WORDS.items():
        response = search(client, word.lower())
        assert response.status_code == 200
        expected = CAN_FIND[viewer].get(audience, set())
        counts = totals(response)
        assert {key for key, n in counts.items() if n} == expected, (viewer, audience)
        assert all(n in (0, 1) for n in counts.values()), (viewer, audience, counts)
        html = response.content.decode()
        for key in EVERY_SECTION - expected:
            assert NAMES[key].format(word) not in html, (viewer, audience, key)
        if not expected:
            assert f"No results for “{word.lower()}”" in html


def test_signed_out_visitors_may_search_and_are_invited_to_sign_in(world):
    response = search(Client(), "kingfisher")

    assert response.status_code == 200
    html = response.content.decode()
    for text in ["Kingfisher warden", "Kingfisher spotting", "Kingfisher club", "Kingfisher walk"]:
        assert text in html
    assert "Kingfisher sightings" in html
    assert "Sign in</a> to find more" in html


def test_a_skill_kept_to_an_organisation_is_not_found_outside_it(council, client_as, other_staff):
    make_profile(
        staff_of(council, name="Wendy Ward"),
        audience="public",
        skills_audience="organisation",
        teach=["Wombat care"],
    )
    colleague = staff_of(council)

    outside = search(client_as(other_staff), "wombat care")
    inside = search(client_as(colleague), "wombat care")

    assert totals(outside) == dict.fromkeys([*SECTIONS, "opportunities", "stories"], 0)
    assert "Wombat" not in outside.content.decode().replace("“wombat care”", "")
    assert totals(inside)["people"] == 1 and totals(inside)["skills"] == 1
    assert "Can teach:</span> Wombat care" in inside.content.decode()


def test_a_skill_is_found_only_when_someone_the_viewer_may_see_holds_it(council, client_as):
    make_profile(staff_of(council), audience="organisation", teach=["Juggling"])

    anonymous = shown(search(Client(), "juggling"), "skills")
    colleague = shown(search(client_as(staff_of(council)), "juggling"), "skills")

    assert anonymous == []  # its only holder shows their profile to colleagues alone
    assert colleague == ["Juggling"]


# --- the page -------------------------------------------------------------------------------


def test_an_empty_search_shows_the_form_and_a_hint(db):
    response = search(Client())

    assert response.status_code == 200
    assert response.templates[0].name == "search/search.html"
    html = response.content.decode()
    assert '<label class="govuk-label govuk-label--s" for="search-q">' in html
    assert 'role="search"' in html and 'name="q"' in html
    assert "Find people by what they know and love doing" in html
    assert response.context["results"] is None


def test_a_fruitless_search_says_what_to_try_next(staff_member, client_as):
    response = search(client_as(staff_member), "xylophone")

    html = response.content.decode()
    assert "No results for “xylophone”" in html
    assert "check the spelling" in html
    assert reverse("groups:suggestion-list") in html


def test_a_fruitless_search_offers_the_skill_it_may_mean(council, staff_member, client_as):
    chloe = staff_of(council, name="Chloe Dunn")
    make_profile(chloe, teach=["Excel"], audience="public", skills_audience="public")

    for client in (Client(), client_as(staff_member)):
        html = search(client, "Execl").content.decode()
        assert "No results for “Execl”" in html
        assert f'Did you mean <a class="govuk-link" href="{reverse("search")}?q=Excel">' in html


@pytest.mark.parametrize(
    "q",
    [
        "x" * 5000,
        "opera\tsinger",  # NUL and other control characters: tests/test_bad_addresses.py
        '"unclosed quote',
        "!!! & | :* <-> ()",
        "-",
        "or",
        "%_\\",
        "<script>alert(1)</script>",
        "😀 émigré",
    ],
)
def test_odd_input_never_breaks_the_page(q, world, client_as, staff_member):
    for client in (Client(), client_as(staff_member)):
        response = search(client, q, section="events")
        assert response.status_code == 200
        response = search(client, q, page="nonsense")
        assert response.status_code == 200
        assert len(response.context["q"]) <= 200
        assert "<script>alert" not in response.content.decode()


def test_results_come_in_sections_in_a_fixed_order_with_headings_and_lists(
    world, client_as, member
):
    response = search(client_as(member), "puffin or kingfisher")

    html = response.content.decode()
    headings = [html.index(f'id="{key}-heading"') for key in ["people", "skills", "groups"]]
    assert headings == sorted(headings)
    assert html.index('id="groups-heading"') < html.index('id="events-heading"')
    assert html.index('id="events-heading"') < html.index('id="discussions-heading"')
    assert '<ul class="govuk-list sociable-people" aria-labelledby="groups-heading">' in html
    assert '<h2 class="govuk-heading-m" id="events-heading">Events <span' in html
    assert 'href="#discussions">2 posts</a>' in html


def test_sections_without_results_are_summed_up_in_one_line(council, client_as):
    make_group(staff_of(council), name="Ukulele orchestra")

    html = search(client_as(staff_of(council)), "ukulele").content.decode()

    assert 'id="groups-heading"' in html
    assert 'id="people-heading"' not in html
    assert "No people, skills, events, posts, opportunities or stories match “ukulele”." in html


def test_each_section_shows_its_best_few_and_links_to_all_of_them(council, client_as):
    organiser = staff_of(council)
    for n in range(6):
        make_profile(staff_of(council, name=f"Choir Singer {n}"), teach=["Choral singing"])
        group = make_group(organiser, name=f"Choir {n}")
        make_event(group, title=f"Choir practice {n}")
    board = Board.objects.create(name="Open", slug="open", audience="public")
    for n in range(6):
        forum_services.start_thread(board=board, author=organiser, title=f"Choir {n}", body="Hi")
    client = client_as(staff_of(council))

    response = search(client, "choir")

    html = response.content.decode()
    for key in ["people", "groups", "events", "discussions"]:
        assert len(shown(response, key)) == 4
        assert totals(response)[key] == 6
    assert 'href="/people/?q=choir">See all 6 people' in html
    assert 'href="/groups/?q=choir">See all 6 groups' in html
    assert 'href="/search/?q=choir&amp;section=events">See all 6 events' in html
    assert 'href="/forums/search/?q=choir">See all 6 posts' in html
    # Where "see all" leads finds the same things.
    groups_page = client.get(reverse("groups:group-list"), {"q": "choir"})
    assert len(groups_page.context["groups"]) == 6
    people_page = client.get(reverse("profiles:directory"), {"q": "choir"})
    assert people_page.context["page"].paginator.count == 6
    events_page = search(client, "choir", section="events")
    assert events_page.context["page"].paginator.count == 6
    assert "Choir practice 5" in events_page.content.decode()


def test_typing_a_name_exactly_shows_it_first_as_the_best_match(world, client_as, staff_member):
    html = search(client_as(staff_member), "otter spotting").content.decode()

    assert "Best match</h2>" in html
    best = html.index("Best match</h2>")
    assert html.index("Otter spotting", best) < html.index('id="people-heading"')

    assert "Best match" not in search(client_as(staff_member), "otter").content.decode()


def test_typos_in_names_are_forgiven(world, client_as, staff_member):
    response = search(client_as(staff_member), "kingfsher clb")

    assert shown(response, "groups") == ["Kingfisher club"]


def test_upcoming_events_come_before_past_and_cancelled_ones(council, client_as):
    group = make_group(staff_of(council), name="Walkers")
    past = make_event(group, title="Canal walk in spring", days=-30)
    cancelled = make_event(group, title="Canal walk cancelled", days=2)
    group_services.cancel_event(event=cancelled)
    soon = make_event(group, title="Canal walk", days=3)
    later = make_event(group, title="Canal walk again", days=20)

    response = search(client_as(staff_of(council)), "canal walk")

    events = shown(response, "events")
    assert set(events[:2]) == {soon.title, later.title}
    assert set(events[2:]) == {past.title, cancelled.title}
    html = response.content.decode()
    assert ">Past</strong>" in html and ">Cancelled</strong>" in html


def test_the_skills_section_lists_every_match_on_its_own_page(council, client_as):
    for n in range(25):
        make_profile(staff_of(council), has=[f"Pottery style {n}"])
    client = client_as(staff_of(council))

    overview = search(client, "pottery")
    first = search(client, "pottery", section="skills")
    second = search(client, "pottery", section="skills", page=2)

    assert 'href="/search/?q=pottery&amp;section=skills">See all 25 skills' in (
        overview.content.decode()
    )
    assert first.templates[0].name == "search/section.html"
    assert first.context["page"].paginator.count == 25
    assert len(first.context["page"]) == 20 and len(second.context["page"]) == 5
    assert 'href="?q=pottery&amp;section=skills&amp;page=2"' in first.content.decode()


def test_user_typed_text_is_escaped(council, client_as):
    make_group(staff_of(council), name="<b>Bold</b> group", summary="<i>x</i>")

    html = search(client_as(staff_of(council)), "bold").content.decode()

    assert "&lt;b&gt;Bold&lt;/b&gt; group" in html and "<b>Bold</b>" not in html


def test_the_header_links_to_search(db):
    html = Client().get(reverse("search")).content.decode()

    assert f'href="{reverse("search")}" aria-current="true"' in html


# --- a fixed number of queries ---------------------------------------------------------------

# Each section is one query when it is not kept (people, skills, groups and events,
# discussions, opportunities, stories), and a few more for the page and the viewer (the
# session, their account, and their facts: groups and unseen skills in one query).
BUDGET = 10


def count_queries(client: Client, q: str) -> int:
    return cold_queries(client, f"{reverse('search')}?{urlencode({'q': q})}")


def add_choir_things(council, n: int, start: int = 0) -> None:
    organiser = staff_of(council)
    board = Board.objects.get_or_create(name="Open", slug="open", audience="public")[0]
    for i in range(start, start + n):
        make_profile(
            staff_of(council, name=f"Choir Singer {i}"),
            audience="public",
            skills_audience="public",
            teach=[f"Choral singing {i}"],
        )
        group = make_group(organiser, name=f"Choir {i}", audience="public")
        make_event(group, title=f"Choir practice {i}")
        make_event(group, title=f"Choir concert {i}", days=-10)
        thread, _ = forum_services.start_thread(
            board=board, author=organiser, title=f"Choir {i}", body="Who sings?"
        )
        forum_services.reply(thread=thread, author=organiser, body="The choir does.")


def test_the_page_runs_the_same_few_queries_however_much_matches(
    council, client_as, community_member, staff_member, moderator
):
    viewers = {
        "anonymous": Client(),
        "community member": client_as(community_member),
        "staff": client_as(staff_member),
        "moderator": client_as(moderator),
    }
    add_choir_things(council, 1)
    small = {who: count_queries(client, "choir") for who, client in viewers.items()}

    add_choir_things(council, 12, start=1)
    large = {who: count_queries(client, "choir") for who, client in viewers.items()}

    assert large == small
    # A moderator's discussions are theirs alone (they also find what is on the boards they
    # moderate), and whether they moderate is one more question.
    assert all(n <= BUDGET + (who == "moderator") for who, n in large.items()), large
    page = search(viewers["anonymous"], "choir")
    assert totals(page) == {
        "people": 13,
        "skills": 13,
        "groups": 13,
        "events": 26,
        "discussions": 26,
        "opportunities": 0,
        "stories": 0,
    }


def test_a_full_section_page_runs_the_same_queries_on_any_page(council, client_as, staff_member):
    add_choir_things(council, 1)
    client = client_as(staff_member)
    with CaptureQueriesContext(connection) as small:
        search(client, "choir", section="events")
    add_choir_things(council, 12, start=1)
    with CaptureQueriesContext(connection) as large:
        search(client, "choir", section="events", page=2)

    assert len(large) == len(small) <= BUDGET
