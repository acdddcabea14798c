"""Opportunities of every kind and state, the skills they need and teach, and the interest
people showed in them (issue 21).

Written as ``opportunities.services`` leaves them: the poster is staff and the opportunity
is their organisation's; only volunteering and apprenticeships go beyond staff (to the
community or the public), and an organisation's audience is the poster's organisation; it
starts after its closing date; its HTML is ``render_markdown``'s of its own description.
Most closed long ago (and many were marked done); about a fifth are open and close in the
next one to six weeks; a few are drafts (nobody has seen them, so nobody is interested) or
were withdrawn. More were posted lately than at first: the site caught on.

Interest comes from people in the audience who had joined by then, once each and never
from the poster, while it was open. A poster never offers more places than there are, and
an open one has a place left (offering the last closes it); nobody is offered a place
while their manager's agreement is awaited. Columns the seed does not set get the model's
default, as a new row would.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable
from datetime import date, timedelta
from itertools import accumulate

from opportunities.models import OPEN_TO_RESIDENTS, Interest, Kind, Opportunity, Where
from profiles.models import Skill
from sociable.audience import Audience
from sociable.markdown import render_markdown

from . import names
from .bulk import copy_model, reserve_ids, when
from .people import fold
from .world import DAY, Pool, World

A = Audience
Status = Opportunity.Status
Answer = Interest.Status
PAST = "past"  # closed, or done once it has happened

STATES = [(PAST, 72), (Status.OPEN, 21), (Status.WITHDRAWN, 4), (Status.DRAFT, 3)]
KINDS = [
    (Kind.LOAN, 15), (Kind.SHADOWING, 20), (Kind.SECONDMENT, 7), (Kind.PROJECT, 20),
    (Kind.SKILL_SWAP, 10), (Kind.VOLUNTEERING, 20), (Kind.APPRENTICESHIP, 8),
]  # fmt: skip
RESIDENTS_AUDIENCES = [(A.PUBLIC, 25), (A.COMMUNITY, 30), (A.STAFF, 30), (A.ORGANISATION, 15)]
STAFF_AUDIENCES = [(A.STAFF, 60), (A.ORGANISATION, 40)]
# Every state, and every audience each kind may have, however few the opportunities.
FIRST = [
    (Status.OPEN, Kind.VOLUNTEERING, A.PUBLIC),
    (Status.OPEN, Kind.APPRENTICESHIP, A.COMMUNITY),
    (Status.OPEN, Kind.PROJECT, A.ORGANISATION),
    (Status.OPEN, Kind.LOAN, A.STAFF),
    (PAST, Kind.SHADOWING, A.STAFF),
    (PAST, Kind.SKILL_SWAP, A.ORGANISATION),
    (Status.DRAFT, Kind.SECONDMENT, A.STAFF),
    (Status.WITHDRAWN, Kind.PROJECT, A.STAFF),
]
WHERE = [(Where.ON_SITE, 55), (Where.HYBRID, 30), (Where.REMOTE, 15)]
MANAGER_MUST_AGREE = {
    Kind.SECONDMENT: 0.8, Kind.LOAN: 0.5, Kind.APPRENTICESHIP: 0.3, Kind.PROJECT: 0.15,
    Kind.SHADOWING: 0.15, Kind.SKILL_SWAP: 0.05, Kind.VOLUNTEERING: 0.05,
}  # fmt: skip
NEEDED = [25, 35, 25, 15]  # weights of 0, 1, 2 and 3 skills
TAUGHT = [15, 35, 30, 20]
INTEREST_COUNTS = [18, 17, 16, 13, 11, 9, 7, 5, 4]  # weights of 0 to 8 people interested
OPEN_DAYS = (7, 42)  # an open one closes in the next one to six weeks
EARLY_DAYS = 60  # nothing posted in the partnership's first two months

TITLES = {
    Kind.LOAN: [
        "{team} needs help with {topic}: a {weeks}-week loan",
        "Short loan to {team}: {topic}",
        "Lend us your {topic} skills for {weeks} weeks",
        "Join {team} for {weeks} weeks to work on {topic}",
    ],
    Kind.SHADOWING: [
        "Shadow {team} for a day",
        "Shadow our {about} lead",
        "A day with {team}: {about} in practice",
        "Shadowing: how {team} works",
    ],
    Kind.SECONDMENT: [
        "{months}-month secondment: {topic} lead",
        "Secondment to {team} ({topic})",
        "Secondment: {topic} for the partnership",
        "{team}: a {months}-month secondment",
    ],
    Kind.PROJECT: [
        "Task-and-finish: {topic} for {team}",
        "Help us with a project on {about}",
        "Project: {topic} in {hood}",
        "Task-and-finish group: {topic}",
    ],
    Kind.SKILL_SWAP: [
        "Skill swap: {topic} for {needed}",
        "Swap: I teach {topic}, you teach {needed}",
        "{topic} for {needed}: a skill swap",
    ],
    Kind.VOLUNTEERING: [
        "Volunteer at the {hood} {event}",
        "Volunteers needed: {event} in {hood}",
        "Help run the {hood} {event}",
    ],
    Kind.APPRENTICESHIP: [
        "{topic} apprenticeship (level {level})",
        "Apprenticeship in {team}: {topic}",
        "Level {level} apprenticeship: {topic}",
    ],
}
EVENTS = ["fun day", "litter pick", "food bank", "community garden", "summer fair",
          "warm space", "coffee morning", "health walk", "repair café", "book swap"]  # fmt: skip
INTROS = {
    Kind.LOAN: "{team} is short of {about} skills for a few weeks. Join us {time} and work "
    "alongside the team on real cases.",
    Kind.SHADOWING: "Spend {time} with {team}: see how we work, sit in on our meetings and ask "
    "all the questions you like.",
    Kind.SECONDMENT: "The partnership needs someone to lead on {about}, {time}. You will work "
    "across the council and the trusts, with {team} as your base.",
    Kind.PROJECT: "A task-and-finish project on {about}, {time}. We meet at the start, agree "
    "who does what, and finish with something residents can use.",
    Kind.SKILL_SWAP: "I'll teach you {about}; you teach me {needed}. {time}, at a time that "
    "suits us both.",
    Kind.VOLUNTEERING: "Help us run the {hood} {event}: setting up, welcoming people and "
    "clearing away ({time}). Residents and staff welcome.",
    Kind.APPRENTICESHIP: "An apprenticeship in {team}, {time}, working towards a level {level} "
    "qualification in {about} with a day a week of study.",
}
CLOSINGS = ["Ask me anything before you apply.", "Tell me in a line or two why you'd like "
            "to do it.", "No experience needed: just enthusiasm.", "Get in touch if you "
            "have questions.", ""]  # fmt: skip
NOTES = [
    "I use {topic} every day and would love to help.",
    "I want to learn {topic}: this is exactly what I have been looking for.",
    "My team works with {team} a lot; I'd like to see it from your side.",
    "I have done something similar before and would love to do it again.",
    "This fits my development plan, and my manager is keen.",
    "I can do Tuesdays and Thursdays, and most evenings.",
    "I'm new to the partnership and this would be a great way to meet people.",
    "I helped out last year and would love to come back.",
]
MESSAGES = {
    Answer.DECLINED: ["Thank you: we have all the help we need this time.",
                      "Sorry, the places have gone. Do look out for the next one.",
                      "Not this time, but thank you for offering.", ""],
    Answer.OFFERED: ["Welcome aboard! I'll be in touch about the first day.",
                     "We'd love to have you: see you on the first day.", ""],
    Answer.SHORTLISTED: ["Could we have a quick chat this week?", ""],
}  # fmt: skip
WHAT_HAPPENED = [
    "{n} people took part. We finished what we set out to do, and two of them have stayed "
    "in touch with the team.",
    "It went well: the work is done and {team} has a new way of doing {topic}.",
    "We learnt a lot from each other. We'd do it again, with a little more time.",
    "{n} people came along and made it a success. Thank you all.",
]


def in_text(name: str) -> str:
    """A skill's name in a sentence: "customer service", but "Excel" and "British Sign
    Language" as they are."""
    first, _, rest = name.partition(" ")
    if rest and rest == rest.lower() and first[1:] == first[1:].lower():
        return first.lower() + " " + rest
    return name


def _cum(pairs):
    values, weights = zip(*pairs, strict=True)
    return list(values), list(accumulate(weights))


def seed_opportunities(world: World) -> None:
    count = world.plan.opportunity_count
    if count <= 0 or not len(world.staff):
        return
    writer = _Writer(world)
    planned = sorted(
        (writer.plan(n) for n in range(count)), key=lambda o: (o["created_at"], o["n"])
    )
    first_id = reserve_ids(Opportunity._meta.db_table, len(planned))
    for offset, opportunity in enumerate(planned):  # in the order they were posted
        opportunity["id"] = first_id + offset
    rows = (o["row"] | {"id": o["id"]} for o in planned)
    copy_model(world.tally, Opportunity, rows, with_ids=True)
    links = {"needs": Opportunity.skills_needed, "teaches": Opportunity.skills_taught}
    for key, skills in links.items():
        rows = ({"opportunity_id": o["id"], "skill_id": s} for o in planned for s, _ in o[key])
        copy_model(world.tally, skills.through, rows)
    copy_model(world.tally, Interest, (row for o in planned for row in writer.interest(o)))


class _Writer:
    def __init__(self, world: World):
        self.world = world
        self.rng = world.rng
        self.today: date = world.now.date()
        self.kinds = _cum(KINDS)
        self.states = _cum(STATES)
        self.wheres = _cum(WHERE)
        self.html_cache: dict[str, str] = {}
        staff_from = world.people.joined[world.staff.indices[0]] + DAY
        self.start = max(world.beginning + EARLY_DAYS * DAY, staff_from)

    # --- one opportunity ---------------------------------------------------------------

    def plan(self, n: int) -> dict:
        world, rng = self.world, self.rng
        people = world.people
        if n < len(FIRST):
            state, kind, audience = FIRST[n]
        else:
            state = rng.choices(self.states[0], cum_weights=self.states[1])[0]
            kind = rng.choices(self.kinds[0], cum_weights=self.kinds[1])[0]
            audience = self._audience(kind)
        published, closes, created = self._dates(state)
        poster = world.staff.pick(rng, created, bias=1.3)
        org_index = people.org[poster] - 1
        organisation = world.organisations[org_index][0]
        needs, teaches = self._skills(kind)
        team = world.teams[org_index].one(rng) if rng.random() < 0.7 else None
        where = rng.choices(self.wheres[0], cum_weights=self.wheres[1])[0]
        if kind in (Kind.SHADOWING, Kind.VOLUNTEERING) and where == Where.REMOTE:
            where = Where.ON_SITE
        place = world.places.one(rng) if where != Where.REMOTE and rng.random() < 0.85 else None
        hours, days, weeks = self._time(kind)
        places = self._places(kind)
        starts = ends = None
        if rng.random() < 0.85:
            starts = closes + timedelta(days=rng.randint(3, 28))
            if weeks:
                ends = starts + timedelta(weeks=weeks)
            elif days:
                ends = starts + timedelta(days=max(0, days - 1) * (1 if days < 3 else 2))
        manager = rng.random() < MANAGER_MUST_AGREE[kind] and audience in (A.STAFF, A.ORGANISATION)
        texts = self._texts(kind, needs, teaches, team, place, hours, days, weeks, manager)
        status, updated, reminded, happened = state, created, None, ("", False)
        closes_at = self._moment(closes) + DAY  # the end of its closing date
        if state == PAST:
            status = Status.CLOSED
            updated = closes_at + 6 * 3600  # closed by the morning's job
            if closes_at - published > 3 * DAY:
                reminded = closes_at - 3 * DAY + 6 * 3600
            over = ends or starts
            if over and over < self.today and rng.random() < 0.6:
                status = Status.DONE
                updated = min(world.end, self._moment(over) + rng.randint(1, 20) * DAY)
                happened = self._what_happened(texts["topic"], team, places)
        elif state == Status.WITHDRAWN:
            updated = min(world.end, published + rng.random() * (closes_at - published))
        elif state == Status.OPEN:
            updated = published + rng.random() * (world.end - published) * 0.2
        row = {
            "kind": kind, "title": texts["title"][:150], "description": texts["description"],
            "description_html": self._html(texts["description"]),
            "audience": audience,
            "audience_organisation_id": organisation.pk if audience == A.ORGANISATION else None,
            "organisation_id": organisation.pk, "team_id": team[0] if team else None,
            "place_id": place[0] if place else None, "where": where, "hours_a_week": hours,
            "days": days, "starts_on": starts, "ends_on": ends, "closes_on": closes,
            "places": places, "manager_must_agree": manager, "status": status,
            "posted_by_id": people.user_id(poster), "what_happened": happened[0],
            "what_happened_shown": happened[1], "reminded_at": when(reminded) if reminded else None,
            "created_at": when(created),
            "published_at": when(published) if state != Status.DRAFT else None,
            "updated_at": when(max(updated, created)),
        }  # fmt: skip
        return {
            "n": n, "row": row, "created_at": created, "state": state, "status": status,
            "kind": kind, "audience": audience, "org_index": org_index, "poster": poster,
            "published": published, "closes_at": closes_at, "places": places,
            "manager": manager, "needs": needs, "teaches": teaches, "topic": texts["topic"],
            "team": team[1] if team else "your team",
        }  # fmt: skip

    def _audience(self, kind: str) -> str:
        pairs = RESIDENTS_AUDIENCES if kind in OPEN_TO_RESIDENTS else STAFF_AUDIENCES
        values, cum = _cum(pairs)
        return self.rng.choices(values, cum_weights=cum)[0]

    def _moment(self, day: date) -> float:
        """The POSIX seconds of the start of ``day`` (UTC)."""
        return self.world.end - (self.today - day).days * DAY

    def _dates(self, state: str) -> tuple[float, date, float]:
        """When it was published (drafts: when it would be), its closing date, and when it
        was created (a draft saved a day or two before publishing, or not)."""
        rng, world = self.rng, self.world
        if state == Status.OPEN or (state == Status.WITHDRAWN and rng.random() < 0.5):
            published = max(self.start, world.end - rng.random() * 28 * DAY)
            closes = self.today + timedelta(days=rng.randint(*OPEN_DAYS))
        elif state == Status.DRAFT:
            published = max(self.start, world.end - rng.random() * 45 * DAY)
            closes = self.today + timedelta(days=rng.randint(OPEN_DAYS[0], 60))
        else:  # closed, done or withdrawn in the past: more lately than at first
            first = self.start + (OPEN_DAYS[1] + 3) * DAY
            last = world.end - DAY
            at = first + math.sqrt(rng.random()) * max(0.0, last - first)
            closes = self.today - timedelta(days=max(1, math.ceil((world.end - at) / DAY)))
            window = rng.randint(*OPEN_DAYS)
            published = self._moment(closes) - window * DAY + rng.random() * DAY
            published = max(self.start, min(published, self._moment(closes)))
        created = max(self.start - DAY, published - rng.random() * 2 * DAY)
        return published, closes, created

    def _skills(self, kind: str) -> tuple[list, list]:
        rng = self.rng
        vocabulary = self.world.skills[Skill.Kind.SKILL]
        wanted = rng.choices(range(4), weights=NEEDED)[0]
        taught = rng.choices(range(4), weights=TAUGHT)[0]
        if kind == Kind.SKILL_SWAP:
            wanted, taught = max(1, wanted), max(1, taught)
        elif kind == Kind.APPRENTICESHIP:
            wanted, taught = 0, max(1, taught)
        elif kind == Kind.VOLUNTEERING:
            wanted = min(1, wanted)
        needs = vocabulary.distinct(rng, wanted)
        teaches = vocabulary.distinct(rng, taught, set(needs))
        return needs, teaches

    def _time(self, kind: str) -> tuple[int | None, int | None, int | None]:
        """Hours a week or days in all, and for how many weeks."""
        rng = self.rng
        if kind == Kind.LOAN:
            return rng.choice([7, 8, 15, 15, 22]), None, rng.randint(4, 12)
        if kind == Kind.SHADOWING:
            return None, rng.choice([1, 1, 1, 2, 3]), None
        if kind == Kind.SECONDMENT:
            return rng.choice([15, 22, 30, 37]), None, rng.choice([12, 13, 26, 26, 39, 52])
        if kind == Kind.PROJECT:
            if rng.random() < 0.6:
                return None, rng.randint(2, 10), None
            return rng.randint(2, 8), None, rng.randint(2, 8)
        if kind == Kind.SKILL_SWAP:
            return rng.choice([1, 1, 2]), None, rng.randint(4, 8)
        if kind == Kind.VOLUNTEERING:
            if rng.random() < 0.7:
                return None, rng.choice([1, 1, 2]), None
            return rng.randint(2, 4), None, rng.randint(4, 12)
        return rng.choice([30, 37, 37]), None, rng.choice([52, 65, 78, 104])

    def _places(self, kind: str) -> int:
        rng = self.rng
        if kind == Kind.VOLUNTEERING:
            return rng.choice([2, 4, 5, 6, 8, 10, 12, 15, 20])
        if kind in (Kind.SHADOWING, Kind.APPRENTICESHIP):
            return rng.randint(1, 3)
        if kind == Kind.PROJECT:
            return rng.randint(1, 4)
        if kind == Kind.LOAN:
            return rng.choice([1, 1, 1, 2])
        return 1

    def _texts(self, kind, needs, teaches, team, place, hours, days, weeks, manager) -> dict:
        rng = self.rng
        topic = (teaches or needs or [self.world.skills[Skill.Kind.SKILL].one(rng)])[0][1]
        needed = needs[0][1] if needs else "something you know"
        if hours and weeks:
            time = f"{hours} hour{'s' if hours != 1 else ''} a week for {weeks} weeks"
        elif hours:
            time = f"{hours} hours a week"
        else:
            time = f"{days} day{'s' if days != 1 else ''}"
        values = {
            "topic": topic, "about": in_text(topic), "needed": in_text(needed),
            "team": team[1] if team else "our team",
            "hood": rng.choice(names.NEIGHBOURHOODS), "event": rng.choice(EVENTS),
            "weeks": weeks or 1, "months": max(1, round((weeks or 4) / 4.33)),
            "level": rng.choice([2, 3, 3, 4]), "time": time,
        }  # fmt: skip
        title = rng.choice(TITLES[kind]).format(**values)
        parts = [INTROS[kind].format(**values)]
        if needs:
            parts.append("**What you need**\n\n" + "\n".join(f"- {n}" for _, n in needs))
        if teaches:
            parts.append("**What you will learn**\n\n" + "\n".join(f"- {n}" for _, n in teaches))
        parts.append(f"Based at {place[1]}." if place else "You can do most of it from home.")
        if manager:
            parts.append("Your line manager must agree: we will ask them for you.")
        closing = rng.choice(CLOSINGS)
        if closing:
            parts.append(closing)
        return {"title": title, "description": "\n\n".join(parts), "topic": topic}

    def _html(self, text: str) -> str:
        html = self.html_cache.get(text)
        if html is None:
            html = self.html_cache[text] = render_markdown(text)
        return html

    def _what_happened(self, topic: str, team, places: int) -> tuple[str, bool]:
        rng = self.rng
        if rng.random() < 0.4:
            return "", False
        text = rng.choice(WHAT_HAPPENED).format(
            n=places, topic=in_text(topic), team=team[1] if team else "the team"
        )
        return text, rng.random() < 0.7

    # --- the interest shown in one ------------------------------------------------------

    def _pool(self, opportunity: dict) -> Pool:
        world = self.world
        if opportunity["audience"] == A.ORGANISATION:
            return world.by_org[opportunity["org_index"]]
        if opportunity["audience"] in (A.PUBLIC, A.COMMUNITY):
            return world.everyone
        return world.staff

    def interest(self, opportunity: dict) -> Iterable[dict]:
        if opportunity["state"] == Status.DRAFT:
            return []
        rng, world = self.rng, self.world
        people = world.people
        opened = opportunity["published"]
        ends = min(opportunity["closes_at"], world.end)
        if ends <= opened:
            return []
        wanted = rng.choices(range(len(INTEREST_COUNTS)), weights=INTEREST_COUNTS)[0]
        if opportunity["state"] != PAST:  # still collecting, or withdrawn before the end
            share = (ends - opened) / max(DAY, opportunity["closes_at"] - opened)
            wanted = round(wanted * min(1.0, share))
        pool = self._pool(opportunity)
        chosen: dict[int, float] = {}
        for _ in range(3 * wanted):
            if len(chosen) == wanted:
                break
            moment = opened + rng.random() * (ends - opened)
            person = pool.pick(rng, moment)
            if person != opportunity["poster"] and person not in chosen:
                chosen[person] = max(moment, people.joined[person] + 60)
        answers = self._answers(opportunity, len(chosen))
        rows = []
        for (person, moment), status in zip(
            sorted(chosen.items(), key=lambda c: c[1]), answers, strict=True
        ):
            rows.append(self._interest_row(opportunity, person, moment, status))
        return rows

    def _answers(self, opportunity: dict, count: int) -> list[str]:
        """What the poster made of each, in the order they came."""
        rng = self.rng
        state, places = opportunity["state"], opportunity["places"]
        offers = 0
        answers = []
        for _ in range(count):
            roll = rng.random()
            if roll < 0.06:
                answers.append(Answer.WITHDRAWN)
            elif state == Status.OPEN:  # one place is always left: the last would close it
                if roll < 0.12:
                    answers.append(Answer.DECLINED)
                elif roll < 0.2 and offers < places - 1:
                    answers.append(Answer.OFFERED)
                    offers += 1
                elif roll < 0.38:
                    answers.append(Answer.SHORTLISTED)
                else:
                    answers.append(Answer.INTERESTED)
            elif state == Status.WITHDRAWN:
                answers.append(Answer.SHORTLISTED if roll < 0.25 else Answer.INTERESTED)
            elif roll < 0.6 and offers < places:
                answers.append(Answer.OFFERED)
                offers += 1
            elif roll < 0.85:
                answers.append(Answer.DECLINED)
            elif roll < 0.92:
                answers.append(Answer.SHORTLISTED)
            else:
                answers.append(Answer.INTERESTED)  # never answered
        return answers

    def _interest_row(self, opportunity: dict, person: int, moment: float, status: str) -> dict:
        rng, world = self.rng, self.world
        topic = in_text(opportunity["topic"])
        note = rng.choice(NOTES).format(topic=topic, team=opportunity["team"])
        manager_name = manager_email = manager = token = ""
        if opportunity["manager"]:
            first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.SURNAMES)
            org = world.people.org[person]
            domain = world.organisations[org - 1][1] if org else names.COMMUNITY_DOMAINS[0]
            manager_name, manager_email = f"{first} {last}", f"{fold(first)}.{fold(last)}@{domain}"
            waiting = status != Answer.OFFERED and rng.random() < 0.35
            manager = Interest.ManagerAnswer.WAITING if waiting else Interest.ManagerAnswer.AGREED
            if waiting:
                token = base64.urlsafe_b64encode(rng.randbytes(32)).rstrip(b"=").decode()
        answered = moment
        if status != Answer.INTERESTED:
            answered = min(world.end, moment + rng.random() * 10 * DAY)
        message = rng.choice(MESSAGES[status]) if status in MESSAGES else ""
        return {
            "opportunity_id": opportunity["id"], "person_id": world.people.user_id(person),
            "note": note, "manager_name": manager_name, "manager_email": manager_email,
            "manager": manager, "manager_token": token, "status": status, "message": message,
            "created_at": when(moment), "updated_at": when(max(moment, answered)),
        }  # fmt: skip
