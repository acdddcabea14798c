"""The demo's trust and safety: the watched words, a flagged post, an appeal waiting for a
second moderator, an illegal-content report past its target time, and a leaver to archive.

- Helen Marsh (the administrator) keeps three watched words: "buy followers" is refused,
  "crypto*" sends a post to the moderators first, "idiot" is published and flagged.
- Dave Robinson writes in "Where can residents get help getting online?" about a crypto
  savings club: his post waits for a moderator, with a flag saying why, and he was told.
- Pauline Whiteley asks for the hiding of her post about her neighbour (the forums' demo
  has Priya Shah hide it) to be looked at again: only a moderator other than Priya may
  decide, so it waits in Helen's queue.
- Jamal Campbell reported Dave's advert as illegal content 30 hours ago: first in the
  queue, overdue against its 24 hours.
- Lee Chapman says Ahmed Karimi has left: the council's people administrators (Helen, and
  Fatima Hussain in that role) see it at /people/corrections/ to archive in one step.
- Priya is a moderation lead, so she reads the transparency report.

``sociable.demo`` creates the people, forums and profiles first, then calls ``seed()``.
Idempotent: each thing is made only while it is missing.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Group as Role
from django.db import transaction
from django.utils import timezone

from forums import demo as forums_demo
from forums import services as forums
from forums.models import ModerationLog, Post, Report, Thread
from groups.demo import LONDON
from profiles import services as profiles
from profiles.models import Profile, ProfileCorrection
from profiles.roles import PEOPLE_ADMINISTRATORS
from sociable.accounts.models import User

from . import appeals
from .models import Appeal, WatchedWord
from .transparency import LEADS

WATCHED = [
    ("buy followers", WatchedWord.Action.BLOCK, "Spam that has reached other councils' forums."),
    ("crypto*", WatchedWord.Action.APPROVE, "Investment scams target older residents."),
    ("idiot", WatchedWord.Action.FLAG, "Usually banter; sometimes not."),
]
ADMINISTRATOR = "helen.marsh@kirkfield.gov.uk"
CRYPTO_POST = (
    "Another way to get online AND make money: my crypto savings club meets Fridays at the "
    "Roundhay Arms. Bring your phone and £50 to start."
)
APPEAL = (
    "Pauline Whiteley",
    "Mrs Ellis asked me to post her number because she has no internet herself. I didn't "
    "mean any harm, I only wanted someone to ring her. Could the post go back up without "
    "the address?",
)
ILLEGAL_REPORT = (
    "Jamal Campbell",
    "He's offering unlocked phones with no questions asked on other forums too: they look stolen.",
)
LEAVER = (
    "ahmed.karimi@kirkfield.gov.uk",
    "lee.chapman@kirkfield.gov.uk",
    "Ahmed moved to the city region's transport team last month.",
)
NAMES = ["Dave Robinson", APPEAL[0], ILLEGAL_REPORT[0]]
PEOPLE_ADMINISTRATOR = "fatima.hussain@kirkfield.gov.uk"
MODERATION_LEAD = "priya.shah@kirkfieldva.org.uk"


@transaction.atomic
def seed() -> None:
    """Seed the watched words, flag, appeal, report, leaver and roles; the forums' and
    profiles' demos must have run."""
    people = {u.name: u for u in User.objects.filter(name__in=NAMES)}
    administrator = User.objects.get(email=ADMINISTRATOR)
    for pattern, action, note in WATCHED:
        WatchedWord.objects.get_or_create(
            pattern=pattern, defaults={"action": action, "note": note, "created_by": administrator}
        )
    thread = Thread.objects.get(title=forums_demo.GETTING_ONLINE)
    if not thread.posts.filter(body=CRYPTO_POST).exists():
        post = forums.reply(thread=thread, author=people["Dave Robinson"], body=CRYPTO_POST)
        yesterday = timezone.localtime(timezone.now(), LONDON) - timedelta(days=1)
        written = yesterday.replace(hour=14, minute=10, second=0, microsecond=0)
        Post.objects.filter(pk=post.pk).update(created_at=written)  # in the day, as the rest
    User.objects.get(email=PEOPLE_ADMINISTRATOR).groups.add(
        Role.objects.get(name=PEOPLE_ADMINISTRATORS)
    )
    User.objects.get(email=MODERATION_LEAD).groups.add(Role.objects.get(name=LEADS))
    _seed_appeal(people)
    _seed_illegal_report(people, thread)
    _seed_leaver()  # after the roles: the people administrators are told


def _seed_appeal(people: dict[str, User]) -> None:
    name, statement = APPEAL
    appellant = people[name]
    entry = (
        ModerationLog.objects.filter(action=ModerationLog.Action.HIDE, subject=appellant)
        .order_by("created_at")
        .first()
    )
    if entry is not None and not Appeal.objects.filter(entry=entry).exists():
        appeals.file_appeal(entry=entry, appellant=appellant, statement=statement)


def _seed_illegal_report(people: dict[str, User], thread: Thread) -> None:
    name, details = ILLEGAL_REPORT
    advert = thread.posts.filter(author=people["Dave Robinson"], body__contains="07700 900456")
    post = advert.select_related("thread__board").first()
    if post is None or Report.objects.filter(post=post, reason=Report.Reason.ILLEGAL).exists():
        return
    report = forums.report_post(
        post=post, reporter=people[name], reason=Report.Reason.ILLEGAL, details=details
    )
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(hours=30))


def _seed_leaver() -> None:
    leaver, reporter, message = LEAVER
    profile = Profile.objects.filter(user__email=leaver, archived_at__isnull=True).first()
    if (
        profile is None
        or profile.corrections.filter(
            kind=ProfileCorrection.Kind.LEFT, status=ProfileCorrection.Status.OPEN
        ).exists()
    ):
        return
    profiles.report_correction(
        profile=profile,
        reported_by=User.objects.get(email=reporter),
        kind=ProfileCorrection.Kind.LEFT,
        message=message,
    )
