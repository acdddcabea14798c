"""Boards of every audience, threads with reply trees, and a few 10,000-post threads.

Posts are written as ``forums.services`` would have written them one by one: each
takes the thread's next sequence number; its ``path`` and ``depth`` follow
``_add_post`` (a reply below ``MAX_DEPTH`` sits beside its parent's branch); the
thread's ``post_count`` counts published posts, ``next_seq`` is one past the last,
and ``last_activity_at`` is the time of the last published post. Everyone who
writes in a thread follows it. Replies only answer posts that were published and
still shown; the posts that wait for approval are by community members who joined
in the last month and have nothing published; every hidden post, pin and lock has
its line in the moderation log.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.text import slugify

from forums.models import RESERVED_SLUGS as RESERVED_BOARD_SLUGS
from forums.models import (
    Board,
    ModerationLog,
    Post,
    Reaction,
    Subscription,
    Thread,
    place_in_tree,
)
from profiles.models import Skill
from sociable.audience import Audience

from . import names, text
from .bulk import copy_rows, reserve_ids, when
from .groups import SeededGroup
from .world import DAY, Pool, World

A = Audience
Action = ModerationLog.Action
PUBLISHED, PENDING = Post.Status.PUBLISHED, Post.Status.PENDING
POSTS_PER_BATCH = 50_000
GROUP_BOARD_SHARE = 0.3  # of groups (open, with a few members) that have a board
# How much of the talk each kind of board gets, per board.
BOARD_WEIGHTS = {A.PUBLIC: 3.0, A.COMMUNITY: 3.0, A.STAFF: 4.0, A.ORGANISATION: 2.0}
GROUP_BOARDS_SHARE_OF_POSTS = 0.25


@dataclass
class SeededBoard:
    id: int
    name: str
    audience: str
    pool: Pool  # who can see it (and so write in it)
    big: bool = False  # may hold one of the 10,000-post threads
    group: SeededGroup | None = None

    @property
    def open_to_community(self) -> bool:
        return self.audience in (A.PUBLIC, A.COMMUNITY)


def seed_boards(world: World) -> None:
    rng, people = world.rng, world.people
    taken = set(Board.objects.values_list("slug", flat=True)) | set(RESERVED_BOARD_SLUGS)
    rows, boards = [], []
    created = when(world.beginning - 10 * DAY)

    def add(slug, name, description, audience, pool, *, organisation=None, group=None, big=False):
        slug = _free_slug(slug, taken)
        board = SeededBoard(0, name, audience, pool, big=big, group=group)
        boards.append(board)
        group_id = group.id if group else None
        rows.append(
            [slug, name, description, audience, organisation, group_id, len(rows), created, False]
        )

    for slug, name, description, audience, big in names.GENERAL_BOARDS:
        pool = world.staff if audience == A.STAFF else world.everyone
        add(slug, name, description, audience, pool, big=big)
    for index, (organisation, _) in enumerate(world.organisations):
        add(
            f"{organisation.slug}-staff",
            f"{organisation.display_name} staff",
            f"For {organisation.name} staff only: our own services, buildings and plans.",
            A.ORGANISATION,
            world.by_org[index],
            organisation=organisation.pk,
        )
    candidates = [g for g in world.groups if not g.closed and len(g.members) >= 3]
    for group in candidates:
        if rng.random() < GROUP_BOARD_SHARE or group is candidates[0]:
            members = Pool(people, sorted(m for m in group.members if people.active[m]))
            add(
                group.slug,
                group.name,
                "Between meetings: questions, notes and photos, for members only.",
                A.MEMBERS,
                members,
                group=group,
            )
    first_id = reserve_ids(Board._meta.db_table, len(rows))
    for n, (board, row) in enumerate(zip(boards, rows, strict=True)):
        board.id = first_id + n
        row.insert(0, board.id)
        if row[6] is not None:  # a group's board comes after the partnership's
            row[7] += 100
    columns = [
        "id", "slug", "name", "description", "audience", "audience_organisation_id", "group_id",
        "position", "created_at", "for_stories",
    ]  # fmt: skip
    world.tally.add("forums_board", copy_rows(Board._meta.db_table, columns, rows))
    world.boards = boards
    _seed_quiet_group_boards(world, taken, {board.group.id for board in boards if board.group})

    # A few people follow whole boards (new threads there reach their home page).
    follows = []
    for board in boards:
        share = 0.3 if board.group else 0.03
        k = min(len(board.pool), 3000, int(len(board.pool) * share))
        for j in rng.sample(range(len(board.pool)), k):
            follows.append((people.user_id(board.pool.indices[j]), board.id))
    table = Subscription._meta.db_table
    world.tally.add(table, copy_rows(table, ["user_id", "board_id"], follows))


def _seed_quiet_group_boards(world: World, taken: set[str], talking: set[int]) -> None:
    """Every other group's board, as it is made with the group (forums/group_boards.py):
    its name and audience, after the partnership's boards, and nothing written on it yet."""
    created = when(world.beginning - 10 * DAY)
    rows = []
    for group in world.groups:
        if group.id in talking:
            continue
        organisation = (
            world.organisations[group.organisation][0].pk
            if group.audience == A.ORGANISATION
            else None
        )
        description = f"Between meetings of {group.name}: questions, notes and photos."[:300]
        rows.append([
            _free_slug(group.slug, taken), group.name[:120], description, group.audience,
            organisation, group.id, 1000, created, False,
        ])  # fmt: skip
    if not rows:
        return
    first_id = reserve_ids(Board._meta.db_table, len(rows))
    rows = [[first_id + n, *row] for n, row in enumerate(rows)]
    columns = [
        "id", "slug", "name", "description", "audience", "audience_organisation_id", "group_id",
        "position", "created_at", "for_stories",
    ]  # fmt: skip
    world.tally.add("forums_board", copy_rows(Board._meta.db_table, columns, rows))


def _free_slug(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


# --- threads and posts ---------------------------------------------------------------------


def thread_sizes(world: World, total: int) -> list[int]:
    """Sizes adding up to ``total``: most threads short, some long (log-normal)."""
    rng, sizes, left = world.rng, [], total
    while left > 0:
        size = min(left, 3000, max(1, int(rng.lognormvariate(2.2, 1.1))))
        sizes.append(size)
        left -= size
    return sizes


def seed_threads(world: World) -> None:
    plan, rng = world.plan, world.rng
    boards = world.boards
    big_boards = [b for b in boards if b.big] or boards[:1]
    big = [
        (big_boards[k % len(big_boards)], plan.big_thread_size, k)
        for k in range(plan.big_thread_count)
    ]
    rest = plan.posts - plan.big_thread_count * plan.big_thread_size
    if rest < 0:
        raise ValueError(
            f"{plan.big_thread_count} threads of {plan.big_thread_size:,} posts need more than "
            f"{plan.posts:,} posts."
        )
    general = [b for b in boards if not b.group]
    grouped = [b for b in boards if b.group]
    weights = [BOARD_WEIGHTS[b.audience] for b in general]
    if grouped:  # a quarter of the talk, more in the bigger groups
        share = sum(weights) * GROUP_BOARDS_SHARE_OF_POSTS / (1 - GROUP_BOARDS_SHARE_OF_POSTS)
        reach = [math.log(len(b.pool) + 1) for b in grouped]
        weights += [share * r / sum(reach) for r in reach]
    sizes = thread_sizes(world, rest)
    where = rng.choices(general + grouped, weights=weights, k=len(sizes))
    normal = [(board, size, None) for board, size in zip(where, sizes, strict=True)]
    # Residents who joined in the last month wrote the posts waiting for approval: each
    # of most of them answers one thread they can reach, as its latest post.
    items = big + normal
    open_threads = [n for n, (b, size, _) in enumerate(items) if b.open_to_community and size > 1]
    wanted = min(len(open_threads), math.ceil(len(world.people.newcomers) * 0.7))
    awaiting = set(rng.sample(open_threads, wanted))
    writer = _ThreadWriter(world)
    batch, in_batch, done, reported = [], 0, 0, 0
    for n, (board, size, big_index) in enumerate(items):
        batch.append((board, size, big_index, n in awaiting))
        in_batch += size
        if in_batch >= POSTS_PER_BATCH:
            writer.write(batch)
            done += in_batch
            batch, in_batch = [], 0
            if done - reported >= max(POSTS_PER_BATCH, plan.posts // 10):
                world.tally.say(f"  {done:,} posts")
                reported = done
    writer.write(batch)
    writer.write_log()


class _ThreadWriter:
    THREAD_COLUMNS = [
        "id", "board_id", "title", "slug", "author_id", "created_at", "last_activity_at",
        "post_count", "next_seq", "is_locked", "is_pinned", "for_story",
    ]  # fmt: skip
    POST_COLUMNS = [
        "id", "thread_id", "author_id", "parent_id", "path", "depth", "body", "body_html",
        "status", "created_at", "edited_at", "deleted_at", "hidden_at", "hidden_reason",
    ]  # fmt: skip
    LOG_COLUMNS = [
        "moderator_id", "action", "reason", "post_id", "thread_id", "subject_id", "detail",
        "created_at",
    ]  # fmt: skip

    def __init__(self, world: World):
        self.world = world
        rng = world.rng
        topics = [n for _, n in world.skills[Skill.Kind.SKILL].items[:150]]
        topics += [n for _, n in world.skills[Skill.Kind.INTEREST].items[:60]]
        self.topics = topics
        self.places = [n for _, n in world.places.items]
        self.teams = [n for zipf in world.teams.values() for _, n in zipf.items[:20]]
        self.openings = text.opening_posts(rng, topics, self.places)
        self.replies = text.replies(rng, topics, self.places)
        self.newcomers = Pool(world.people, world.people.newcomers)
        self.log: list[tuple] = []
        self.pinned_boards: set[int] = set()
        self.slugs: dict[str, str] = {}

    def write(self, batch: list) -> None:
        if not batch:
            return
        first_thread = reserve_ids(Thread._meta.db_table, len(batch))
        first_post = reserve_ids(Post._meta.db_table, sum(item[1] for item in batch))
        threads, posts, follows, reactions = [], [], [], []
        next_post = first_post
        for n, (board, size, big, awaiting) in enumerate(batch):
            rows = (threads, posts, follows, reactions)
            self._thread(board, size, big, awaiting, first_thread + n, next_post, *rows)
            next_post += size
        tally = self.world.tally
        tally.add("forums_thread", copy_rows(Thread._meta.db_table, self.THREAD_COLUMNS, threads))
        tally.add("forums_post", copy_rows(Post._meta.db_table, self.POST_COLUMNS, posts))
        table = Subscription._meta.db_table
        tally.add(table, copy_rows(table, ["user_id", "thread_id"], follows))
        table = Reaction._meta.db_table
        tally.add(table, copy_rows(table, ["post_id", "user_id", "kind"], reactions))

    def write_log(self) -> None:
        table = ModerationLog._meta.db_table
        self.world.tally.add(table, copy_rows(table, self.LOG_COLUMNS, self.log))

    def _title(self, board: SeededBoard, big: int | None) -> str:
        rng = self.world.rng
        if big is not None:
            titles = names.BIG_THREAD_TITLES
            title = titles[big % len(titles)]
            return title if big < len(titles) else f"{title} ({big // len(titles) + 1})"
        topic = rng.choice(self.topics)
        if board.group and board.group.topic and rng.random() < 0.6:
            topic = board.group.topic[1]
        template = rng.choice(names.TOPIC_TITLES if rng.random() < 0.6 else names.PLAIN_TITLES)
        title = template.format(
            topic=topic, place=rng.choice(self.places), team=rng.choice(self.teams)
        )
        return title[:150]

    def _times(self, size: int, big: bool) -> list[float]:
        """When each post was written: threads start more often lately (use grows), and run
        from an afternoon to months; the big ones run the whole two years."""
        world, rng = self.world, self.world.rng
        if big:
            start = world.beginning + rng.random() * 30 * DAY
            mean_gap = 1.0
        else:
            start = world.beginning + (world.end - world.beginning - 3600) * rng.random() ** 0.6
            mean_gap = math.exp(rng.uniform(math.log(600), math.log(3 * DAY)))
        moments, t = [start], start
        for _ in range(size - 1):
            t += rng.expovariate(1 / mean_gap)
            moments.append(t)
        latest = world.end - 60 - (rng.random() * 2 * DAY if big else 0)
        if big or moments[-1] > latest:
            scale = (latest - start) / max(1.0, moments[-1] - start)
            moments = [start + (m - start) * scale for m in moments]
        return moments

    def _thread(self, board, size, big, awaiting, thread_id, first_post, *rows):
        """One thread's rows; ``awaiting``: its latest post is a newcomer's, not yet approved."""
        world, rng, people = self.world, self.world.rng, self.world.people
        threads, posts, follows, reactions = rows
        moments = self._times(size, big is not None)
        if awaiting:
            newcomer = self.newcomers.indices[int(rng.random() * len(self.newcomers))]
            joined = people.joined[newcomer]
            moments[-1] = max(moments[-1], joined + rng.random() * (world.end - 60 - joined))
        title = self._title(board, big)
        slug = self.slugs.get(title)
        if slug is None:
            slug = self.slugs[title] = slugify(title)[:150] or "thread"
        top_level = 0.5 if big is not None else 0.3
        paths: list[str] = []
        depths: list[int] = []
        replyable: list[int] = []
        writers: dict[int, None] = {}
        published, last_published = 0, moments[0]
        opening_author = None
        for s, moment in enumerate(moments):
            post_id = first_post + s
            parent = None
            if s and replyable:
                roll = rng.random()
                if roll >= top_level:
                    back = 0 if roll < top_level + 0.4 else int(rng.random() * 30)
                    parent = replyable[max(0, len(replyable) - 1 - back)]
            above = None if parent is None else (paths[parent], depths[parent])
            path, depth = place_in_tree(s + 1, above)
            paths.append(path)
            depths.append(depth)

            status = PUBLISHED
            if awaiting and s == size - 1:
                status, author = PENDING, newcomer
            else:
                author = board.pool.pick(rng, moment, bias=1.3)
            author_id = people.user_id(author)
            if s == 0:
                opening_author = author_id
            writers[author_id] = None
            body, html = (self.openings if s == 0 else self.replies).pick(rng)
            hidden_at = deleted_at = None
            reason = ""
            if status == PUBLISHED:
                published += 1
                last_published = moment
                roll = rng.random()
                if s and roll < 0.003:
                    hidden_at = min(world.end, moment + 3600 + rng.random() * 3 * DAY)
                    reason = rng.choice(names.HIDDEN_REASONS)
                    self.log.append((
                        self._moderator(), Action.HIDE, reason, post_id, thread_id,
                        author_id, "", when(hidden_at),
                    ))  # fmt: skip
                elif s and roll < 0.007:
                    deleted_at = min(world.end, moment + 60 + rng.random() * 2 * DAY)
                else:
                    replyable.append(s)
                    if rng.random() < 0.12:
                        self._react(board, post_id, author, reactions)
            posts.append((
                post_id, thread_id, author_id, first_post + parent if parent is not None else None,
                path, depth, body, html, status, when(moment), None,
                when(deleted_at) if deleted_at else None, when(hidden_at) if hidden_at else None,
                reason,
            ))  # fmt: skip
        locked = pinned = False
        if big is not None and board.id not in self.pinned_boards:
            pinned = True
            self.pinned_boards.add(board.id)
        elif not board.group and rng.random() < 0.001:
            pinned = True
        if big is None and size > 5 and rng.random() < 0.003:
            locked = True
        for flag, action, reason, moment in [
            (pinned, Action.PIN, "Useful to everyone: keeping it at the top.", moments[0]),
            (locked, Action.LOCK, "This has run its course: thanks, everyone.", moments[-1]),
        ]:
            if flag:
                at = when(min(world.end, moment + 3600))
                self.log.append((self._moderator(), action, reason, None, thread_id, None, "", at))
        threads.append((
            thread_id, board.id, title, slug, opening_author, when(moments[0]),
            when(last_published), published, size + 1, locked, pinned, False,
        ))  # fmt: skip
        follows += [(user_id, thread_id) for user_id in writers]

    def _moderator(self) -> int | None:
        moderators = self.world.moderators
        return self.world.rng.choice(moderators) if moderators else None

    def _react(self, board: SeededBoard, post_id: int, author: int, reactions: list) -> None:
        world, rng = self.world, self.world.rng
        given = set()
        for _ in range(1 + min(5, int(rng.expovariate(0.7)))):
            person = board.pool.pick(rng, world.end)
            kind = Reaction.Kind.THANKS if rng.random() < 0.7 else Reaction.Kind.HELPFUL
            if person != author and (person, kind) not in given:
                given.add((person, kind))
                reactions.append((post_id, world.people.user_id(person), kind))
