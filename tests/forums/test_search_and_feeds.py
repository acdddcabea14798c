"""Searching the discussions, and following a public board in a feed reader."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums import search, services
from forums.models import Board, Post, Thread
from tests.accounts.factories import UserFactory, staff_of

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def poster(council, settings):
    settings.FORUMS_POSTS_PER_10_MINUTES = 1_000
    return staff_of(council, name="Amira Said")


@pytest.fixture
def public_board(db):
    return Board.objects.create(
        name="Open discussion", slug="open", audience="public", description="Talk with partners"
    )


@pytest.fixture
def staff_board(db):
    return Board.objects.create(name="Staff room", slug="staff-room", audience="staff")


def search_for(client: Client, q: str, **params):
    return client.get(reverse("forums:search"), {"q": q, **params})


def found(response) -> list[Post]:
    return list(response.context["page"]) if response.context["page"] else []


# --- search -----------------------------------------------------------------------------------


def test_title_matches_rank_above_body_matches(poster, public_board):
    """A thread titled with the words comes first, then the posts that mention them."""
    mention, _ = services.start_thread(
        board=public_board,
        author=poster,
        title="Birds by the canal",
        body="A kingfisher, a kingfisher, and another kingfisher by the lock gates.",
    )
    titled, opening = services.start_thread(
        board=public_board,
        author=poster,
        title="Kingfisher sightings",
        body="Where have you seen them this spring?",
    )
    reply = services.reply(thread=titled, author=poster, body="One kingfisher at the weir.")

    response = search_for(Client(), "kingfishers")

    assert response.status_code == 200
    assert response.templates[0].name == "forums/search.html"
    results = found(response)
    assert results[0] == opening and results[0].title_hit
    assert set(results[1:]) == {mention.posts.get(), reply}
    html = response.content.decode()
    assert "3 results for “kingfishers”" in html
    assert "Open discussion" in html and "Amira Said" in html
    assert "<mark>kingfisher</mark> at the weir" in html


def test_snippets_are_plain_text_with_the_matches_marked(poster, public_board):
    """What people wrote is escaped in the snippet; only the highlight is markup."""
    services.start_thread(
        board=public_board,
        author=poster,
        title="Careful",
        body="Look: <script>alert('heron')</script> 1 < 2 & \"heron\" <b>heron</b> \ue000 heron",
    )

    html = search_for(Client(), "heron").content.decode()

    assert "<script" not in html.replace('<script type="module"', "") and "<b>" not in html
    assert "1 &lt; 2 &amp; &quot;<mark>heron</mark>&quot;" in html
    assert html.count("<mark>") == html.count("</mark>") > 0


def test_snippets_read_as_text_not_as_markdown(poster, public_board):
    """A snippet shows what was written, not how it was marked up: no emphasis marks, and a
    link as its words without its address."""
    services.start_thread(
        board=public_board,
        author=poster,
        title="Choir",
        body="We meet on **Wednesdays at 12.30** in `room 2`, see [the rota](https://rota.example)",
    )

    html = search_for(Client(), "wednesdays").content.decode()

    assert "meet on <mark>Wednesdays</mark> at 12.30 in room 2, see the rota</p>" in html
    assert "**" not in html and "rota.example" not in html


def test_hidden_deleted_and_pending_posts_cannot_be_found(poster, public_board, community_member):
    """Only published posts that are neither hidden nor deleted are found, titles included."""
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    thread, opening = services.start_thread(
        board=public_board, author=poster, title="Allotment swaps", body="Courgettes for swap"
    )
    hidden = services.reply(thread=thread, author=poster, body="Rhubarb for swap")
    services.hide_post(post=hidden, moderator=moderator, reason="Off-topic")
    deleted = services.reply(thread=thread, author=poster, body="Parsnips for swap")
    services.delete_post(post=deleted, user=poster)
    pending = services.reply(thread=thread, author=community_member, body="Beetroot for swap")
    assert pending.status == Post.Status.PENDING
    _, hidden_opening = services.start_thread(
        board=public_board, author=poster, title="Greenhouse rota", body="Tomatoes"
    )
    services.hide_post(post=hidden_opening, moderator=moderator, reason="Spam")

    for client in (Client(), _signed_in(community_member), _signed_in(moderator)):
        assert found(search_for(client, "courgettes")) == [opening]
        for word in ("rhubarb", "parsnips", "beetroot", "greenhouse", "tomatoes"):
            assert found(search_for(client, word)) == [], word


def test_search_finds_only_boards_the_reader_may_see(
    poster, public_board, staff_board, community_member, other_staff
):
    """A staff-only board's posts are found by staff of any partner, not by anyone else."""
    services.start_thread(board=staff_board, author=poster, title="Rota", body="Budget otters")
    services.start_thread(board=public_board, author=poster, title="Open", body="Public otters")

    def titles(client):
        return {post.thread.title for post in found(search_for(client, "otters"))}

    assert titles(Client()) == titles(_signed_in(community_member)) == {"Open"}
    assert titles(_signed_in(other_staff)) == {"Open", "Rota"}


def test_an_empty_or_fruitless_search_says_what_to_do(db):
    """No words: a prompt to type some. No match (or only stop words): a clear 'no results'."""
    client = Client()
    empty = client.get(reverse("forums:search"))
    assert empty.status_code == 200
    assert "Type what you are looking for" in empty.content.decode()
    assert empty.context["page"] is None
    # (A NUL is refused before any view: tests/test_bad_addresses.py.)
    for q in ("zebrafish", "the and of", "&&&!!! (((", "tab\tbyte"):
        html = search_for(client, q).content.decode()
        assert "No results for" in html and "Nothing you can read matches" in html


def test_results_come_twenty_a_page(poster, public_board):
    """Twenty-five matches make two pages, and the next-page link keeps the search."""
    thread, _ = services.start_thread(
        board=public_board, author=poster, title="Choir", body="Tenor wanted"
    )
    for n in range(24):
        services.reply(thread=thread, author=poster, body=f"Tenor number {n}")
    client = Client()

    first = search_for(client, "tenor")
    second = search_for(client, "tenor", page=2)

    assert len(found(first)) == 20 and len(found(second)) == 5
    assert "25 results for “tenor”" in first.content.decode()
    assert 'href="?q=tenor&amp;page=2"' in first.content.decode()


def test_search_takes_the_same_number_of_queries_however_many_results(
    poster, public_board, council, trust, community_member, settings
):
    """Authors, organisations, boards and snippets come with the results, not one by one."""
    settings.FORUMS_APPROVE_FIRST_POSTS = 0
    settings.FORUMS_NEW_MEMBER_POSTS_PER_10_MINUTES = 1_000
    services.start_thread(board=public_board, author=poster, title="Pottery", body="Kiln")
    client = _signed_in(community_member)

    with CaptureQueriesContext(connection) as few:
        assert len(found(search_for(client, "pottery or kiln or glaze"))) == 1
    authors = [poster, staff_of(trust), community_member, UserFactory()]
    other_board = Board.objects.create(name="Makers", slug="makers", audience="community")
    for n in range(19):
        board = other_board if n % 2 else public_board
        thread, _ = services.start_thread(
            board=board, author=authors[n % 4], title=f"Pottery {n}", body="Glaze"
        )
        services.reply(thread=thread, author=authors[(n + 1) % 4], body="More glaze")
    with CaptureQueriesContext(connection) as many:
        assert len(found(search_for(client, "pottery or kiln or glaze"))) == 20

    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_search_reads_titles_and_bodies_through_their_full_text_indexes(poster, public_board):
    """The search expressions match the GIN indexes, so PostgreSQL can use them."""
    # Enough rows (made in bulk: only the plan matters) that reading an index pays.
    for n in range(5):
        services.start_thread(
            board=public_board, author=poster, title=f"Lapwing {n}", body="Mentions lapwing"
        )
    thread, _ = services.start_thread(
        board=public_board, author=poster, title="Filler", body="Filler"
    )
    Thread.objects.bulk_create(
        Thread(board=public_board, author=poster, title=f"Topic {n}", slug=f"topic-{n}")
        for n in range(2_000)
    )
    Post.objects.bulk_create(
        Post(
            thread=thread,
            author=poster,
            path=f"{n:07d}",
            body=f"Nothing much {n}",
            body_html=f"<p>Nothing much {n}</p>",
        )
        for n in range(2, 2_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE forums_post")
        cursor.execute("ANALYZE forums_thread")
        # Tables this small are cheaper to read whole; ask what else the planner could do.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = search.search_posts(AnonymousUser(), "lapwing").explain()

    assert "thread_title_search" in plan
    # The bodies' match, one audience's live posts: the partial index of their words.
    assert "post_text_public" in plan
    assert len(search.search_posts(AnonymousUser(), "lapwing").pks()) == 5


# --- feeds ------------------------------------------------------------------------------------


def _feed(client: Client, board: Board):
    return client.get(reverse("forums:board-feed", args=[board.slug]))


def test_a_public_board_has_an_atom_feed_of_its_latest_posts(poster, public_board):
    """The newest 30 posts, each with its title, permalink, author, times and sanitised HTML."""
    thread, opening = services.start_thread(
        board=public_board, author=poster, title="Bread club", body="**Sourdough** <b>starter</b>"
    )
    replies = [services.reply(thread=thread, author=poster, body=f"Reply {n}") for n in range(34)]
    services.edit_post(post=replies[-1], editor=poster, body="Reply 33, edited")
    replies[-1].refresh_from_db()

    response = _feed(Client(), public_board)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)
    assert feed.find(f"{ATOM}title").text == "Open discussion – Sociable discussions"
    assert feed.find(f"{ATOM}subtitle").text == "Talk with partners"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 30
    newest = entries[0]
    assert newest.find(f"{ATOM}title").text == "Re: Bread club"
    assert newest.find(f"{ATOM}link").get("href") == (
        f"http://testserver{replies[-1].get_absolute_url()}"
    )
    assert newest.find(f"{ATOM}author/{ATOM}name").text == "Amira Said"
    assert newest.find(f"{ATOM}content").get("type") == "html"
    assert newest.find(f"{ATOM}content").text == replies[-1].body_html
    assert newest.find(f"{ATOM}updated").text != newest.find(f"{ATOM}published").text
    assert opening.get_absolute_url() not in response.content.decode()  # the 35th, too old

    services.delete_post(post=replies[-1], user=poster)
    Post.objects.filter(pk__in=[r.pk for r in replies[:-4]]).delete()
    entries = ElementTree.fromstring(_feed(Client(), public_board).content).findall(  # noqa: S314
        f"{ATOM}entry"
    )
    first = entries[-1]
    assert first.find(f"{ATOM}title").text == "Bread club"
    assert first.find(f"{ATOM}content").text == (
        "<p><strong>Sourdough</strong> &lt;b&gt;starter&lt;/b&gt;</p>\n"
    )


def test_the_feed_leaves_out_hidden_deleted_and_pending_posts(
    poster, public_board, community_member
):
    """Only what anyone could read on the board goes into its feed."""
    moderator = UserFactory(is_staff=True)
    thread, opening = services.start_thread(
        board=public_board, author=poster, title="Swaps", body="Shown"
    )
    hidden = services.reply(thread=thread, author=poster, body="Hidden")
    services.hide_post(post=hidden, moderator=moderator, reason="Rude")
    deleted = services.reply(thread=thread, author=poster, body="Deleted")
    services.delete_post(post=deleted, user=poster)
    services.reply(thread=thread, author=community_member, body="Pending")

    feed = ElementTree.fromstring(_feed(Client(), public_board).content)  # noqa: S314
    contents = [entry.find(f"{ATOM}content").text for entry in feed.findall(f"{ATOM}entry")]

    assert contents == [opening.body_html]


def test_only_public_boards_have_feeds(poster, public_board, staff_board, council, client_as):
    """Feed readers never sign in: every other board's feed is missing, even for its members."""
    community = Board.objects.create(name="Community", slug="community", audience="community")
    council_only = Board.objects.create(
        name="Council",
        slug="council-only",
        audience="organisation",
        audience_organisation=council,
    )
    colleague = client_as(staff_of(council))

    assert _feed(Client(), public_board).status_code == 200
    for board in (community, staff_board, council_only):
        assert _feed(colleague, board).status_code == 404
        assert _feed(Client(), board).status_code == 404
    assert Client().get("/forums/no-such-board/feed/").status_code == 404


def test_the_feed_takes_two_queries(poster, public_board, django_assert_num_queries, settings):
    """The board, then its posts with their threads and authors."""
    settings.FORUMS_APPROVE_FIRST_POSTS = 0
    thread, _ = services.start_thread(board=public_board, author=poster, title="T", body="B")
    for n in range(10):
        services.reply(thread=thread, author=UserFactory(), body=f"Reply {n}")

    with django_assert_num_queries(2):
        assert _feed(Client(), public_board).status_code == 200


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
