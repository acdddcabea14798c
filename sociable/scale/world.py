"""What the phases of a scale seed share: the plan, the random source, the clock, the people.

People are held as parallel arrays indexed 0..n-1 (their user id is ``first_id + i``),
in the order they joined, so "everyone who had joined by then" is a prefix of any
list of indices and a binary search away.
"""

from __future__ import annotations

import random
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from .bulk import Tally

DAY = 86_400.0
HISTORY_DAYS = 730  # about two years of activity
LEVELS = {  # --scale: people, posts
    "S": (15_000, 200_000),
    "M": (100_000, 2_000_000),
    "L": (1_000_000, 10_000_000),
}
BIG_THREAD_SIZE = 10_000
# Opportunities at each level (issue 21): fewer per person as the partnership grows, as a
# few hundred teams post them whatever the number of people who may answer.
OPPORTUNITIES = {"S": 2_000, "M": 10_000, "L": 50_000}
# Stories at each level: a few writers in every team, more as the partnership grows.
STORIES = {"S": 5_000, "M": 50_000, "L": 200_000}


def at_level(people: int, counts: dict[str, int]) -> int:
    """The level's count at a level's people, on the straight line between the two levels
    around any other number (from none at no people), and in proportion beyond L."""
    points = sorted((LEVELS[level][0], count) for level, count in counts.items())
    below = (0, 0)
    for level_people, count in points:
        if people <= level_people:
            share = (people - below[0]) / (level_people - below[0])
            return round(below[1] + share * (count - below[1]))
        below = (level_people, count)
    return round(people * below[1] / below[0])


@dataclass(frozen=True)
class Plan:
    people: int
    posts: int
    seed: int = 2024
    big_threads: int | None = None  # None: worked out from the number of posts
    big_thread_size: int = BIG_THREAD_SIZE
    opportunities: int | None = None  # None: worked out from the number of people
    stories: int | None = None  # None: worked out from the number of people

    @property
    def groups(self) -> int:
        return max(5, self.people // 50)

    @property
    def opportunity_count(self) -> int:
        """2,000 opportunities at S, 10,000 at M, 50,000 at L (``at_level``)."""
        if self.opportunities is not None:
            return self.opportunities
        return at_level(self.people, OPPORTUNITIES)

    @property
    def story_count(self) -> int:
        """5,000 stories at S, 50,000 at M, 200,000 at L (``at_level``)."""
        if self.stories is not None:
            return self.stories
        return at_level(self.people, STORIES)

    @property
    def big_thread_count(self) -> int:
        """``max(3, posts // 100,000)`` threads of ``big_thread_size`` posts, using at most
        half the posts, but at least one whenever there are posts enough for one."""
        if self.big_threads is not None:
            return self.big_threads
        if self.posts < self.big_thread_size:
            return 0
        wanted = max(3, self.posts // 100_000)
        return max(1, min(wanted, self.posts // 2 // self.big_thread_size))


class Zipf:
    """Pick items with weight 1/rank**s: a few very common ones and a long tail."""

    def __init__(self, items: list, s: float = 1.0):
        self.items = items
        self.cum = list(accumulate(1.0 / (rank + 1) ** s for rank in range(len(items))))

    def one(self, rng: random.Random):
        return rng.choices(self.items, cum_weights=self.cum)[0]

    def distinct(self, rng: random.Random, k: int, exclude: set = frozenset()) -> list:
        """Up to ``k`` different items, none in ``exclude``, in the order they were drawn."""
        k = min(k, len(self.items) - len(exclude))
        picked: list = []
        seen = set(exclude)
        tries = 0
        while len(picked) < k and tries < 8:
            for item in rng.choices(self.items, cum_weights=self.cum, k=2 * (k - len(picked))):
                if item not in seen:
                    seen.add(item)
                    picked.append(item)
                    if len(picked) == k:
                        break
            tries += 1
        return picked


@dataclass
class People:
    """Everyone the seed created, in the order they joined."""

    first_id: int
    joined: array  # POSIX seconds, ascending
    org: bytearray  # 0 for community members, else 1 + index into World.organisations
    active: bytearray
    newcomers: array = field(default_factory=lambda: array("q"))  # see people.py

    @property
    def count(self) -> int:
        return len(self.joined)

    def user_id(self, index: int) -> int:
        return self.first_id + index

    def joined_by(self, moment: float) -> int:
        """How many people had joined by ``moment`` (a prefix of every pool)."""
        return bisect_right(self.joined, moment)


class Pool:
    """Indices of the people who may do something (see a board, join a group)."""

    def __init__(self, people: People, indices):
        self.people = people
        self.indices = indices if isinstance(indices, array) else array("q", indices)

    def __len__(self) -> int:
        return len(self.indices)

    def pick(self, rng: random.Random, moment: float, bias: float = 1.0) -> int:
        """Someone in the pool who had joined by ``moment`` (the earliest if nobody had).

        ``bias`` above 1 favours people who joined early: they have had longer to get
        involved, and a few people do most of the talking.
        """
        available = bisect_left(self.indices, self.people.joined_by(moment))
        if available <= 1:
            return self.indices[0]
        return self.indices[int(available * rng.random() ** bias)]


@dataclass
class World:
    plan: Plan
    tally: Tally
    rng: random.Random
    now: datetime
    organisations: list = field(default_factory=list)  # (Organisation, domain) pairs
    people: People | None = None
    everyone: Pool | None = None  # active people, newcomers aside
    staff: Pool | None = None
    by_org: list[Pool] = field(default_factory=list)
    moderators: list[int] = field(default_factory=list)  # user ids
    skills: dict = field(default_factory=dict)  # kind -> Zipf of (id, name)
    places: list = field(default_factory=list)  # (id, name)
    teams: dict = field(default_factory=dict)  # organisation index -> [(id, name)]
    aliases: dict = field(default_factory=dict)  # skill id -> other names, by name
    groups: list = field(default_factory=list)  # groups.SeededGroup
    boards: list = field(default_factory=list)  # forums.SeededBoard

    @classmethod
    def start(cls, plan: Plan, tally: Tally) -> World:
        # Midnight today (UTC): runs on the same day write identical data, and everything
        # generated as "now or earlier" really is.
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return cls(
            plan=plan,
            tally=tally,
            rng=random.Random(plan.seed),  # noqa: S311 - made-up data, repeatable by seed
            now=today,
        )

    @property
    def end(self) -> float:
        return self.now.timestamp()

    @property
    def beginning(self) -> float:
        return (self.now - timedelta(days=HISTORY_DAYS)).timestamp()
