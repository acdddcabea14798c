"""What many people see alike is rendered once and shared, never past a change of content.

The page cache is on here (the rest of the suite renders every page fresh). These tests
commit for real (a transactional database), so a change is seen exactly as in production:
when its transaction commits.
"""

from __future__ import annotations

import psycopg
import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums.models import Board, Post, ReadMarker
from forums.services import hide_post, mark_read, reply, start_thread
from groups.models import Group
from groups.services import add_member, join_group, rsvp_to_event
from profiles.cards import shared_cards
from profiles.models import Matches, Profile, ProfileSkill
from profiles.parts import directory_filters
from profiles.services import update_profile
from sociable.pagecache import cache
from sociable.parts import SharedPart
from tests.accounts.factories import UserFactory, add_totp, staff_of
from tests.forums.factories import group_board
from tests.groups.factories import make_event, make_group
from tests.profiles.factories import make_profile

Relation = ProfileSkill.Relation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 30
    cache.clear()  # the cache table outlives a transactional test's data
    yield
    cache.clear()


@pytest.fixture
def thread(staff_member):
    board = Board.objects.create(name="Open discussion", slug="open", audience="public")
    thread, _ = start_thread(
        board=board, author=staff_member, title="Bins", body="When are the bins collected?"
    )
    return thread


def test_a_visitor_is_served_the_page_rendered_for_the_visitor_before(
    thread, django_assert_max_num_queries
):
    first = Client().get(thread.get_absolute_url())

    with django_assert_max_num_queries(1):  # the cache, and nothing else
        again = Client().get(thread.get_absolute_url())

    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert "bins collected" in again.content.decode()


def test_a_new_reply_shows_at_once(thread, other_staff):
    Client().get(thread.get_absolute_url())

    reply(thread=thread, author=other_staff, body="Tuesdays, I think.")

    assert "Tuesdays, I think." in Client().get(thread.get_absolute_url()).content.decode()


def test_a_hidden_post_disappears_at_once(thread):
    post = Post.objects.get(thread=thread)
    Client().get(thread.get_absolute_url())
    moderator = UserFactory(name="Priya Shah", is_staff=True)

    hide_post(post=post, moderator=moderator, reason="Shares a phone number")

    page = Client().get(thread.get_absolute_url()).content.decode()
    assert "bins collected" not in page
    assert "Hidden by a moderator" in page


def test_narrowing_an_audience_by_a_bulk_update_hides_the_page_at_once(staff_member):
    """Not only save(): an update() (an admin bulk action, a data fix) counts as a change."""
    group = make_group(staff_member, name="Kirkfield walkers", audience="public")
    assert Client().get(group.get_absolute_url()).status_code == 200

    Group.objects.filter(pk=group.pk).update(audience="staff")

    assert Client().get(group.get_absolute_url()).status_code == 404
    assert "Kirkfield walkers" not in Client().get("/groups/").content.decode()


def test_signed_in_people_neither_read_nor_fill_the_shared_pages(client_as, staff_member, council):
    make_group(staff_member, name="Kirkfield walkers", audience="public")
    make_group(staff_member, name="Council book club", audience="staff")

    signed_out = Client().get("/groups/").content.decode()
    signed_in = client_as(staff_member).get("/groups/").content.decode()
    signed_out_again = Client().get("/groups/").content.decode()

    assert "Council book club" not in signed_out
    assert "Council book club" in signed_in  # not the visitors' page
    assert "Council book club" not in signed_out_again  # and the staff page was not kept
    assert "Sign out" not in signed_out_again


def test_your_own_bookkeeping_is_not_a_change(thread, staff_member, django_assert_max_num_queries):
    """Signing in and reading a thread write only your rows: shared pages stay as they are."""
    Client().get(thread.get_absolute_url())

    Client().force_login(staff_member)  # sets last_login
    mark_read(user=staff_member, thread=thread)
    assert ReadMarker.objects.filter(user=staff_member, thread=thread).exists()

    with django_assert_max_num_queries(1):
        Client().get(thread.get_absolute_url())


def test_the_matches_home_keeps_for_you_are_not_a_change(
    thread, council, staff_member, django_assert_max_num_queries
):
    """Home keeps the people it suggests to you: shown to you alone, so shared pages stay."""
    make_profile(staff_member, learn=["Excel"])
    make_profile(staff_of(council, name="Ada First"), teach=["Excel"])
    Client().get(thread.get_absolute_url())

    client = Client()
    client.force_login(staff_member)
    assert "Ada First" in client.get("/").content.decode()
    assert Matches.objects.filter(profile__user=staff_member).exists()

    with django_assert_max_num_queries(1):
        Client().get(thread.get_absolute_url())


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(thread):
    """A message (after signing out, say) is shown once, on the next page: never shared."""
    Client().get("/")
    visitor = Client()
    visitor.cookies["messages"] = "anything"

    page = visitor.get("/")

    assert page.status_code == 200
    assert page.context is not None  # rendered for this visitor, not read from the cache


def test_with_the_cache_off_every_page_is_rendered(settings, thread):
    settings.PAGE_CACHE_SECONDS = 0
    Client().get(thread.get_absolute_url())

    assert Client().get(thread.get_absolute_url()).context is not None


# --- the directory's results, shared by everyone with one audience ------------------------


def _results(client: Client, query: str) -> str:
    return client.get("/people/", {"q": query}).content.decode()


def _filters(client: Client, **typed: str) -> str:
    """The directory page's filters (between the search box and the button)."""
    html = client.get("/people/", typed).content.decode()
    return html.split('class="govuk-details__text">', 1)[1].split("</details>", 1)[0]


def test_the_filters_are_rendered_once_and_show_each_searcher_what_they_typed(
    client_as, community_member, staff_member, monkeypatch
):
    """The filters are the same for everyone who typed the same in them: searches for words
    alone share one rendering, and a filter someone typed, or got wrong, stays theirs."""
    colleague, visitor = client_as(staff_member), Client()
    rendered = []
    render_all = SharedPart.render_all

    def noting(part, viewer, calls, positions):
        rendered.extend(calls[at][1:] for at in positions if part is directory_filters)
        return render_all(part, viewer, calls, positions)

    monkeypatch.setattr(SharedPart, "render_all", noting)

    typed = _filters(colleague, q="opera", team="hous", organisation="nowhere")
    asked = []

    def noting_sql(execute, sql, params, many, context):
        asked.append(sql)
        return execute(sql, params, many, context)

    words_alone = [_filters(colleague, q="welsh")]
    with connection.execute_wrapper(noting_sql):
        words_alone += [_filters(visitor, q="knitting"), _filters(colleague, q="canals")]
    everyone = _filters(client_as(community_member), q="opera")

    assert rendered == [((True,), {"team": "hous", "organisation": "nowhere"}), ((True,), {})]
    assert asked
    assert not [sql for sql in asked if 'FROM "accounts_organisation"' in sql]  # nor checks them

    assert 'value="hous"' in typed
    assert "Select a valid choice" in typed  # what is wrong with it, and no more
    assert words_alone[0] == words_alone[1] == words_alone[2] == everyone
    assert 'value="hous"' not in everyone
    assert "Select a valid choice" not in everyone
    assert _filters(visitor, team="hous", organisation="nowhere") == typed


def test_colleagues_share_results_but_other_audiences_never_see_them(
    client_as, council, staff_member, other_staff, community_member
):
    """A field only the council may see reaches the council's staff alone, whoever asked first."""
    singer = staff_of(council, name="Imogen Hart")
    make_profile(singer, has=["Opera"], skills_audience="organisation")
    people = [staff_member, staff_of(council, name="Dev Patel"), other_staff, community_member]
    clients = [client_as(person) for person in people] + [Client()]  # signed in before asking

    found = ["Imogen Hart" in _results(client, "opera") for client in clients]

    assert found == [True, True, False, False, False]


def test_your_own_card_is_never_shared(client_as, council, staff_member):
    """You see all of your card, hidden interests included: colleagues must not, even after."""
    make_profile(staff_member, interests=["Opera"], show_interests=False)
    me, colleague = client_as(staff_member), client_as(staff_of(council, name="Dev Patel"))

    mine = _results(me, "amara or opera")
    theirs = _results(colleague, "amara or opera")

    assert "Amara Okafor" in mine
    assert "Outside work:" in mine
    assert "Amara Okafor" in theirs
    assert "Outside work:" not in theirs


def test_a_profile_change_reaches_shared_results_at_once(client_as, council, staff_member):
    singer = make_profile(staff_of(council, name="Imogen Hart"), has=["Opera"])
    viewer = client_as(staff_member)
    assert "Imogen Hart" in _results(viewer, "opera")

    update_profile(profile=singer, fields={}, skills={Relation.HAS: ["Knitting"]})

    assert "Imogen Hart" not in _results(viewer, "opera")
    assert "Imogen Hart" in _results(viewer, "knitting")


def test_a_skill_pages_people_follow_the_audience_and_never_share_your_own_card(
    client_as, council, staff_member, other_staff
):
    make_profile(
        staff_of(council, name="Imogen Hart"), has=["Excel"], skills_audience="organisation"
    )
    make_profile(staff_member, interests=["Morris dancing"], show_interests=False)
    clients = [client_as(staff_member), client_as(staff_of(council, name="Dev Patel"))]
    clients += [client_as(other_staff), Client()]

    excel = [client.get("/skills/excel/").content.decode() for client in clients]
    morris = [client.get("/skills/morris-dancing/").content.decode() for client in clients]

    assert ["Imogen Hart" in page for page in excel] == [True, True, False, False]
    assert ["Amara Okafor" in page for page in morris] == [True, False, False, False]


# --- a thread's pages, shared by everyone who may read them --------------------------------


def _page(client: Client, thread) -> str:
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_readers_share_a_threads_page_and_each_post_their_own_reactions(
    thread, client_as, council, django_assert_max_num_queries
):
    """The second reader is served the posts rendered for the first, with forms carrying
    their own CSRF token: their reaction goes through with CSRF checks on."""
    first, second = staff_of(council, name="Dev Patel"), staff_of(council, name="Jo Lee")
    _page(client_as(first), thread)
    reader = client_as(second)
    reader.handler.enforce_csrf_checks = True

    with django_assert_max_num_queries(7):  # session, user, thread, cache; marking it read
        page = _page(reader, thread)
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    post = Post.objects.get(thread=thread)
    reacted = reader.post(
        reverse("forums:post-react", args=[post.pk]),
        {"kind": "thanks", "csrfmiddlewaretoken": token},
    )

    assert "bins collected" in page
    assert "<!--sociable" not in page
    assert reacted.status_code == 302
    assert post.reactions.filter(user=second, kind="thanks").exists()


def test_your_own_posts_are_never_shared(thread, client_as, staff_member, council):
    """The author sees how to edit their post whoever read the page first; nobody else does."""
    colleague = client_as(staff_of(council, name="Dev Patel"))
    before = _page(colleague, thread)

    mine = _page(client_as(staff_member), thread)
    after = _page(colleague, thread)

    assert ">Edit</a>" in mine and ">Report</a>" not in mine
    for page in (before, after):
        assert ">Edit</a>" not in page and ">Report</a>" in page


def test_your_post_waiting_for_a_moderator_shows_to_you_alone(thread, client_as, community_member):
    """A first post waits for approval: its author sees it on the shared page, others don't."""
    waiting = reply(thread=thread, author=community_member, body="Mondays, surely?")
    neighbour = client_as(UserFactory(name="Sam Reid"))  # the same audience: the community

    before = _page(neighbour, thread)  # kept for the community
    mine = _page(client_as(community_member), thread)
    after = _page(neighbour, thread)

    assert waiting.status == Post.Status.PENDING
    assert "Mondays, surely?" in mine
    assert "Mondays, surely?" not in before + after


def test_moderators_never_see_the_readers_page_nor_readers_theirs(thread, client_as, council):
    post = Post.objects.get(thread=thread)
    moderator = UserFactory(name="Priya Shah", is_staff=True)
    moderator.groups.add(AuthGroup.objects.get(name="Moderators"))
    add_totp(moderator)
    hide_post(post=post, moderator=moderator, reason="Shares a phone number")
    reader = client_as(staff_of(council, name="Dev Patel"))

    readers = _page(reader, thread)
    moderators = _page(client_as(moderator), thread)
    readers_again = _page(reader, thread)

    assert "Show the hidden post" in moderators
    assert "bins collected" in moderators
    for page in (readers, readers_again):
        assert "Show the hidden post" not in page
        assert "bins collected" not in page


def test_a_group_boards_thread_stays_with_its_members(client_as, staff_member, council):
    """However its pages are kept, a group's board is read by its members alone."""
    group = make_group(staff_member, name="Council choir", audience="staff")
    board = group_board(group, name="Choir", slug="choir", audience="members")
    thread, _ = start_thread(board=board, author=staff_member, title="Rota", body="Altos first")
    _page(client_as(staff_member), thread)

    outsider = client_as(staff_of(council, name="Dev Patel"))

    assert outsider.get(thread.get_absolute_url()).status_code == 404


# --- board lists and thread lists, shared with "New" marked for each reader ---------------

NEW = '<strong class="govuk-tag govuk-tag--blue">New</strong>'


def test_a_shared_thread_list_marks_new_what_each_reader_has_not_read(
    thread, client_as, staff_member, council
):
    board = thread.board
    has_read, has_not = client_as(staff_member), client_as(staff_of(council, name="Dev Patel"))
    mark_read(user=staff_member, thread=thread)

    pages = [c.get(board.get_absolute_url()).content.decode() for c in (has_not, has_read)]
    lists = [c.get(reverse("forums:board-list")).content.decode() for c in (has_not, has_read)]

    assert [NEW in page for page in pages] == [True, False]
    assert [NEW in page for page in lists] == [True, False]
    assert all("<!--sociable" not in page for page in pages + lists)


def test_your_thread_waiting_for_a_moderator_is_listed_to_you_alone(
    thread, client_as, community_member
):
    board = thread.board
    start_thread(board=board, author=community_member, title="Potholes", body="On Elm Road")
    neighbour = client_as(UserFactory(name="Sam Reid"))  # the same audience: the community

    before = neighbour.get(board.get_absolute_url()).content.decode()
    mine = client_as(community_member).get(board.get_absolute_url()).content.decode()
    after = neighbour.get(board.get_absolute_url()).content.decode()

    assert "Potholes" in mine
    assert "Potholes" not in before + after


def test_a_groups_board_is_listed_to_its_members_alone(client_as, staff_member, council):
    group = make_group(staff_member, name="Council choir", audience="staff")
    group_board(group, name="Choir", slug="choir", audience="members")
    Board.objects.create(name="Staff room", slug="staff-room", audience="staff")
    colleague = client_as(staff_of(council, name="Dev Patel"))  # same audience, not a member

    before = colleague.get(reverse("forums:board-list")).content.decode()
    members = client_as(staff_member).get(reverse("forums:board-list")).content.decode()
    after = colleague.get(reverse("forums:board-list")).content.decode()

    assert "Choir" in members and "Staff room" in members
    for page in (before, after):
        assert "Staff room" in page and "Choir" not in page


# --- group and event pages: shared, with each viewer's own standing put in ----------------


def test_a_group_page_is_shared_with_each_viewers_own_standing(client_as, staff_member, council):
    group = make_group(staff_member, name="Kirkfield walkers", audience="staff")
    member = staff_of(council, name="Dev Patel")
    join_group(group=group, user=member)
    outsider = client_as(staff_of(council, name="Jo Lee"))
    members_link = reverse("groups:member-list", args=[group.slug])

    before = outsider.get(group.get_absolute_url()).content.decode()
    mine = client_as(member).get(group.get_absolute_url()).content.decode()
    organisers = client_as(staff_member).get(group.get_absolute_url()).content.decode()
    after = outsider.get(group.get_absolute_url()).content.decode()

    assert "Leave the group" in mine and members_link in mine and "Edit the group" not in mine
    assert "Edit the group" in organisers
    for page in (before, after):
        assert "Join the group" in page
        assert members_link not in page and "Leave the group" not in page
        assert "2 members" in page
    assert all("<!--sociable" not in page for page in (before, mine, organisers, after))


def test_an_event_page_is_shared_with_each_viewers_own_reply(client_as, staff_member, council):
    group = make_group(staff_member, name="Phone video workshop", audience="staff")
    event = make_event(group, title="Editing on your phone", capacity=1)
    rsvp_to_event(event=event, user=staff_member, going=True)
    waiting = staff_of(council, name="Dev Patel")
    rsvp_to_event(event=event, user=waiting, going=True)
    newcomer = client_as(staff_of(council, name="Jo Lee"))
    newcomer.handler.enforce_csrf_checks = True

    first = newcomer.get(event.get_absolute_url()).content.decode()
    theirs = client_as(waiting).get(event.get_absolute_url()).content.decode()
    token = first.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    joined = newcomer.post(
        reverse("groups:event-rsvp", args=[group.slug, event.pk]),
        {"going": "yes", "csrfmiddlewaretoken": token},
    )

    assert "You are number 1 on the waiting list" in theirs
    assert "Join the waiting list" in first and "waiting list." not in first
    assert joined.status_code == 302
    assert (
        "You are number 2 on the waiting list"
        in newcomer.get(event.get_absolute_url()).content.decode()
    )


def test_names_on_a_shared_event_page_reach_only_the_audiences_they_are_for(
    client_as, council, trust
):
    """Profile audiences map onto audience keys: a kept list of who is going is served only
    to viewers whose profile audiences see the same names, never to a person it counts."""
    organiser = UserFactory(name="Olu Organiser")
    group = make_group(organiser, name="Parkrunners", audience="public")
    event = make_event(group, title="Saturday run")
    orla, sal = staff_of(council, name="Orla Ownorg"), staff_of(council, name="Sal Staff")
    make_profile(orla, audience="organisation")
    make_profile(sal, audience="staff")
    nell = UserFactory(name="Nell Noprofile")  # no profile: named to nobody but herself
    for person in (orla, sal, nell):
        rsvp_to_event(event=event, user=person, going=True)
    viewers = {
        name: client_as(user) if user else Client()
        for name, user in {
            "community": UserFactory(name="Cara Community"),
            "another community member": UserFactory(name="Cy Community"),
            "colleague": staff_of(council),
            "partner": staff_of(trust),
            "another partner": staff_of(trust),
            "nell": nell,
            "visitor": None,
        }.items()
    }

    def going(viewer: str) -> tuple[str, list[str]]:
        with CaptureQueriesContext(connection) as context:
            html = viewers[viewer].get(event.get_absolute_url()).content.decode()
        start = html.index(">Going</h2>")
        rendered = [q["sql"] for q in context.captured_queries if 'FROM "groups_rsvp"' in q["sql"]]
        return " ".join(html[start : html.index("</ul>", start)].split()), rendered

    community, _ = going("community")
    nells, _ = going("nell")  # her audience key's part is kept, but it counts her
    another, rendered = going("another community member")
    assert "3 people" in community and "Nell" not in community
    assert "Nell Noprofile" in nells and "and 2 others" in nells
    assert another == community and not rendered  # the kept part: Nell's was not kept
    colleague, _ = going("colleague")
    assert "Orla Ownorg" in colleague and "Sal Staff" in colleague and "and 1 other" in colleague
    partner, _ = going("partner")
    assert "Sal Staff" in partner and "Orla" not in partner and "and 2 others" in partner
    visitor, _ = going("visitor")
    assert "3 people" in visitor

    update_profile(profile=sal.profile, fields={"audience": "organisation"})

    narrowed, _ = going("another partner")
    assert "Sal" not in narrowed and "3 people" in narrowed  # at once: a change of content


def test_a_private_groups_pages_stay_with_its_members(client_as, staff_member, council):
    group = make_group(staff_member, name="Foster carers", audience="members")
    event = make_event(group, title="Peer support evening")
    client_as(staff_member).get(group.get_absolute_url())
    client_as(staff_member).get(event.get_absolute_url())
    colleague = client_as(staff_of(council, name="Dev Patel"))

    assert colleague.get(group.get_absolute_url()).status_code == 404
    assert colleague.get(event.get_absolute_url()).status_code == 404


def test_a_skills_groups_are_shared_by_those_who_see_the_same_groups(
    client_as, staff_member, council
):
    make_group(staff_member, name="Council singers", audience="staff", tags=["Singing"])
    make_group(staff_member, name="Quiet choir", audience="members", tags=["Singing"])
    colleague = client_as(staff_of(council, name="Dev Patel"))  # same audience, not a member

    before = colleague.get("/skills/singing/").content.decode()
    members = client_as(staff_member).get("/skills/singing/").content.decode()
    after = colleague.get("/skills/singing/").content.decode()

    assert "Council singers" in members and "Quiet choir" in members
    for page in (before, after):
        assert "Council singers" in page and "Quiet choir" not in page


def test_the_group_list_is_shared_by_those_who_see_the_same_groups(
    client_as, staff_member, council
):
    make_group(staff_member, name="Council singers", audience="staff")
    make_group(staff_member, name="Quiet choir", audience="members")
    colleague = client_as(staff_of(council, name="Dev Patel"))  # same audience, not a member

    before = colleague.get("/groups/").content.decode()
    members = client_as(staff_member).get("/groups/").content.decode()
    after = colleague.get("/groups/").content.decode()

    assert "Council singers" in members and "Quiet choir" in members
    for page in (before, after):
        assert "Council singers" in page and "Quiet choir" not in page


def test_a_profile_is_shared_by_its_audience_and_never_with_its_owner(
    client_as, council, staff_member, other_staff
):
    """Colleagues share the council's view of a profile; its owner always sees all of it."""
    make_profile(staff_member, interests=["Opera"], show_interests=False, phone="0113 496 0000")
    Profile.objects.filter(user=staff_member).update(contact_audience="organisation")
    url = reverse("profiles:profile-detail", args=[staff_member.username])
    colleague = client_as(staff_of(council, name="Dev Patel"))

    before = colleague.get(url).content.decode()
    mine = client_as(staff_member).get(url).content.decode()
    after = colleague.get(url).content.decode()
    partner = client_as(other_staff).get(url).content.decode()

    assert "Opera" in mine and "Edit your profile" in mine
    for page in (before, after):
        assert "0113 496 0000" in page
        assert "Opera" not in page and "Edit your profile" not in page
    assert "Amara Okafor" in partner and "0113 496 0000" not in partner


def test_who_may_see_a_profile_is_asked_before_its_kept_page_is_served(
    client_as, council, staff_member, other_staff
):
    """A profile narrowed to its owner's organisation by a write the site did not see (so its
    page is still kept for the staff of partners) is refused to them at once."""
    make_profile(staff_member, audience="staff")
    url = reverse("profiles:profile-detail", args=[staff_member.username])
    partner = client_as(other_staff)
    assert partner.get(url).status_code == 200

    settings = connection.settings_dict
    with psycopg.connect(  # not the site's connection: no new generation of the cache
        dbname=settings["NAME"],
        host=settings["HOST"],
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        autocommit=True,
    ) as outside:
        outside.execute(
            "UPDATE profiles_profile SET audience = 'organisation' WHERE user_id = %s",
            [staff_member.pk],
        )

    assert partner.get(url).status_code == 404
    assert client_as(staff_of(council)).get(url).status_code == 200


# --- the one search's sections, shared by everyone who would find the same ------------------


def _search(client: Client, q: str):
    return client.get("/search/", {"q": q})


def _puffins(organiser) -> Group:
    """A members-only group with an event and a thread on its board, all about puffins."""
    group = make_group(organiser, name="Puffin club", audience="members")
    make_event(group, title="Puffin walk")
    board = group_board(group, name="Puffin board", slug="puffins", audience="members")
    start_thread(board=board, author=organiser, title="Puffin sightings", body="Seen any?")
    return group


PUFFIN_THINGS = ["Puffin club", "Puffin walk", "Puffin sightings"]


def test_members_only_things_found_by_a_member_never_reach_colleagues_who_are_not(
    client_as, council, staff_member, settings
):
    settings.FORUMS_APPROVE_FIRST_POSTS = 0
    organiser = staff_of(council, name="Olu Organiser")
    group = _puffins(organiser)
    member = staff_of(council, name="Grace Member")
    add_member(group=group, user=member)
    colleague = client_as(staff_member)  # same organisation, not a member

    before = _search(colleague, "puffin").content.decode()
    as_member = _search(client_as(member), "puffin").content.decode()
    after = _search(colleague, "puffin").content.decode()

    for thing in PUFFIN_THINGS:
        assert thing not in before
        assert thing in as_member
        assert thing not in after
    assert "No results for “puffin”" in after


def test_joining_a_members_only_group_shows_its_things_at_once(
    client_as, council, staff_member, settings
):
    settings.FORUMS_APPROVE_FIRST_POSTS = 0
    group = _puffins(staff_of(council, name="Olu Organiser"))
    client = client_as(staff_member)
    assert "Puffin club" not in _search(client, "puffin").content.decode()

    add_member(group=group, user=staff_member)

    page = _search(client, "puffin").content.decode()
    assert all(thing in page for thing in PUFFIN_THINGS)


def test_the_boards_a_moderator_reads_are_never_shared_with_others(
    client_as, council, community_member, settings
):
    """A moderator of every board, in no organisation: their audience key is the community's."""
    settings.FORUMS_APPROVE_FIRST_POSTS = 0
    _puffins(staff_of(council, name="Olu Organiser"))
    moderator = UserFactory(name="Priya Moderator", is_staff=True)
    moderator.user_permissions.add(Permission.objects.get(codename="moderate_board"))
    others = client_as(community_member)

    before = _search(others, "puffin").content.decode()
    as_moderator = _search(client_as(moderator), "puffin").content.decode()
    after = _search(others, "puffin").content.decode()

    assert "Puffin sightings" in as_moderator
    assert "Puffin sightings" not in before and "Puffin sightings" not in after


def test_a_skill_only_you_are_shown_is_yours_alone_whoever_searched_first(
    client_as, council, staff_member
):
    """You see your own hidden interests; colleagues do not, before or after you searched."""
    make_profile(staff_member, interests=["Morris dancing"], show_interests=False)
    colleague = client_as(staff_of(council, name="Dev Patel"))
    skill = 'href="/skills/morris-dancing/"'

    before = _search(colleague, "morris dancing").content.decode()
    mine = _search(client_as(staff_member), "morris dancing").content.decode()
    after = _search(colleague, "morris dancing").content.decode()

    assert skill in mine
    assert skill not in before and skill not in after


def test_your_own_card_in_the_search_is_yours_alone_whoever_searched_first(
    client_as, council, staff_member
):
    """You see all of your card, hidden interests included: colleagues must not, even after."""
    make_profile(staff_member, interests=["Opera"], show_interests=False)
    colleague = client_as(staff_of(council, name="Dev Patel"))

    before = _search(colleague, "amara or opera").content.decode()
    mine = _search(client_as(staff_member), "amara or opera").content.decode()
    after = _search(colleague, "amara or opera").content.decode()

    assert all("Amara Okafor" in page for page in [before, mine, after])
    assert "Outside work:" in mine
    assert "Outside work:" not in before and "Outside work:" not in after


def test_your_own_card_shows_you_what_only_you_see_of_it_whoever_searched_first(
    client_as, community_member
):
    """Your building, kept from the community, is on your card for you and for nobody else."""
    make_profile(
        community_member, job_title="Bird warden", place="Civic Hall", location_audience="staff"
    )
    other = client_as(UserFactory(name="Sam Other", email="sam@example.com"))

    before = _search(other, "bird warden").content.decode()
    mine = _search(client_as(community_member), "bird warden").content.decode()
    after = _search(other, "bird warden").content.decode()

    assert all("Jordan Reid" in page for page in [before, mine, after])
    assert "Civic Hall" in mine
    assert "Civic Hall" not in before and "Civic Hall" not in after


def test_a_new_event_shows_in_shared_results_at_once(client_as, council, staff_member):
    group = make_group(staff_member, name="Walkers", audience="staff")
    make_event(group, title="Canal walk")
    client = client_as(staff_of(council, name="Dev Patel"))
    assert "Canal ramble" not in _search(client, "canal").content.decode()

    make_event(group, title="Canal ramble")

    assert "Canal ramble" in _search(client, "canal").content.decode()


def _queries(client: Client, q: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert _search(client, q).status_code == 200
    return len(context)


def test_colleagues_share_results_in_the_same_few_queries_however_much_matches(
    client_as, council, staff_member, settings
):
    settings.FORUMS_APPROVE_FIRST_POSTS = 0
    settings.FORUMS_POSTS_PER_10_MINUTES = 1_000
    organiser = staff_of(council, name="Olu Organiser")
    board = Board.objects.create(name="Open", slug="open", audience="public")

    def add_choirs(start: int, n: int) -> None:
        for i in range(start, start + n):
            make_profile(staff_of(council, name=f"Choir Singer {i}"), teach=[f"Choral {i}"])
            make_event(make_group(organiser, name=f"Choir {i}"), title=f"Choir practice {i}")
            start_thread(board=board, author=organiser, title=f"Choir {i}", body="Who sings?")

    first, colleague = client_as(staff_member), client_as(staff_of(council))
    add_choirs(0, 1)
    _search(first, "choir")
    small = _queries(colleague, "choir")
    add_choirs(1, 12)
    _search(first, "choir")
    large = _queries(colleague, "choir")

    # The session, the account, the viewer's facts (the skills they hold unseen and their
    # groups, in one query) and the cache (whether they moderate needs no query: they have
    # no staff status).
    assert small == large == 4


# --- people's cards on home, shared by everyone with one audience key ------------------------


def _teachers(client: Client) -> str:
    html = client.get("/").content.decode()
    return html.split('id="teachers"')[1].split('id="learners"')[0]


def _card_queries(client: Client) -> int:
    """How many times a visit to home reads people's cards from the database."""
    with CaptureQueriesContext(connection) as context:
        client.get("/")
    return sum("jsonb_build_object" in query["sql"] for query in context.captured_queries)


def test_home_shares_a_persons_card_with_their_audience_and_no_one_else(client_as, council, trust):
    ada = make_profile(
        staff_of(council, name="Ada Lovelace"),
        job_title="Data analyst",
        team="Housing",
        location_audience="organisation",
        teach=["Excel"],
    )
    learners = {
        "colleague": staff_of(council, name="Bea Colleague"),
        "next colleague": staff_of(council, name="Cal Colleague"),
        "partner": staff_of(trust, name="Dee Partner"),
    }
    for user in learners.values():
        make_profile(user, learn=["Excel"])
    clients = {who: client_as(user) for who, user in learners.items()}

    first = _teachers(clients["colleague"])
    assert _card_queries(clients["next colleague"]) == 0  # the card the colleague's home kept
    partner = _teachers(clients["partner"])

    assert "Ada Lovelace" in first and "Housing" in first
    assert _teachers(clients["next colleague"]) == first
    assert "Ada Lovelace" in partner and "Housing" not in partner  # her team: the council's

    update_profile(profile=ada, fields={"job_title": "Head of data"})
    assert "Head of data" in _teachers(clients["next colleague"])


def test_a_card_hidden_from_one_audience_stays_hidden_whoever_asked_first(
    rf, council, trust, staff_member
):
    ada = make_profile(staff_of(council, name="Ada Lovelace"), teach=["Excel"])
    Profile.objects.filter(pk=ada.pk).update(audience="organisation", show_interests=False)

    def cards(user):
        request = rf.get("/")
        request.user = user
        return shared_cards(request, [ada.pk])

    partner = staff_of(trust)
    assert cards(partner) == {}
    colleague = cards(staff_of(council))[ada.pk]
    assert cards(partner) == {}  # not the council's kept card
    assert "Ada Lovelace" in colleague.html and "interests" not in colleague.groups
    own = cards(ada.user)[ada.pk]  # never the colleagues' card: her own shows her all of it
    assert "interests" in own.groups
    assert cards(staff_of(council))[ada.pk] == colleague


def test_home_keeps_however_many_cards_it_rendered_in_the_same_few_queries(
    client_as, council, trust
):
    me = make_profile(
        staff_of(council), team="Housing", place="Civic Hall", learn=["Excel"], teach=["Welsh"]
    )
    client = client_as(me.user)

    def cold_visit() -> tuple[int, int]:
        cache.clear()
        Matches.objects.all().delete()
        with CaptureQueriesContext(connection) as context:
            html = client.get("/").content.decode()
        return len(context.captured_queries), html.count('class="sociable-person"')

    make_profile(staff_of(council), teach=["Excel"])
    few, one_card = cold_visit()
    for _ in range(3):
        make_profile(staff_of(trust), place="Civic Hall", teach=["Excel"], learn=["Welsh"])
        make_profile(staff_of(council), team="Housing", learn=["Welsh"])

    many, cards = cold_visit()
    assert (one_card, cards) == (1, 12)
    assert many == few
