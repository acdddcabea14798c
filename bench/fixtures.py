"""Pick the pages to measure from the database, and sign in the bench user.

    python -m bench.fixtures        (from the checkout, with the server's environment)

Prints one JSON object: the session cookie of a signed-in member of staff, the pages (name,
path, note; for a varied row, the pages it draws from in each login state) and the
database's row counts. It runs with the same settings and SECRET_KEY as the server it
prepares for, because a session is only valid under the key that signed it. The only rows
it writes are the bench user (staff of the council, an empty profile, and requests in
its conversations), its session, and the sessions of the people a row is measured as (the
full profile's, and the 300 of "varied: opportunities for you").
"""

from __future__ import annotations

import json
import math
import os
import sys
from datetime import timedelta
from importlib import import_module


def setup() -> None:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sociable.settings.prod")
    import django

    django.setup()


BENCH_USERNAME = "bench-runner"


def bench_user():
    """Return a verified member of staff of the council, created the first time."""
    from allauth.account.models import EmailAddress

    from profiles.services import ensure_profile
    from sociable.accounts.models import Organisation, OrganisationDomain, User
    from sociable.accounts.services import sync_organisation

    organisations = Organisation.objects.filter(domains__isnull=False).order_by("pk")
    council = organisations.filter(kind=Organisation.Kind.COUNCIL).first() or organisations.first()
    if council is None:
        raise SystemExit("error: no organisation with an email domain: seed the database first")
    domain = OrganisationDomain.objects.filter(organisation=council).order_by("pk").first()
    email = f"{BENCH_USERNAME}@{domain.domain}"
    user, created = User.objects.get_or_create(
        username=BENCH_USERNAME, defaults={"email": email, "name": "Bench Runner"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"primary": True, "verified": True}
    )
    sync_organisation(user=user)
    ensure_profile(user=user)
    return user


def session_cookie(user) -> dict[str, str]:
    """Sign ``user`` in the way django.contrib.auth.login does; return the cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return {"name": settings.SESSION_COOKIE_NAME, "value": store.session_key}


BENCH_CONVERSATIONS = 40  # the bench user's requests, in every state


def bench_conversations(user) -> int:
    """Give ``user`` (the bench user) requests with people of its organisation, some
    asked of it and some by it, in each state, the first time; return how many it has.
    Written as rows (the bench's own data), not through the services' checks."""
    from django.utils import timezone

    from conversations.models import Conversation, ProposedTime
    from sociable.accounts.models import User

    mine = Conversation.objects.of(user)
    if not mine.exists():
        others = list(
            User.objects.filter(organisation_id=user.organisation_id, is_active=True)
            .exclude(pk=user.pk)
            .order_by("pk")[:BENCH_CONVERSATIONS]
        )
        states = list(Conversation.Status.values)
        now = timezone.now()
        rows = []
        for n, other in enumerate(others):
            status = states[n % len(states)]
            asker, asked = (user, other) if n % 2 else (other, user)
            starts = now + timedelta(days=(n % 20) - 5, hours=1)
            booked = status in ("accepted", "cancelled")
            rows.append(Conversation(
                asker=asker, asked=asked, status=status, about=f"Bench request {n}",
                waiting_on=asked if status in ("waiting", "queued") else None,
                starts_at=starts if booked else None,
                ends_at=starts + timedelta(hours=1) if booked else None,
            ))  # fmt: skip
        Conversation.objects.bulk_create(rows)
        ProposedTime.objects.bulk_create(
            ProposedTime(conversation=c, starts_at=now + timedelta(days=3), proposed_by=c.asker)
            for c in rows
        )
    return mine.count()


def full_profile_user():
    """A member of staff whose home fills every panel it can: the most skills to learn and
    to teach among those with a team and a building (the first such, by pk), or None."""
    from django.db.models import Count, Q

    from profiles.models import Profile, ProfileSkill
    from sociable.accounts.models import User

    relation = ProfileSkill.Relation
    profile = (
        Profile.objects.listed()
        .filter(user__organisation__isnull=False, team__isnull=False, place__isnull=False)
        .annotate(
            learn=Count("profile_skills", filter=Q(profile_skills__relation=relation.LEARN)),
            teach=Count("profile_skills", filter=Q(profile_skills__relation=relation.TEACH)),
            skill_count=Count("profile_skills"),
        )
        .filter(learn__gt=0, teach__gt=0)
        .order_by("-skill_count", "pk")
        .values("user_id", "skill_count")
        .first()
    )
    if profile is None:
        return None
    user = User.objects.get(pk=profile["user_id"])
    user.skill_count = profile["skill_count"]
    return user


def typo_of(text: str) -> str:
    """A plausible typing slip: two neighbouring letters swapped in the longest word."""
    word = max(text.split(), key=len)
    for i in range(len(word) // 2, len(word) - 1):
        if word[i] != word[i + 1] and word[i].isalpha() and word[i + 1].isalpha():
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:-1] if len(word) > 3 else word + word[-1]


def pages(viewer) -> list[dict[str, str]]:
    """The pages of the issue, each with the busiest example the data has.

    Examples are chosen among things everyone can see (so the signed-out rows measure the
    same page) and fall back to what the bench user can see.
    """
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Count, Q
    from django.utils.http import urlencode

    from forums.models import Board, Thread
    from forums.selectors import POSTS_PER_PAGE
    from groups.models import Event, Group
    from profiles.models import Profile, Skill

    anonymous = AnonymousUser()

    def how_many(n: int) -> str:
        return f"{n:,} person" if n == 1 else f"{n:,} people"

    def busiest(queryset, visible, *order):
        """The first of ``queryset`` that anyone can see, else that ``viewer`` can see."""
        for who in (anonymous, viewer):
            found = visible(queryset, who).order_by(*order).first()
            if found is not None:
                return found
        return None

    pages = [{"name": "home", "path": "/", "note": ""}]
    someone = full_profile_user()
    if someone is not None:
        pages.append(
            {
                "name": "home: a full profile",
                "path": "/",
                "note": f"{someone.name}'s: {someone.skill_count} skills, a team and a building",
                "cookie": session_cookie(someone),  # signed in as them, not the bench user
            }
        )

    # Skills proper (not languages, interests or networks: "English" is on most profiles).
    skills = Skill.objects.annotate(people=Count("profile_skills__profile", distinct=True))
    skills = skills.filter(people__gt=0)
    if skills.filter(kind=Skill.Kind.SKILL).exists():
        skills = skills.filter(kind=Skill.Kind.SKILL)
    common = skills.order_by("-people", "name").first()
    rare = skills.order_by("people", "name").first()
    if common is None:
        raise SystemExit("error: no profile has a skill: seed the database first")
    typo = typo_of(common.name)

    def directory(q: str) -> str:
        return "/people/?" + urlencode({"q": q})

    pages += [
        {
            "name": "directory: common skill",
            "path": directory(common.name),
            "note": how_many(common.people),
        },
        {
            "name": "directory: rare skill",
            "path": directory(rare.name),
            "note": how_many(rare.people),
        },
        {"name": "directory: typo", "path": directory(typo), "note": f"for “{common.name}”"},
    ]

    profile = busiest(
        Profile.objects.listed().annotate(n=Count("profile_skills")),
        lambda qs, who: qs.visible_to(who),
        "-n",
        "pk",
    )
    if profile is not None:
        pages.append(
            {
                "name": "profile",
                "path": profile.get_absolute_url(),
                "note": f"{profile.n:,} skills, audience {profile.audience}",
            }
        )
    pages.append(
        {
            "name": "skill page",
            "path": common.get_absolute_url(),
            "note": how_many(common.people),
        }
    )
    pages.append(
        {
            "name": "directory: open to a chat",
            "path": "/people/?" + urlencode({"skill": common.slug, "open_to": "chat"}),
            "note": f"with {common.name}",
        }
    )
    asked = bench_conversations(viewer)
    pages.append({"name": "conversations", "path": "/conversations/", "note": f"{asked} requests"})
    pages.append({"name": "group list", "path": "/groups/", "note": ""})

    group = busiest(
        Group.objects.filter(closed_at__isnull=True).annotate(
            n=Count("memberships", filter=Q(memberships__status="active"))
        ),
        lambda qs, who: qs.visible_to(who),
        "-n",
        "pk",
    )
    if group is not None:
        pages.append(
            {
                "name": "group page",
                "path": group.get_absolute_url(),
                "note": f"{group.n:,} members, audience {group.audience}",
            }
        )

    event = busiest(
        Event.objects.filter(cancelled_at__isnull=True)
        .select_related("group")
        .annotate(n=Count("rsvps")),
        lambda qs, who: qs.visible_to(who),
        "-n",
        "pk",
    )
    if event is not None:
        pages.append(
            {
                "name": "event page",
                "path": event.get_absolute_url(),
                "note": f"{event.n:,} replies",
            }
        )

    upcoming = upcoming_events().count()
    pages.append(
        {
            "name": "what's on",
            "path": "/whats-on/",
            "note": f"{upcoming:,} to come (every audience)",
        }
    )
    pages.append({"name": "board list", "path": "/forums/", "note": ""})
    # Not the boards of stories' comments: never listed, their threads read on the stories.
    board = busiest(
        Board.objects.filter(for_stories=False).annotate(n=Count("threads")),
        lambda qs, who: qs.visible_to(who),
        "-n",
        "pk",
    )
    if board is not None:
        pages.append(
            {
                "name": "thread list",
                "path": board.get_absolute_url(),
                "note": f"{board.n:,} threads, audience {board.audience}",
            }
        )

    thread = busiest(
        Thread.objects.filter(for_story=False),
        lambda qs, who: qs.visible_to(who),
        "-post_count",
        "pk",
    )
    if thread is not None:
        last = max(1, math.ceil(thread.post_count / POSTS_PER_PAGE))
        url = thread.get_absolute_url()
        pages += [
            {
                "name": "thread page 1",
                "path": url,
                "note": f"{thread.post_count:,} posts",
            },
            {
                "name": "thread deep page",
                "path": f"{url}?page={last}",
                "note": f"page {last} of {last}",
            },
        ]

    pages.append(
        {
            "name": "global search",
            "path": "/search/?" + urlencode({"q": common.name}),
            "note": "",
        }
    )
    pages.append(
        {
            "name": "opportunities list",
            "path": "/opportunities/",
            "note": f"{open_opportunities().count():,} open (every audience)",
        }
    )
    pages.append(
        {
            "name": "stories: list",
            "path": "/stories/",
            "note": f"{stories_out().count():,} out (every audience)",
        }
    )
    return pages


def open_opportunities():
    """What the opportunities' list shows, before the audience rule: open, not past its
    closing date."""
    from django.utils import timezone

    from opportunities.models import Opportunity

    return Opportunity.objects.open().filter(closes_on__gte=timezone.localdate())


def stories_out():
    """What the stories' lists show, before the audience rule: published, and not waiting
    for their time."""
    from stories.models import Story

    return Story.objects.out()


# --- varied rows (issue 19) -----------------------------------------------------------
# A fixed row repeats one URL, so the page cache and the database's own caches answer
# nearly every request. A varied row draws each request from hundreds of pages of one kind.

VARIED_PAGES = 300  # pages a varied row draws from, when the data has that many
VARIED_TYPOS = 20  # of a search row's words: typing slips of skill names
VARIED_OTHER_NAMES = 20  # and at most this many other names of skills (merged ones)


def spread(items: list, n: int = VARIED_PAGES) -> list:
    """``n`` of ``items`` spread evenly through them (every k-th), or all when fewer."""
    if len(items) <= n:
        return list(items)
    return [items[i * len(items) // n] for i in range(n)]


def every_kth(queryset, n: int = VARIED_PAGES) -> tuple[list, int]:
    """``n`` rows of ``queryset`` spread evenly in primary key order, and how many it has."""
    pks = list(queryset.order_by("pk").values_list("pk", flat=True))
    chosen = spread(pks, n)
    found = queryset.in_bulk(chosen)
    return [found[pk] for pk in chosen], len(pks)


def held_skills():
    """Skills someone has, of every kind (languages and interests too)."""
    from django.db.models import Exists, OuterRef

    from profiles.models import ProfileSkill, Skill

    return Skill.objects.filter(Exists(ProfileSkill.objects.filter(skill=OuterRef("pk"))))


def search_words(n: int = VARIED_PAGES) -> tuple[list[str], str]:
    """What people type into a search: skill names, a few slips and other names of skills.

    Every k-th name of a skill someone has (by name), the slip ``typo_of`` makes in every
    k-th of them, and every k-th alias (the name a skill had before it was merged into
    another). Each word once, whatever its case.
    """
    from profiles.models import SkillAlias

    names = list(held_skills().order_by("name", "pk").values_list("name", flat=True))
    known = {name.casefold() for name in names}
    aliases = SkillAlias.objects.order_by("name", "pk").values_list("name", flat=True)
    others = {a.casefold(): a for a in spread(list(aliases), VARIED_OTHER_NAMES)}
    typos = {t.casefold(): t for t in map(typo_of, spread(names, VARIED_TYPOS))}
    extras = {k: v for k, v in (typos | others).items() if k not in known}
    typo_count = sum(1 for k in extras if k in typos)
    words = spread(names, max(0, n - len(extras))) + list(extras.values())
    note = f"{len(words) - len(extras):,} of {len(names):,} skills' names, {typo_count} typos"
    if others:
        return words, note + f", {len(extras) - typo_count} other names of skills"
    return words, note + "; the data has no other names of skills"


def opportunity_filters(n: int = VARIED_PAGES) -> tuple[list[str], str]:
    """What people look for in the opportunities' list (issue 21): every kind, every k-th
    skill an open opportunity needs or teaches (by name), and words as ``search_words``
    chooses them for the rest (skill names with a few slips), each a query of its own."""
    from django.db.models import Exists, OuterRef, Q
    from django.utils.http import urlencode

    from opportunities.models import Kind
    from profiles.models import Skill

    listed = open_opportunities()
    on_one = Q(
        Exists(listed.filter(skills_needed=OuterRef("pk")))
        | Exists(listed.filter(skills_taught=OuterRef("pk")))
    )
    slugs = list(Skill.objects.filter(on_one).order_by("name", "pk").values_list("slug", flat=True))
    skills = spread(slugs, n // 2)
    kinds = list(Kind.values)
    words, words_note = search_words(max(0, n - len(kinds) - len(skills)))
    paths = [f"/opportunities/?{urlencode({'kind': k})}" for k in kinds]
    paths += [f"/opportunities/?{urlencode({'skill': s})}" for s in skills]
    paths += [f"/opportunities/?{urlencode({'q': w})}" for w in words]
    note = (
        f"{len(kinds)} kinds, {len(skills):,} of the {len(slugs):,} skills open ones need or "
        f"teach, {len(words):,} words ({words_note})"
    )
    return paths, note


def upcoming_events():
    """What's on before the audience rule (issue 23): events not cancelled nor over."""
    from django.utils import timezone

    from groups.models import Event

    return Event.objects.filter(cancelled_at__isnull=True, ends_at__gte=timezone.now())


# What's on's yes-or-no filters and its kinds, every combination of them: 24.
WHATS_ON_CHOICES = [
    {name: value for name, value in asked if value}
    for kind in ("", "social", "learning")
    for asked in (
        (("kind", kind), ("online", online), ("has_places", places), ("this_week", week))
        for online in ("", "on")
        for places in ("", "on")
        for week in ("", "on")
    )
]


def whats_on_filters(n: int = VARIED_PAGES) -> tuple[list[str], str]:
    """What people look for in what's on (issue 23): each combination of its kinds and
    yes-or-no filters, then every k-th place upcoming events are held (a quarter of the
    rest) and every k-th skill they are about (a session teaches it or its group is tagged
    with it), each with the next combination in turn. Skills someone has make up the rest
    when upcoming events are about too few."""
    from django.db.models import Exists, OuterRef, Q
    from django.utils.http import urlencode

    from groups.models import GroupTag
    from profiles.models import Skill

    upcoming = upcoming_events()
    rest = max(0, n - len(WHATS_ON_CHOICES))
    places = upcoming.exclude(location="").order_by("location").values_list("location", flat=True)
    places = spread(list(places.distinct()), rest // 4)
    tagged = GroupTag.objects.filter(
        tag=OuterRef("pk"), content_object__in=upcoming.values("group")
    )
    about = Q(Exists(upcoming.filter(skill=OuterRef("pk")))) | Q(Exists(tagged))
    slugs = list(Skill.objects.filter(about).order_by("name", "pk").values_list("slug", flat=True))
    skills = spread(slugs, rest - len(places))
    others = held_skills().exclude(slug__in=skills).order_by("name", "pk")
    filler = spread(list(others.values_list("slug", flat=True)), rest - len(places) - len(skills))
    asked = [*(("place", p[:100]) for p in places), *(("skill", s) for s in skills + filler)]
    choices = WHATS_ON_CHOICES
    paths = ["/whats-on/?" + urlencode(c) if c else "/whats-on/" for c in choices]
    paths += [
        "/whats-on/?" + urlencode({name: value, **choices[i % len(choices)]})
        for i, (name, value) in enumerate(asked)
    ]
    note = (
        f"{len(choices)} combinations of kind and yes-or-no filters, {len(places):,} places, "
        f"{len(skills):,} of the {len(slugs):,} skills upcoming events are about"
    )
    return paths, note + (f", {len(filler):,} other skills" if filler else "")


def people_with_skills(n: int = VARIED_PAGES) -> tuple[list, int]:
    """Every k-th active person (by id) with a skill to learn, teach or use: the viewers of
    "for you", which ranks open opportunities by those skills."""
    from django.db.models import Exists, OuterRef

    from profiles.models import ProfileSkill
    from sociable.accounts.models import User

    relation = ProfileSkill.Relation
    skilled = ProfileSkill.objects.filter(
        profile__user=OuterRef("pk"), relation__in=[relation.LEARN, relation.TEACH, relation.HAS]
    )
    return every_kth(User.objects.filter(Exists(skilled), is_active=True))


BUSY_STORY = 200  # comments: "a story with 200 comments"


def stories_with_comments(who, n: int = VARIED_PAGES) -> tuple[list, str]:
    """Every k-th story out (by id) that ``who`` may read with ``BUSY_STORY`` comments or
    more; when there are fewer than ``n``, the most commented of the rest make up the
    number (the data has a few dozen such stories at S, and hundreds at M and L)."""
    from django.db.models import F

    from sociable.links import reverse

    readable = stories_out().visible_to(who).filter(thread__isnull=False)
    busy, busy_count = every_kth(readable.filter(thread__post_count__gte=BUSY_STORY), n)
    rest = list(
        readable.filter(thread__post_count__lt=BUSY_STORY)
        .order_by(F("thread__post_count").desc(), "pk")
        .values_list("pk", "slug")[: n - len(busy)]
    )
    paths = [s.get_absolute_url() for s in busy]
    paths += [reverse("stories:detail", args=[pk, slug or "story"]) for pk, slug in rest]
    note = (
        f"{len(busy):,} of the {busy_count:,} stories out with {BUSY_STORY} comments or more "
        "this login can see"
    )
    if rest:
        note += f", and the {len(rest):,} most commented of the rest (fewer comments)"
    if len(paths) < n:
        note += f": fewer than {n} in the data"
    return paths, note


def pages_note(chosen: int, total: int, what: str) -> str:
    note = f"{chosen:,} of {total:,} {what}"
    if chosen < VARIED_PAGES:
        note += f": fewer than {VARIED_PAGES} in the data"
    return note


def varied_pages(viewer) -> list[dict]:
    """The varied rows: for each, the pages a request draws from in each login state.

    Words and skill pages are the same signed in and out (anyone may search, and every
    skill has a public page), and so are the opportunities' filters. People, threads,
    groups, events, opportunities, stories, their tags and their writers are chosen among
    those the login state can see: the public ones signed out, the bench user's signed in.
    "For you" is signed in only, each of its pages the list as one of 300 people with
    skills (a cookie for each page).
    """
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Exists, OuterRef
    from django.utils.http import urlencode

    from forums.models import Thread
    from groups.models import Event, EventSeries, Group
    from profiles.models import Profile, Skill
    from sociable.accounts.models import User
    from sociable.links import reverse
    from stories.models import StoryTag

    viewers = {"anonymous": AnonymousUser(), "staff": viewer}
    words, words_note = search_words()
    skills, skill_count = every_kth(held_skills())
    filters, filters_note = opportunity_filters()
    on, on_note = whats_on_filters()
    people, people_count = people_with_skills()
    cookies = [session_cookie(person) for person in people]

    def same(paths: list[str], note: str) -> dict:
        return {state: {"paths": paths, "note": note} for state in viewers}

    def visible(choose, what: str, address=lambda x: x.get_absolute_url()) -> dict:
        found = {}
        for state, who in viewers.items():
            chosen, total = every_kth(choose(who))
            found[state] = {
                "paths": [address(x) for x in chosen],
                "note": pages_note(len(chosen), total, f"{what} this login can see"),
            }
        return found

    def tagged(who):
        """Skills that tag a story out that ``who`` may read."""
        readable = stories_out().visible_to(who).values("pk")
        on_one = StoryTag.objects.filter(tag=OuterRef("pk"), content_object__in=readable)
        return Skill.objects.filter(Exists(on_one))

    def authors(who):
        """Active people with a story out that ``who`` may read."""
        readable = stories_out().visible_to(who).filter(author=OuterRef("pk"))
        return User.objects.filter(Exists(readable), is_active=True)

    def commented() -> dict:
        found = {}
        for state, who in viewers.items():
            paths, note = stories_with_comments(who)
            found[state] = {"paths": paths, "note": note}
        return found

    def row(name: str, pattern: str, by_state: dict) -> dict:
        return {"name": name, "path": pattern, "note": "", "varied": by_state}

    return [
        row(
            "varied: directory search",
            "/people/?q=<word>",
            same(["/people/?" + urlencode({"q": w}) for w in words], words_note),
        ),
        row(
            "varied: one search",
            "/search/?q=<word>",
            same(["/search/?" + urlencode({"q": w}) for w in words], words_note),
        ),
        row(
            "varied: skill page",
            "/skills/<slug>/",
            same(
                [s.get_absolute_url() for s in skills],
                pages_note(len(skills), skill_count, "skills someone has"),
            ),
        ),
        row(
            "varied: profile",
            "/people/<username>/",
            visible(
                lambda who: Profile.objects.listed().visible_to(who).select_related("user"),
                "listed profiles",
            ),
        ),
        row(
            "varied: thread page",
            "/forums/t/<id>-<slug>/",
            # A thread whose opening post waits for a moderator is no page (404) yet.
            # Not a story's comments: their page is the story's (a redirect).
            visible(
                lambda who: Thread.objects.visible_to(who).filter(
                    post_count__gt=0, for_story=False
                ),
                "threads with a post",
            ),
        ),
        row(
            "varied: group page",
            "/groups/<slug>/",
            visible(
                lambda who: Group.objects.filter(closed_at__isnull=True).visible_to(who),
                "open groups",
            ),
        ),
        row(
            "varied: event page",
            "/groups/<slug>/events/<id>/",
            visible(
                lambda who: (
                    Event.objects.filter(cancelled_at__isnull=True)
                    .visible_to(who)
                    .select_related("group")
                ),
                "events not cancelled",
            ),
        ),
        row(
            "varied: series page",
            "/groups/<slug>/series/<id>/",
            visible(
                lambda who: (
                    EventSeries.objects.filter(group__in=Group.objects.visible_to(who))
                    .select_related("group")
                    .order_by("pk")
                ),
                "series",
            ),
        ),
        # The same filters signed in and out: each state is shown the events it may see.
        row("varied: what's on", "/whats-on/?<filters>", same(on, on_note)),
        row(
            "varied: opportunities search",
            "/opportunities/?<kind, skill or q>",
            same(filters, filters_note),
        ),
        row(
            "varied: opportunity page",
            "/opportunities/<id>/",
            visible(lambda who: open_opportunities().visible_to(who), "open opportunities"),
        ),
        row(
            "varied: stories by tag",
            "/stories/tag/<slug>/",
            visible(
                tagged,
                "tags of stories",
                lambda skill: reverse("stories:tag", args=[skill.slug]),
            ),
        ),
        row("varied: story with comments", "/stories/<id>-<slug>/", commented()),
        row(
            "varied: author page",
            "/stories/by/<username>/",
            visible(
                authors,
                "writers of stories",
                lambda user: reverse("stories:author", args=[user.username]),
            ),
        ),
        # Signed in only, each page as someone else: "for you" is theirs.
        row(
            "varied: opportunities for you",
            "/opportunities/ as <someone with skills>",
            {
                "staff": {
                    "paths": ["/opportunities/"] * len(people),
                    "cookies": [f"{c['name']}={c['value']}" for c in cookies],
                    "note": pages_note(len(people), people_count, "people with skills")
                    + ", one page each, signed in as them",
                }
            },
        ),
    ]


def row_counts() -> dict[str, int]:
    from forums.models import Board, Post, Thread
    from groups.models import RSVP, Event, Group, Membership
    from opportunities.models import Interest, Opportunity
    from profiles.models import Profile, ProfileSkill, Skill
    from sociable.accounts.models import Organisation, User
    from stories.models import Series, Story

    models = [
        ("organisations", Organisation),
        ("users", User),
        ("profiles", Profile),
        ("skills", Skill),
        ("profile skills", ProfileSkill),
        ("groups", Group),
        ("memberships", Membership),
        ("events", Event),
        ("RSVPs", RSVP),
        ("boards", Board),
        ("threads", Thread),
        ("posts", Post),
        ("opportunities", Opportunity),
        ("interest shown", Interest),
        ("stories", Story),
        ("series of stories", Series),
    ]
    return {label: model.objects.count() for label, model in models}


def postgres_version() -> str:
    """The server's version and its shared buffers (a search at scale reads hundreds of
    pages: whether they are PostgreSQL's or the system's moves the rates)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('server_version'), current_setting('shared_buffers')"
        )
        version, shared_buffers = cursor.fetchone()
    return f"{version}, shared_buffers {shared_buffers}"


def main() -> None:
    setup()
    import django

    user = bench_user()
    print(
        json.dumps(
            {
                "cookie": session_cookie(user),
                "user": f"{user.username} (staff of {user.organisation})",
                "pages": pages(user) + varied_pages(user),
                "counts": row_counts(),
                "django": django.get_version(),
                "postgresql": postgres_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
