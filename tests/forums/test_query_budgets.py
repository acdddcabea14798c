"""The board list, a thread list and a thread page run a fixed number of queries at any size.

Each page is measured with a little data and with a lot, for an anonymous visitor and for
a signed-in member of staff: the counts must match, and stay within the budget. The big
thread has 10,000 posts made in a few inserts, with paths built the way the services build
them (deep chains included), so its first, middle and last pages and a permalink to a deep
post are checked on a realistic tree.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from forums import services
from forums.models import MAX_DEPTH, SEQ_WIDTH, Board, Post, Reaction, Thread
from forums.selectors import POSTS_PER_PAGE
from sociable.accounts.models import User
from tests.accounts.factories import staff_of
from tests.cold import cold_queries, page_budget
from tests.forums.factories import group_board
from tests.groups.factories import make_group

pytestmark = pytest.mark.django_db

BUDGET = 10


def count_queries(client, url: str) -> int:
    return cold_queries(client, url)


@pytest.fixture
def viewers(client, client_as, staff_member):
    """An anonymous visitor and a signed-in member of staff."""
    return {"anonymous": client, "staff": client_as(staff_member)}


def make_threads(board: Board, author: User, count: int, start: int = 0) -> list[Thread]:
    now = timezone.now()
    threads = Thread.objects.bulk_create(
        Thread(board=board, author=author, title=f"Thread {n}", slug=f"thread-{n}",
               post_count=1, next_seq=2, last_activity_at=now - timedelta(minutes=n))
        for n in range(start, start + count)
    )  # fmt: skip
    Post.objects.bulk_create(
        Post(thread=t, author=author, path=f"{1:0{SEQ_WIDTH}d}", body="Hi", body_html="<p>Hi</p>")
        for t in threads
    )
    return threads


# --- the board list and a thread list -------------------------------------------------------


def test_the_board_list_runs_the_same_queries_however_many_boards(
    viewers, staff_member, django_assert_max_num_queries
):
    url = reverse("forums:board-list")
    open_board = Board.objects.create(name="Open", slug="open", audience="public")
    make_threads(open_board, staff_member, 1, start=200)
    small = {who: count_queries(client, url) for who, client in viewers.items()}

    for n in range(12):
        audience = ["public", "community", "staff"][n % 3]
        board = Board.objects.create(name=f"Board {n}", slug=f"board-{n}", audience=audience)
        make_threads(board, staff_member, 3, start=n * 3)
    for n in range(3):
        group = make_group(staff_member, name=f"Group {n}")
        board = group_board(group, name=f"Group board {n}", slug=f"group-{n}", audience="members")
        make_threads(board, staff_member, 2, start=100 + n * 2)
    large = {who: count_queries(client, url) for who, client in viewers.items()}

    assert large == small
    for client in viewers.values():
        with page_budget(BUDGET):
            page = client.get(url)
    assert page.content.decode().count('href="/forums/group-') == 3  # staff see their groups'


def test_a_thread_list_runs_the_same_queries_however_many_threads(
    viewers, staff_member, django_assert_max_num_queries
):
    board = Board.objects.create(name="Open", slug="open", audience="public")
    make_threads(board, staff_member, 2)
    url = board.get_absolute_url()
    small = {who: count_queries(client, url) for who, client in viewers.items()}

    make_threads(board, staff_member, 120, start=2)
    large = {who: count_queries(client, url) for who, client in viewers.items()}
    page_3 = {who: count_queries(client, f"{url}?page=3") for who, client in viewers.items()}

    assert large == small == page_3
    for client in viewers.values():
        with page_budget(BUDGET):
            client.get(f"{url}?page=2")


# --- a thread page --------------------------------------------------------------------------


def tree_thread(board: Board, people: list[User], count: int) -> tuple[Thread, list[Post]]:
    """A thread of ``count`` posts in blocks of ten: a post, a chain of seven replies (the
    last three flattened beside the fourth level), and two replies to the block's post.

    Made a generation at a time, so each post's parent already has its id.
    """
    thread = Thread.objects.create(
        board=board,
        author=people[0],
        title="A very long thread",
        slug=slugify("A very long thread"),
    )
    plan = []  # (seq, index of the parent in plan or None, generation)
    for seq in range(1, count + 1):
        offset = (seq - 1) % 10
        block = seq - 1 - offset
        if offset == 0:
            plan.append((seq, None, 0))
        elif offset <= 7:
            plan.append((seq, seq - 2, offset))
        else:
            plan.append((seq, block, 1))
    posts: list[Post | None] = [None] * count
    for generation in range(8):
        batch = []
        for seq, parent_index, gen in plan:
            if gen != generation:
                continue
            parent = posts[parent_index] if parent_index is not None else None
            segment = f"{seq:0{SEQ_WIDTH}d}"
            if parent is None:
                path, depth = segment, 0
            elif parent.depth >= MAX_DEPTH:  # as services._add_post
                path, depth = f"{parent.path.rsplit('.', 1)[0]}.{segment}", parent.depth
            else:
                path, depth = f"{parent.path}.{segment}", parent.depth + 1
            author = people[seq % len(people)]
            post = Post(
                thread=thread,
                author=author,
                parent=parent,
                path=path,
                depth=depth,
                body=f"Post {seq}",
                body_html=f"<p>Post {seq}</p>",
            )
            posts[seq - 1] = post
            batch.append(post)
        Post.objects.bulk_create(batch, batch_size=5000)
    Thread.objects.filter(pk=thread.pk).update(post_count=count, next_seq=count + 1)
    thread.refresh_from_db()
    return thread, posts


@pytest.fixture
def people(council, staff_member, other_staff):
    return [staff_member, other_staff, *(staff_of(council) for _ in range(3))]


def test_a_10000_post_thread_page_runs_the_same_queries_on_every_page(
    viewers, people, django_assert_max_num_queries
):
    board = Board.objects.create(name="Open", slug="open", audience="public")
    small, small_posts = tree_thread(board, people, 12)
    for post in small_posts[:3]:
        services.react(post=post, user=people[1], kind=Reaction.Kind.THANKS)
    big, posts = tree_thread(board, people, 10_000)
    for post in posts[::97]:
        services.react(post=post, user=people[0], kind=Reaction.Kind.HELPFUL)
    last = -(-10_000 // POSTS_PER_PAGE)
    url = big.get_absolute_url()

    for who, client in viewers.items():
        # The first visit records that the reader has read the thread; later ones update it.
        small_first = count_queries(client, small.get_absolute_url())
        small_again = count_queries(client, small.get_absolute_url())
        big_first = count_queries(client, url)
        big_pages = [count_queries(client, f"{url}?page={n}") for n in (1, last // 2, last)]
        assert big_first == small_first, who
        assert big_pages == [small_again] * 3, who
    with page_budget(BUDGET):
        page = viewers["anonymous"].get(f"{url}?page={last}")
    assert f"Page {last} of {last}" in page.content.decode()
    assert page.content.decode().count('class="sociable-post ') == POSTS_PER_PAGE


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_a_thread_page_stays_within_the_budget(who, viewers, people, django_assert_max_num_queries):
    board = Board.objects.create(name="Open", slug="open", audience="public")
    thread, _ = tree_thread(board, people, 120)
    client = viewers[who]

    for page in (1, 2, 3, 1):  # a first visit, then returning ones
        with page_budget(BUDGET):
            client.get(f"{thread.get_absolute_url()}?page={page}")


def test_a_permalink_to_a_deep_post_in_a_10000_post_thread_finds_its_page(
    viewers, people, django_assert_max_num_queries
):
    board = Board.objects.create(name="Open", slug="open", audience="public")
    thread, posts = tree_thread(board, people, 10_000)
    in_order = sorted(posts, key=lambda post: post.path)
    deep = posts[6_006]  # the seventh post of a block: flattened, "replying to" the sixth
    assert deep.depth == MAX_DEPTH and deep.parent.depth == MAX_DEPTH

    page = in_order.index(deep) // POSTS_PER_PAGE + 1
    with page_budget(BUDGET):
        response = viewers["staff"].get(reverse("forums:post-permalink", args=[deep.pk]))
    landing = viewers["anonymous"].get(response["Location"])

    assert response["Location"] == f"{thread.get_absolute_url()}?page={page}#post-{deep.pk}"
    html = landing.content.decode()
    assert f'id="post-{deep.pk}"' in html and f'href="#post-{deep.parent_id}"' in html
