"""The discussions search, read through each audience's own index, finds exactly what the
plain reading of the rule finds: the boards ``visible_boards`` allows, ranked the same way.

And the copies each post keeps of its board's audience (``Post.board``, ``audience``,
``audience_organisation``) follow the board wherever it changes: a post written, a thread
moved, a board's audience changed by a service, the admin's ``save()`` or ``update()``.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.postgres.search import SearchRank, SearchVector
from django.db import connection
from django.db.models import BooleanField, Case, ExpressionWrapper, F, FloatField, Q, Value, When
from django.utils import timezone

from forums import search, services
from forums.models import OPENING_PATH, Board, Post, Thread
from forums.permissions import visible_boards
from groups import services as group_services
from sociable.viewer import Viewer
from tests.accounts.factories import UserFactory, staff_of
from tests.forums.factories import group_board
from tests.groups.factories import make_group
from tests.plans import analysed, nodes, tables_counted_from

WORD = "heron"


def plain_search(viewer, q: str) -> list[int]:
    """The rule read plainly: every readable post of a visible board whose words match, or
    which opens a visible thread whose title matches; title hits first, then by rank."""
    query = search.search_query(q)
    boards = visible_boards(viewer)
    threads = Thread.objects.filter(board__in=boards, hidden_at=None, deleted_at=None)
    titles = threads.alias(document=SearchVector("title", config="english"))
    title_hit = Q(path=OPENING_PATH, thread__in=titles.filter(document=query))
    title_rank = SearchRank(SearchVector("thread__title", config="english"), query)
    found = (
        Post.objects.filter(
            thread__in=threads,
            status=Post.Status.PUBLISHED,
            hidden_at__isnull=True,
            deleted_at__isnull=True,
        )
        .filter(Q(search_document=query) | title_hit)
        .annotate(
            title_hit=ExpressionWrapper(title_hit, output_field=BooleanField()),
            rank=SearchRank(F("search_document"), query)
            + Case(When(title_hit, then=title_rank), default=Value(0.0), output_field=FloatField()),
        )
        .order_by("-title_hit", "-rank", "-created_at", "-pk")
    )
    return list(found.values_list("pk", flat=True))


def copies_agree() -> bool:
    """Every post's copies are its thread's board's audience, organisation and pk, and
    whether its thread is listed (neither hidden nor deleted)."""
    listed = Q(thread__hidden_at__isnull=True, thread__deleted_at__isnull=True)
    differing = (
        Post.objects.exclude(
            board_id=F("thread__board_id"),
            audience=F("thread__board__audience"),
        ).exists()
        or Post.objects.filter(listed, thread_listed=False).exists()
        or Post.objects.filter(~listed, thread_listed=True).exists()
        or Post.objects.exclude(
            Q(audience_organisation__isnull=True, thread__board__audience_organisation__isnull=True)
            | Q(audience_organisation=F("thread__board__audience_organisation"))
        ).exists()
    )
    return not differing


@pytest.fixture
def world(council, trust, settings):
    """Boards of every audience, each with threads titled and bodies written with the word
    (some more often than others, for ranks), and posts hidden, deleted and waiting."""
    settings.FORUMS_POSTS_PER_10_MINUTES = 10_000
    settings.FORUMS_APPROVE_FIRST_POSTS = 0
    poster = staff_of(council, name="Amira Said")
    organiser = staff_of(council, name="Grace Obi")
    choir = make_group(organiser, name="Birdwatchers", audience="community")
    walkers = make_group(organiser, name="Walkers", audience="community")
    boards = {
        "public": Board.objects.create(name="Open", slug="open", audience="public"),
        "community": Board.objects.create(name="Talk", slug="talk", audience="community"),
        "staff": Board.objects.create(name="Staff room", slug="staff-room", audience="staff"),
        "council": Board.objects.create(
            name="Council", slug="council", audience="organisation", audience_organisation=council
        ),
        "trust": Board.objects.create(
            name="Trust", slug="trust", audience="organisation", audience_organisation=trust
        ),
        "birders": group_board(choir, name="Birders", slug="birders", audience="members"),
        "walkers": group_board(walkers, name="Walkers", slug="walkers", audience="members"),
    }
    moderator = UserFactory(name="Priya Shah", is_staff=True)
    moderator.groups.add(AuthGroup.objects.get(name="Moderators"))
    for n, (name, board) in enumerate(boards.items()):
        titled, _ = services.start_thread(
            board=board, author=poster, title=f"A {WORD} at the {name} pond", body="Seen today"
        )
        services.reply(thread=titled, author=poster, body=f"The {WORD} came back")
        other, _ = services.start_thread(
            board=board,
            author=poster,
            title=f"Notes from {name}",
            body=" ".join([WORD] * (n % 3 + 1)) + " by the weir, with a long walk after",
        )
        hidden = services.reply(thread=other, author=poster, body=f"Hidden {WORD}")
        services.hide_post(post=hidden, moderator=moderator, reason="Off-topic")
        deleted = services.reply(thread=other, author=poster, body=f"Deleted {WORD}")
        services.delete_post(post=deleted, user=poster)
        pending = services.reply(thread=other, author=poster, body=f"Waiting {WORD}")
        Post.objects.filter(pk=pending.pk).update(status=Post.Status.PENDING)
        services.reply(thread=other, author=poster, body="Nothing to see")
    # A thread whose title and opening post both say the word: one post, found once.
    services.start_thread(
        board=boards["public"], author=poster, title=f"Another {WORD}", body=f"A {WORD} again"
    )
    member = UserFactory(name="Sam Bird")
    group_services.join_group(group=choir, user=member)
    named_moderator = UserFactory(name="Lee Mod", is_staff=True)
    named_moderator.groups.add(AuthGroup.objects.get(name="Moderators"))
    named_moderator.moderated_boards.set([boards["staff"], boards["trust"], boards["walkers"]])
    return {
        "boards": boards,
        "choir": choir,
        "member": member,
        "viewers": {
            "anonymous": AnonymousUser(),
            "community member": UserFactory(name="Jordan Reid"),
            "staff of the council": staff_of(council, name="Amara Okafor"),
            "staff of the trust": staff_of(trust, name="Tom Whitaker"),
            "a member of the birders' group": member,
            "a moderator of some boards": named_moderator,
            "a moderator of every board": moderator,
        },
    }


VIEWERS = [
    "anonymous",
    "community member",
    "staff of the council",
    "staff of the trust",
    "a member of the birders' group",
    "a moderator of some boards",
    "a moderator of every board",
]


@pytest.mark.parametrize("who", VIEWERS)
def test_each_viewer_finds_what_the_plain_rule_finds_in_the_same_order(world, who):
    """The same posts, in the same order, as the plain query; a page and its count too."""
    viewer = Viewer.of(world["viewers"][who])
    expected = plain_search(viewer, WORD)

    found = search.search_posts(viewer, WORD)

    assert expected, who
    assert found.pks() == expected
    for start in {0, min(4, len(expected) - 1), len(expected) - 1}:
        rows, total = found.page(start, start + 4)
        assert [post.pk for post in rows] == expected[start : start + 4]
        assert total == len(expected)
        assert all(post.thread.board.name and post.thread.title for post in rows)
    assert found.page(len(expected), len(expected) + 4) == ([], 0)


def test_what_each_viewer_finds_differs_as_their_audience_does(world):
    """The boards found are the ones each may read, and no others."""
    boards = world["boards"]

    def found_on(who) -> set[str]:
        viewer = Viewer.of(world["viewers"][who])
        pks = search.search_posts(viewer, WORD).pks()
        return set(Board.objects.filter(threads__posts__in=pks).values_list("slug", flat=True))

    everyone = {"open"}
    signed_in = everyone | {"talk"}
    assert found_on("anonymous") == everyone
    assert found_on("community member") == signed_in
    assert found_on("staff of the council") == signed_in | {"staff-room", "council"}
    assert found_on("staff of the trust") == signed_in | {"staff-room", "trust"}
    assert found_on("a member of the birders' group") == signed_in | {"birders"}
    assert found_on("a moderator of some boards") == signed_in | {"staff-room", "trust", "walkers"}
    assert found_on("a moderator of every board") == {board.slug for board in boards.values()}


@pytest.mark.parametrize("who", VIEWERS)
def test_hidden_deleted_and_waiting_posts_are_never_found(world, who):
    viewer = Viewer.of(world["viewers"][who])
    bodies = Post.objects.filter(pk__in=search.search_posts(viewer, WORD).pks())

    assert not bodies.exclude(status=Post.Status.PUBLISHED).exists()
    assert not bodies.filter(Q(hidden_at__isnull=False) | Q(deleted_at__isnull=False)).exists()
    for word in ("hidden", "deleted", "waiting"):
        assert search.search_posts(viewer, word).pks() == [], word


def test_title_hits_come_first_and_are_kept_under_the_cap(world, monkeypatch):
    """With fewer candidates than matches, every title hit is still found, and first."""
    viewer = Viewer.of(world["viewers"]["a moderator of every board"])
    openings = set(
        Post.objects.filter(path=OPENING_PATH, thread__title__contains=WORD).values_list(
            "pk", flat=True
        )
    )
    monkeypatch.setattr(search, "CANDIDATES", len(openings) + 2)

    found = search.search_posts(viewer, WORD)
    rows, total = found.page(0, 100)

    assert total == len(openings) + 2 < len(plain_search(viewer, WORD))
    assert {post.pk for post in rows[: len(openings)]} == openings
    assert all(post.title_hit for post in rows[: len(openings)])
    assert not any(post.title_hit for post in rows[len(openings) :])


def test_a_post_its_title_and_its_words_both_find_is_found_once(world):
    viewer = Viewer.of(AnonymousUser())
    both = Post.objects.get(thread__title=f"Another {WORD}", path=OPENING_PATH)
    rows, total = search.search_posts(viewer, WORD).page(0, 100)

    assert [post.pk for post in rows].count(both.pk) == 1
    assert next(post for post in rows if post.pk == both.pk).title_hit
    assert total == len(rows) == len(plain_search(viewer, WORD))


@pytest.mark.parametrize("who", VIEWERS)
def test_the_posts_found_are_ranked_and_counted_as_they_are_found(world, who):
    """No post is read again to rank or count what the words' indexes found: only the
    page's posts are joined to their threads, boards and authors (ADR 0019, decision 18)."""
    found = search.search_posts(Viewer.of(world["viewers"][who]), WORD)

    assert tables_counted_from(found, 2) == set()
    assert found.page(0, 2)[1] == len(plain_search(Viewer.of(world["viewers"][who]), WORD))


def test_each_scan_of_the_words_keeps_listed_threads_without_reading_them(world):
    """Whether a post's thread is listed is read from the post the scan finds, not from its
    thread (ADR 0019, decision 19): only the titles' search reads threads."""
    viewer = Viewer.of(world["viewers"]["a moderator of every board"])
    with connection.cursor() as cursor:  # as at scale: a few posts would be read whole
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = analysed(search.search_posts(viewer, WORD), 0, 4)
    scans = [
        node
        for node in nodes(plan)
        if node.get("Relation Name") == "forums_post"
        and any(str(n.get("Index Name", "")).startswith("post_text_") for n in nodes(node))
    ]

    assert len(scans) == len(search.readable_classes(viewer)[0])
    for scan in scans:
        assert {n["Relation Name"] for n in nodes(scan) if "Relation Name" in n} == {"forums_post"}


@pytest.mark.parametrize("who", ["anonymous", "a moderator of every board"])
def test_a_thread_hidden_or_deleted_is_not_found_and_shown_again_is(world, who):
    """Its posts leave every search, for moderators too, and come back when it is shown
    again or restored: the posts' copies follow the thread (migration 0012's trigger)."""
    viewer = Viewer.of(world["viewers"][who])
    moderator = world["viewers"]["a moderator of every board"]
    thread = Thread.objects.get(title=f"A {WORD} at the public pond")
    posts = set(thread.posts.values_list("pk", flat=True))
    assert posts <= set(search.search_posts(viewer, WORD).pks())

    services.hide_thread(thread=thread, moderator=moderator, reason="Spam")
    assert copies_agree()
    assert not posts & set(search.search_posts(viewer, WORD).pks())
    assert search.search_posts(viewer, WORD).pks() == plain_search(viewer, WORD)

    services.unhide_thread(thread=thread, moderator=moderator)
    Thread.objects.filter(pk=thread.pk).update(deleted_at=timezone.now())  # as the admin may
    assert copies_agree()
    assert not posts & set(search.search_posts(viewer, WORD).pks())

    Thread.objects.filter(pk=thread.pk).update(deleted_at=None)
    assert copies_agree()
    assert search.search_posts(viewer, WORD).pks() == plain_search(viewer, WORD)
    assert posts <= set(search.search_posts(viewer, WORD).pks())


def test_a_post_written_in_a_hidden_thread_is_not_found(world):
    moderator = world["viewers"]["a moderator of every board"]
    thread = Thread.objects.get(title=f"A {WORD} at the public pond")
    services.hide_thread(thread=thread, moderator=moderator, reason="Spam")

    written = Post.objects.create(
        thread=thread, path="9999998", body=f"Another {WORD}", body_html="", thread_listed=True
    )

    assert Post.objects.get(pk=written.pk).thread_listed is False
    assert copies_agree()
    assert written.pk not in search.search_posts(Viewer.of(moderator), WORD).pks()


def test_the_copies_follow_a_board_whose_audience_changes(world, council):
    """A board opened to the public, or closed to one organisation, is searched as it is now."""
    boards = world["boards"]
    anonymous, council_staff = AnonymousUser(), world["viewers"]["staff of the council"]
    staff_room = boards["staff"]
    assert copies_agree()

    staff_room.audience = "public"
    staff_room.save()  # as the admin does
    assert copies_agree()
    assert search.search_posts(anonymous, WORD).pks() == plain_search(anonymous, WORD)
    assert Post.objects.filter(thread__board=staff_room, audience="public").exists()

    Board.objects.filter(pk=staff_room.pk).update(
        audience="organisation", audience_organisation=council
    )
    assert copies_agree()
    for viewer in (anonymous, world["viewers"]["staff of the trust"], council_staff):
        assert search.search_posts(viewer, WORD).pks() == plain_search(viewer, WORD)
    assert set(
        Post.objects.filter(thread__board=staff_room).values_list(
            "audience", "audience_organisation"
        )
    ) == {("organisation", council.pk)}


def test_the_copies_follow_a_thread_moved_to_another_board(world):
    boards = world["boards"]
    moderator = world["viewers"]["a moderator of every board"]
    thread = Thread.objects.filter(board=boards["council"]).first()

    services.move_thread(thread=thread, moderator=moderator, board=boards["public"], reason="")

    assert copies_agree()
    assert set(thread.posts.values_list("board", "audience")) == {(boards["public"].pk, "public")}
    anonymous = AnonymousUser()
    assert search.search_posts(anonymous, WORD).pks() == plain_search(anonymous, WORD)
    assert set(search.search_posts(anonymous, WORD).pks()) & set(
        thread.posts.values_list("pk", flat=True)
    )


def test_copies_cannot_be_written_wrong(world):
    """Whatever a write sends for the copies, the database keeps the board's."""
    boards = world["boards"]
    post = Post.objects.filter(thread__board=boards["council"]).first()

    Post.objects.filter(pk=post.pk).update(
        audience="public", board=boards["public"], thread_listed=False
    )
    created = Post.objects.create(
        thread=post.thread, path="9999999", body=f"A {WORD}", body_html="", audience="public"
    )

    assert copies_agree()
    assert Post.objects.get(pk=created.pk).audience == "organisation"


def test_someone_who_leaves_a_group_no_longer_finds_its_board(world):
    member = world["member"]
    assert set(search.search_posts(Viewer.of(member), WORD).pks()) & set(
        Post.objects.filter(thread__board=world["boards"]["birders"]).values_list("pk", flat=True)
    )

    group_services.leave_group(group=world["choir"], user=member)

    viewer = Viewer.of(member)
    assert search.search_posts(viewer, WORD).pks() == plain_search(viewer, WORD)
    assert not Post.objects.filter(
        pk__in=search.search_posts(viewer, WORD).pks(), thread__board=world["boards"]["birders"]
    ).exists()
