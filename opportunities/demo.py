"""The demo's opportunities: a believable mix across the partnership, in every state, with
interest at each stage. Amara (the README's first sign-in) has a draft and an open one of
her own, and interest in two others.

Idempotent: each is found by its title and poster. The closed and done ones are moved into
the past by hand, as nobody may post a closing date gone by.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from profiles.services import find_or_create_place
from sociable.accounts.models import User

from . import selectors, services, suggestions
from .models import Interest, Opportunity

MANAGER_EMAIL = "stuart.bell@kirkfield.gov.uk"  # Imran's manager, for the secondment


@dataclass(frozen=True)
class Offer:
    poster: str
    kind: str
    title: str
    description: str
    closes_in: int  # days from today (negative: closed that long ago)
    audience: str = "staff"
    where: str = "on_site"
    place: str = ""
    hours_a_week: int | None = None
    days: int | None = None
    starts_in: int | None = None
    weeks: int | None = None
    places: int = 1
    manager_must_agree: bool = False
    needs: tuple[str, ...] = ()
    teaches: tuple[str, ...] = ()
    state: str = "open"  # "draft", "open", "closed" or "done"
    interest: tuple[tuple[str, str, str], ...] = ()  # (who, note, status)
    what_happened: str = ""


OFFERS = [
    Offer("Helen Marsh", "loan", "Help us test the new bins and recycling form",
          "We are rebuilding the council's bins and recycling form with residents. Join us "
          "for **two days a week for six weeks**: you will sit in on user research, help "
          "run usability tests in libraries, and see how a digital team works.\n\n"
          "- No technical skills needed: front-line experience is what we lack\n"
          "- You will learn how to run a usability test", 12,
          place="Merrion House", hours_a_week=15, starts_in=21, weeks=6, places=2,
          needs=("Customer service",), teaches=("User research", "Service design"),
          interest=(("Amara Okafor", "I talk to residents about bins every week and would "
                     "love to see how the form gets made.", "shortlisted"),
                    ("Rachel Moorhouse", "Deaf residents struggle with the current form: I'd "
                     "like to help make the new one better.", "interested"))),
    Offer("Grace Adeyemi", "shadowing", "Shadow a ward sister for a day on Ward 24",
          "Spend a day with me on an elderly medicine ward: handover, the ward round, "
          "talking with families, and discharge planning. Good for anyone whose work "
          "touches hospital discharge.", 20, place="St James's Hospital", days=1,
          starts_in=30, places=3, teaches=("Patient experience", "Discharge planning"),
          interest=(("Fatima Hussain", "Half my cases start with a discharge from your "
                     "ward. I'd like to see it from your side.", "offered"),)),
    Offer("Mei Chen", "secondment", "Six-month secondment: partnership data lead",
          "The partnership needs one person to bring the council's and the trusts' data "
          "on carers together. Three days a week, six months, based at Kirkfield General "
          "with days at Merrion House. Your line manager must agree.", 25,
          place="Kirkfield General", where="hybrid", hours_a_week=22, starts_in=45,
          weeks=26, manager_must_agree=True,
          needs=("Power BI", "Data analysis"), teaches=("Information governance",),
          interest=(("Imran Akhtar", "I built the council's carers dashboard and would "
                     "love to join it up with the trusts'.", "interested"),)),
    Offer("Kwame Mensah", "volunteering", "Volunteer at the Harehills community fun day",
          "Help us run the fun day on the Banstead Park: setting up stalls, face painting, "
          "welcoming families. One Saturday, 10 till 4, lunch provided. Residents and "
          "staff welcome.", 9, audience="public", place="Banstead Park", days=1,
          starts_in=16, places=20,
          interest=(("Jordan Reid", "I can bring five people from our residents' group.",
                     "offered"),
                    ("Tom Whitaker", "Happy to run a first-aid tent.", "interested"))),
    Offer("Callum Price", "shadowing", "Shadow the comms team: video for social media",
          "A day with the council's digital content team: plan, film and edit a short video "
          "for our social media on a phone, and write the post that goes with it.", 15,
          place="Merrion House", days=1, starts_in=24, places=2,
          teaches=("Video editing", "Blogging")),
    Offer("Sam Lister", "apprenticeship", "Business administration apprenticeship",
          "An 18-month apprenticeship in customer access: answering residents' questions, "
          "working towards a level 3 qualification, with a day a week of study. Open to "
          "residents and staff.", 28, audience="public", place="Merrion House",
          hours_a_week=37, starts_in=60, weeks=78,
          teaches=("Customer service", "Microsoft Teams")),
    Offer("Amara Okafor", "project", "Task-and-finish: a film about Lincoln Green",
          "Help residents edit a short film about their estate: four evenings in March. "
          "If you can edit video on a phone, we need you.", 18, place="Lincoln Green "
          "community centre", days=4, starts_in=40, places=2,
          needs=("Video editing",), teaches=("Community engagement",),
          interest=(("Callum Price", "I edit video for the council every day: count me "
                     "in.", "shortlisted"),)),
    Offer("Amara Okafor", "volunteering", "Help at the Lincoln Green film screening",
          "Draft: ushers and tea-makers for the screening night.", 30, audience="public",
          place="Lincoln Green community centre", days=1, starts_in=50, places=6,
          state="draft"),
    Offer("Fatima Hussain", "project", "Refresh the carers' leaflet",
          "Three afternoons to rewrite the carers' leaflet in plain English with carers.",
          -5, place="Merrion House", days=3, starts_in=10,
          needs=("Plain English",), state="closed",
          interest=(("Nadia Rahman", "Plain English is my day job.", "offered"),
                    ("Margaret Dyson", "I'd love to help.", "declined"))),
    Offer("Rachel Moorhouse", "skill_swap", "Skill swap: basic BSL for Excel",
          "I'll teach you to fingerspell and hold a basic conversation in BSL; you teach "
          "me pivot tables. An hour a week for six weeks.", -40, where="hybrid",
          hours_a_week=1, weeks=6, needs=("Excel",), teaches=("British Sign Language",),
          state="done",
          interest=(("Amara Okafor", "Pivot tables for BSL: deal!", "offered"),),
          what_happened="Amara and I met six Thursdays. I can now build a pivot table; "
          "she can introduce herself and order a coffee in BSL. We are carrying on."),
]  # fmt: skip


def seed() -> list[Opportunity]:
    names = {o.poster for o in OFFERS} | {who for o in OFFERS for who, *_ in o.interest}
    people = {u.name: u for u in User.objects.filter(name__in=names)}
    seeded = [_seed(offer, people) for offer in OFFERS]
    # This week's suggestions, as Monday's job would make them: what suits each person.
    now = timezone.now()
    for person in User.objects.filter(pk__in=selectors.people_suited(now - suggestions.NEW_FOR)):
        suggestions.tell(person, now)
    return seeded


def _seed(offer: Offer, people: dict[str, User]) -> Opportunity:
    poster = people[offer.poster]
    found = Opportunity.objects.filter(posted_by=poster, title=offer.title).first()
    if found is not None:
        return found
    today = timezone.localdate()
    closes = today + timedelta(days=max(offer.closes_in, 1))
    starts = today + timedelta(days=offer.starts_in) if offer.starts_in is not None else None
    if starts and starts < closes:
        starts = closes + timedelta(days=7)
    ends = starts + timedelta(weeks=offer.weeks) if starts and offer.weeks else None
    opportunity = services.save(
        poster=poster, kind=offer.kind, title=offer.title, description=offer.description,
        closes_on=closes, audience=offer.audience, where=offer.where,
        place=find_or_create_place(name=offer.place) if offer.place else None,
        hours_a_week=offer.hours_a_week, days=offer.days, starts_on=starts, ends_on=ends,
        places=offer.places, manager_must_agree=offer.manager_must_agree,
        needs=offer.needs, teaches=offer.teaches, publish=offer.state != "draft",
    )  # fmt: skip
    manager = {}
    if offer.manager_must_agree:
        manager = {"manager_name": "Stuart Bell", "manager_email": MANAGER_EMAIL}
    shown = [
        (services.express_interest(opportunity=opportunity, person=people[who], note=note,
                                   **manager), status)
        for who, note, status in offer.interest
    ]  # fmt: skip
    for interest, status in shown:  # answered once everyone has asked: an offer may fill it
        if status != Interest.Status.INTERESTED:
            services.answer(
                interest=interest, by=poster, status=status,
                message="Thank you: we have all the help we need this time."
                if status == Interest.Status.DECLINED else "",
            )  # fmt: skip
    if offer.state in ("closed", "done"):
        past = today + timedelta(days=offer.closes_in)
        Opportunity.objects.filter(pk=opportunity.pk).update(
            closes_on=past, status=Opportunity.Status.CLOSED,
            starts_on=past + timedelta(days=3) if starts else None,
            ends_on=past + timedelta(days=3, weeks=offer.weeks or 1) if starts else None,
        )  # fmt: skip
        opportunity.refresh_from_db()
    if offer.state == "done":
        services.mark_done(
            opportunity=opportunity, by=poster, what_happened=offer.what_happened, shown=True
        )
    return opportunity
