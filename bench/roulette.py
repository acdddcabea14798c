"""Time one round of coffee roulette at scale (issue 20: "pairing 100,000 people who opted
in takes under a minute").

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/roulette_bench \\
        .venv/bin/python bench/roulette.py --people 100000

The database must be one of its own, migrated (``manage.py createcachetable`` and
``migrate``, as bench/run.py prepares its own). The first run seeds it, in bulk (about two
minutes at 100,000), and later runs reuse the data:

- ``--people`` staff of ``--organisations`` organisations (unequal in size), in about
  2,000 teams (a few large, many small; 2% in none) based in about 100 buildings (80% work
  in their team's, 12% elsewhere, 8% in none), with 1-4 interests each of 300 (a few
  popular, most rare). All have opted in: 60% once a month, 40% once a fortnight; 5% skip
  the measured round and 1% have left (inactive);
- six months of earlier rounds (``--history``, 12 by default: every round the no-repeat
  window holds), each an introduction and a chat per pair. The latest is paired by
  ``roulette.pair`` itself, on everyone's history before it (so the rule has pairs to
  refuse: at 100,000, without it 130 of the measured round's pairs would repeat that
  round); the older ones by a quick pairing within the rules.

Then ``run_round`` on the 1st of March 2027 (everyone's round), timed end to end, commit
and the enqueued tasks included, and split into its reads (``people_for``), the pairing
(``pair``) and the writes (the rest: two bulk inserts, the commit, the tasks). It checks the
rules on what was written (nobody twice, never a team, no pair from the six months before,
nobody skipping, inactive or not opted in) and that pairing again with the same seed gives
the same pairs, prints how good the pairs are, and deletes the round again (``--keep``
leaves it) so the next run measures the same data.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import sys
import time
from collections import Counter
from datetime import date, timedelta

SEED = 20
ROUND = date(2027, 3, 1)
TEAMS = 2_000
PLACES = 100
INTERESTS = 300
BATCH = 5_000  # rows per INSERT when seeding
# (name, kind, share of the staff): the first --organisations of them.
ORGANISATIONS = [
    ("Kirkfield City Council", "council", 40),
    ("Kirkfield Hospitals NHS Trust", "nhs_trust", 30),
    ("Kirkfield Community Health NHS Trust", "nhs_trust", 12),
    ("Kirkfield Voluntary Action", "voluntary", 8),
    ("Kirkfield Homes", "other", 6),
    ("Kirkfield Fire and Rescue", "other", 4),
]
USERNAME = "roulette-bench-{}"
UNUSABLE = "!"  # a password nobody can sign in with


def setup() -> None:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    # As the seed commands of bench/run.py: the development settings with DEBUG off (no
    # query log kept in memory).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sociable.settings.dev")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()


def say(text: str) -> None:
    print(text, flush=True)


# --- the data ---------------------------------------------------------------------------


def seed(people: int, organisations: int, history: int, rng: random.Random) -> None:
    """Write the staff, their profiles, interests and memberships, and earlier rounds."""
    from conversations.models import RouletteMember
    from profiles.models import Place, Profile, ProfileSkill, Skill, Team
    from profiles.vocabulary import skill_key
    from sociable.accounts.models import Organisation, User

    started = time.perf_counter()
    orgs = Organisation.objects.bulk_create(
        Organisation(name=name, short_name=name.split()[1], slug=f"roulette-bench-{n}", kind=kind)
        for n, (name, kind, _) in enumerate(ORGANISATIONS[:organisations])
    )
    shares = [share for _, _, share in ORGANISATIONS[:organisations]]

    # Buildings: most belong to one organisation (in proportion to its size), a tenth are
    # shared hubs; a few are large.
    owners = rng.choices(range(organisations), weights=shares, k=PLACES)
    for n in range(0, PLACES, 10):
        owners[n] = None
    places = Place.objects.bulk_create(
        Place(name=f"Roulette bench building {n}", slug=f"roulette-bench-building-{n}")
        for n in range(PLACES)
    )
    place_weight = [rng.lognormvariate(0, 1) for _ in places]
    sites = {
        o: [(p.pk, w) for p, w, owner in zip(places, place_weight, owners, strict=True)
            if owner in (o, None)]
        for o in range(organisations)
    }  # fmt: skip

    # Teams: in proportion to each organisation's size; a few large, many small. Each is
    # based in one building of its organisation (or a hub).
    team_rows, team_weight = [], []
    for o, share in enumerate(shares):
        count = round(TEAMS * share / sum(shares))
        weights = [rng.lognormvariate(0, 0.9) for _ in range(count)]
        for weight in weights:
            home = rng.choices(*zip(*sites[o], strict=True))[0]
            team_rows.append((o, home))
            team_weight.append(share * weight / sum(weights))
    teams = Team.objects.bulk_create(
        Team(organisation=orgs[o], name=f"Team {n}", slug=f"roulette-bench-team-{n}")
        for n, (o, _) in enumerate(team_rows)
    )
    interests = Skill.objects.bulk_create(
        Skill(name=f"Pastime {k}", slug=f"roulette-bench-pastime-{k}",
              key=skill_key(f"roulette bench pastime {k}"), kind=Skill.Kind.INTEREST)
        for k in range(INTERESTS)
    )  # fmt: skip
    popularity = [1 / (k + 1) ** 0.9 for k in range(INTERESTS)]
    say(f"{len(orgs)} organisations, {len(teams)} teams, {len(places)} buildings, "
        f"{len(interests)} interests")  # fmt: skip

    # The people.
    rows = []  # (organisation index, team index or None, place pk or None)
    for t in rng.choices(range(len(teams)), weights=team_weight, k=people):
        o, home = team_rows[t]
        if rng.random() < 0.02:
            o = rng.choices(range(organisations), weights=shares)[0]
            t = None
        where = rng.random()
        if where < 0.8 and t is not None:
            place = home
        elif where < 0.92:
            place = rng.choices(*zip(*sites[o], strict=True))[0]
        else:
            place = None
        rows.append((o, t, place))
    users = []
    for start in range(0, people, BATCH):
        users += User.objects.bulk_create(
            User(username=USERNAME.format(i), email=f"roulette-bench-{i}@bench.example",
                 name=f"Person {i}", password=UNUSABLE, organisation=orgs[rows[i][0]],
                 is_active=rng.random() >= 0.01)
            for i in range(start, min(start + BATCH, people))
        )  # fmt: skip
    profiles = []
    for start in range(0, people, BATCH):
        profiles += Profile.objects.bulk_create(
            Profile(
                user=users[i],
                team=None if rows[i][1] is None else teams[rows[i][1]],
                place_id=rows[i][2],
            )
            for i in range(start, min(start + BATCH, people))
        )
    held = []
    for _ in profiles:
        count = rng.choices((1, 2, 3, 4), weights=(35, 30, 20, 15))[0]
        chosen = set()
        while len(chosen) < count:
            chosen.add(rng.choices(range(INTERESTS), weights=popularity)[0])
        held.append(chosen)
    ProfileSkill.objects.bulk_create(
        (
            ProfileSkill(profile=p, skill=interests[k], relation=ProfileSkill.Relation.INTEREST)
            for p, chosen in zip(profiles, held, strict=True)
            for k in sorted(chosen)
        ),
        batch_size=BATCH,
    )
    every = [
        RouletteMember.Every.MONTH if rng.random() < 0.6 else RouletteMember.Every.FORTNIGHT
        for _ in users
    ]
    RouletteMember.objects.bulk_create(
        (
            RouletteMember(
                user=u,
                every=e,
                skip_until=ROUND if rng.random() < 0.05 else None,
            )
            for u, e in zip(users, every, strict=True)
        ),
        batch_size=BATCH,
    )
    say(f"{people:,} people, {sum(map(len, held)):,} interests held: "
        f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    held_ids = [frozenset(interests[k].pk for k in chosen) for chosen in held]
    seed_history(users, rows, held_ids, every, teams, orgs, history, rng)
    say(f"seeded in {time.perf_counter() - started:.0f} s")


def round_days(before: date, count: int) -> list[date]:
    """The last ``count`` rounds' days before ``before``, oldest first."""
    from conversations.roulette import is_round

    days, day = [], before
    while len(days) < count:
        day -= timedelta(days=1)
        if is_round(day):
            days.append(day)
    return days[::-1]


def seed_history(users, rows, held, every, teams, orgs, count, rng) -> None:
    """Write ``count`` earlier rounds, each pair an introduction and a chat."""
    from conversations.models import Conversation, Introduction, Kind, RouletteMember, Way
    from conversations.roulette import INTRODUCTION, NO_REPEAT, Person, pair

    days = round_days(ROUND, count)
    if days and days[0] <= ROUND - NO_REPEAT:
        raise SystemExit(f"error: --history {count} reaches beyond the six months")
    people = [
        Person(
            u.pk,
            orgs[o].pk,
            None if t is None else teams[t].pk,
            place,
            interests=chosen,
        )
        for u, (o, t, place), chosen in zip(users, rows, held, strict=True)
    ]
    monthly = {u.pk for u, e in zip(users, every, strict=True) if e == RouletteMember.Every.MONTH}
    for day in days:
        started = time.perf_counter()
        taking_part = [
            p
            for p in people
            if (day.day == 1 or p.pk not in monthly) and rng.random() >= 0.05  # some skip
        ]
        if day == days[-1]:
            pairs = pair(taking_part, seed=day.toordinal())  # what run_round would write
        else:
            pairs = quick_pairs(taking_part, rng)
        for a, b in pairs:
            a.met.add(b.pk)
            b.met.add(a.pk)
        conversations = Conversation.objects.bulk_create(
            (
                Conversation(asker_id=a.pk, asked_id=b.pk, waiting_on_id=b.pk, kind=Kind.CHAT,
                             way=Way.IN_PERSON, about=INTRODUCTION)
                for a, b in pairs
            ),
            batch_size=BATCH,
        )  # fmt: skip
        Introduction.objects.bulk_create(
            (
                Introduction(round=day, first_id=a.pk, second_id=b.pk, conversation=c)
                for (a, b), c in zip(pairs, conversations, strict=True)
            ),
            batch_size=BATCH,
        )
        say(f"round of {day}: {len(pairs):,} pairs of {len(taking_part):,} "
            f"({time.perf_counter() - started:.0f} s)")  # fmt: skip


def quick_pairs(people, rng):
    """Pair ``people`` in a random order, each with the first one waiting whom the rules
    allow (another team, not met): an older round's pairs, quickly."""
    order = list(people)
    rng.shuffle(order)
    waiting, pairs = [], []
    for person in order:
        for n, other in enumerate(waiting):
            if other.pk not in person.met and (person.team is None or person.team != other.team):
                pairs.append((other, person))
                del waiting[n]
                break
        else:
            waiting.append(person)
    return pairs


def vacuum() -> None:
    """VACUUM (ANALYZE) the tables the round reads and writes, as autovacuum would have."""
    from django.db import connection

    tables = [
        "accounts_user", "profiles_profile", "profiles_profileskill", "profiles_team",
        "conversations_roulettemember", "conversations_introduction",
        "conversations_conversation", "django_tasks_database_dbtaskresult",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")


def forget_round(day: date) -> int:
    """Delete the round of ``day`` (introductions, their chats, the tasks that tell them).

    In SQL rather than through the ORM's cascade: nothing else points at a round the bench
    has just written (the database's foreign keys would refuse it if anything did), and
    the models may be ahead of this database's migrations while they are being worked on.
    """
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM conversations_introduction WHERE round = %s RETURNING conversation_id",
            [day],
        )
        chats = [chat for (chat,) in cursor.fetchall()]
        cursor.execute("DELETE FROM conversations_conversation WHERE id = ANY(%s)", [chats])
        cursor.execute(
            "DELETE FROM django_tasks_database_dbtaskresult"
            " WHERE task_path = 'conversations.tasks.tell_introduced'"
        )
    return len(chats)


# --- the measurement --------------------------------------------------------------------


class Queries:
    """Count the SQL statements run (an execute wrapper)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(day: date) -> dict:
    """Run the round of ``day`` once, timing its parts."""
    from django.db import connection

    from conversations import roulette

    found: dict = {}
    real_people_for, real_pair = roulette.people_for, roulette.pair
    queries = Queries()

    def people_for(day):
        started, before = time.perf_counter(), queries.count
        found["people"] = real_people_for(day)
        found["reads"] = time.perf_counter() - started
        found["read queries"] = queries.count - before
        return found["people"]

    def pair(people, *, seed):
        started = time.perf_counter()
        found["pairs"] = real_pair(people, seed=seed)
        found["pairing"] = time.perf_counter() - started
        found["seed"] = seed
        return found["pairs"]

    roulette.people_for, roulette.pair = people_for, pair
    try:
        with connection.execute_wrapper(queries):
            started = time.perf_counter()
            found["introductions"] = roulette.run_round(day)
            found["total"] = time.perf_counter() - started
    finally:
        roulette.people_for, roulette.pair = real_people_for, real_pair
    found["writes"] = found["total"] - found["reads"] - found["pairing"]
    found["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found["queries"] = queries.count
    return found


def check(day: date, found: dict) -> list[str]:
    """The rules, checked on what was written; return what is wrong."""
    from conversations import roulette
    from conversations.models import Introduction, RouletteMember
    from profiles.models import Profile

    problems = []
    written = list(Introduction.objects.filter(round=day).values_list("first_id", "second_id"))
    if len(written) != len(found["introductions"]) or len(written) != len(found["pairs"]):
        problems.append(f"{len(written)} introductions written, {len(found['pairs'])} pairs")
    paired = [pk for pair in written for pk in pair]
    if len(paired) != len(set(paired)):
        problems.append("someone was introduced twice in the round")
    team = dict(Profile.objects.values_list("user_id", "team_id"))
    same_team = sum(1 for a, b in written if team[a] is not None and team[a] == team[b])
    if same_team:
        problems.append(f"{same_team} pairs share a team")
    earlier = {
        frozenset(pair)
        for pair in Introduction.objects.filter(
            round__gt=day - roulette.NO_REPEAT, round__lt=day
        ).values_list("first_id", "second_id")
    }
    repeats = sum(1 for pair in written if frozenset(pair) in earlier)
    if repeats:
        problems.append(f"{repeats} pairs met in the six months before")
    members = RouletteMember.objects.filter(user_id__in=paired)
    if members.count() != len(paired):
        problems.append("someone not opted in was introduced")
    if members.filter(skip_until__gte=day).exists():
        problems.append("someone skipping the round was introduced")
    if members.filter(user__is_active=False).exists():
        problems.append("someone who has left was introduced")
    if day.day != 1 and members.filter(every=RouletteMember.Every.MONTH).exists():
        problems.append("someone monthly was introduced on the 15th")
    again = roulette.pair(found["people"], seed=found["seed"])
    if [(a.pk, b.pk) for a, b in again] != [(a.pk, b.pk) for a, b in found["pairs"]]:
        problems.append("pairing again with the same seed gave other pairs")
    found["earlier"] = len(earlier)
    return problems


def quality(pairs) -> dict[str, float]:
    """How many pairs get what the pairing prefers (shares of all pairs)."""
    counts: Counter = Counter()
    for a, b in pairs:
        counts["share an interest"] += bool(a.interests & b.interests)
        counts["same building"] += a.place is not None and a.place == b.place
        counts["other organisation"] += a.organisation != b.organisation
        counts["score"] += len(a.interests & b.interests)
    return {k: v / max(len(pairs), 1) for k, v in counts.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000, help="staff opted in")
    parser.add_argument("--organisations", type=int, default=4, choices=range(2, 7))
    parser.add_argument("--history", type=int, default=12, choices=range(1, 13),
                        help="earlier rounds (the no-repeat window holds 12)")  # fmt: skip
    parser.add_argument("--runs", type=int, default=1, help="rounds to time, one after another")
    parser.add_argument("--seed", type=int, default=SEED, help="of the made-up data")
    parser.add_argument("--keep", action="store_true", help="leave the last round written")
    args = parser.parse_args()
    setup()

    from django.db import connection

    from conversations.models import Introduction, RouletteMember

    seeded = RouletteMember.objects.filter(user__username__startswith="roulette-bench-").count()
    if seeded == 0:
        if RouletteMember.objects.exists():
            raise SystemExit("error: use a database of its own (people have opted in already)")
        say(f"Seeding {args.people:,} people (once)")
        seed(args.people, args.organisations, args.history, random.Random(args.seed))  # noqa: S311 made-up data, repeatable by seed
        vacuum()
    elif seeded != args.people:
        raise SystemExit(f"error: this database holds {seeded:,} people; use another one")
    elif forget_round(ROUND):
        vacuum()

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        postgres = cursor.fetchone()[0].split(" on ")[0]
    say(f"{os.cpu_count()} cores, {postgres}, Python {sys.version.split()[0]}; "
        f"{Introduction.objects.count():,} earlier introductions; load average "
        f"{os.getloadavg()[0]:.2f}")  # fmt: skip
    header = ("run", "taking part", "paired", "reads", "pairing", "writes", "total", "queries")
    say("  ".join(f"{h:>11}" for h in header))
    failed, peak_mb = False, None
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for run in range(1, args.runs + 1):
        gc.collect()  # each round starts as a fresh job's would, with no garbage to scan
        found = measure(ROUND)
        peak_mb = peak_mb or found["peak MB"]
        say("  ".join(f"{v:>11}" for v in (
            run, f"{len(found['people']):,}", f"{2 * len(found['pairs']):,}",
            *(f"{found[k]:.2f} s" for k in ("reads", "pairing", "writes", "total")),
            f"{found['queries']} ({found['read queries']} r)",
        )))  # fmt: skip
        problems = check(ROUND, found)
        for problem in problems:
            say(f"  RULE BROKEN: {problem}")
        failed = failed or bool(problems)
        made, earlier = quality(found["pairs"]), found["earlier"]
        del found  # the next round is timed without this one's people held in memory
        if run < args.runs or not args.keep:
            forget_round(ROUND)
            vacuum()
    say(f"Checked: nobody twice, never a team, none of the {earlier:,} pairs of the six "
        "months before, nobody skipping, left or monthly-on-the-15th, the same pairs again "
        f"for the same seed: {'FAILED' if failed else 'all hold'}.")  # fmt: skip
    say("Pairs: " + ", ".join(f"{k} {v:.1%}" for k, v in made.items() if k != "score")
        + f", {made['score']:.2f} interests shared on average")  # fmt: skip
    say(f"Load average after: {os.getloadavg()[0]:.2f} (other work on the machine slows "
        "every part; above 1 on 2 cores, it was not quiet)")  # fmt: skip
    seeding = "" if seeded else " (seeding included)"
    say(f"Peak memory of this process: {before_mb:,.0f} MB before the first round{seeding}, "
        f"{peak_mb:,.0f} MB at its end")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
