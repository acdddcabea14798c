"""The demo's conversations: how open a few people are, and requests in each state, most of
them Amara's (the README's first sign-in), so that "Your conversations" has something in
every section.

Idempotent: each request is found by its form key (a UUID named after it) and only moved
on when it has not reached its state yet. Times are set from today; the past ones are
written by hand, as no one may ask for a time gone by.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from profiles.models import Profile, Skill
from sociable.accounts.models import User

from . import services
from .models import Conversation, Introduction, Openness, Reason, RouletteMember, Way

Status = Conversation.Status
NAMESPACE = uuid.UUID("5f0c3b1e-1c2d-4e5f-9a8b-7c6d5e4f3a2b")


@dataclass(frozen=True)
class Ask:
    name: str  # the request's own name, for its form key
    asker: str
    asked: str
    kind: str
    way: str
    days: tuple[int, ...]  # the times asked for: days from today, at 10:00 then 14:00
    about: str = ""
    skill: str = ""
    note: str = ""
    then: str = ""  # "accept", "suggest", "decline", "happened", "queued"
    messages: tuple[tuple[str, str], ...] = ()


OPENNESS = [
    # name, kind, per month, who may ask, when full
    ("Amara Okafor", "chat", 3, "community", Openness.WhenFull.QUEUE),
    ("Mei Chen", "mentoring", 2, "staff", Openness.WhenFull.QUEUE),
    ("Callum Price", "chat", None, "community", Openness.WhenFull.QUEUE),
    ("Fatima Hussain", "shadowing", 1, "organisation", Openness.WhenFull.REFUSE),
    ("Michael Carr", "mentoring", 1, "staff", Openness.WhenFull.QUEUE),
]

ASKS = [
    Ask("jordan-amara", "Jordan Reid", "Amara Okafor", "chat", Way.IN_PERSON, (4, 6),
        about="Getting residents to the table",
        note="I run the Lincoln Green residents' group and we'd love more people at meetings. "
             "Could I buy you a coffee and pick your brains?"),
    Ask("amara-callum", "Amara Okafor", "Callum Price", "chat", Way.ONLINE, (5,),
        skill="Video editing", then="suggest",
        note="I'm making a film with residents and want to edit it on my phone. Half an hour "
             "of your time would help me no end."),
    Ask("amara-mei", "Amara Okafor", "Mei Chen", "mentoring", Way.ONLINE, (3, 8),
        about="Power BI dashboards for our consultation results", then="accept",
        messages=(("Mei Chen", "Happy to. Bring a copy of last year's survey export?"),
                  ("Amara Okafor", "Will do, thank you!"))),
    Ask("amara-fatima", "Amara Okafor", "Fatima Hussain", "shadowing", Way.IN_PERSON, (2,),
        about="A day with adult social care at Merrion House", then="happened",
        note="I'd like to see how you work with families before we plan the estate's "
             "carers' drop-in."),
    Ask("amara-michael", "Amara Okafor", "Michael Carr", "mentoring", Way.IN_PERSON, (9,),
        about="Budgets for community projects", then="decline"),
    Ask("amara-paul", "Amara Okafor", "Paul Hirst", "chat", Way.IN_PERSON, (6, 8),
        skill="Safeguarding adults",
        note="A resident told me something worrying at a litter pick. Could we talk about "
             "what I should have done?"),
    Ask("tom-amara", "Tom Whitaker", "Amara Okafor", "chat", Way.PHONE, (7,),
        about="Community engagement with patients' families", then="queued"),
]  # fmt: skip


def _at(days: int, hour: int):
    local = timezone.localtime() + timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


ROULETTE = ["Amara Okafor", "Tendai Moyo", "Kwame Mensah", "Megan Firth", "Hannah Brook"]
# A past round's introductions (the 1st of last month): Amara met Tendai of the trust.
PAST_ROUND = [("Amara Okafor", "Tendai Moyo"), ("Kwame Mensah", "Megan Firth")]


def seed() -> list[Conversation]:
    people = {u.name: u for u in User.objects.filter(name__in=_names())}
    _seed_roulette()
    for name, kind, per_month, who, when_full in OPENNESS:
        Openness.objects.update_or_create(
            user=people[name], kind=kind,
            defaults={"per_month": per_month, "who_may_ask": who, "when_full": when_full},
        )  # fmt: skip
    return [_seed(spec, people) for spec in ASKS]


def _seed_roulette() -> None:
    people = {u.name: u for u in User.objects.filter(name__in=ROULETTE)}
    for n, name in enumerate(ROULETTE):
        RouletteMember.objects.get_or_create(
            user=people[name], defaults={"every": RouletteMember.Every.values[n % 2]}
        )
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    if Introduction.objects.filter(round=last_month).exists():
        return
    for first, second in PAST_ROUND:
        a, b = people[first], people[second]
        starts = timezone.make_aware(datetime.combine(last_month + timedelta(days=6), time(11)))
        conversation = Conversation.objects.create(
            asker=a, asked=b, kind="chat", way=Way.IN_PERSON, status=Status.ACCEPTED,
            about="Coffee roulette: an introduction", starts_at=starts,
            ends_at=starts + timedelta(minutes=45), happened=True,
        )  # fmt: skip
        Introduction.objects.create(round=last_month, first=a, second=b, conversation=conversation)


def _names() -> set[str]:
    return (
        {spec.asker for spec in ASKS}
        | {spec.asked for spec in ASKS}
        | {name for name, *_ in OPENNESS}
    )


def _seed(spec: Ask, people: dict[str, User]) -> Conversation:
    asker, asked = people[spec.asker], people[spec.asked]
    key = uuid.uuid5(NAMESPACE, spec.name)
    conversation = Conversation.objects.filter(asker=asker, form_key=key).first()
    if conversation is not None:
        return conversation
    if spec.then == "queued":  # Amara's month is full: Tom's request waits in her queue
        Openness.objects.filter(user=asked, kind=spec.kind).update(per_month=0)
    hours = [10, 14]
    conversation = services.ask(
        asker=asker,
        profile=Profile.objects.get(user=asked),
        kind=spec.kind,
        way=spec.way,
        times=[_at(day, hours[n % 2]) for n, day in enumerate(spec.days)],
        skill=Skill.objects.filter(name=spec.skill).first() if spec.skill else None,
        about=spec.about,
        note=spec.note,
        form_key=key,
    )
    if spec.then == "queued":
        Openness.objects.filter(user=asked, kind=spec.kind).update(per_month=3)
    first = conversation.times.first()
    if spec.then in ("accept", "happened"):
        services.accept(conversation=conversation, by=asked, time_id=first.pk)
    elif spec.then == "suggest":
        services.suggest(conversation=conversation, by=asked, starts_at=_at(spec.days[0] + 2, 11))
    elif spec.then == "decline":
        services.decline(conversation=conversation, by=asked, reason=Reason.BUSY)
    for author, body in spec.messages:
        services.send_message(conversation=conversation, by=people[author], body=body)
    if spec.then == "happened":
        starts = _at(-24, 9)
        Conversation.objects.filter(pk=conversation.pk).update(
            starts_at=starts, ends_at=starts + timedelta(hours=7), created_at=starts - timedelta(10)
        )
        conversation.refresh_from_db()
        services.record_afterwards(
            conversation=conversation,
            by=asker,
            happened=True,
            thanks="Fatima gave up a whole day to show me how adult social care works with "
            "families. I came away with three ideas for the carers' drop-in. Thank you!",
        )
        services.show_thanks(conversation=conversation, by=asked, shown=True)
    return conversation
