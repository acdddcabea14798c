"""The demo discussions: an open debate about a more sociable city, and safe staff spaces.

Boards: the open discussion with residents and partners (public), a community space
(anyone signed in), the staff room where people try things out safely (staff of any
partner), a council-only board, and the boards of four OWLS groups (their members).
Threads are written by the demo people in the voice of the blog posts in ``seeds/``:
what would make the council more sociable, weeknotes, working in the open, Trojan mice,
practical staff-room questions and a resident asking whether they can join the choir.
Replies form trees, one of them deeper than the indentation goes; the staff room's
introductions thread is long enough to have pages. Some posts have reactions; the
moderation queue has open reports, one post is hidden by the moderator, and the
community member's first post waits for approval.

``sociable.demo`` creates the people and groups, then calls ``seed()``.
Idempotent: boards are found by slug, threads by (board, title); a thread's posts are
written only when the thread is new, and are found again by their sequence number;
reactions, reports, follows and moderator actions are only added when missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from groups import demo as groups_demo
from groups.models import Group
from profiles import demo as profiles_demo
from sociable.accounts.models import Organisation, User
from sociable.audience import Audience
from sociable.notifications.models import Notification

from . import services
from .models import Board, Post, Reaction, ReadMarker, Report, Thread

A = Audience
MODERATOR = "Priya Shah"  # the demo moderator (in the Moderators group, with two-factor)

# --- boards ---------------------------------------------------------------------------------

OPEN = "open-discussion"
COMMUNITY = "community-space"
STAFF_ROOM = "staff-room"
COUNCIL = "council-only"


@dataclass(frozen=True)
class DemoBoard:
    slug: str
    name: str
    description: str
    audience: str
    organisation: str = ""  # slug, for the one-organisation audience
    group: str = ""  # name of the group whose board this is


B = DemoBoard
BOARDS = [
    B(OPEN, "Open discussion: a more sociable city",
      "The open debate with residents, partners and staff: how could the council, the NHS "
      "and all of us be more sociable? Anyone can read it.", A.PUBLIC),
    B(COMMUNITY, "Community space",
      "For anyone signed in, residents and partners included: ask, share and help each "
      "other.", A.COMMUNITY),
    B(STAFF_ROOM, "Staff room: try things out safely",
      "Only staff of the partnership can read this board. Ask the questions you'd rather "
      "not ask in the open, introduce yourself, and try the forum out.", A.STAFF),
    B(COUNCIL, "Council only",
      "Kirkfield City Council staff only: our own services, buildings and plans.",
      A.ORGANISATION, organisation="kirkfield-council"),
    B("lunchtime-choir", groups_demo.CHOIR,
      "Parts, practice and who's bringing the biscuits.", A.MEMBERS,
      group=groups_demo.CHOIR),
    B("foster-carers-circle", groups_demo.FOSTER,
      "Between the coffee mornings: what stays in the circle stays in the circle.",
      A.MEMBERS, group=groups_demo.FOSTER),
    B("phone-video-workshop", groups_demo.VIDEO,
      "Questions between the sessions, and your finished videos.", A.MEMBERS,
      group=groups_demo.VIDEO),
    B("blogging-club", groups_demo.BLOG,
      "Share a draft here before anyone else reads it.", A.MEMBERS, group=groups_demo.BLOG),
]  # fmt: skip

# --- threads --------------------------------------------------------------------------------

# A thread is its opening post and replies, in the order they are written: each reply is
# (the index of the post it answers, or None for the thread itself; who; what they wrote).


@dataclass(frozen=True)
class DemoThread:
    board: str
    title: str
    days_ago: float  # when the opening post was written; replies follow over the days since
    posts: tuple[tuple[int | None, str, str], ...]
    tags: str = ""
    pinned: str = ""  # the moderator's reason, when the thread is pinned
    locked: str = ""  # the moderator's reason, when the thread is locked
    pending: tuple[tuple[int | None, str, str], ...] = ()  # first posts waiting for approval


SOCIABLE = "What would make the council more sociable?"
WORKING_OPEN = "Working in the open — where do we start?"
TROJAN_MICE = "Trojan mice: small experiments"
CHOIR_QUESTION = "Can residents join the choir?"
GETTING_ONLINE = "Where can residents get help getting online?"
VOLUNTEERS = "Volunteers' Week: how should we say thank you?"
INTRODUCTIONS = "Who's sitting next to you? Introduce yourself"
TEAMS_ROOM = "How do I get a Teams room for a lunchtime group?"
WEEKNOTES = "Weeknotes: are you writing them?"
FIRST_TIME = "First time posting: is this the right place?"
CIVIC = "Civic enterprise: what does it mean for our service?"
DESK_MOVES = "Desk moves on floor 2 of Merrion House"
VA_PENSIERO = "Va, pensiero: practise your part at home"
RESPITE = "Respite at the weekend: who do you call?"
CAPTIONS = "Which free app are you using for captions?"
FIRST_WEEKNOTE = "Draft: my first weeknote (be kind)"

T = DemoThread
THREADS = [
    T(OPEN, SOCIABLE, 24, (
        (None, "Helen Marsh",
         "I've worked for the council a long time and I sense this wind of change is "
         "different. We talk about *civic enterprise* and a new social contract, and to be "
         "honest I've struggled to explain it, inside or out.\n\nSo here is a simpler "
         "question, for residents, partners and staff alike: **what would make the council "
         "more sociable?** Not a strategy or a road map: small things you would notice.\n\n"
         "This board is open to everyone. Please join in, and be kind."),
        (0, "Bilal Rashid",
         "Answer the phone? Only half joking. At the Harehills residents' forum the thing "
         "people say most is that they never know who to talk to. A name and a face for each "
         "area would go a long way."),
        (1, "Gareth Lloyd",
         "That's fair. In housing we've started putting the patch officer's name and photo on "
         "the estate noticeboards. Small thing, but tenants ring me directly now, which is "
         "the point."),
        (2, "Bilal Rashid", "Is that on every estate? I haven't seen it on ours."),
        (3, "Gareth Lloyd",
         "Not yet: three estates so far. I'll take Harehills back to the team. Tell me which "
         "blocks and I'll ask for those first."),
        (4, "Amara Okafor",
         "Harehills is my patch on the neighbourhood side, so I can help. @gareth-lloyd, "
         "shall we walk it together next week?"),
        (5, "Gareth Lloyd", "Yes please. Tuesday morning, 10 o'clock at the library?"),
        (6, "Bilal Rashid",
         "Tuesday works for me too, if residents are welcome on the walk. I'll bring two "
         "people from the forum."),
        (7, "Amara Okafor", "Residents are exactly who we want on the walk. See you there."),
        (0, "Siobhan Byrne",
         "From district nursing: we go into hundreds of homes a week. Being sociable, for us, "
         "would mean **talking to each other** across the partnership before we talk to the "
         "same family three times:\n\n- one named contact for a family\n- knowing which "
         "council officer covers which street\n- a place like this to ask"),
        (9, "Kwame Mensah",
         "Voluntary sector here: yes to all three. Half the groups we support don't know the "
         "council has a neighbourhood team at all."),
        (None, "Dave Robinson",
         "Sociable? I've waited three weeks for a call back about my bins. Maybe spend less "
         "time on forums and more time answering the phone."),
        (11, "Helen Marsh",
         "That's a fair challenge, Dave, and it's what Bilal said too: people want to reach a "
         "person. Send me your reference number in a message and I'll chase it, then tell "
         "this thread what got in the way."),
        (12, "Dave Robinson", "Fair enough. Sent. Bins were emptied this morning, for the record."),
    ), tags="sociable organisation; civic enterprise", pinned="Start here: the big question.",
      pending=(
        (0, "Jordan Reid",
         "I chair the Beckett Park Residents' Association. Would you hold one of these "
         "conversations in a community centre as well as online? Plenty of our members aren't "
         "on the internet."),
    )),
    T(OPEN, WORKING_OPEN, 18, (
        (None, "Laura Greenwood",
         "Across the partnership there's a real appetite for **working in the open**: sharing "
         "what we're doing with each other and with residents. But where do you actually "
         "start? Three ideas from our team:\n\n1. write weeknotes: a few lines every Friday\n"
         "2. put the problem on this board before you've solved it\n3. invite residents to "
         "the show-and-tell\n\nWhat has worked for you?"),
        (0, "Tendai Moyo",
         "In patient experience we publish \"you said, we did\" every month, including the "
         "things we couldn't do and why. It's scary the first time."),
        (0, "Halima Osman",
         "Start with the people who aren't online. Working in the open isn't only a website: "
         "we pin printed weeknotes on the Hub noticeboard."),
        (2, "Pauline Whiteley",
         "I read those on the noticeboard! I didn't know they were called weeknotes."),
        (1, "Hamza Siddiqui",
         "> It's scary the first time.\n\nIt gets less scary. In quality improvement we say: "
         "share the run chart even when the line goes the wrong way."),
        (None, "Marcus Thompson",
         "From the funding side: we share drafts of our bids with the groups they are for, "
         "before they go in. The bids got better, and nobody is surprised by what we "
         "promised on their behalf."),
        (None, "Joanne Kershaw",
         "The 21st Century Public Servant researchers say there's no single blueprint: each "
         "place has to work out what it means *for here*. That's what this thread is doing. "
         "If you want to try weeknotes, the [Blogging Club](/groups/blogging-club/) will "
         "read your first one."),
    ), tags="working in the open; weeknotes"),
    T(OPEN, TROJAN_MICE, 15, (
        (None, "Stuart Bell",
         "> This in itself is a pilot (Trojan mouse) to encourage and see how we might work "
         "together across departments on something that actually doesn't have a project plan, "
         "as sometimes they just smother creativity.\n\nI manage projects for a living, and I "
         "think that's right. A *Trojan mouse* is a small, cheap experiment you let loose to "
         "see what happens, instead of a big programme everyone has to sign off.\n\nWhat small "
         "experiments are you running, or would you like to?"),
        (0, "Laura Greenwood",
         "We're trying a meeting-free Wednesday morning in digital for six weeks. I'll report "
         "back here."),
        (1, "Mei Chen",
         "How will you know if it worked? Happy to help you measure something simple."),
        (2, "Laura Greenwood", "Honestly, we were going to ask people how it felt. What would you "
                               "measure?"),
        (3, "Mei Chen",
         "Keep the feeling question! Add one number: hours of meetings in diaries on Wednesday "
         "mornings, before and after. Two data points beat none."),
        (4, "Laura Greenwood",
         "Done. Week one: 31 hours before, 6 after. Nobody has complained yet."),
        (None, "Callum Price",
         "Mine is the phone video workshop: three lunchtimes, no budget, one phone each. "
         "Sixteen people signed up in a week."),
        (6, "Chloe Barraclough",
         "And it's open to the voluntary sector, which is why I'm in it. More mice like that "
         "please."),
    ), tags="trojan mice; experiments"),
    T(OPEN, CHOIR_QUESTION, 9, (
        (None, "Pauline Whiteley",
         "I heard the Lunchtime Choir singing in the Civic Hall last Wednesday. Lovely. Can "
         "residents join, or is it only for staff?"),
        (0, "Eleanor Sutcliffe",
         "Yes! The choir is open to anyone signed in to Sociable, staff or not. We meet on "
         "**Wednesdays at 12.30** in committee room 2 at the Civic Hall. No auditions, no "
         "reading music. [Join the group](/groups/kirkfield-lunchtime-choir/) and you'll see "
         "the dates."),
        (1, "Dave Robinson",
         "Can confirm: I can't read a note and they still let me in. Bring a bottle of water."),
        (1, "Pauline Whiteley", "Wonderful, thank you. I'll come on Wednesday."),
        (3, "Gareth Lloyd", "See you there. We're learning *Va, pensiero* in English this week."),
    ), tags="choir"),
    T(COMMUNITY, GETTING_ONLINE, 12, (
        (None, "Halima Osman",
         "I'm the digital inclusion officer at Voluntary Action. Residents ask us every week "
         "where they can get help with a phone, a tablet or an online form. What I know of:\n\n"
         "- **Central Library**: free drop-in, Tuesdays 10 till 12\n- **Community Hub, "
         "Chapeltown Road**: one-to-one sessions, book at the front desk\n\nWhat have I "
         "missed?"),
        (0, "Hannah Brook",
         "The library also lends tablets with data for four weeks. Ask at the desk: you only "
         "need your library card."),
        (0, "Pauline Whiteley",
         "My neighbour Mrs Ellis at 14 Harehills Lane really needs this, her number is "
         "07700 900123. Could someone ring her?"),
        (None, "Dave Robinson",
         "Tell you what helps: my mate's computer shop on Roundhay Road. 10% off for anyone "
         "on here, ring Roundhay Computers on 07700 900456!!"),
        (1, "Jamal Campbell",
         "Our youth club runs \"teach your gran\" evenings: the young people show residents "
         "how to video call. Thursdays at the Hub."),
        (None, "Priya Shah",
         "Thank you, all. @halima-osman, could we turn this thread into a printed list for the "
         "Hub and the library?"),
        (5, "Halima Osman", "Yes: I'll draft it this week and share it here first."),
    ), tags="digital inclusion"),
    T(COMMUNITY, VOLUNTEERS, 6, (
        (None, "Priya Shah",
         "Volunteers' Week is in June. Last year we did certificates, which nobody kept. How "
         "would *you* like to be thanked, if you volunteer?"),
        (0, "Pauline Whiteley",
         "A cup of tea with the people whose park I pick litter in. Honestly that's it."),
        (0, "Bilal Rashid", "Being asked what we think, and then told what happened next."),
        (2, "Marcus Thompson",
         "That's the best answer in this thread. Could the residents' forums do a \"you said, "
         "we did\" for volunteers?"),
        (None, "Chloe Barraclough",
         "Training counts as a thank you too: we can open our first aid course to volunteers."),
    )),
    # The introductions thread (the long one) is written by ``introductions()``.
    T(STAFF_ROOM, TEAMS_ROOM, 11, (
        (None, "Sam Lister",
         "I'm an apprentice in customer access. I'd like to start a lunchtime knitting group "
         "online, for people in other buildings. How do I get a Teams link that stays the "
         "same every week? I didn't want to ask IT something daft."),
        (0, "Helen Marsh",
         "Not daft at all. In Outlook:\n\n1. choose **New Teams meeting**\n2. make it "
         "**recurring**, weekly\n3. paste the link into your group on Sociable as its online "
         "link\n\nThe link stays the same for every meeting in the series."),
        (1, "Sam Lister", "That worked, thank you! Can people outside the council get in?"),
        (2, "Helen Marsh",
         "Yes: they wait in the lobby until someone in the meeting lets them in. NHS "
         "colleagues join from their own Teams."),
        (3, "Megan Firth", "Confirming from the trust side: it works, we sit in the lobby for "
                           "a few seconds."),
        (None, "Gareth Lloyd", "Paned a Sgwrs uses exactly this. Copy ours, Sam."),
    ), tags="microsoft teams; how to"),
    T(STAFF_ROOM, WEEKNOTES, 20, (
        (None, "Nadia Rahman",
         "A few of us in the Blogging Club have started writing **weeknotes**: a few lines "
         "every Friday about what we did, what we learned and what's next. Lots of councils' "
         "digital teams do it.\n\nAre you writing them? If not, what's stopping you?"),
        (0, "Imran Akhtar",
         "What's stopping me: I'm not sure what I'm allowed to say. Half my work is in draft "
         "and some of it is sensitive."),
        (1, "Nadia Rahman",
         "Rule of thumb: write about *how* you work, not the confidential *what*. \"Spent "
         "Tuesday untangling a messy dataset with @mei-chen, learned three things about Power "
         "Query\" is a great weeknote."),
        (2, "Mei Chen", "Happy to be in a weeknote. The three things were mostly swearing."),
        (3, "Imran Akhtar", "Ha. OK: first one this Friday."),
        (4, "Nadia Rahman",
         "I'll read it before anyone else does, if you like. That's what the club is for."),
        (0, "Deborah Haigh",
         "I write a fortnightly note to the nursing directorate. Does that count?"),
        (6, "Tendai Moyo", "It counts! Could you share the non-clinical parts more widely?"),
        (None, "Ewa Zielińska", "Sorry, what is a weeknote exactly?"),
        (8, "Megan Firth",
         "Not a daft question! Three short answers, every Friday:\n\n- what did I do?\n"
         "- what did I learn?\n- what's next?\n\nThat's all. Five minutes on your phone."),
    ), tags="weeknotes; working in the open"),
    T(STAFF_ROOM, FIRST_TIME, 4, (
        (None, "Ewa Zielińska",
         "Hello. I'm a healthcare assistant on Ward 24. I don't use a computer at work, I'm "
         "on my phone on my break. Is this the right place to ask about the choir?"),
        (0, "Grace Adeyemi",
         "It is, and well done for posting! You're already in the choir group, so you can "
         "also use the choir's own board: only members see it."),
        (0, "Tom Whitaker",
         "Welcome! The staff room is staff only, so it's a safe place to try things. You "
         "can't break anything."),
        (2, "Ewa Zielińska", "Thank you. I pressed Preview first to check it looked right."),
    )),
    T(COUNCIL, CIVIC, 21, (
        (None, "Joanne Kershaw",
         "Ninety of our most senior staff met last month to talk about the \"sociable "
         "organisation\". It isn't a new plan in disguise: no strategy, no road map, no "
         "blueprint.\n\nSo I'd like to hear from the rest of us: what does *civic "
         "enterprise* mean for your service?"),
        (0, "Paul Hirst",
         "In adult social care it means working *with* families and the voluntary sector "
         "rather than for them. We've done strengths-based conversations for years; we just "
         "never called it civic enterprise."),
        (1, "Ryan Holroyd",
         "The HR angle: letting people spend an hour a month on an OWLS group without filling "
         "in a form."),
        (2, "Michael Carr",
         "As long as someone can tell me what it costs! Seriously: an hour a month of "
         "everyone's time is a real number."),
        (3, "Ryan Holroyd",
         "Fair. We'll measure it: hours used against sickness and turnover in the teams that "
         "use it, and report back here."),
        (4, "Michael Carr", "Then you have my support. I'll even come to the choir."),
        (None, "Chris Walsh",
         "Councillors are asking the same question. Could we run a session for members?"),
    ), tags="civic enterprise"),
    T(COUNCIL, DESK_MOVES, 27, (
        (None, "Agnieszka Nowak",
         "Housing are moving to the east side of floor 2 on the 14th. If you sit by the "
         "windows, your pedestal will be moved for you: please empty it by Thursday."),
        (0, "Fatima Hussain", "Will adult social care keep the quiet room?"),
        (1, "Agnieszka Nowak", "Yes: the quiet room stays where it is."),
    ), locked="The move is done: thank you, everyone."),
    T("lunchtime-choir", VA_PENSIERO, 8, (
        (None, "Eleanor Sutcliffe",
         "Recordings of each part for **Va, pensiero** are on the shared drive. This week:\n\n"
         "- sopranos: bars 1 to 24\n- altos: the bit after the key change\n- tenors and "
         "basses: just the opening, slowly\n\nDon't worry about the Italian: we're singing it "
         "in English."),
        (0, "Gareth Lloyd", "Basses were only two strong last week. Anyone tempted?"),
        (1, "Chris Walsh", "I'll have a go at bass if someone stands next to me."),
        (2, "Gareth Lloyd", "Deal."),
        (0, "Ewa Zielińska", "Can I record the rehearsal on my phone to practise?"),
        (4, "Eleanor Sutcliffe", "Of course: just tell people before you start."),
    ), tags="choir"),
    T("foster-carers-circle", RESPITE, 14, (
        (None, "Fatima Hussain",
         "A question from last month's coffee: when you need respite at short notice at a "
         "weekend, who actually picks up? Let's pool what we know (no children's names, "
         "please)."),
        (0, "Shazia Begum",
         "The out-of-hours team first, then the placement team on Monday. The out-of-hours "
         "number is on the back of the placement plan."),
        (1, "Kwame Mensah",
         "Some of the groups we support run Saturday clubs that foster children can join: "
         "that can be respite too. I'll bring the list."),
        (None, "Paul Hirst",
         "As a foster carer and a social worker: I keep a short list of three other carers I "
         "trust. Happy to explain how that works over coffee."),
        (3, "Siobhan Byrne", "Yes please. At the next coffee and catch-up?"),
    ), tags="fostering"),
    T("phone-video-workshop", CAPTIONS, 10, (
        (None, "Callum Price",
         "Before session 2, install one free editing app. Any app that can **cut, add text "
         "and export at 1080p** is fine. Which one are you using?"),
        (0, "Amara Okafor", "I've got the one that came with my phone. Can it do captions "
                            "automatically?"),
        (1, "Callum Price",
         "Mine can, but check them: it heard \"Lincoln Green\" as \"linking green\". "
         "@amara-okafor, bring your estate clips and we'll caption yours as the example."),
        (2, "Amara Okafor", "Deal! The residents have said yes to being filmed."),
        (None, "Oliver Dunne", "Android here: the free app was fine for session 1."),
        (None, "Ben Stansfield",
         "Tip: film in landscape if it's for a screen, portrait if it's for social media. "
         "Decide before you press record."),
    ), tags="video editing"),
    T("blogging-club", FIRST_WEEKNOTE, 5, (
        (None, "Amara Okafor",
         "Here goes. Comments welcome before I post it anywhere.\n\n> **Weeknote 1.** This "
         "week I walked the Lincoln Green estate with residents, filmed 40 seconds of the "
         "community garden on my phone, and learned that nobody reads the noticeboard by the "
         "lifts. Next week: editing."),
        (0, "Nadia Rahman",
         "This is lovely. One suggestion: say what you'll do about the noticeboard. That's "
         "the bit people will remember."),
        (1, "Amara Okafor", "Good point: I'll ask residents where they *do* look."),
        (None, "Tendai Moyo", "Forty seconds is the perfect length. Post it!"),
        (3, "Joanne Kershaw",
         "Agreed. @nadia-rahman, can we read it together at the next Blogging Club?"),
    ), tags="weeknotes; blogging"),
]  # fmt: skip

# --- the long thread: everyone in the staff room introduces themselves -----------------------

INTRODUCTIONS_BY = "Joanne Kershaw"
INTRODUCTIONS_OPENING = (
    "This morning I spoke to an opera singer, a foster carer, a family historian and the "
    "founder of one of the biggest social networks in the city, without leaving my desk. "
    "They all work in the same office.\n\n**Who's sitting next to you?** Say hello: what you "
    "do, where you are, and what you could teach or would love to learn."
)
WELCOMES = [
    "Welcome, {first}! Good to have you here.",
    "Hello {first}, lovely to meet you (virtually).",
    "Welcome aboard, {first}. Come and find us at lunch.",
    "Hi {first}! Thanks for saying hello.",
    "Great to see you here, {first}.",
    "Welcome, {first}: I think we've been in the same meeting and never spoken!",
]


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(";") if item.strip()]


def introductions() -> DemoThread:
    """The long staff-room thread, written from the profiles (deterministic)."""
    partners = {profiles_demo.COUNCIL, profiles_demo.KTH, profiles_demo.KCH, profiles_demo.VA}
    staff = [
        p for p in profiles_demo.PROFILES
        if p.domain in partners and p.email != profiles_demo.LEAVER[0]
    ]  # fmt: skip
    learners: dict[str, list[str]] = {}
    for person in staff:
        for skill in _items(person.learn):
            learners.setdefault(skill, []).append(person.name)
    posts: list[tuple[int | None, str, str]] = [(None, INTRODUCTIONS_BY, INTRODUCTIONS_OPENING)]
    speakers = [p for p in staff if p.name != INTRODUCTIONS_BY]
    for n, person in enumerate(speakers):
        first = person.name.split()[0]
        body = f"Hello, I'm {first}: {_first_lower(person.job_title)}, {person.team}, at "
        body += f"{person.place}."
        if person.teach:
            body += f" I can teach **{_items(person.teach)[0]}**, if anyone wants to learn."
        if person.learn:
            body += f" I'd love to learn {_items(person.learn)[0]}."
        if person.ask_me_about:
            body += f"\n\nAsk me about: {person.ask_me_about}."
        posts.append((None, person.name, body))
        intro = len(posts) - 1
        wanting = [
            (skill, name) for skill in _items(person.teach)
            for name in learners.get(skill, []) if name != person.name
        ]  # fmt: skip
        if wanting:
            skill, learner = wanting[n % len(wanting)]
            asks = f"I've been wanting to learn {skill}! Could I find you for a coffee, {first}?"
            posts.append((intro, learner, asks))
            answer = f"Of course: I'm at {person.place}. Send me a message and we'll fix a time."
            posts.append((len(posts) - 1, person.name, answer))
        else:
            welcomer = speakers[(n * 7 + 3) % len(speakers)]
            if welcomer.name == person.name:
                welcomer = speakers[(n + 1) % len(speakers)]
            posts.append((intro, welcomer.name, WELCOMES[n % len(WELCOMES)].format(first=first)))
    return DemoThread(
        STAFF_ROOM,
        INTRODUCTIONS,
        26,
        tuple(posts),
        tags="introductions",
        pinned="Start here: say hello.",
    )


# --- what people did with the posts -----------------------------------------------------------

THANKS, HELPFUL = Reaction.Kind.THANKS, Reaction.Kind.HELPFUL
# (thread, post index, who, kind)
REACTIONS = [
    (SOCIABLE, 0, "Gareth Lloyd; Siobhan Byrne; Kwame Mensah; Bilal Rashid; Laura Greenwood",
     THANKS),
    (SOCIABLE, 2, "Bilal Rashid; Amara Okafor; Pauline Whiteley", HELPFUL),
    (SOCIABLE, 9, "Kwame Mensah; Helen Marsh; Tendai Moyo; Yasmin Iqbal", HELPFUL),
    (SOCIABLE, 12, "Dave Robinson; Bilal Rashid", THANKS),
    (WORKING_OPEN, 0, "Nadia Rahman; Tendai Moyo; Stuart Bell", THANKS),
    (WORKING_OPEN, 4, "Tendai Moyo; Laura Greenwood", HELPFUL),
    (TROJAN_MICE, 4, "Laura Greenwood; Stuart Bell; Imran Akhtar", HELPFUL),
    (CHOIR_QUESTION, 1, "Pauline Whiteley; Dave Robinson", THANKS),
    (GETTING_ONLINE, 1, "Halima Osman; Pauline Whiteley; Priya Shah", HELPFUL),
    (TEAMS_ROOM, 1, "Sam Lister; Gareth Lloyd; Rachel Moorhouse; Megan Firth", HELPFUL),
    (TEAMS_ROOM, 1, "Sam Lister", THANKS),
    (WEEKNOTES, 2, "Imran Akhtar; Tendai Moyo; Megan Firth", HELPFUL),
    (WEEKNOTES, 9, "Ewa Zielińska", THANKS),
    (FIRST_TIME, 0, "Grace Adeyemi; Tom Whitaker; Eleanor Sutcliffe", THANKS),
    (CIVIC, 4, "Michael Carr; Joanne Kershaw", HELPFUL),
    (RESPITE, 1, "Fatima Hussain; Paul Hirst", HELPFUL),
    (CAPTIONS, 2, "Amara Okafor; Megan Firth", HELPFUL),
    (FIRST_WEEKNOTE, 0, "Nadia Rahman; Tendai Moyo; Joanne Kershaw; Megan Firth", THANKS),
    (INTRODUCTIONS, 0, "Eleanor Sutcliffe; Callum Price; Tom Whitaker; Amara Okafor", THANKS),
]  # fmt: skip
# (thread, post index, who reports it, reason, details): open in the moderation queue
REPORTS = [
    (GETTING_ONLINE, 3, "Kwame Mensah", Report.Reason.SPAM, "Advertising a shop."),
    (GETTING_ONLINE, 3, "Hannah Brook", Report.Reason.SPAM, ""),
    (SOCIABLE, 11, "Chris Walsh", Report.Reason.ABUSIVE,
     "A bit rude about staff? Probably fine, but could someone look."),
    (VOLUNTEERS, 4, "Pauline Whiteley", Report.Reason.OFF_TOPIC,
     "This is about training, not about saying thank you."),
]  # fmt: skip
# (thread, post index, who reports it first, reason, the moderator's reason for hiding it)
HIDDEN = [
    (GETTING_ONLINE, 2, "Halima Osman", Report.Reason.PERSONAL_DATA,
     "This post shared a neighbour's name, address and phone number. Please ask a volunteer "
     "coordinator to get in touch instead."),
]  # fmt: skip
# (who, board slug) following a whole board; authors already follow their threads.
FOLLOWS = [
    ("Amara Okafor", OPEN),
    ("Helen Marsh", OPEN),
    ("Tom Whitaker", STAFF_ROOM),
    ("Priya Shah", COMMUNITY),
    ("Callum Price", "phone-video-workshop"),
    ("Jordan Reid", OPEN),
]
# (who, thread): read up to the latest post, so only newer activity shows "New".
READ = [
    ("Amara Okafor", INTRODUCTIONS),
    ("Amara Okafor", WORKING_OPEN),
    ("Amara Okafor", FIRST_WEEKNOTE),
    ("Tom Whitaker", INTRODUCTIONS),
    ("Tom Whitaker", FIRST_TIME),
]

# --- seeding --------------------------------------------------------------------------------

SEEDING = {
    "FORUMS_POSTS_PER_10_MINUTES": 100_000,
    "FORUMS_NEW_MEMBER_POSTS_PER_10_MINUTES": 100_000,
    "FORUMS_APPROVE_FIRST_POSTS": 0,
}


@dataclass
class _Seeder:
    people: dict[str, User]
    boards: dict[str, Board] = field(default_factory=dict)
    threads: dict[str, Thread] = field(default_factory=dict)
    posts: dict[str, dict[int, Post]] = field(default_factory=dict)  # by thread, by index
    _sees: dict[tuple[int, int], bool] = field(default_factory=dict)

    def can_see(self, board: Board, user: User) -> bool:
        key = (board.pk, user.pk)
        if key not in self._sees:
            self._sees[key] = Board.objects.visible_to(user).filter(pk=board.pk).exists()
        return self._sees[key]

    def person(self, name: str, board: Board) -> User:
        user = self.people[name]
        if not self.can_see(board, user):
            raise ValueError(f"{name} cannot see the board {board.slug}")
        return user

    def seed_board(self, spec: DemoBoard, position: int) -> Board:
        group = Group.objects.get(name=spec.group) if spec.group else None
        organisation = (
            Organisation.objects.get(slug=spec.organisation) if spec.organisation else None
        )
        if group is not None:  # the board made with the group takes the demo's name
            Board.objects.filter(group=group).exclude(slug=spec.slug).update(slug=spec.slug)
        board, _ = Board.objects.update_or_create(slug=spec.slug, defaults={
            "name": spec.name, "description": spec.description, "audience": spec.audience,
            "audience_organisation": organisation, "group": group, "position": position,
        })  # fmt: skip
        self.boards[spec.slug] = board
        return board

    def seed_thread(self, spec: DemoThread, now: datetime) -> Thread:
        board = self.boards[spec.board]
        thread = Thread.objects.filter(board=board, title=spec.title).first()
        if thread is None:
            thread = self._write(spec, board, now)
        self.threads[spec.title] = thread
        by_seq = {int(p.path.rsplit(".", 1)[-1]): p for p in thread.posts.all()}
        self.posts[spec.title] = {seq - 1: post for seq, post in by_seq.items()}
        return thread

    def _write(self, spec: DemoThread, board: Board, now: datetime) -> Thread:
        _, opener, opening = spec.posts[0]
        thread, post = services.start_thread(
            board=board, author=self.person(opener, board), title=spec.title,
            body=opening, tags=_items(spec.tags),
        )  # fmt: skip
        written = [post]
        for to, who, body in spec.posts[1:]:
            parent = written[to] if to is not None else None
            written.append(
                services.reply(
                    thread=thread, author=self.person(who, board), body=body, parent=parent
                )
            )
        with override_settings(FORUMS_APPROVE_FIRST_POSTS=1):
            for to, who, body in spec.pending:
                parent = written[to] if to is not None else None
                written.append(
                    services.reply(
                        thread=thread, author=self.person(who, board), body=body, parent=parent
                    )
                )
        # Spread the posts over the days since the thread started, deterministically.
        start = now - timedelta(days=spec.days_ago)
        span = timedelta(days=spec.days_ago * 0.8)
        weights = [1 + (i * 7) % 5 for i in range(len(written))]
        elapsed = timedelta(0)
        for post, weight in zip(written, weights, strict=True):
            post.created_at = _in_the_day(start + elapsed, now)
            elapsed += span * weight / sum(weights)
        Post.objects.bulk_update(written, ["created_at"])
        published = [p.created_at for p in written if p.status == Post.Status.PUBLISHED]
        Thread.objects.filter(pk=thread.pk).update(
            created_at=written[0].created_at, last_activity_at=max(published)
        )
        moderator = self.people[MODERATOR]
        if spec.pinned:
            services.set_thread_flag(
                thread=thread, moderator=moderator, flag="is_pinned", on=True, reason=spec.pinned
            )
        if spec.locked:
            services.set_thread_flag(
                thread=thread, moderator=moderator, flag="is_locked", on=True, reason=spec.locked
            )
        thread.refresh_from_db()
        return thread

    def post(self, title: str, index: int) -> Post:
        return self.posts[title][index]

    def seed_reactions(self) -> None:
        for title, index, names, kind in REACTIONS:
            post = self.post(title, index)
            board = self.threads[title].board
            reacted = set(
                Reaction.objects.filter(post=post, kind=kind).values_list("user_id", flat=True)
            )
            for name in _items(names):
                user = self.person(name, board)
                if user.pk not in reacted:
                    services.react(post=post, user=user, kind=kind)

    def seed_moderation(self, now: datetime) -> None:
        moderator = self.people[MODERATOR]
        for title, index, who, reason, details in REPORTS:
            post = self.post(title, index)
            report = services.report_post(
                post=post,
                reporter=self.person(who, post.thread.board),
                reason=reason,
                details=details,
            )
            # Reported a few hours after it was written (the same time on every run).
            Report.objects.filter(pk=report.pk).update(
                created_at=min(post.created_at + timedelta(hours=3), now)
            )
        for title, index, who, reason, why in HIDDEN:
            post = self.post(title, index)
            services.report_post(
                post=post, reporter=self.person(who, post.thread.board), reason=reason
            )
            if not post.hidden_at:
                services.hide_post(post=post, moderator=moderator, reason=why)

    def seed_follows_and_reading(self) -> None:
        for name, slug in FOLLOWS:
            board = self.boards[slug]
            services.follow(user=self.person(name, board), board=board)
        for name, title in READ:
            thread = self.threads[title]
            ReadMarker.objects.update_or_create(
                user=self.person(name, thread.board), thread=thread,
                defaults={"read_at": thread.last_activity_at},
            )  # fmt: skip


def _in_the_day(moment: datetime, now: datetime) -> datetime:
    """Move ``moment`` into the waking hours (08.00 to 20.00 UK time) of its day."""
    local = timezone.localtime(moment, groups_demo.LONDON)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return min(midnight + timedelta(hours=8) + (local - midnight) / 2, now)


def _people() -> dict[str, User]:
    emails = {p.email: p.name for p in profiles_demo.PROFILES}
    return {emails[u.email]: u for u in User.objects.filter(email__in=emails)}


@transaction.atomic
def seed() -> list[Board]:
    """Seed the boards, threads, posts and moderation queue; people and groups must exist."""
    now = timezone.now()
    seeder = _Seeder(people=_people())
    with override_settings(**SEEDING):
        for position, spec in enumerate(BOARDS):
            seeder.seed_board(spec, position)
        for spec in [*THREADS, introductions()]:
            seeder.seed_thread(spec, now)
        seeder.seed_reactions()
        seeder.seed_moderation(now)
        seeder.seed_follows_and_reading()
    return list(seeder.boards.values())


def date_post_notifications() -> None:
    """Give the demo's notifications about posts the post's own time (they were delivered
    at seeding, all at once)."""
    about_posts = list(Notification.objects.filter(key__startswith="post:"))
    posted = dict(
        Post.objects.filter(pk__in={int(n.key.split(":")[1]) for n in about_posts}).values_list(
            "pk", "created_at"
        )
    )
    for notification in about_posts:
        notification.created_at = posted.get(int(notification.key.split(":")[1]), timezone.now())
    Notification.objects.bulk_update(about_posts, ["created_at"])
