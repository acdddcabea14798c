"""Stories of every audience and state, their series and tags, and the comments on them.

Written as ``stories.services`` leaves them. Most stories are out (published before now,
their followers told); a few are drafts, wait for an editor, were sent back for changes,
or are scheduled for the weeks to come. Staff write most of them, for the public, the
community, staff, their own organisation or, in a members-only group they belong to, the
group's members; residents write a few for the public or the community, which an editor
reviewed and published under their name (a guest post). A third of staff's stories are
in a series, by one of its writers and for its audience. Each has up to four tags (skills);
its slug, HTML and reading time are the services' own for its title and text (the texts
come from a few hundred, each rendered once by ``render_markdown``).

Every published story has its thread (``stories.comments.open_comments``) on the board of
its audience (one per audience and organisation, and per group for its members),
locked until the story is out and followed by its writer. A tenth of those out have a few
comments, and some (at least ``BUSY_STORIES``) have 200 to 300. Comments are posts as
``forums.services`` writes them: sequence numbers from 2 (no comment is the thread's
opening post), ``path`` and ``depth`` as a reply's, the thread's counters after the last;
whoever comments follows the thread. The database's triggers copy each post's board and
audience from its thread's board (forums/migrations/0007), as for every other post.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import accumulate
from types import SimpleNamespace

from django.contrib.auth.models import Group as Role
from django.utils.text import slugify

from forums.models import Board, Post, Subscription, Thread, place_in_tree
from groups.models import Group
from profiles.models import Skill
from sociable.accounts.models import User
from sociable.audience import Audience
from stories import comments, roles
from stories.models import Series, Story, StoryTag, reading_minutes

from . import names, text
from .bulk import copy_model, copy_rows, reserve_ids, when
from .opportunities import in_text
from .world import DAY, Pool, World, Zipf

A = Audience
Status = Story.Status
SCHEDULED = "scheduled"  # published, for a time to come

STATES = [
    (Status.PUBLISHED, 91), (SCHEDULED, 2), (Status.DRAFT, 4), (Status.PROPOSED, 2),
    (Status.CHANGES, 1),
]  # fmt: skip
STAFF_AUDIENCES = [
    (A.PUBLIC, 25), (A.COMMUNITY, 30), (A.STAFF, 30), (A.ORGANISATION, 10), (A.MEMBERS, 5),
]  # fmt: skip
# Every state, and a story for a group's members and one for an organisation, however few.
FIRST = [
    (SCHEDULED, A.STAFF), (Status.DRAFT, A.COMMUNITY), (Status.PROPOSED, A.PUBLIC),
    (Status.CHANGES, A.COMMUNITY), (Status.PUBLISHED, A.MEMBERS),
    (Status.PUBLISHED, A.ORGANISATION),
]  # fmt: skip
RESIDENT_AUDIENCES = [(A.PUBLIC, 40), (A.COMMUNITY, 60)]
SERIES_AUDIENCES = [(A.PUBLIC, 30), (A.COMMUNITY, 25), (A.STAFF, 35), (A.ORGANISATION, 10)]
CADENCES = [
    (Series.Cadence.WEEKLY, 40), (Series.Cadence.FORTNIGHTLY, 25),
    (Series.Cadence.MONTHLY, 25), (Series.Cadence.OCCASIONAL, 10),
]  # fmt: skip
RESIDENTS_SHARE = 0.06  # of stories out: guest posts by residents
IN_SERIES = 0.3  # of staff's stories for the public, the community, staff or an organisation
SERIES_PER_STORIES = 25  # one series for so many stories, at most MAX_SERIES
MAX_SERIES = 400
CO_WRITERS = [30, 35, 25, 10]  # weights of 0 to 3 writers beside the first
TAG_COUNTS = [15, 35, 30, 15, 5]  # weights of 0 to 4 tags
FEATURED = 0.02  # of stories out for the public, the community or staff
COMMENTED = 0.1  # of stories out: a few comments
BUSY_STORIES = 20  # at least, with BUSY comments each: one in 250 stories beyond 5,000
BUSY = (200, 300)
DELETED = 0.005  # of comments: deleted by their writer
EDITORS = 3  # staff in the Story editors role
EARLY_DAYS = 30  # nothing published in the partnership's first month
THREAD_COLUMNS = [
    "id", "board_id", "title", "slug", "author_id", "created_at", "last_activity_at",
    "post_count", "next_seq", "is_locked", "is_pinned", "for_story",
]  # fmt: skip
POST_COLUMNS = [
    "id", "thread_id", "author_id", "parent_id", "path", "depth", "body", "body_html",
    "status", "created_at", "edited_at", "deleted_at", "hidden_at", "hidden_reason",
]  # fmt: skip


def _cum(pairs):
    values, weights = zip(*pairs, strict=True)
    return list(values), list(accumulate(weights))


@dataclass
class SeededSeries:
    id: int
    audience: str
    organisation: int | None  # index into World.organisations
    writers: list[int]  # people indices, the first created it
    created: float


def seed_stories(world: World) -> None:
    count = world.plan.story_count
    if count <= 0 or not len(world.staff):
        return
    writer = _Writer(world)
    writer.seed_editors()
    writer.seed_series()
    planned = sorted((writer.plan(n) for n in range(count)), key=lambda s: (s["created"], s["n"]))
    writer.write(planned)


class _Writer:
    def __init__(self, world: World):
        self.world = world
        self.rng = rng = world.rng
        people = world.people
        self.end = world.end
        self.start = world.beginning + EARLY_DAYS * DAY
        count = world.plan.story_count
        self.vocabulary = world.skills[Skill.Kind.SKILL]
        topics = [n for _, n in self.vocabulary.items[:150]]
        topics += [n for _, n in world.skills[Skill.Kind.INTEREST].items[:60]]
        self.places = [n for _, n in world.places.items]
        self.bodies = text.story_bodies(rng, topics, self.places)
        self.minutes = {body: reading_minutes(body) for body, _ in self.bodies.entries}
        self.comments = text.story_comments(rng, topics, self.places)
        # A few staff write most stories: the earlier they joined, the more.
        staff = list(world.staff.indices)
        self.writers = Pool(people, sorted(rng.sample(staff, min(len(staff), max(30, count // 4)))))
        residents = [i for i in world.everyone.indices if not people.org[i]] or staff
        wanted = min(len(residents), 10 + count // 40)
        self.residents = Pool(people, sorted(rng.sample(residents, wanted)))
        self.editors: list[int] = []
        self.series: list[SeededSeries] = []
        self.states = _cum(STATES)
        self.staff_audiences = _cum(STAFF_AUDIENCES)
        self.resident_audiences = _cum(RESIDENT_AUDIENCES)
        # Members-only groups, open: a story for the members of one has its comments on
        # the board of the group's stories (``stories.comments.board_for``).
        before = Board.objects.filter(for_stories=True).count()
        boards = {
            group.pk: comments.board_for(SimpleNamespace(audience=A.MEMBERS, group=group)).pk
            for group in Group.objects.filter(audience=A.MEMBERS, closed_at__isnull=True)
        }
        world.tally.add("forums_board", Board.objects.filter(for_stories=True).count() - before)
        self.group_boards = boards
        settled = self.end - 2 * DAY  # members who joined before the last day or two
        self.group_writers = {
            g.id: [m for m in g.members if people.active[m] and people.joined[m] < settled]
            for g in world.groups
            if g.audience == A.MEMBERS and not g.closed and g.id in boards
        }
        self.groups = [g for g in world.groups if len(self.group_writers.get(g.id, ())) >= 2]
        self.group_pools: dict[int, Pool] = {}

    # --- editors and series -----------------------------------------------------------

    def seed_editors(self) -> None:
        """Three early writers review and publish residents' stories."""
        world = self.world
        early = self.writers.indices[: max(EDITORS, len(self.writers) // 10)]
        chosen = self.rng.sample(list(early), min(EDITORS, len(early)))
        self.editors = [world.people.user_id(i) for i in chosen]
        roles.let_editors_edit()
        role = Role.objects.get(name=roles.EDITORS)
        through = User.groups.through
        through.objects.bulk_create([through(user_id=u, group_id=role.pk) for u in self.editors])
        world.tally.add("accounts_user_groups", len(self.editors))

    def seed_series(self) -> None:
        world, rng, people = self.world, self.rng, self.world.people
        count = min(MAX_SERIES, max(3, world.plan.story_count // SERIES_PER_STORIES))
        audiences, cadences = _cum(SERIES_AUDIENCES), _cum(CADENCES)
        taken = set(Series.objects.values_list("slug", flat=True))
        first_id = reserve_ids(Series._meta.db_table, count)
        rows, writer_rows = [], []
        for n in range(count):
            audience = rng.choices(audiences[0], cum_weights=audiences[1])[0]
            created = self.start + (self.end - 30 * DAY - self.start) * rng.random() ** 1.5
            first = self.writers.pick(rng, created, bias=1.3)
            org = people.org[first] - 1
            pool = world.by_org[org] if audience == A.ORGANISATION else self.writers
            writers = [first]
            for _ in range(rng.choices(range(len(CO_WRITERS)), weights=CO_WRITERS)[0]):
                other = pool.pick(rng, self.end)
                if other not in writers:
                    writers.append(other)
            values = self._values(in_text(self.vocabulary.one(rng)[1]), org)
            title = rng.choice(names.SERIES_TITLES).format(**values)
            title = (title[0].upper() + title[1:])[:120]
            series = SeededSeries(first_id + n, audience, org, writers, created)
            self.series.append(series)
            rows.append({
                "id": series.id, "title": title, "slug": _free_slug(slugify(title)[:130], taken),
                "summary": rng.choice(names.SERIES_SUMMARIES).format(**values)[:300],
                "cadence": rng.choices(cadences[0], cum_weights=cadences[1])[0],
                "audience": audience,
                "audience_organisation_id": self._organisation_id(audience, org),
                "group_id": None, "created_by_id": people.user_id(first),
                "created_at": when(created),
            })  # fmt: skip
            writer_rows += [{"series_id": series.id, "user_id": people.user_id(w)} for w in writers]
        copy_model(world.tally, Series, rows, with_ids=True)
        copy_model(world.tally, Series.writers.through, writer_rows)
        self.series_zipf = Zipf(self.series, 0.8)

    # --- one story --------------------------------------------------------------------

    def plan(self, n: int) -> dict:
        rng, people = self.rng, self.world.people
        first = FIRST[n] if n < len(FIRST) else None
        state = first[0] if first else rng.choices(self.states[0], cum_weights=self.states[1])[0]
        # Staff publish their own; residents' go through an editor.
        resident = state in (Status.PROPOSED, Status.CHANGES) or (
            not first and rng.random() < RESIDENTS_SHARE
        )
        series = group = None
        moment = self._moment(state, self.start)
        if resident:
            values, cum = self.resident_audiences
            audience = first[1] if first else rng.choices(values, cum_weights=cum)[0]
            author = self.residents.pick(rng, moment, bias=1.2)
        else:
            values, cum = self.staff_audiences
            audience = first[1] if first else rng.choices(values, cum_weights=cum)[0]
            if audience == A.MEMBERS and not self.groups:
                audience = A.STAFF
            if audience == A.MEMBERS:
                group = rng.choice(self.groups)
                author = rng.choice(self.group_writers[group.id])
            elif not first and rng.random() < IN_SERIES:
                series = self.series_zipf.one(rng)
                audience = series.audience
                moment = self._moment(state, series.created)
                joined = [w for w in series.writers if people.joined[w] <= moment]
                author = rng.choice(joined or series.writers[:1])
            else:
                author = self.writers.pick(rng, moment, bias=1.3)
        earliest = people.joined[author] + DAY
        if group is not None:
            earliest = max(earliest, group.created + DAY)
        if moment < earliest:
            moment = self._moment(state, earliest)
        org = people.org[author] - 1
        if series is not None:
            org = series.organisation
        tags = self._tags()
        topic = in_text(tags[0][1] if tags else self.vocabulary.one(rng)[1])
        values = self._values(topic, org if org >= 0 else None)
        title = rng.choice(names.STORY_TITLES).format(**values)
        title = (title[0].upper() + title[1:])[:150]
        body, html = self.bodies.pick(rng)
        status = Status.PUBLISHED if state == SCHEDULED else state
        out = state == Status.PUBLISHED
        published = announced = published_by = None
        created = updated = moment
        if state == SCHEDULED:  # written lately, to come out in a week or two
            published = moment
            created = max(earliest - DAY, self.end - rng.random() * 10 * DAY)
            updated = created + rng.random() * (self.end - created)
        elif out:
            published = moment
            announced = min(self.end, moment + rng.random() * 300)
            # Written a while before: a guest post waited for its editor.
            created = max(earliest - DAY, moment - rng.random() * (10 if resident else 3) * DAY)
            if rng.random() < 0.1:  # edited since
                updated = moment + rng.random() * (self.end - moment)
        else:
            updated = moment + rng.random() * (self.end - moment) * 0.5
        if published is not None and resident and self.editors:  # a guest post
            published_by = rng.choice(self.editors)
        featured = out and audience in (A.PUBLIC, A.COMMUNITY, A.STAFF) and rng.random() < FEATURED
        row = {
            "audience": audience,
            "audience_organisation_id": self._organisation_id(audience, org),
            "title": title, "slug": slugify(title)[:150] or "story",
            "summary": rng.choice(names.STORY_SUMMARIES).format(**values)[:300],
            "body": body, "body_html": html, "reading_minutes": self.minutes[body],
            "author_id": people.user_id(author), "series_id": series.id if series else None,
            "group_id": group.id if group else None, "status": status,
            "published_at": when(published) if published is not None else None,
            "announced_at": when(announced) if announced is not None else None,
            "featured": featured, "published_by_id": published_by,
            "review_note": rng.choice(names.REVIEW_NOTES) if status == Status.CHANGES else "",
            "created_at": when(created), "updated_at": when(updated),
        }  # fmt: skip
        return {
            "n": n, "row": row, "created": created, "published": published, "out": out,
            "audience": audience, "org": org, "group": group, "author": author,
            "tags": [skill_id for skill_id, _ in tags],
        }  # fmt: skip

    def _moment(self, state: str, after: float) -> float:
        """When a story in ``state`` was published (or last saved, if not), from ``after``:
        more lately than at first; drafts and proposals in the last six weeks; scheduled
        ones two to three weeks from today."""
        rng = self.rng
        if state == SCHEDULED:
            return self.end + (2 + rng.random() * 20) * DAY
        last = self.end - 3600
        if state != Status.PUBLISHED:
            after = max(after, last - 45 * DAY)
        if after >= last:
            return last
        return after + (last - after) * rng.random() ** 0.6

    def _tags(self) -> list[tuple[int, str]]:
        """A common skill first, and the rest from the whole vocabulary."""
        rng, vocabulary = self.rng, self.vocabulary
        k = rng.choices(range(len(TAG_COUNTS)), weights=TAG_COUNTS)[0]
        if not k:
            return []
        tags = [vocabulary.one(rng)]
        for _ in range(k - 1):
            skill = vocabulary.items[int(rng.random() * len(vocabulary.items))]
            if skill not in tags:
                tags.append(skill)
        return tags

    def _values(self, topic: str, org: int | None) -> dict:
        rng, world = self.rng, self.world
        team = world.teams[org].one(rng)[1] if org is not None else "our team"
        return {
            "topic": topic,
            "team": team,
            "place": rng.choice(self.places),
            "hood": rng.choice(names.NEIGHBOURHOODS),
            "n": rng.randint(3, 12),
        }

    def _organisation_id(self, audience: str, org: int | None) -> int | None:
        if audience != A.ORGANISATION or org is None or org < 0:
            return None
        return self.world.organisations[org][0].pk

    # --- writing: threads, stories, comments, follows, tags ---------------------------

    def write(self, planned: list[dict]) -> None:
        world = self.world
        boards = self._boards()
        first_story = reserve_ids(Story._meta.db_table, len(planned))
        published = [s for s in planned if s["published"] is not None]
        first_thread = reserve_ids(Thread._meta.db_table, len(published))
        for offset, story in enumerate(planned):  # in the order they were written
            story["id"] = first_story + offset
        for offset, story in enumerate(published):
            story["thread"] = first_thread + offset
        sizes = self._comment_counts(published)
        next_post = reserve_ids(Post._meta.db_table, sum(sizes))
        threads, posts, follows = [], [], []
        for story, size in zip(published, sizes, strict=True):
            board = (
                self.group_boards[story["group"].id]
                if story["audience"] == A.MEMBERS
                else boards[(story["audience"], story["row"]["audience_organisation_id"])]
            )
            latest, writers = story["published"], {story["row"]["author_id"]: None}
            if size:
                latest = self._comments(story, next_post, size, posts, writers)
                next_post += size
            row = story["row"]
            threads.append((
                story["thread"], board, row["title"], row["slug"], row["author_id"],
                row["published_at"], when(latest), size, size + 2, not story["out"], False, True,
            ))  # fmt: skip
            follows += [(user_id, story["thread"]) for user_id in writers]
        tally = world.tally
        tally.add("forums_thread", copy_rows(Thread._meta.db_table, THREAD_COLUMNS, threads))
        rows = (s["row"] | {"id": s["id"], "thread_id": s.get("thread")} for s in planned)
        copy_model(tally, Story, rows, with_ids=True)
        tally.add("forums_post", copy_rows(Post._meta.db_table, POST_COLUMNS, posts))
        table = Subscription._meta.db_table
        tally.add(table, copy_rows(table, ["user_id", "thread_id"], follows))
        tags = ({"content_object_id": s["id"], "tag_id": t} for s in planned for t in s["tags"])
        copy_model(tally, StoryTag, tags)

    def _boards(self) -> dict[tuple[str, int | None], int]:
        """The board of each audience's comments, as ``stories.comments`` makes them."""
        found = {}
        before = Board.objects.filter(for_stories=True).count()
        for audience in (A.PUBLIC, A.COMMUNITY, A.STAFF):
            story = SimpleNamespace(audience=audience, audience_organisation_id=None)
            found[(audience, None)] = comments.board_for(story).pk
        for organisation, _ in self.world.organisations:
            story = SimpleNamespace(
                audience=A.ORGANISATION,
                audience_organisation=organisation,
                audience_organisation_id=organisation.pk,
            )
            found[(A.ORGANISATION, organisation.pk)] = comments.board_for(story).pk
        self.world.tally.add(
            "forums_board", Board.objects.filter(for_stories=True).count() - before
        )
        return found

    def _comment_counts(self, published: list[dict]) -> list[int]:
        """A few comments on a tenth of the stories out, and BUSY on the busy ones: at
        least BUSY_STORIES of them, published a week ago or more, half of them public."""
        rng = self.rng
        week_ago = self.end - 7 * DAY
        wide = (A.PUBLIC, A.COMMUNITY, A.STAFF)
        candidates = [
            n
            for n, s in enumerate(published)
            if s["out"] and s["published"] < week_ago and s["audience"] in wide
        ]
        wanted = min(len(candidates), max(BUSY_STORIES, self.world.plan.story_count // 250))
        public = [n for n in candidates if published[n]["audience"] == A.PUBLIC]
        busy = set(rng.sample(public, min(len(public), wanted // 2)))
        others = [n for n in candidates if n not in busy]
        busy |= set(rng.sample(others, min(len(others), wanted - len(busy))))
        sizes = []
        for n, story in enumerate(published):
            if n in busy:
                sizes.append(rng.randint(*BUSY))
            elif story["out"] and rng.random() < COMMENTED:
                sizes.append(1 + min(30, int(rng.lognormvariate(0.7, 0.8))))
            else:
                sizes.append(0)
        return sizes

    def _pool(self, story: dict) -> Pool:
        """Who may see ``story`` (and so comment on it)."""
        world, audience = self.world, story["audience"]
        if audience == A.MEMBERS:
            group = story["group"]
            pool = self.group_pools.get(group.id)
            if pool is None:
                active = sorted(m for m in group.members if world.people.active[m])
                pool = self.group_pools[group.id] = Pool(world.people, active)
            return pool
        if audience == A.ORGANISATION:
            return world.by_org[story["org"]]
        return world.staff if audience == A.STAFF else world.everyone

    def _comments(self, story: dict, first_post: int, size: int, posts: list, writers: dict):
        """``size`` comments on ``story``, its thread's next sequence numbers from 2, in
        time order; return when the last was written."""
        rng, people = self.rng, self.world.people
        pool = self._pool(story)
        published, last = story["published"], self.end - 60
        start = min(published + 600 + rng.random() * 3 * 3600, (published + last) / 2)
        mean_gap = math.exp(rng.uniform(math.log(600), math.log(DAY)))
        moments, t = [], start
        for _ in range(size):
            moments.append(t)
            t += rng.expovariate(1 / mean_gap)
        if moments[-1] > last:
            scale = (last - start) / max(1.0, moments[-1] - start)
            moments = [start + (m - start) * scale for m in moments]
        paths: list[str] = []
        depths: list[int] = []
        replyable: list[int] = []
        for s, moment in enumerate(moments):
            post_id = first_post + s
            parent = None
            if replyable and rng.random() >= 0.55:
                back = 0 if rng.random() < 0.6 else int(rng.random() * 10)
                parent = replyable[max(0, len(replyable) - 1 - back)]
            above = None if parent is None else (paths[parent], depths[parent])
            path, depth = place_in_tree(s + 2, above)
            paths.append(path)
            depths.append(depth)
            author_id = people.user_id(pool.pick(rng, moment, bias=1.3))
            writers[author_id] = None
            body, html = self.comments.pick(rng)
            deleted = None
            if rng.random() < DELETED:
                deleted = when(min(self.end, moment + 60 + rng.random() * DAY))
            else:
                replyable.append(s)
            posts.append((
                post_id, story["thread"], author_id,
                first_post + parent if parent is not None else None, path, depth, body, html,
                Post.Status.PUBLISHED, when(moment), None, deleted, None, "",
            ))  # fmt: skip
        return moments[-1]


def _free_slug(slug: str, taken: set[str]) -> str:
    slug = slug or "series"
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate
