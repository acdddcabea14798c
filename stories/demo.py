"""The demo's stories: the digital team's weeknotes, a guest post, the choir's story.

The council's digital team (Laura Greenwood, Stuart Bell and Helen Marsh) write weeknotes
in turn, every Friday, in the open; Halima Osman of Voluntary Action proposed a guest
weeknote to their series and the demo's story editor, Priya Shah (the moderator), published
it. Eleanor Sutcliffe tells how the lunchtime choir began, with drawings of a rehearsal.
Deborah Haigh's day with the district nurses is for staff only; Callum Price's film of the
bin crews is scheduled for later this week; Jordan Reid's story waits in the editors' queue;
and Amara Okafor (the README's first sign-in) has a draft. Amara follows the weeknotes, so
her home and bell carry them.

``sociable.demo`` creates the people, groups and forums first, then calls ``seed()``.
Idempotent: the series is found by its title, each story by its title and writer; a story's
comments are written only while it has none. Stories are published through the services
and then moved back to their day by hand, as nobody may publish in the past; the pictures
in ``demo_images/`` were drawn for the demo (ours, free to use).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.contrib.auth.models import Group as Role
from django.core.files import File
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from forums import demo as forums_demo
from forums import services as forum_services
from forums.models import Post, Thread
from groups import demo as groups_demo
from groups.models import Group
from profiles import demo as profiles_demo
from sociable.accounts.models import User
from sociable.audience import Audience
from sociable.notifications.models import Notification

from . import roles, services
from .models import Revision, Series, Story

A = Audience
LONDON = groups_demo.LONDON
EDITOR = "Priya Shah"  # the demo moderator is its story editor too
IMAGE_FOLDER = Path(__file__).resolve().parent / "demo_images"

WEEKNOTES = "Digital team weeknotes"
SERIES_SUMMARY = (
    "What Kirkfield Council's digital team did this week, what we learned and what's next. "
    "Written in turn by Laura, Stuart and Helen, every Friday, warts and all."
)
SERIES_STARTED_BY = "Laura Greenwood"
SERIES_WRITERS = ("Stuart Bell", "Helen Marsh")

# Who follows whom: (follower, a writer's name, or the series).
FOLLOWS = [
    ("Amara Okafor", WEEKNOTES),
    ("Chloe Barraclough", WEEKNOTES),
    ("Jamal Campbell", WEEKNOTES),
    ("Amara Okafor", "Callum Price"),
    ("Grace Adeyemi", "Eleanor Sutcliffe"),
    ("Hannah Brook", "Halima Osman"),
]

# --- the stories ----------------------------------------------------------------------------

PUBLISHED, GUEST, PROPOSED, SCHEDULED, DRAFT = (
    "published", "guest", "proposed", "scheduled", "draft",
)  # fmt: skip


@dataclass(frozen=True)
class DemoStory:
    """One story. ``on`` is when it went (or goes) out, or was proposed or last written:
    ("friday", days from the last Friday before today) or ("today", days from today), and
    the time in the UK. Comments are (the index of the comment answered, or None; who;
    what; days after the story; the time)."""

    author: str
    title: str
    summary: str
    body: str
    on: tuple[str, int, str]
    state: str = PUBLISHED  # GUEST: proposed, then published by the editor
    audience: str = A.PUBLIC
    in_series: bool = False
    group: str = ""
    tags: str = ""
    images: tuple[tuple[str, str, str], ...] = ()  # (file, what it shows, caption)
    comments: tuple[tuple[int | None, str, str, int, str], ...] = ()
    featured: bool = False
    corrected: tuple[str, str] = ("", "")  # (what it first said, what it says since an edit)


D = DemoStory
STORIES = [
    D("Laura Greenwood", "Weeknote 1: why we're writing these",
      "We're starting weeknotes: forty calls about bins, three blue badge interviews, and a "
      "wall of sticky notes you're welcome to come and look at.",
      "In Monday's stand-up Helen asked us a simple question: *if someone in Housing wanted to "
      "know what the digital team is doing, where would they look?* The honest answer was "
      "nowhere. So here we are. Every Friday one of us (Helen, Stuart or me) will write down "
      "what we did, what we learned and what's next. It won't be polished. That's rather the "
      "point.\n\n"
      "[image 1]\n\n"
      "## What we did\n\n"
      "- **Bins and recycling form.** We spent Tuesday listening to forty calls to the "
      "contact centre with Rachel and Sam in customer access. Nearly a third were people "
      "asking which bin goes out this week: something the form could simply tell them.\n"
      "- **Blue badges.** Three interviews with disabled residents about the application. "
      "One of them filled in the paper form in front of us. It took 55 minutes, and she "
      "needed her daughter for the photo.\n"
      "- We moved our plan from a spreadsheet to the wall by the kitchen on floor 5 of "
      "Merrion House. Come and look: the sticky notes don't bite.\n\n"
      "## What we learned\n\n"
      "Listening to calls is the quickest research there is. An hour of it would do any team "
      "good, and Rachel has offered to host anyone who asks.\n\n"
      "## What's next\n\n"
      "Testing the new bins form in two libraries. We're also looking for people from "
      "front-line services to join us two days a week for six weeks: the opportunity is on "
      "Sociable.",
      ("friday", -21, "16:10"), in_series=True,
      tags="User research; Service design; Agile delivery",
      images=(("team-wall.jpg",
               "A drawing of a whiteboard in three columns, each with a coloured heading and "
               "sticky notes covered in scribbled writing; marker pens lie on the ledge.",
               "Our wall on floor 5 of Merrion House: doing, done, next."),),
      comments=(
          (None, "Nadia Rahman", "So glad you've started these. A tip from the blogging club: "
           "don't wait until it's perfect. Friday at four with a cup of tea is the right time "
           "to write one.", 0, "17:05"),
          (0, "Laura Greenwood", "Friday at four with a cup of tea is exactly how this one got "
           "written. Thank you for reading the draft!", 0, "17:40"),
          (None, "Rachel Moorhouse", "Anyone is welcome to listen in with us. Thursday "
           "mornings are the busiest, if you want to hear the bin questions for yourself.",
           3, "09:20"),
          (2, "Stuart Bell", "I'll take you up on that next Thursday. I'll bring biscuits.",
           3, "10:05"),
          (3, "Rachel Moorhouse", "Custard creams, please. It's tradition.", 3, "10:12"),
      )),
    D("Stuart Bell", "Weeknote 2: the folder nobody owns",
      "Counting the council's shared drives, an Excel clinic that saved my Friday, and why "
      "every move now starts with a twenty-minute conversation.",
      "Helen has promised that every team will be off the shared drives by March. This week "
      "I found out how many there are.\n\n"
      "## What we did\n\n"
      "- Counted the shared drives: **forty-one**, the oldest from 2003, one of them called "
      "*NEW new folder (do not delete)*. Nobody knows who owns eleven of them.\n"
      "- Moved the first two teams, Democratic services and Parks, to SharePoint. Chris had "
      "already tidied his team's folders, which made it a morning's work instead of a week.\n"
      "- Went to Mei Chen's Excel clinic at Kirkfield General. I went to ask about linking "
      "spreadsheets across SharePoint, and came away with the fix for a Power Query that has "
      "annoyed me for two years. Tuesday lunchtimes, bring a spreadsheet that annoys you.\n\n"
      "## What we learned\n\n"
      "The technical move is the easy part. The hard part is the folder nobody owns: every "
      "team has one, and nobody dares delete it. We now start every move with twenty minutes "
      "about that folder, and everything after it goes faster.\n\n"
      "## What's next\n\n"
      "Adult social care's drive, which is the big one. If you're in Merrion House on "
      "Wednesday and see a man carrying a laptop and a box of biscuits, that's me.",
      ("friday", -14, "15:30"), in_series=True,
      tags="Project management; SharePoint; Change management",
      corrected=("**forty**, the oldest", "**forty-one**, the oldest"),
      comments=(
          (None, "Mei Chen", "Power Query converts are my favourite kind. Bring Adult social "
           "care's scariest spreadsheet next Tuesday.", 0, "16:45"),
          (None, "Chris Walsh", "In fairness, the tidying took me three lunchtimes and a lot "
           "of deep breaths.", 3, "08:50"),
      )),
    D("Helen Marsh", "Weeknote 3: testing the bins form in two libraries",
      "Twelve residents, two libraries, one word nobody understood, and Amara joins us for "
      "six weeks.",
      "## What we did\n\n"
      "- Laura and I tested the new bins and recycling form with twelve residents at the "
      "Central Library and the Compton Centre. Hannah found us a quiet corner and a kettle, "
      "and sent people our way from her Tuesday digital drop-in.\n"
      "- Amara Okafor from Communities came to watch at the Compton Centre. She talks to "
      "residents about bins every week, which is more than any of us can say, and she has "
      "asked about our six-week loan.\n"
      "- I finally wrote down which collaboration tools we're allowed to use, and why. It's "
      "one page, and it's on the intranet.\n\n"
      "## What we learned\n\n"
      "Nobody knew what *residual waste* meant. Not one of twelve. It's now \"your black "
      "bin: everything that can't be recycled\". Plain English isn't dumbing down: it's the "
      "difference between a form that works and a phone call.\n\n"
      "Also: eight of the twelve used a phone. We design on laptops. We're changing that.\n\n"
      "## What's next\n\n"
      "A second round with the new words, and a guest weeknote from Halima at Voluntary "
      "Action about what she sees at the drop-in. We'd like more guest posts: if you work "
      "with us, propose one.",
      ("friday", -7, "15:50"), in_series=True,
      tags="User research; Plain English writing; Digital inclusion"),
    D("Halima Osman", "Guest weeknote: what the Tuesday drop-in sees",
      "Voluntary Action's digital inclusion officer on what happens when residents bring the "
      "council's and the NHS's forms to the library.",
      "*Helen asked me to write a guest weeknote. I've never written one, so here goes.*\n\n"
      "Every Tuesday Hannah Brook and I run a digital drop-in at the Central Library. People "
      "bring their phones, their letters and sometimes their grandchildren. We sort out what "
      "we can, and we make a lot of tea.\n\n"
      "[image 1]\n\n"
      "## What we did this week\n\n"
      "- Helped seventeen people. Nine came because of a council or NHS form: a blue badge "
      "renewal, a missed bin, a repeat prescription, two Universal Credit journals.\n"
      "- Gave out four tablets with six months' free data from the device bank, two of them "
      "to carers.\n"
      "- Sat with the digital team while residents tried the new bins form. I mostly kept "
      "quiet, which anyone who knows me will tell you was hard.\n\n"
      "## What I learned\n\n"
      "Most people who come to us are not \"digitally excluded\". They use WhatsApp every "
      "day. What stops them is a form that asks for a reference number from a letter they "
      "threw away, or a password they set once in 2019. That isn't a skills problem; it's a "
      "design problem. The good news is that we can fix it together.\n\n"
      "## What's next\n\n"
      "Hannah and I are training six volunteer digital champions next month. If you'd like "
      "to be one, or you'd like your service's form tried at the drop-in, find me on "
      "Sociable.",
      ("friday", -2, "10:30"), state=GUEST, in_series=True, featured=True,
      tags="Digital inclusion; Customer service",
      images=(("drop-in.jpg",
               "A drawing of a library table with an open laptop showing a simple form, a "
               "phone, a red mug of steaming tea and a pot plant, with bookshelves behind.",
               "The drop-in table at the Central Library, every Tuesday from 10."),),
      comments=(
          (None, "Hannah Brook", "Seventeen people! And the tea really is essential. Thank "
           "you for writing this, Halima.", 0, "11:45"),
          (None, "Laura Greenwood", "\"That isn't a skills problem; it's a design problem.\" "
           "This is going on our wall.", 0, "13:20"),
          (1, "Halima Osman", "Then I'll have to come and see the wall.", 1, "09:05"),
      )),
    D("Laura Greenwood", "Weeknote 4: blue badges, and saying no to a PDF",
      "A fillable PDF we didn't build, what disabled residents told us about the photo, and "
      "a show and tell you're invited to.",
      "## What we did\n\n"
      "- We were asked for a fillable PDF of the blue badge form \"as a quick win\". We said "
      "no, kindly, and showed why: with a screen reader we couldn't get past the first page. "
      "We're building one accessible web form instead, with paper for anyone who wants it.\n"
      "- Ruth Ackroyd from Community Health spent an hour with us on asking people about "
      "their communication needs. We've rewritten three questions.\n"
      "- Five more interviews with disabled residents, two of them in BSL with an "
      "interpreter Rachel booked for us.\n\n"
      "## What we learned\n\n"
      "The photo is the hardest part for almost everyone. We're going to test sending one "
      "from your phone, or having one taken at a library.\n\n"
      "## What's next\n\n"
      "Show and tell, Thursday at 12.30, Merrion House meeting room 3.12 and on Teams. Bring "
      "your lunch and your questions: we'll show the bins form and the blue badge prototype, "
      "warts and all.",
      ("friday", 0, "16:20"), in_series=True,
      tags="Accessibility (WCAG); Co-production; Service design"),
    D("Eleanor Sutcliffe", "“Shall we start a choir?” Twelve Wednesdays later",
      "How a building with more opera singers than anyone thought became the Kirkfield "
      "Lunchtime Choir: no auditions, no reading music, and a concert coming up.",
      "It started with a line on my profile: *there might be more opera singers here than "
      "you think: shall we start a choir?* Gareth in Housing answered within the hour. He "
      "sings second tenor in a male voice choir and, as he put it, \"we're always short of "
      "tenors, so I'm used to recruiting\".\n\n"
      "[image 1]\n\n"
      "We put up a suggestion, four people backed it in a day, and on the first Wednesday "
      "twelve of us squeezed into committee room 2 at the Civic Hall. Last week there were "
      "twenty-two: housing officers, a ward sister from St James's, a healthcare assistant, "
      "an apprentice, a retired bus driver who plays the tuba, and Priya from Voluntary "
      "Action, who swears she can't sing and is a perfectly good alto.\n\n"
      "## How it works\n\n"
      "- **Wednesdays, 12.30 to 1.15.** Forty-five minutes, so you can still eat your lunch.\n"
      "- **No auditions, no reading music.** We learn by ear, a line at a time, and nobody "
      "is ever asked to sing alone.\n"
      "- Warm-ups first (Grace's lip trills are famous on Ward 24 now), then rounds, then "
      "whatever we're learning this term.\n\n"
      "## What we're learning\n\n"
      "*Va, pensiero*, the chorus of the Hebrew slaves from Verdi's *Nabucco*, in English "
      "and in three parts. It is far too ambitious and we love it.\n\n"
      "[image 2]\n\n"
      "## What singing at work does\n\n"
      "I design training for a living, so I can't help noticing what people learn here that "
      "isn't music. People who would never speak up in a meeting hold a harmony line on "
      "their own. Staff from three organisations who would never have met know each other's "
      "names now, and on a Thursday they ask each other things that have nothing to do with "
      "singing.\n\n"
      "## Come and sing\n\n"
      "Our first sharing concert is in the Civic Hall banqueting suite in a few weeks: bring "
      "anyone who'll clap. And if you've ever sung in the shower, come on a Wednesday. Join "
      "the group and the rehearsals will be in your calendar.",
      ("friday", -16, "14:00"), audience=A.COMMUNITY, group=groups_demo.CHOIR,
      featured=True, tags="Choir singing; Opera singing",
      images=(("choir-rehearsal.jpg",
               "A drawing of a choir in silhouette: three rows of singers, some holding "
               "music folders, face a conductor with raised arms, in front of tall arched "
               "windows glowing orange.",
               "Wednesday lunchtime at the Civic Hall, drawn rather than photographed: not "
               "everyone wants to be online."),
              ("choir-score.jpg",
               "A drawing of an open score on a music stand, with a mug of tea steaming on "
               "a stool beside it and music notes drifting in the air.",
               "Va, pensiero in three parts. The tea is essential.")),
      comments=(
          (None, "Grace Adeyemi", "The St James's staff choir would love to sing with you. A "
           "joint concert in the spring?", 0, "15:10"),
          (0, "Eleanor Sutcliffe", "Yes! Let's talk after Wednesday's rehearsal.", 0, "15:35"),
          (1, "Gareth Lloyd", "I'll bring the tenors. Both of them.", 0, "16:02"),
          (None, "Amara Okafor", "I can hear you from floor 3 on Wednesdays. It's the best "
           "part of my week. I might even come down.", 1, "12:55"),
          (3, "Eleanor Sutcliffe", "Please do! Nobody sings alone, promise.", 1, "13:30"),
      )),
    D("Deborah Haigh", "A day on the district nursing round",
      "Our head of nursing spent a day with Siobhan's team in East Kirkfield. What I saw, and "
      "the three things I'm taking back to the board.",
      "I've been a nurse for thirty years and head of nursing for four. On Tuesday I spent "
      "the day as a very junior member of Siobhan Byrne's district nursing team in East "
      "Kirkfield, and learned more than I have at any away day.\n\n"
      "## What I saw\n\n"
      "- Eleven visits between 8.15 and 4.30: leg ulcers, a syringe driver, insulin, and a "
      "long conversation with a man just home from Ward 24 with no food in the house.\n"
      "- The tablets we bought last year, and the team's workaround for them: notes on paper "
      "in the car, typed up at the end of the day, because the signal drops out on half the "
      "estate.\n"
      "- A team that is kind to each other when it's hard. Lunch was a sandwich in the car "
      "park, shared.\n\n"
      "## What I'm taking back\n\n"
      "1. We fix the signal before we buy anything else. The notes app works offline; we "
      "never switched it on.\n"
      "2. Coming home from Ward 24 to the district nurses should take one phone call, not "
      "three emails. Grace and Siobhan are meeting next week.\n"
      "3. Everyone in our senior team will spend a day on a round this year. Me again, too.\n\n"
      "*This story is for staff of the partnership: it says how our systems work, so please "
      "don't share it outside.*",
      ("friday", -8, "11:15"), audience=A.STAFF,
      tags="Quality improvement; Wound care; Change management",
      comments=(
          (None, "Siobhan Byrne", "Thank you for coming out with us, and for sharing the "
           "sandwich. Switching on the offline notes would change our days.", 0, "13:40"),
          (0, "Deborah Haigh", "It's on the board's agenda for the 14th. I'll tell you what "
           "they say.", 0, "14:25"),
          (None, "Grace Adeyemi", "Yes to one phone call. Siobhan, I'll bring the ward's "
           "discharge checklist on Monday.", 1, "08:45"),
      )),
    D("Callum Price", "Six in the morning with the bin crews",
      "What I learned filming the recycling crews on a phone for a week, and the "
      "three-minute film that came out of it.",
      "For a week last month I started work at six, in a hi-vis vest, with a phone on a "
      "grip. The recycling campaign needed a film, and I wanted it to be the crews' film, "
      "not ours.\n\n"
      "## What I filmed\n\n"
      "- Three crews, five rounds, about four hours of footage, all on one phone.\n"
      "- The bit nobody sees: the 5.45 briefing, the wagon checks, the tea.\n"
      "- What goes wrong: a street where half the blue bins were full of black-bin rubbish, "
      "and what the crew does about it (they tag the bin and leave a card, kindly).\n\n"
      "## What I learned\n\n"
      "Shoot less than you think: thirty seconds of steady, close footage beats five minutes "
      "of wobbling. And ask people what they want to say, not what you want them to say. "
      "Mick, who has driven the same round for nineteen years, said the best line in the "
      "film, unprompted.\n\n"
      "## Watch it\n\n"
      "The film goes out on our social media on the morning this post does. If you'd like to "
      "learn to make one like it, the Phone Video Workshop's next session is open.",
      ("today", 3, "09:00"), state=SCHEDULED,
      tags="Video editing; Social media; Photography for work"),
    D("Jordan Reid", "What our residents' association learned from going online",
      "The chair of a residents' association on moving meetings online, and keeping the "
      "neighbours who didn't want to.",
      "When the Beckett Park Residents' Association moved its meetings online, we doubled "
      "the people who came. We also lost four of our longest-standing members, and it took "
      "us a year to notice.\n\n"
      "## What worked\n\n"
      "- A WhatsApp group for the street, with three rules pinned at the top.\n"
      "- Meetings on a video call at 7pm, so parents could come after bedtime.\n"
      "- Minutes that fit on a phone screen.\n\n"
      "## What didn't\n\n"
      "Nobody rang the people who weren't online. Now we do: each of our committee has three "
      "neighbours to phone before each meeting, and we meet in the church hall every other "
      "month.\n\n"
      "I'd love to hear how other groups manage it.",
      ("today", -1, "19:40"), state=PROPOSED,
      tags="Community engagement; Digital inclusion"),
    D("Amara Okafor", "Lincoln Green on film: what residents want you to see",
      "Notes for a post about the film we're making with residents of the Lincoln Green "
      "estate.",
      "*Draft: don't share yet.*\n\n"
      "Four evenings in March, six residents, one phone each. The brief was theirs: show "
      "Lincoln Green as the people who live there see it.\n\n"
      "## What they chose to film\n\n"
      "- The community centre's Saturday breakfast\n"
      "- The litter pick (forty bags, and a shopping trolley)\n"
      "- Mrs Achebe's garden, which has won three years running\n\n"
      "## Still to write\n\n"
      "- What I learned about editing (ask Callum to read this bit)\n"
      "- How the screening went\n"
      "- Thank-yous",
      ("today", -3, "20:15"), state=DRAFT, audience=A.COMMUNITY,
      tags="Community engagement; Video editing"),
]  # fmt: skip


# --- seeding --------------------------------------------------------------------------------


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(";") if name.strip()]


def last_friday(today: date | None = None) -> date:
    """The last Friday before today (a week ago on a Friday): weeknotes' day."""
    today = today or timezone.localdate(timezone=LONDON)
    return today - timedelta(days=(today.weekday() - 4) % 7 or 7)


def when(spec: DemoStory, today: date | None = None) -> datetime:
    today = today or timezone.localdate(timezone=LONDON)
    start, days, at = spec.on
    day = (last_friday(today) if start == "friday" else today) + timedelta(days=days)
    return datetime.combine(day, time.fromisoformat(at), tzinfo=LONDON)


def _people() -> dict[str, User]:
    emails = {p.email: p.name for p in profiles_demo.PROFILES}
    return {emails[u.email]: u for u in User.objects.filter(email__in=emails)}


def seed_editor(person: User) -> User:
    """Make ``person`` a story editor (``roles.EDITORS``), freshly read for their rights."""
    roles.let_editors_edit()
    person.groups.add(Role.objects.get(name=roles.EDITORS))
    return User.objects.get(pk=person.pk)


def seed_series(people: dict[str, User]) -> Series:
    starter = people[SERIES_STARTED_BY]
    series = Series.objects.filter(title=WEEKNOTES, created_by=starter).first()
    if series is None:
        series = services.start_series(
            by=starter, title=WEEKNOTES, summary=SERIES_SUMMARY,
            cadence=Series.Cadence.WEEKLY, audience=A.PUBLIC,
        )  # fmt: skip
    for name in SERIES_WRITERS:
        services.add_writer(series=series, by=starter, email=people[name].email)
    return series


def seed_follows(people: dict[str, User], series: Series) -> None:
    for follower, followed in FOLLOWS:
        if followed == series.title:
            services.follow(user=people[follower], series=series)
        else:
            services.follow(user=people[follower], author=people[followed])


def seed_story(spec: DemoStory, people: dict[str, User], series: Series, editor: User) -> Story:
    author = people[spec.author]
    story = Story.objects.filter(author=author, title=spec.title).first()
    if story is None:
        story = _write(spec, author, series, editor)
    if spec.comments and story.thread_id and not story.thread.posts.exists():
        _comment(spec, story, people)
    if spec.featured and not story.featured:
        services.feature(story=story, editor=editor)
    return story


def _write(spec: DemoStory, author: User, series: Series, editor: User) -> Story:
    first_said, says = spec.corrected
    fields = {
        "title": spec.title, "summary": spec.summary, "audience": spec.audience,
        "series": series if spec.in_series else None, "tags": _names(spec.tags),
        "group": Group.objects.get(name=spec.group) if spec.group else None,
    }  # fmt: skip
    story = services.save(
        writer=author, body=spec.body.replace(says, first_said) if says else spec.body, **fields
    )
    for filename, alt, caption in spec.images:
        with (IMAGE_FOLDER / filename).open("rb") as picture:
            services.add_image(
                story=story, by=author, upload=File(picture, name=filename), alt=alt,
                caption=caption,
            )  # fmt: skip
    out = when(spec)
    if spec.state == DRAFT:
        Story.objects.filter(pk=story.pk).update(created_at=out, updated_at=out)
        return story
    if spec.state == SCHEDULED:
        return services.publish(story=story, by=author, at=out)
    if spec.state in (PROPOSED, GUEST):
        story = services.propose(story=story, by=author)
        proposed = out if spec.state == PROPOSED else out - timedelta(hours=18)
        Story.objects.filter(pk=story.pk).update(created_at=proposed, updated_at=proposed)
        _date_notifications(story, proposed)
        if spec.state == PROPOSED:
            return story
        story = services.publish_proposal(story=story, editor=editor)
    else:
        story = services.publish(story=story, by=author)
    if says:  # a slip put right after publishing: the story keeps what it first said
        story = services.save(writer=author, story=story, body=spec.body, **fields)
        Revision.objects.filter(story=story).update(edited_at=out + timedelta(hours=2))
    Story.objects.filter(pk=story.pk).update(
        published_at=out, created_at=min(story.created_at, out - timedelta(days=1)),
        updated_at=out + timedelta(hours=2) if says else out,
    )  # fmt: skip
    Thread.objects.filter(pk=story.thread_id).update(created_at=out, last_activity_at=out)
    services.announce(story_ids=[story.pk])  # now, not when the demo's transaction commits
    _date_notifications(story, out, exclude="proposed")
    story.refresh_from_db()
    return story


def _date_notifications(story: Story, at: datetime, exclude: str = "") -> None:
    """Give what the story told people the story's own time (they were told at seeding)."""
    told = Notification.objects.filter(key__startswith=f"story:{story.pk}:")
    if exclude:
        told = told.exclude(key__startswith=f"story:{story.pk}:{exclude}")
    told.update(created_at=at)


def _comment(spec: DemoStory, story: Story, people: dict[str, User]) -> None:
    """The story's comments, each answering the story or an earlier comment, at their times."""
    written: list[Post] = []
    with override_settings(**forums_demo.SEEDING):
        for parent, who, body, _, _ in spec.comments:
            written.append(
                forum_services.reply(
                    thread=story.thread, author=people[who], body=body,
                    parent=written[parent] if parent is not None else None,
                )
            )  # fmt: skip
    day = timezone.localtime(story.published_at, LONDON).date()
    for post, (*_, days, at) in zip(written, spec.comments, strict=True):
        post.created_at = datetime.combine(
            day + timedelta(days=days), time.fromisoformat(at), tzinfo=LONDON
        )
    Post.objects.bulk_update(written, ["created_at"])
    Thread.objects.filter(pk=story.thread_id).update(
        last_activity_at=max(post.created_at for post in written)
    )


@transaction.atomic
def seed() -> list[Story]:
    """Seed the series, follows and stories; the people, groups and boards must exist."""
    people = _people()
    editor = seed_editor(people[EDITOR])
    series = seed_series(people)
    seed_follows(people, series)  # first, so that the stories tell their followers
    return [seed_story(spec, people, series, editor) for spec in STORIES]
