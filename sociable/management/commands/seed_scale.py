from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sociable.scale import LEVELS, Plan, seed_scale
from sociable.scale.world import BIG_THREAD_SIZE


class Command(BaseCommand):
    help = (
        "Add a large generated partnership for performance work: people, profiles, groups, "
        "events, discussions, opportunities and stories. Levels: "
        + "; ".join(f"{k} = {p:,} people and {m:,} posts" for k, (p, m) in LEVELS.items())
        + "."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=sorted(LEVELS), help="S, M or L (default S)")
        parser.add_argument("--people", type=int, help="How many people (overrides --scale).")
        parser.add_argument("--posts", type=int, help="How many posts (overrides --scale).")
        parser.add_argument(
            "--seed", type=int, default=2024, help="Random seed: the same seed, the same data."
        )
        parser.add_argument(
            "--big-threads",
            type=int,
            help="How many very long threads (default: max(3, posts / 100,000), at most half "
            "the posts, and one whenever there are posts enough).",
        )
        parser.add_argument(
            "--big-thread-size",
            type=int,
            default=BIG_THREAD_SIZE,
            help=f"Posts in each very long thread (default {BIG_THREAD_SIZE:,}).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run with DEBUG off too (the accounts share the demo's published password).",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_scale creates accounts with a published password; it only runs with "
                "DEBUG on (or --force on a throwaway database)."
            )
        people, posts = LEVELS[options["scale"] or "S"]
        plan = Plan(
            people=options["people"] if options["people"] is not None else people,
            posts=options["posts"] if options["posts"] is not None else posts,
            seed=options["seed"],
            big_threads=options["big_threads"],
            big_thread_size=options["big_thread_size"],
        )
        if plan.people < 10 or plan.posts < 1 or plan.big_thread_size < 1:
            raise CommandError("Ask for at least 10 people, 1 post and 1 post per big thread.")
        if plan.big_thread_count * plan.big_thread_size > plan.posts:
            raise CommandError(
                f"{plan.big_thread_count} threads of {plan.big_thread_size:,} posts need "
                f"{plan.big_thread_count * plan.big_thread_size:,} posts; ask for more posts."
            )
        self.stdout.write(
            f"Seeding {plan.people:,} people, {plan.posts:,} posts ({plan.big_thread_count} "
            f"threads of {plan.big_thread_size:,}), {plan.groups:,} groups, "
            f"{plan.story_count:,} stories; seed {plan.seed}."
        )
        tally = seed_scale(plan, say=self.stdout.write)
        self.stdout.write("\nTime per phase:")
        for phase in tally.phases:
            self.stdout.write(f"  {phase.name:<48} {phase.seconds:8.1f}s")
        self.stdout.write(f"  {'total':<48} {tally.seconds:8.1f}s")
        self.stdout.write("\nRows written:")
        for table, count in sorted(tally.rows.items()):
            self.stdout.write(f"  {table:<48} {count:>12,}")
        self.stdout.write(
            self.style.SUCCESS(f"\nDone in {tally.seconds:.0f}s.")
            + " Every account's password is the demo password (see README)."
        )
