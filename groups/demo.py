"""The demo OWLS groups: a choir, a foster carers' circle, a phone video workshop and more.

Everything in the OWLS blog post is here: the opera singer's lunchtime choir, the
foster carers who get together to share stories, the workshop where colleagues learn
to edit the videos they take on their phones, a blogging club and a book club; plus
a running club and a teach-meet run by Tom Whitaker (the README's group organiser).
Each group has a few past events and a few upcoming ones, with RSVPs; the phone video
workshop's next session is full, with a waiting list.

``sociable.demo`` creates the people (``profiles.demo``) and then calls ``seed()``.
Idempotent: groups are found by slug, events by (group, title, start), memberships,
RSVPs and backings by their unique keys, suggestions by title. Event dates are
relative to the Monday of the current week, so running it again in the same week
changes nothing, and the demo always has upcoming events.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from profiles import demo as profiles_demo
from profiles.services import find_skill
from sociable.accounts.models import Organisation, User
from sociable.audience import Audience

from . import guests, series, services
from .models import RSVP, Event, EventSeries, Group, Membership, Suggestion

LONDON = ZoneInfo("Europe/London")

Kind = Group.Kind
Join = Group.JoinPolicy
A = Audience
SOCIAL, LEARNING = Event.Kind.SOCIAL, Event.Kind.LEARNING
MON, TUE, WED, THU, FRI, SAT = range(6)

# --- the groups -----------------------------------------------------------------------------

CHOIR = "Kirkfield Lunchtime Choir"
FOSTER = "Foster Carers' Circle"
VIDEO = "Phone Video Workshop"
BLOG = "Blogging Club"
RUN = "Kirkfield Parkrunners"
SPEAK = "Speak Up Teach-meet"
HISTORY = "Kirkfield Family History Society"
BSL = "BSL Taster Sessions"
WELSH = "Paned a Sgwrs: Welsh for Beginners"
BOOKS = "Council Book Club"
CARERS = "Carers' Network"


@dataclass(frozen=True)
class DemoGroup:
    """One group; people are named (as in profiles.demo) and separated by "; "."""

    name: str
    organiser: str  # creates the group
    kind: str
    audience: str
    join: str
    tags: str
    summary: str
    description: str
    co: str = ""  # co-organisers (also members)
    members: str = ""
    pending: tuple[tuple[str, str], ...] = ()  # (who asks to join, their message)
    organisation: str = ""  # slug, for the one-organisation audience

    @property
    def slug(self) -> str:
        return slugify(self.name)


G = DemoGroup
GROUPS = [
    G(CHOIR, "Eleanor Sutcliffe", Kind.SOCIAL, A.COMMUNITY, Join.OPEN,
      "Choir singing; Opera singing",
      "We sing together at lunchtime: no auditions, no reading music.",
      "Started because there were more opera singers in the building than anyone thought.\n\n"
      "We meet on **Wednesdays at 12.30** in the Civic Hall. Rounds, folk songs, a bit of "
      "Verdi, and the odd pop song. Come once and see: nobody will make you sing alone.",
      co="Gareth Lloyd",
      members="Grace Adeyemi; Joanne Kershaw; Helen Marsh; Priya Shah; Chloe Barraclough; "
              "Chris Walsh; Megan Firth; Ewa Zielińska; Dave Robinson; Shazia Begum; "
              "Rachel Moorhouse; Sam Lister; Tendai Moyo"),
    G(FOSTER, "Fatima Hussain", Kind.PEER_SUPPORT, A.STAFF, Join.APPROVAL,
      "Fostering", "Staff who foster, sharing the highs, the lows and the paperwork.",
      "A circle for colleagues who foster, or who are thinking about it. We meet once a month "
      "over coffee and talk about the reality of it.\n\nWhat is said in the circle stays in "
      "the circle. Ask to join and tell us a little about yourself.",
      members="Shazia Begum; Paul Hirst; Siobhan Byrne; Kwame Mensah; Ahmed Karimi; "
              "Yasmin Iqbal",
      pending=(
          ("Jamal Campbell", "We've been thinking about fostering teenagers for a while. "
                             "Could I come along and listen first?"),
          ("Deborah Haigh", "My partner and I were approved as foster carers last month. "
                            "I'd love to meet people who have been doing it for a while."),
      )),
    G(VIDEO, "Callum Price", Kind.LEARNING, A.COMMUNITY, Join.OPEN,
      "Video editing; Social media", "Learn to shoot and edit video on your phone in three "
      "lunchtimes.",
      "Everything I make for the council is shot and edited on a phone. In three lunchtime "
      "sessions you will learn to:\n\n- shoot steady video without a tripod\n- cut and "
      "caption it in a free app\n- share it without losing quality\n\nBring your phone, "
      "charged, with 2 GB free.",
      co="Ben Stansfield",
      members="Amara Okafor; Oliver Dunne; Megan Firth; Laura Greenwood; Jamal Campbell; "
              "Chloe Barraclough; Aaliyah Mahmood; Tendai Moyo; Halima Osman; Priya Shah; "
              "Nadia Rahman; Lee Chapman; Hannah Brook; Zainab Yusuf; Kwame Mensah; "
              "Tesfay Gebremedhin"),
    G(BLOG, "Nadia Rahman", Kind.LEARNING, A.COMMUNITY, Join.OPEN,
      "Blogging; Plain English writing", "Start a blog, write weeknotes, and read each "
      "other's drafts.",
      "For anyone who wants to work in the open. Your first post can be about what you did "
      "this week: we'll help you write it, and read it before anyone else does.",
      co="Tendai Moyo",
      members="Amara Okafor; Megan Firth; Jamal Campbell; Chloe Barraclough; Hannah Brook; "
              "Joanne Kershaw; Ben Stansfield; Helen Marsh; Imran Akhtar; Pauline Whiteley"),
    G(RUN, "Tom Whitaker", Kind.SOCIAL, A.PUBLIC, Join.OPEN,
      "Running", "Saturday parkrun and a Thursday lunchtime 5k, at whatever pace you like.",
      "Colleagues from across the partnership who run, jog or run-walk. We meet at the "
      "**Kirkfield parkrun** café at 08.50 on Saturdays and run from St James's on Thursday "
      "lunchtimes. Never run? Oliver leads run-walk and nobody gets left behind.",
      co="Oliver Dunne",
      members="Liam Doherty; Lee Chapman; Siobhan Byrne; Craig Ellis; Stuart Bell; "
              "Marcus Thompson; Zainab Yusuf; Ioana Popescu; Jordan Reid; Aaliyah Mahmood; "
              "Kiran Mistry"),
    G(SPEAK, "Tom Whitaker", Kind.LEARNING, A.STAFF, Join.OPEN,
      "Public speaking; Coaching", "A monthly lunchtime teach-meet: five minutes on anything, "
      "to a friendly room.",
      "For anyone who dreads presenting. Bring five minutes of anything (your job, your "
      "allotment, your favourite bus route) and get kind, useful feedback. Or just come and "
      "listen the first time.",
      co="Eleanor Sutcliffe",
      members="Ewa Zielińska; Hamza Siddiqui; Agnieszka Nowak; Sam Lister; Chloe Barraclough; "
              "Amara Okafor; Megan Firth; Deborah Haigh"),
    G(HISTORY, "Margaret Dyson", Kind.SOCIAL, A.MEMBERS, Join.APPROVAL,
      "Family history; Local history", "Tracing our family trees together, with free "
      "Ancestry access at the Central Library.",
      "Members share what they find (and the brick walls they hit) in census returns, parish "
      "registers and old newspapers. Our notes include family details, so the group is "
      "private: ask to join.",
      members="Dave Robinson; Pauline Whiteley; Paul Hirst; Michael Carr; Andrzej Wójcik; "
              "Joanne Kershaw"),
    G(BSL, "Rachel Moorhouse", Kind.LEARNING, A.STAFF, Join.OPEN,
      "British Sign Language; Deaf awareness", "Short lunchtime tasters in British Sign "
      "Language, from fingerspelling to greeting a customer.",
      "BSL is a language of its own, with its own grammar. These half-hour tasters won't make "
      "you fluent, but you'll be able to say hello, spell your name and know where to learn "
      "more.",
      co="Ruth Ackroyd",
      members="Laura Greenwood; Sam Lister; Halima Osman; Hannah Brook; Grace Adeyemi; "
              "Agnieszka Nowak; Amara Okafor"),
    G(WELSH, "Gareth Lloyd", Kind.LEARNING, A.COMMUNITY, Join.OPEN,
      "Welsh", "A cuppa and a chat: Welsh for complete beginners, online at lunchtime.",
      "Paned a sgwrs means a cuppa and a chat. Half an hour of Welsh for people who have "
      "never spoken a word, taught by a homesick Merthyr boy.",
      members="Eleanor Sutcliffe; Ioana Popescu; Stuart Bell; Helen Marsh; Siobhan Byrne"),
    G(BOOKS, "Hannah Brook", Kind.SOCIAL, A.ORGANISATION, Join.OPEN,
      "Book club; Creative writing", "Council staff reading one book a month and talking "
      "about it after work.",
      "We pick the next book together. The library has copies to borrow, and the audiobook "
      "counts.",
      co="Joanne Kershaw",
      members="Chris Walsh; Margaret Dyson; Sophie Turner; Ioana Popescu; Gurpreet Sandhu; "
              "Nadia Rahman; Zainab Yusuf; Amara Okafor",
      organisation="kirkfield-council"),
    G(CARERS, "Helen Marsh", Kind.STAFF_NETWORK, A.STAFF, Join.OPEN,
      "Carers' network", "Staff who look after someone: support, know-how and carers' leave.",
      "If you look after a partner, parent, child or friend, you are a carer. The network "
      "meets online so that you can join from anywhere, and pushes for carer-friendly "
      "policies across the partnership.",
      co="Yasmin Iqbal",
      members="Fatima Hussain; Deborah Haigh; Michael Carr; Ruth Ackroyd; Sophie Turner; "
              "Andrzej Wójcik; Priya Shah"),
]  # fmt: skip
ORGANISERS = {spec.name: spec.organiser for spec in GROUPS}

# --- the events -----------------------------------------------------------------------------

CIVIC_2 = "Civic Hall, committee room 2"
KITCHEN = "Merrion House, 3rd floor kitchen"
ROOM_312 = "Merrion House, meeting room 3.12"
PARKRUN = "Kirkfield Park, by the café"
EDUCATION = "St James's Hospital, education centre room 4"
LOCAL_STUDIES = "Central Library, local studies room"
READING_ROOM = "Central Library, the reading room"
TRAINING_ROOM = "Merrion House, customer access training room"
TEAMS = "https://teams.example/"


@dataclass(frozen=True)
class DemoEvent:
    group: str
    title: str
    week: int  # weeks from the Monday of this week: negative in the past
    day: int  # MON ... SAT
    at: str  # "12:30", UK time
    minutes: int
    place: str = ""
    online: str = ""  # the end of a https://teams.example/ link
    capacity: int | None = None
    going: int = 0  # how many members reply "going", in order (see ``rotate``)
    rotate: int = 0  # start the replies this far down the member list
    kind: str = SOCIAL
    skill: str = ""  # a learning session: the skill it teaches, taught by the organiser
    deadline: int = 0  # replies close this many days before the start
    cancelled: bool = False
    description: str = ""
    guests: bool = False  # people without an account may sign up (a public group's event)
    questions: tuple[str, ...] = ()  # asked of everyone who replies


E = DemoEvent
EVENTS = [
    E(CHOIR, "Sharing concert for friends and family", 6, THU, "17:30", 60,
      "Civic Hall, banqueting suite", going=12, rotate=1,
      description="Our first time singing to an audience. Bring anyone who'll clap."),
    E(FOSTER, "Coffee and catch-up", -4, TUE, "12:30", 60, KITCHEN, going=5),
    E(FOSTER, "Fostering: an hour for the curious", 2, THU, "17:30", 60,
      online="foster-carers-curious", going=4, rotate=2,
      description="Thinking about fostering? Ask us anything: the highs, the lows and the "
                  "reality of it."),
    E(FOSTER, "Coffee and catch-up", 4, TUE, "12:30", 60, KITCHEN, going=5, rotate=3),
    E(VIDEO, "Session 1: shooting steady video on your phone", -2, TUE, "12:30", 60, ROOM_312,
      capacity=12, going=12, kind=LEARNING, skill="Video editing"),
    E(VIDEO, "Session 2: cutting and captioning in a free app", 1, TUE, "12:30", 60, ROOM_312,
      capacity=12, going=15, kind=LEARNING, skill="Video editing",
      description="Bring the clips you shot last time. We'll use a free app; install it "
                  "before you come."),
    E(VIDEO, "Session 3: sharing your video without losing quality", 3, TUE, "12:30", 60,
      ROOM_312, capacity=12, going=7, rotate=3, kind=LEARNING, skill="Video editing",
      deadline=2),
    E(BLOG, "Your first blog post in an hour", -3, THU, "12:30", 60, ROOM_312, going=8,
      kind=LEARNING, skill="Blogging"),
    E(BLOG, "Weeknotes: writing what you did this week", 2, THU, "12:30", 45,
      online="blogging-club-weeknotes", going=7, rotate=2, kind=LEARNING, skill="Blogging"),
    E(BLOG, "Blog swap: read each other's drafts", 5, THU, "17:30", 90,
      "Central Library, learning room", capacity=10, going=6, rotate=5, deadline=3),
    E(RUN, "Kirkfield parkrun", -1, SAT, "09:00", 60, PARKRUN, going=9, rotate=3),
    E(RUN, "Kirkfield parkrun", 1, SAT, "09:00", 60, PARKRUN, going=10, rotate=1,
      description="Meet at the café at 08.50 for the group photo. Bring your barcode."),
    E(RUN, "Bring a friend: festive 5k and mince pies", 2, SAT, "10:30", 90, PARKRUN,
      capacity=30, going=8, rotate=2, guests=True,
      questions=("Anything that would help you take part? For example a slower group, "
                 "or somewhere to leave a pushchair.",),
      description="Friends, family and neighbours welcome: no account needed, just sign up "
                  "with your email. Walk, jog or run; Santa hats optional. Mince pies at "
                  "the café after."),
    E(SPEAK, "Speak Up: five minutes on anything", -4, FRI, "12:30", 60, EDUCATION, going=8,
      kind=LEARNING, skill="Public speaking"),
    E(SPEAK, "Speak Up: handling questions", 2, FRI, "12:30", 60, EDUCATION,
      online="speak-up", capacity=15, going=7, rotate=2, kind=LEARNING,
      skill="Public speaking", deadline=2),
    E(SPEAK, "Speak Up: five minutes on anything", 6, FRI, "12:30", 60, EDUCATION,
      online="speak-up", capacity=15, going=4, rotate=5, kind=LEARNING,
      skill="Public speaking"),
    E(HISTORY, "Parish registers for beginners", -3, TUE, "17:30", 90, LOCAL_STUDIES, going=6),
    E(HISTORY, "Census night: finding your family in 1921", 2, TUE, "17:30", 90, LOCAL_STUDIES,
      capacity=10, going=5, rotate=1, deadline=3,
      description="The library's PCs have free Ancestry access: ten places."),
    E(BSL, "Fingerspell your name in ten minutes", -1, MON, "12:30", 30, TRAINING_ROOM,
      going=6, kind=LEARNING, skill="British Sign Language"),
    E(BSL, "BSL taster: greetings and introductions", 1, MON, "12:30", 30, TRAINING_ROOM,
      capacity=16, going=7, rotate=1, kind=LEARNING, skill="British Sign Language"),
    E(BSL, "BSL taster: at the front desk", 4, MON, "12:30", 30, TRAINING_ROOM, capacity=16,
      going=5, rotate=3, kind=LEARNING, skill="British Sign Language"),
    E(WELSH, "Bore da! Welsh in half an hour", -2, FRI, "12:30", 30, online="welsh-taster",
      going=5, kind=LEARNING, skill="Welsh"),
    E(WELSH, "Welsh taster: numbers, days and the weather", 3, FRI, "12:30", 30,
      online="welsh-taster", going=4, rotate=1, kind=LEARNING, skill="Welsh"),
    E(BOOKS, "Book club: this month's book", -3, WED, "17:30", 90, READING_ROOM, going=7),
    E(BOOKS, "Book club: choosing next month's book", 2, WED, "17:30", 90, READING_ROOM,
      going=6, rotate=3),
    E(CARERS, "Lunchtime drop-in", -2, THU, "12:30", 60, online="carers-network", going=6),
    E(CARERS, "Carers' leave and flexible working: your questions", 1, THU, "12:30", 60,
      online="carers-network", going=5, rotate=2,
      description="Ryan from HR answers your questions about the new carers' leave policy."),
    E(CARERS, "Lunchtime drop-in", 5, THU, "12:30", 60, online="carers-network", going=4,
      rotate=4),
]  # fmt: skip

# --- series: sessions that repeat -----------------------------------------------------------


@dataclass(frozen=True)
class DemoSeries:
    """A series of sessions (``groups.series``): the first one as a ``DemoEvent`` says, then
    the rule. ``going`` members reply to each session, a different few each time."""

    first: DemoEvent
    frequency: str
    count: int
    cancelled: tuple[int, str] | None = None  # (which session, from 0; the reason)
    moved: tuple[int, str, str] | None = None  # (which session; its new time; its place)


SERIES = [
    DemoSeries(
        E(CHOIR, "Lunchtime rehearsal", -2, WED, "12:30", 45, CIVIC_2, going=9,
          description="Warm-ups, rounds, then whatever we are learning this term (*Va, "
                      "pensiero* in English, in three parts). No auditions, no reading music."),
        "weekly", 12, moved=(4, "13:00", "Civic Hall, committee room 1"),
    ),
    DemoSeries(
        E(RUN, "Lunchtime 5k from St James's", -2, THU, "12:30", 45,
          "St James's Hospital, education centre entrance", going=5,
          description="Two loops of the park at whatever pace you like; someone always "
                      "walks the second one. Showers in the education centre."),
        "fortnightly", 8,
        cancelled=(2, "The education centre car park is closed for resurfacing."),
    ),
]  # fmt: skip

# People without an account signed up to events open to guests: (group, event), name, email.
GUESTS = [
    ((RUN, "Bring a friend: festive 5k and mince pies"), "Sue Whitaker", "sue.w@example.net"),
    ((RUN, "Bring a friend: festive 5k and mince pies"), "Dev Patel", "dev.patel@example.org"),
]

# Pictures the demo's groups show (drawn for the demo: ours, free to use).
IMAGES = {
    CHOIR: ("choir.jpg", "A drawing of two rows of singers in bright tops, music notes above."),
    RUN: ("run.jpg", "A drawing of three runners on a path across a green park in the sun."),
}
IMAGE_FOLDER = Path(__file__).resolve().parent / "demo_images"

# --- suggestions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSuggestion:
    title: str
    kind: str
    by: str
    backers: str
    description: str = ""
    group: str = ""  # fulfilled by this group...
    event: str = ""  # ...or by the group's first event with this title


S = DemoSuggestion
GROUP, SESSION = Suggestion.Kind.GROUP, Suggestion.Kind.SESSION
SUGGESTIONS = [
    S("A lunchtime choir", GROUP, "Gareth Lloyd",
      "Grace Adeyemi; Chloe Barraclough; Helen Marsh; Ewa Zielińska",
      "There are more singers here than you'd think. Half an hour at lunch, once a week?",
      group=CHOIR),
    S("Learn to edit phone videos", SESSION, "Amara Okafor",
      "Megan Firth; Oliver Dunne; Laura Greenwood; Jamal Campbell; Chloe Barraclough",
      "I want to show what residents do on video rather than in another report.",
      group=VIDEO, event="Session 2: cutting and captioning in a free app"),
    S("Sign language taster", SESSION, "Laura Greenwood",
      "Sam Lister; Hannah Brook; Halima Osman; Amara Okafor",
      "Enough BSL to greet a Deaf resident and know when to book an interpreter.",
      group=BSL, event="BSL taster: greetings and introductions"),
    S("Cycle to work buddies", GROUP, "Stuart Bell",
      "Craig Ellis; Marcus Thompson; Oliver Dunne; Ryan Holroyd",
      "Pair up new cycle commuters with someone who knows a quiet route in."),
    S("Photography walk", GROUP, "Aaliyah Mahmood",
      "Ben Stansfield; Callum Price; Pauline Whiteley; Lee Chapman",
      "A Saturday morning walk round the canal with our cameras (or phones)."),
    S("Lunchtime board games", GROUP, "Mei Chen",
      "Andrzej Wójcik; Ahmed Karimi; Sam Lister",
      "Something quick at lunch: Love Letter, Coup, Sushi Go. I'll bring them."),
]  # fmt: skip


# --- seeding --------------------------------------------------------------------------------


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(";") if name.strip()]


def this_monday(now: datetime | None = None) -> date:
    today = (now or timezone.now()).astimezone(LONDON).date()
    return today - timedelta(days=today.weekday())


def event_times(event: DemoEvent, monday: date) -> tuple[datetime, datetime]:
    day = monday + timedelta(weeks=event.week, days=event.day)
    starts = datetime.combine(day, time.fromisoformat(event.at), tzinfo=LONDON)
    return starts, starts + timedelta(minutes=event.minutes)


def _group_fields(spec: DemoGroup, organisations: dict[str, Organisation]) -> dict:
    return {
        "name": spec.name,
        "summary": spec.summary,
        "description": spec.description,
        "kind": spec.kind,
        "audience": spec.audience,
        "audience_organisation": organisations.get(spec.organisation),
        "join_policy": spec.join,
    }


def seed_group(spec: DemoGroup, people: dict[str, User], organisations) -> Group:
    fields = _group_fields(spec, organisations)
    group = Group.objects.filter(slug=spec.slug).first()
    if group is None:
        group = services.create_group(
            created_by=people[spec.organiser], tags=_names(spec.tags), **fields
        )
    elif any(getattr(group, name) != value for name, value in fields.items()):
        group = services.update_group(group=group, tags=_names(spec.tags), **fields)
    seed_members(group, spec, people)
    return group


def seed_members(group: Group, spec: DemoGroup, people: dict[str, User]) -> None:
    existing = {m.user_id: m for m in group.memberships.all()}
    for name in [spec.organiser, *_names(spec.co), *_names(spec.members)]:
        user = people[name]
        if user.pk in existing:
            continue
        membership = services.add_member(group=group, user=user)
        existing[user.pk] = membership
    for name in _names(spec.co):
        membership = existing[people[name].pk]
        if membership.role != Membership.Role.ORGANISER:
            services.set_role(membership=membership, role=Membership.Role.ORGANISER)
    for name, message in spec.pending:
        if people[name].pk not in existing:
            services.join_group(group=group, user=people[name], message=message)


def _attendees(spec: DemoEvent, group: DemoGroup, people: dict[str, User]) -> list[User]:
    teacher = group.organiser if spec.skill else None
    names = [group.organiser, *_names(group.co), *_names(group.members)]
    pool = [people[name] for name in names if name != teacher]
    shift = spec.rotate % len(pool)
    chosen = (pool[shift:] + pool[:shift])[: spec.going]
    if len(chosen) < spec.going:
        raise ValueError(f"{spec.title}: {spec.going} going but {len(pool)} members")
    return chosen


def seed_event(
    spec: DemoEvent, group: Group, group_spec: DemoGroup, people: dict[str, User], monday: date
) -> Event:
    starts, ends = event_times(spec, monday)
    event = Event.objects.filter(group=group, title=spec.title, starts_at=starts).first()
    organiser = people[group_spec.organiser]
    if event is None:
        event = services.create_event(
            group=group,
            created_by=organiser,
            title=spec.title,
            kind=spec.kind,
            description=spec.description,
            starts_at=starts,
            ends_at=ends,
            location=spec.place,
            online_url=TEAMS + spec.online if spec.online else "",
            capacity=spec.capacity,
            rsvp_deadline=starts - timedelta(days=spec.deadline) if spec.deadline else None,
            skill=find_skill(spec.skill) if spec.skill else None,
            teacher=organiser if spec.skill else None,
            guests_allowed=spec.guests,
            questions=list(spec.questions),
        )
    attendees = _attendees(spec, group_spec, people)
    if ends < timezone.now():
        # The service refuses replies to past events: these are the record of who came.
        RSVP.objects.bulk_create(
            [RSVP(event=event, user=user, status=RSVP.Status.GOING) for user in attendees],
            ignore_conflicts=True,
        )
    elif not event.is_cancelled:
        replied = set(event.rsvps.values_list("user_id", flat=True))
        for user in attendees:
            if user.pk not in replied:
                services.rsvp_to_event(event=event, user=user, going=True)
        if spec.cancelled:
            event = services.cancel_event(event=event)
    return event


def seed_series(
    spec: DemoSeries, group: Group, group_spec: DemoGroup, people: dict[str, User], monday: date
) -> EventSeries:
    """The series, its sessions, the replies to each (the past ones as a record of who came),
    one session cancelled and one moved, as organisers do."""
    first = spec.first
    starts, ends = event_times(first, monday)
    made = EventSeries.objects.filter(group=group, starts_at=starts).first()
    if made is not None:
        return made
    organiser = people[group_spec.organiser]
    made = series.create_series(
        group=group,
        created_by=organiser,
        frequency=spec.frequency,
        count=spec.count,
        title=first.title,
        kind=first.kind,
        description=first.description,
        starts_at=starts,
        ends_at=ends,
        location=first.place,
        capacity=first.capacity,
    )
    sessions = list(made.occurrences.order_by("starts_at"))
    now = timezone.now()
    for n, session in enumerate(sessions):
        going = _attendees(
            replace(first, rotate=3 * n, going=first.going - n % 3), group_spec, people
        )
        if session.ends_at < now:
            RSVP.objects.bulk_create(
                [RSVP(event=session, user=user, status=RSVP.Status.GOING) for user in going]
            )
        else:
            for user in going:
                services.rsvp_to_event(event=session, user=user, going=True)
    if spec.moved is not None:
        n, at, place = spec.moved
        session = sessions[n]
        moved = datetime.combine(
            session.starts_at.astimezone(LONDON).date(), time.fromisoformat(at), tzinfo=LONDON
        )
        series.change_one(
            event=session,
            starts_at=moved,
            ends_at=moved + (session.ends_at - session.starts_at),
            location=place,
        )
    if spec.cancelled is not None:
        n, reason = spec.cancelled
        services.cancel_event(event=sessions[n], reason=reason)
    return made


def seed_image(group: Group, filename: str, alt: str) -> None:
    if group.image:
        return
    with (IMAGE_FOLDER / filename).open("rb") as image:
        group.image.save(filename, File(image), save=False)
    group.image_alt = alt
    group.save(update_fields=["image", "image_alt"])


def seed_guest(event: Event, name: str, email: str) -> None:
    """A guest signed up and confirmed, as one does from the emailed link."""
    if event.guests.filter(email=email).exists():
        return
    guest = guests.sign_up_guest(event=event, name=name, email=email, answers={})
    guests.confirm_guest(guest=guest)


def seed_suggestion(spec: DemoSuggestion, people: dict[str, User], groups, events) -> Suggestion:
    suggestion = Suggestion.objects.filter(title=spec.title).order_by("pk").first()
    if suggestion is None:
        suggestion = services.suggest(
            created_by=people[spec.by],
            title=spec.title,
            kind=spec.kind,
            description=spec.description,
        )
    for name in _names(spec.backers):
        services.back_suggestion(suggestion=suggestion, user=people[name])
    if spec.group and suggestion.fulfilled_at is None:
        group = groups[spec.group]
        services.fulfil_suggestion(
            suggestion=suggestion,
            by=people[ORGANISERS[spec.group]],
            group=None if spec.event else group,
            event=events.get((spec.group, spec.event)),
        )
    return suggestion


def _people() -> dict[str, User]:
    """Everyone in the demo directory, by name."""
    emails = {person.email: person.name for person in profiles_demo.PROFILES}
    users = User.objects.filter(email__in=emails)
    return {emails[user.email]: user for user in users}


@transaction.atomic
def seed() -> list[Group]:
    """Seed the groups, events, RSVPs and suggestions; the people must already exist."""
    people = _people()
    organisations = {o.slug: o for o in Organisation.objects.all()}
    monday = this_monday()
    groups = {spec.name: seed_group(spec, people, organisations) for spec in GROUPS}
    specs = {spec.name: spec for spec in GROUPS}
    events = {}
    for spec in EVENTS:
        event = seed_event(spec, groups[spec.group], specs[spec.group], people, monday)
        events.setdefault((spec.group, spec.title), event)
    for spec in SERIES:
        made = seed_series(spec, groups[spec.first.group], specs[spec.first.group], people, monday)
        events.setdefault((spec.first.group, spec.first.title), made.occurrences.first())
    for name, (filename, alt) in IMAGES.items():
        seed_image(groups[name], filename, alt)
    for spec in SUGGESTIONS:
        seed_suggestion(spec, people, groups, events)
    for (group, title), name, email in GUESTS:
        seed_guest(events[(group, title)], name, email)
    return list(groups.values())
