"""The partnership's people: organisations, vocabulary, places, teams, accounts and profiles.

Accounts are written as sign-up leaves them: a verified, primary email address
whose domain decides the organisation (what ``sync_organisation`` would set).
Profiles carry skills drawn from Zipf-like distributions, varied field audiences,
and the search rows ``profiles.services.refresh_search`` would build: the texts
come from the service's own ``search_texts`` and ``groups_at_level``, and the
documents from the same SQL expression, run by PostgreSQL over a staging table.
"""

from __future__ import annotations

import unicodedata
from array import array
from collections import defaultdict
from itertools import accumulate
from types import SimpleNamespace

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group as Role
from django.db import connection
from django.utils.text import slugify

from profiles import demo as profiles_demo
from profiles import words
from profiles.holdings import ORGANISATION, holding_level
from profiles.models import (
    Place,
    Profile,
    ProfileSearch,
    ProfileSkill,
    SearchWord,
    Skill,
    SkillAlias,
    Team,
)
from profiles.services import search_texts
from profiles.visibility import LEVELS, groups_at_level
from profiles.vocabulary import normalise_name, skill_key
from sociable import demo
from sociable.accounts.models import Organisation, User
from sociable.audience import Audience

from . import names, text
from .bulk import copy_rows, reserve_ids, when
from .world import DAY, People, Pool, World, Zipf

Kind = Skill.Kind
Relation = ProfileSkill.Relation
A = Audience

# Shares of people: the four partner organisations (sociable.demo's order), then residents.
ORGANISATION_SHARES = [0.40, 0.22, 0.14, 0.10]
COMMUNITY_SHARE = 0.14
NEWCOMER_DAYS = 30  # community members this new post only what waits for approval
CHUNK = 5_000  # people written per round of COPY statements
NICKNAMES = {
    "Elizabeth": "Beth", "Margaret": "Maggie", "Catherine": "Kate", "Matthew": "Matt",
    "Michael": "Mike", "Thomas": "Tom", "Jonathan": "Jon", "Daniel": "Dan", "Rebecca": "Becky",
    "Deborah": "Debs", "Jennifer": "Jen", "Stephen": "Steve", "Joseph": "Joe",
    "Abigail": "Abi", "Patricia": "Pat", "Nicola": "Nicky", "Richard": "Rich", "Andrew": "Andy",
}  # fmt: skip


def _weights(pairs):
    values, weights = zip(*pairs, strict=True)
    return list(values), list(accumulate(weights))


# Who may see each part of a profile: mostly staff, some public, some one organisation.
STAFF_AUDIENCES = {
    "audience": _weights([(A.COMMUNITY, 55), (A.STAFF, 25), (A.PUBLIC, 12), (A.ORGANISATION, 8)]),
    "contact_audience": _weights(
        [(A.STAFF, 70), (A.ORGANISATION, 20), (A.COMMUNITY, 8), (A.PUBLIC, 2)]
    ),
    "location_audience": _weights(
        [(A.STAFF, 70), (A.ORGANISATION, 10), (A.COMMUNITY, 15), (A.PUBLIC, 5)]
    ),
    "skills_audience": _weights(
        [(A.STAFF, 45), (A.COMMUNITY, 35), (A.PUBLIC, 10), (A.ORGANISATION, 10)]
    ),
    "about_audience": _weights(
        [(A.STAFF, 45), (A.COMMUNITY, 35), (A.PUBLIC, 10), (A.ORGANISATION, 10)]
    ),
    "interests_audience": _weights(
        [(A.STAFF, 60), (A.COMMUNITY, 25), (A.ORGANISATION, 10), (A.PUBLIC, 5)]
    ),
}
# Residents have no organisation: "my organisation only" would hide them from everyone.
COMMUNITY_AUDIENCES = {
    "audience": _weights([(A.COMMUNITY, 80), (A.PUBLIC, 20)]),
    "contact_audience": _weights([(A.STAFF, 50), (A.COMMUNITY, 45), (A.PUBLIC, 5)]),
    "location_audience": _weights([(A.COMMUNITY, 80), (A.PUBLIC, 20)]),
    "skills_audience": _weights([(A.COMMUNITY, 75), (A.PUBLIC, 25)]),
    "about_audience": _weights([(A.COMMUNITY, 75), (A.PUBLIC, 25)]),
    "interests_audience": _weights([(A.COMMUNITY, 70), (A.STAFF, 20), (A.PUBLIC, 10)]),
}
AUDIENCE_FIELDS = list(STAFF_AUDIENCES)
WEEK = ["mon", "tue", "wed", "thu", "fri"]

# The expression profiles.services._UPSERT writes documents with, over the staging table,
# for listed profiles only (as refresh_search).
SEARCH_FROM_STAGE = """
INSERT INTO profiles_profilesearch (profile_id, level, organisation_id, name, terms, document)
SELECT s.profile_id, s.level, u.organisation_id, u.name, s.terms,
    setweight(to_tsvector('english', unaccent(s.a)), 'A') ||
    setweight(to_tsvector('english', unaccent(s.b)), 'B') ||
    setweight(to_tsvector('english', unaccent(s.c)), 'C') ||
    setweight(to_tsvector('english', unaccent(s.d)), 'D')
FROM scale_profile_search s
JOIN profiles_profile p ON p.id = s.profile_id
JOIN accounts_user u ON u.id = p.user_id
WHERE p.archived_at IS NULL AND u.is_active AND p.in_directory
ORDER BY s.profile_id, s.level
"""


# --- organisations, vocabulary, places and teams ----------------------------------------------


def seed_organisations(world: World) -> None:
    """The demo partnership: a council, two NHS trusts and a voluntary organisation."""
    demo.seed_organisations()
    slugs = [row[2] for row in demo.ORGANISATIONS]
    found = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
    for slug in slugs:
        organisation = found[slug]
        domain = organisation.domains.order_by("domain").values_list("domain", flat=True)[0]
        world.organisations.append((organisation, domain))


def seed_vocabulary(world: World) -> None:
    """The demo vocabulary and more realistic names, then a generated long tail of skills."""
    rng = world.rng
    head = names.COMMON_SKILLS
    rest = [s for s in profiles_demo.SKILLS + names.MORE_SKILLS if s not in head]
    rng.shuffle(rest)
    tail = [f"{area} {practice}" for area in names.TAIL_AREAS for practice in names.TAIL_PRACTICES]
    rng.shuffle(tail)
    tail = tail[: min(len(tail), max(200, world.plan.people // 20))]
    interests = profiles_demo.INTERESTS + names.MORE_INTERESTS
    rng.shuffle(interests)
    languages = [x for x in profiles_demo.LANGUAGES if x != "English"] + names.MORE_LANGUAGES
    wanted = {  # kind -> [(name, curated)], most common first
        Kind.NETWORK: [(n, True) for n in profiles_demo.NETWORKS],
        Kind.LANGUAGE: [(n, True) for n in ["English", *languages]],
        Kind.INTEREST: [(n, True) for n in interests],
        Kind.SKILL: [(n, True) for n in head + rest] + [(n, False) for n in tail],
    }
    existing = {s.key: s for s in Skill.objects.all()}
    slugs = {s.slug for s in existing.values()}
    seen: set[str] = set()
    new: list[Skill] = []
    for kind, entries in wanted.items():
        for name, curated in entries:
            key = skill_key(name)
            if key in seen or key in existing:
                seen.add(key)
                continue
            seen.add(key)
            skill = Skill(name=normalise_name(name), key=key, kind=kind, curated=curated)
            skill.slug = _free_slug(skill.slugify(skill.name), slugs)
            new.append(skill)
    Skill.objects.bulk_create(new, batch_size=1000)
    world.tally.add("profiles_skill", len(new))
    by_key = {s.key: s for s in Skill.objects.filter(key__in=seen)}
    exponents = {Kind.NETWORK: 0.7, Kind.LANGUAGE: 1.0, Kind.INTEREST: 0.9, Kind.SKILL: 1.05}
    for kind, entries in wanted.items():
        items, taken = [], set()
        for name, _ in entries:
            skill = by_key[skill_key(name)]
            if skill.pk not in taken:
                taken.add(skill.pk)
                items.append((skill.pk, skill.name))
        world.skills[kind] = Zipf(items, exponents[kind])
    world.aliases = defaultdict(list)
    for skill_id, alias in SkillAlias.objects.order_by("name").values_list("skill_id", "name"):
        world.aliases[skill_id].append(alias)


def _free_slug(slug: str, taken: set[str]) -> str:
    candidate, n = slug or "x", 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def seed_places(world: World) -> None:
    rng = world.rng
    generated = [
        (
            f"{hood} {kind}",
            f"{rng.randint(1, 240)} {rng.choice(names.STREETS)}, Kirkfield "
            f"KF{rng.randint(1, 17)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        )
        for hood in names.NEIGHBOURHOODS
        for kind in names.PLACE_KINDS
    ]
    rng.shuffle(generated)
    # Each name once: at scale L every neighbourhood and kind is wanted, and a demo building
    # or a neighbourhood listed twice would name two places alike.
    candidates, seen = [], set()
    for name, address in profiles_demo.PLACES + generated:
        if name.lower() not in seen:
            seen.add(name.lower())
            candidates.append((name, address))
    wanted = candidates[: max(16, min(len(candidates), world.plan.people // 300))]
    existing = {p.name.lower(): p for p in Place.objects.all()}
    slugs = set(Place.objects.values_list("slug", flat=True))
    new = [
        Place(name=name, address=address, slug=_free_slug(slugify(name)[:170], slugs))
        for name, address in wanted
        if name.lower() not in existing
    ]
    Place.objects.bulk_create(new)
    world.tally.add("profiles_place", len(new))
    found = {p.name.lower(): p for p in Place.objects.filter(name__in=[n for n, _ in wanted])}
    found |= existing
    world.places = Zipf([(found[n.lower()].pk, found[n.lower()].name) for n, _ in wanted], 0.9)


def seed_teams(world: World) -> None:
    rng = world.rng
    slugs = set(Team.objects.values_list("slug", flat=True))
    new_count = 0
    for index, (organisation, _) in enumerate(world.organisations):
        base = names.TEAMS.get(organisation.kind, names.TEAMS["other"])
        candidates = base + [f"{b} ({area})" for area in names.TEAM_AREAS for b in base]
        expected = world.plan.people * ORGANISATION_SHARES[index]
        wanted = candidates[: max(min(len(base), 8), min(len(candidates), int(expected // 120)))]
        existing = {t.name.lower(): t for t in Team.objects.filter(organisation=organisation)}
        new = [
            Team(
                organisation=organisation,
                name=name,
                slug=_free_slug(slugify(f"{organisation.slug}-{name}")[:170], slugs),
            )
            for name in wanted
            if name.lower() not in existing
        ]
        Team.objects.bulk_create(new)
        new_count += len(new)
        teams = {t.name.lower(): t for t in Team.objects.filter(organisation=organisation)}
        items = [(teams[n.lower()].pk, teams[n.lower()].name) for n in wanted]
        rng.shuffle(items)
        world.teams[index] = Zipf(items, 0.7)
    world.tally.add("profiles_team", new_count)


# --- people ---------------------------------------------------------------------------------


def fold(name: str) -> str:
    """A name as the letters of an email address: "Zielińska" -> "zielinska"."""
    folded = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in folded if c.isalpha() and c.isascii())


class _Names:
    """Unique, readable usernames and email addresses (amara.okafor, amara.okafor2 ...)."""

    def __init__(self):
        self.taken_usernames = set(User.objects.values_list("username", flat=True))
        self.taken_emails = {e.lower() for e in User.objects.values_list("email", flat=True)}
        self.taken_emails |= {
            e.lower() for e in EmailAddress.objects.values_list("email", flat=True)
        }
        self.counters: dict[str, int] = {}

    def claim(self, first: str, last: str, domain: str) -> tuple[str, str]:
        local = f"{fold(first)}.{fold(last)}"
        n = self.counters.get(local, 0) + 1
        while True:
            candidate = local if n == 1 else f"{local}{n}"
            username, email = candidate.replace(".", "-"), f"{candidate}@{domain}"
            if username not in self.taken_usernames and email not in self.taken_emails:
                self.counters[local] = n
                return username, email
            n += 1


def seed_people(world: World) -> None:
    """Accounts, email addresses, profiles, their skills and search rows, in chunks."""
    plan, rng = world.plan, world.rng
    count = plan.people
    span = world.end - world.beginning - 3600
    joined = array("d", (world.beginning + span * (i + rng.random()) / count for i in range(count)))
    org_weights = list(accumulate([COMMUNITY_SHARE, *ORGANISATION_SHARES]))
    orgs = bytearray(rng.choices(range(5), cum_weights=org_weights, k=count))
    orgs[-1] = 0  # however few the people, a resident has just joined (see NEWCOMER_DAYS)
    active = bytearray(0 if rng.random() < 0.005 else 1 for _ in range(count))
    first_id = reserve_ids(User._meta.db_table, count)
    people = world.people = People(first_id=first_id, joined=joined, org=orgs, active=active)
    newcomer_after = world.end - NEWCOMER_DAYS * DAY
    people.newcomers = array(
        "q", (i for i in range(count) if orgs[i] == 0 and active[i] and joined[i] > newcomer_after)
    )
    newcomers = set(people.newcomers)
    world.everyone = Pool(people, [i for i in range(count) if active[i] and i not in newcomers])
    world.staff = Pool(people, [i for i in range(count) if active[i] and orgs[i]])
    world.by_org = [
        Pool(people, [i for i in range(count) if active[i] and orgs[i] == o + 1])
        for o in range(len(world.organisations))
    ]

    first_profile = reserve_ids(Profile._meta.db_table, count)
    writer = _ProfileWriter(world, first_profile)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE scale_profile_search (profile_id bigint, level varchar(20), "
            "terms text, a text, b text, c text, d text)"
        )
    for start in range(0, count, CHUNK):
        writer.write(range(start, min(start + CHUNK, count)))
        if start and start % (CHUNK * 10) == 0:
            world.tally.say(f"  {start:,} people")
    with connection.cursor() as cursor:  # (on failure, rolling back removes it too)
        cursor.execute("DROP TABLE scale_profile_search")
    world.tally.add(SearchWord._meta.db_table, words.rebuild())
    _make_moderators(world)


def _make_moderators(world: World) -> None:
    """Three early-joining staff in the Moderators role (they set up two-factor to act)."""
    early = world.staff.indices[: max(3, len(world.staff) // 10)]
    chosen = world.rng.sample(list(early), min(3, len(early)))
    world.moderators = [world.people.user_id(i) for i in chosen]
    role = Role.objects.get_or_create(name=demo.MODERATORS_GROUP)[0]
    through = User.groups.through
    through.objects.bulk_create([through(user_id=u, group_id=role.pk) for u in world.moderators])
    User.objects.filter(pk__in=world.moderators).update(is_staff=True)  # the role needs both
    world.tally.add("accounts_user_groups", len(world.moderators))


class _ProfileWriter:
    USER_COLUMNS = [
        "id", "password", "last_login", "is_superuser", "username", "email", "is_staff",
        "is_active", "date_joined", "name", "organisation_id", "unread_notifications",
    ]  # fmt: skip
    PROFILE_COLUMNS = [
        "id", "user_id", "preferred_name", "pronouns", "photo", "job_title", "bio", "bio_html",
        "team_id", "place_id", "floor", "working_days", "phone", "mobile", "other_contact",
        "working_on", "ask_me_about", "open_to_chat", "open_to_loan", "open_to_shadowing",
        "open_to_mentoring", "open_to_buddy", "started_on",
        "show_interests", "in_directory", *AUDIENCE_FIELDS, "created_at", "updated_at",
        "confirmed_at", "archived_at",
    ]  # fmt: skip

    def __init__(self, world: World, first_profile: int):
        self.world = world
        self.first_profile = first_profile
        self.names = _Names()
        self.password = make_password(demo.DEMO_PASSWORD)  # one hash for everyone
        rng = world.rng
        topics = [name for _, name in world.skills[Kind.SKILL].items[:150]]
        hobbies = [name for _, name in world.skills[Kind.INTEREST].items[:60]]
        places = [name for _, name in world.places.items]
        self.bios = text.bios(rng, topics + hobbies, places)
        self.surnames = Zipf(names.SURNAMES, 0.5)
        self.titles = {kind: Zipf(titles, 0.8) for kind, titles in names.JOB_TITLES.items()}
        self.levels_cache: dict[tuple, list] = {}
        self.org_objects = [
            SimpleNamespace(name=o.name, pk=o.pk, kind=o.kind, domain=d)
            for o, d in world.organisations
        ]

    def write(self, indices: range) -> None:
        users, emails, profiles, skills, searches = [], [], [], [], []
        for i in indices:
            self._person(i, users, emails, profiles, skills, searches)
        tally = self.world.tally
        tally.add("accounts_user", copy_rows("accounts_user", self.USER_COLUMNS, users))
        email_columns = ["email", "verified", "primary", "user_id"]
        tally.add("account_emailaddress", copy_rows("account_emailaddress", email_columns, emails))
        tally.add("profiles_profile", copy_rows("profiles_profile", self.PROFILE_COLUMNS, profiles))
        skill_columns = ["profile_id", "skill_id", "relation", "level", "organisation_id"]
        tally.add(
            "profiles_profileskill", copy_rows("profiles_profileskill", skill_columns, skills)
        )
        stage_columns = ["profile_id", "level", "terms", "a", "b", "c", "d"]
        copy_rows("scale_profile_search", stage_columns, searches)
        with connection.cursor() as cursor:
            cursor.execute(SEARCH_FROM_STAGE)
            tally.add(ProfileSearch._meta.db_table, cursor.rowcount)
            cursor.execute("TRUNCATE scale_profile_search")

    def _person(self, i, users, emails, profiles, skills, searches) -> None:
        world, rng, people = self.world, self.world.rng, self.world.people
        org_index = people.org[i] - 1
        organisation = self.org_objects[org_index] if org_index >= 0 else None
        first, last = rng.choice(names.FIRST_NAMES), self.surnames.one(rng)
        domain = organisation.domain if organisation else rng.choice(names.COMMUNITY_DOMAINS)
        username, email = self.names.claim(first, last, domain)
        user_id, profile_id = people.user_id(i), self.first_profile + i
        joined = people.joined[i]
        full_name = f"{first} {last}"
        last_login = (
            when(joined + rng.random() * (world.end - joined)) if rng.random() < 0.7 else None
        )
        users.append((
            user_id, self.password, last_login, False, username, email, False,
            bool(people.active[i]), when(joined), full_name,
            organisation.pk if organisation else None, 0,
        ))  # fmt: skip
        emails.append((email, True, True, user_id))

        # What they know and love doing, in the order the rows are written (see search_texts).
        staff = organisation is not None
        chosen: list[tuple[str, int, str]] = []  # (relation, skill id, name)
        used: set = set()

        def take(relation, kind, k):
            for skill in world.skills[kind].distinct(rng, k, used):
                used.add(skill)
                chosen.append((relation, skill[0], skill[1]))

        if rng.random() < (0.25 if staff else 0.08):
            take(Relation.TEACH, Kind.SKILL, rng.randint(1, 3))
        take(
            Relation.HAS,
            Kind.SKILL,
            min(15, 1 + int(rng.expovariate(0.25))) if staff else rng.randint(0, 3),
        )
        if rng.random() < 0.4:
            take(Relation.LEARN, Kind.SKILL, rng.randint(1, 4))
        if rng.random() < 0.6:
            take(Relation.INTEREST, Kind.INTEREST, rng.randint(1, 5))
        if rng.random() < 0.93:
            chosen.append((Relation.LANGUAGE, *world.skills[Kind.LANGUAGE].items[0]))
            used.add(world.skills[Kind.LANGUAGE].items[0])
        roll = rng.random()
        if roll < 0.3:
            others = world.skills[Kind.LANGUAGE]
            k = 2 if roll < 0.05 else 1
            for skill in _others(rng, others, k, used):
                chosen.append((Relation.LANGUAGE, *skill))
        if staff and rng.random() < 0.2:
            take(Relation.NETWORK, Kind.NETWORK, 2 if rng.random() < 0.2 else 1)

        # The profile itself.
        topic = next((n for r, _, n in chosen if r in (Relation.TEACH, Relation.HAS)), "")
        topic2 = next((n for r, _, n in chosen if r in (Relation.LEARN, Relation.INTEREST)), "")
        team = world.teams[org_index].one(rng) if staff and rng.random() < 0.92 else None
        place = world.places.one(rng) if staff and rng.random() < 0.9 else None
        audiences = STAFF_AUDIENCES if staff else COMMUNITY_AUDIENCES
        chosen_audiences = [
            rng.choices(values, cum_weights=cum)[0] for values, cum in audiences.values()
        ]
        show_interests = rng.random() < 0.35
        bio, bio_html = self.bios.pick(rng) if rng.random() < 0.4 else ("", "")
        place_name = place[1] if place else "the office"
        team_name = team[1] if team else "my team"
        working_on = ask_me_about = ""
        if topic and rng.random() < 0.35:
            working_on = rng.choice(names.WORKING_ON).format(topic=topic.lower(), place=place_name)
        if topic and rng.random() < 0.45:
            ask_me_about = rng.choice(names.ASK_ME_ABOUT).format(
                topic=topic, topic2=(topic2 or topic).lower(), place=place_name, team=team_name
            )
        preferred = ""
        if first in NICKNAMES and rng.random() < 0.3:
            preferred = f"{NICKNAMES[first]} {last}"
        if staff:
            days = (
                WEEK
                if rng.random() < 0.75
                else sorted(rng.sample(WEEK, rng.randint(2, 4)), key=WEEK.index)
            )
            job_title = self.titles[organisation.kind].one(rng)
            phone = f"0113 496 0{rng.randrange(1000):03d}" if rng.random() < 0.8 else ""
            mobile = f"07700 900{rng.randrange(1000):03d}" if rng.random() < 0.25 else ""
        else:
            days, job_title, phone, mobile = [], "", "", ""
        other_contact = f"Teams: {first} {last}" if staff and rng.random() < 0.1 else ""
        created = joined + 60 + rng.random() * 600
        if rng.random() < 0.12:  # never touched since they joined: stale once six months old
            updated = confirmed = created
        else:
            updated = created + rng.random() * (world.end - created)
            confirmed = updated + rng.random() * (world.end - updated) * 0.5
        archived = None
        if staff and rng.random() < 0.01:
            archived = when(max(created, world.end - rng.random() * 120 * DAY))
        pronouns = rng.choice(names.PRONOUNS) if rng.random() < 0.3 else ""
        floor = rng.choice(names.FLOORS) if place else ""
        loan, shadowing, mentoring = rng.random() < 0.08, rng.random() < 0.12, rng.random() < 0.1
        # Not drawn from rng, so that the rest of the data set stays as it was before it.
        chat = shadowing or mentoring or i % 5 == 0
        buddy = staff and i % 7 == 0  # nor these: about one in seven staff
        in_directory = rng.random() < 0.97
        profiles.append((
            profile_id, user_id, preferred, pronouns, "", job_title, bio, bio_html,
            team[0] if team else None, place[0] if place else None,
            floor, days, phone, mobile, other_contact,
            working_on, ask_me_about, chat, loan, shadowing,
            mentoring, buddy, None, show_interests, in_directory, *chosen_audiences,
            when(created), when(updated), when(confirmed), archived,
        ))  # fmt: skip
        # Who may see each skill they hold, as profiles.holdings writes it (recount_all
        # checks it after): written here, the rows need no second write.
        listed = in_directory and archived is None and bool(people.active[i])
        audiences = dict(zip(AUDIENCE_FIELDS, chosen_audiences, strict=True))
        for relation, skill_id, _ in chosen:
            level = holding_level(
                audiences,
                relation,
                show_interests=show_interests,
                listed=listed,
                organisation_id=organisation.pk if organisation else None,
            )
            at_organisation = organisation.pk if level == ORGANISATION else None
            skills.append((profile_id, skill_id, relation, level, at_organisation))

        # Its search rows, exactly as refresh_search builds them.
        by_relation: dict[str, list[str]] = defaultdict(list)
        for relation, skill_id, name in chosen:
            by_relation[relation] += [name, *world.aliases.get(skill_id, ())]
        view = SimpleNamespace(
            user=SimpleNamespace(name=full_name, organisation=organisation),
            preferred_name=preferred,
            job_title=job_title,
            working_on=working_on,
            ask_me_about=ask_me_about,
            team=SimpleNamespace(name=team[1]) if team else None,
            place=SimpleNamespace(name=place[1]) if place else None,
            bio=bio,
        )
        for level, groups in self._levels(chosen_audiences, show_interests):
            searches.append((profile_id, level, *search_texts(view, by_relation, groups)))

    def _levels(self, audiences: list[str], show_interests: bool) -> list:
        """The (level, visible field groups) pairs with something to search, as
        profiles.visibility decides them (remembered: there are few combinations)."""
        key = (*audiences, show_interests)
        levels = self.levels_cache.get(key)
        if levels is None:
            profile = SimpleNamespace(
                **dict(zip(AUDIENCE_FIELDS, audiences, strict=True)), show_interests=show_interests
            )
            levels = [(lv, g) for lv in LEVELS if (g := groups_at_level(profile, lv))]
            self.levels_cache[key] = levels
        return levels


def _others(rng, languages: Zipf, k: int, used: set) -> list:
    """``k`` languages besides English, the common ones (Polish, Urdu ...) most often."""
    picked = []
    while len(picked) < k:
        skill = languages.one(rng)
        if skill not in used:
            used.add(skill)
            picked.append(skill)
    return picked
