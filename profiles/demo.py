"""The demo directory: a starting vocabulary, places, and sixty people worth meeting.

The office in the OWLS blog post is here: an opera singer, a foster carer, a family
historian, the founder of a big local social network, someone who edits video on
their phone and will teach you, a blogger who will show you how. Amara Okafor (the
demo staff member) wants to learn both, and the people who teach them sit in her
building; Tom Whitaker teaches public speaking, which several people want to learn.

``sociable.demo`` creates the accounts (every row's ``email``) and then calls
``seed()``. Idempotent: rows are found by natural keys, profiles are overwritten
through ``profiles.services``, and the one correction is only reported while none
is open.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from sociable.accounts.models import User
from sociable.audience import Audience

from . import services
from .models import Place, Profile, ProfileCorrection, ProfileSkill, Skill, SkillAlias
from .vocabulary import skill_key

Kind = Skill.Kind
Relation = ProfileSkill.Relation

# --- the starting vocabulary ---------------------------------------------------------------

SKILLS = [
    "Excel", "Data analysis", "Power BI", "SQL", "Python", "Project management",
    "Agile delivery", "Public speaking", "Plain English writing", "Safeguarding adults",
    "Safeguarding children", "Video editing", "Blogging", "Social media", "Graphic design",
    "Web content", "User research", "Service design", "Facilitation", "Coaching", "Mentoring",
    "Mediation", "Motivational interviewing", "Trauma-informed practice",
    "Mental health first aid", "First aid", "Manual handling", "Dementia care",
    "End of life care", "Wound care", "Clinical audit", "Quality improvement",
    "Infection prevention and control", "Risk assessment", "Budget management", "Procurement",
    "Bid writing", "Fundraising", "Volunteer management", "Community engagement",
    "Asset-based community development", "Co-production", "Consultation",
    "Equality impact assessment", "Employment law", "Recruitment", "Change management",
    "Negotiation", "Minute taking", "Report writing", "Freedom of Information",
    "Data protection (GDPR)", "Information governance", "Housing law", "Tenancy management",
    "Homelessness prevention", "Welfare benefits advice", "Debt advice", "Care Act assessments",
    "Mental Capacity Act", "Court skills", "Family group conferencing", "Digital inclusion",
    "Accessibility (WCAG)", "Microsoft Teams", "SharePoint", "PowerPoint", "Customer service",
    "Health and safety", "Lean", "Systems thinking", "Evaluation", "Deaf awareness",
    "Photography for work", "Podcasting",
]  # fmt: skip
INTERESTS = [
    "Opera singing", "Fostering", "Family history", "Running", "Choir singing",
    "Allotment gardening", "Baking", "Photography", "Cycling", "Knitting", "Crochet",
    "Football coaching", "Rugby league", "Fell walking", "Birdwatching", "Book club",
    "Creative writing", "Amateur dramatics", "Wild swimming", "Pottery", "Chess", "Climbing",
    "Yoga", "Cooking", "Board games", "Local history", "Guitar", "Brass band", "Dance",
    "Running an online community", "Food bank volunteering", "Parenting",
]  # fmt: skip
LANGUAGES = [
    "English", "Polish", "Urdu", "Punjabi", "Arabic", "Romanian", "Kurdish", "Bengali",
    "Tigrinya", "French", "British Sign Language", "Welsh", "Cantonese", "Igbo", "Somali",
]  # fmt: skip
NETWORKS = [
    "Disabled staff network", "Carers' network", "LGBT+ staff network", "Race equality network",
    "Women's network", "Armed forces network", "Neurodiversity network",
    "Young professionals network",
]  # fmt: skip
DESCRIPTIONS = {
    "Excel": "Spreadsheets from first formulas to pivot tables, lookups and charts.",
    "Data analysis": "Turning numbers into findings people can act on.",
    "Project management": "Planning, running and closing projects, whatever the method.",
    "Public speaking": "Talking to a room, a meeting or a conference without dread.",
    "Plain English writing": "Writing that the people it is for understand the first time.",
    "Safeguarding adults": "Recognising and responding to abuse or neglect of adults at risk.",
    "Safeguarding children": "Keeping children safe: spotting concerns and acting on them.",
    "Video editing": "Cutting, captioning and sharing video, including on your phone.",
    "Blogging": "Writing in the open: blog posts, weeknotes and getting started.",
    "Social media": "Using social channels well for a service, a team or a campaign.",
    "Facilitation": "Running workshops and meetings where everyone gets heard.",
    "Coaching": "Helping someone find their own answers through good questions.",
    "Mental health first aid": "Spotting the signs of mental ill health and offering support.",
    "Bid writing": "Writing funding applications that get money for good work.",
    "Digital inclusion": "Helping people get online, with the skills and confidence to stay.",
    "Co-production": "Designing services with the people who use them, as equals.",
    "Opera singing": "Classical voice, from community chorus to full productions.",
    "Fostering": "Caring for other people's children in your own home.",
    "Family history": "Tracing your family tree through records, registers and stories.",
    "Running": "From couch to 5k and parkrun to fell races and marathons.",
    "Choir singing": "Singing together: community, gospel, workplace and male voice choirs.",
    "Allotment gardening": "Growing your own on a plot, and sharing the courgette glut.",
    "Running an online community": "Starting and moderating a big group or forum online.",
    "British Sign Language": "The language of the UK's Deaf community, with its own grammar.",
    "Disabled staff network": "Staff with disabilities or long-term conditions, and allies.",
    "Carers' network": "Staff who look after someone, sharing support and know-how.",
    "LGBT+ staff network": "Lesbian, gay, bi, trans and queer staff, and allies.",
    "Race equality network": "Staff working for race equality at work, and allies.",
    "Women's network": "Women at work: development, health and getting on.",
    "Armed forces network": "Veterans, reservists and military families working here.",
    "Neurodiversity network": "Autistic, dyslexic, ADHD and other neurodivergent staff.",
    "Young professionals network": "Apprentices, graduates and anyone early in their career.",
}
VOCABULARY = [
    *((name, Kind.SKILL) for name in SKILLS),
    *((name, Kind.INTEREST) for name in INTERESTS),
    *((name, Kind.LANGUAGE) for name in LANGUAGES),
    *((name, Kind.NETWORK) for name in NETWORKS),
]

# Other names people type for a vocabulary entry: (other name, entry).
ALIASES = [
    ("BSL", "British Sign Language"),
    ("Spreadsheets", "Excel"),
    ("Filming on your phone", "Video editing"),
]

# --- places ---------------------------------------------------------------------------------

MERRION = "Merrion House"
CIVIC = "Civic Hall"
LIBRARY = "Central Library"
JAMES = "St James's Hospital"
KGI = "Kirkfield General Infirmary"
HUB = "Community Hub, Chapeltown Road"
STOCKDALE = "Stockdale House"
SEACROFT = "Seacroft Health Centre"
PLACES = [
    (MERRION, "110 Merrion Way, Kirkfield KF2 8BB"),
    (CIVIC, "Calverley Street, Kirkfield KF1 1UR"),
    (LIBRARY, "The Headrow, Kirkfield KF1 3AB"),
    (JAMES, "Beckett Street, Kirkfield KF9 7TF"),
    (KGI, "Great George Street, Kirkfield KF1 3EX"),
    (HUB, "231 Chapeltown Road, Kirkfield KF7 3AP"),
    (STOCKDALE, "Victoria Road, Kirkfield KF6 1PF"),
    (SEACROFT, "Seacroft Crescent, Kirkfield KF14 6NX"),
]

# --- people ---------------------------------------------------------------------------------

COUNCIL = "kirkfield.gov.uk"
KTH = "kth.nhs.uk"
KCH = "kch.nhs.uk"
VA = "kirkfieldva.org.uk"
WEEK = "mon tue wed thu fri"


@dataclass(frozen=True)
class DemoProfile:
    """One person's profile; skill fields hold names separated by "; "."""

    name: str
    domain: str  # of their email address: a non-partner domain makes a community member
    job_title: str = ""
    team: str = ""
    place: str = ""
    floor: str = ""
    days: str = WEEK
    teach: str = ""
    has: str = ""
    learn: str = ""
    interests: str = ""
    languages: str = ""
    networks: str = ""
    ask_me_about: str = ""
    working_on: str = ""
    bio: str = ""
    pronouns: str = ""
    open_to: str = ""  # any of "chat loan shadowing mentoring buddy"
    sharing: str = ""  # "public", "organisation" or "unlisted"; empty: the defaults
    show_interests: bool = False  # most people keep what they do outside work to themselves
    interests_audience: str = Audience.STAFF
    started_days_ago: int | None = None  # HR's start date, for a new starter

    @property
    def email(self) -> str:
        folded = unicodedata.normalize("NFKD", self.name.lower())
        local = ".".join("".join(c for c in folded if c.isalpha() or c in " -").split())
        return f"{local}@{self.domain}"


P = DemoProfile
PROFILES = [
    # The people sociable.demo already lists (the README's sign-ins first).
    P("Amara Okafor", COUNCIL, "Neighbourhood improvement officer", "Communities", MERRION,
      "Floor 3", has="Community engagement; Consultation; Excel; Facilitation", open_to="chat",
      learn="Video editing; Blogging",
      languages="English; Igbo", networks="Race equality network", pronouns="she/her",
      ask_me_about="Community payback, litter picks and getting residents to the table",
      working_on="A film with residents of the Lincoln Green estate about their neighbourhood",
      bio="I work with residents in **Harehills and Lincoln Green**. I'd love to show what "
          "they do on video rather than in another report, so I want to learn to edit on my "
          "phone, and to start a blog."),
    P("Tom Whitaker", KTH, "Clinical educator (physiotherapy)", "Learning and development", JAMES,
      "Education centre, level 1", teach="Public speaking; Coaching; Manual handling",
      has="Facilitation; PowerPoint; Microsoft Teams",
      show_interests=True, interests="Running; Fell walking",
      networks="Armed forces network", pronouns="he/him", open_to="chat mentoring shadowing",
      ask_me_about="Getting over nerves before a presentation; the Thursday lunchtime run club",
      working_on="Preceptorship teaching for newly qualified physios",
      bio="Physio for twelve years, now teaching. I run **Speak Up**, a monthly lunchtime "
          "session for anyone who dreads presenting: bring five minutes of anything.",
      sharing="public"),
    P("Priya Shah", VA, "Volunteer coordinator", "Volunteering", HUB, "Ground floor",
      teach="Volunteer management; Safeguarding adults", has="Excel; Recruitment; Social media",
      interests="Baking", languages="English; Punjabi", networks="Women's network",
      pronouns="she/her", ask_me_about="Finding volunteers for one-off events",
      working_on="Volunteers' Week celebration in June",
      bio="I match 400 volunteers with 90 local groups. Bring me your volunteer role "
          "descriptions and I'll help make them less scary."),
    P("Jordan Reid", "example.com", has="Community engagement; Fundraising",
      interests="Allotment gardening; Football coaching",
      ask_me_about="Starting a residents' association from nothing",
      bio="Chair of the Beckett Park Residents' Association and an under-11s coach on Sundays."),
    P("Helen Marsh", COUNCIL, "Head of digital workplace", "Digital and information services",
      MERRION, "Floor 5", has="Project management; Agile delivery; Change management; SharePoint",
      teach="Plain English writing", networks="Women's network; Carers' network",
      ask_me_about="Which collaboration tools we are allowed to use, and why",
      working_on="Moving every team off shared drives by March"),
    P("Gareth Lloyd", COUNCIL, "Housing officer", "Housing services", MERRION, "Floor 2",
      has="Tenancy management; Housing law; Homelessness prevention; Excel",
      show_interests=True, interests="Choir singing; Rugby league",
      languages="English; Welsh", pronouns="he/him",
      ask_me_about="Tenancy sustainment and what to do when rent arrears start",
      bio="From Merthyr, in Kirkfield twenty years. Second tenor in the **Kirkfield Male "
          "Voice Choir**; we are always short of tenors."),
    P("Mei Chen", KTH, "Senior data analyst", "Informatics", KGI, "Floor 4, Jubilee Wing",
      teach="Excel; Power BI; SQL", has="Data analysis; Python; Information governance",
      interests="Board games; Cooking", languages="English; Cantonese", pronouns="she/her",
      open_to="chat mentoring", ask_me_about="Pivot tables, Power BI dashboards, waiting-list data",
      working_on="The emergency department flow dashboard",
      bio="I run **Excel clinic** on Tuesday lunchtimes: bring a spreadsheet that annoys you."),
    P("Siobhan Byrne", KCH, "District nurse team leader", "District nursing (East)", SEACROFT,
      "First floor", days="mon tue thu fri", has="Wound care; End of life care; "
      "Safeguarding adults; Infection prevention and control", teach="Wound care",
      interests="Wild swimming", ask_me_about="Leg ulcer care and end of life care at home",
      bio="Nurse for 22 years, district nurse for 15. Our patients are the best bit of the job.",
      working_on="Moving the team's visit planning onto tablets"),
    P("Kwame Mensah", VA, "Community development worker", "Community development", HUB, "Floor 1",
      teach="Asset-based community development; Bid writing", has="Community engagement; "
      "Co-production; Facilitation", interests="Football coaching",
      languages="English; French", networks="Race equality network", pronouns="he/him",
      ask_me_about="Small grants for community groups; starting with what people already have",
      bio="Twenty years of community work in Chapeltown and Harehills. Ask me who to talk to."),
    P("Fatima Hussain", COUNCIL, "Social worker", "Adult social care", MERRION, "Floor 2",
      has="Care Act assessments; Mental Capacity Act; Safeguarding adults",
      show_interests=True, interests="Fostering; Parenting", languages="English; Urdu; Punjabi",
      networks="Carers' network", pronouns="she/her", open_to="chat shadowing",
      ask_me_about="What fostering is really like: the highs, the lows, and the paperwork",
      working_on="Strengths-based conversations at the front door",
      bio="My husband and I have fostered for nine years, mostly teenagers. If you are "
          "wondering about it, buy me a coffee and ask me anything."),
    P("Dave Robinson", "outlook.example",
      show_interests=True, interests="Brass band; Local history; "
      "Food bank volunteering", ask_me_about="The history of Kirkfield's trams and buses",
      bio="Retired bus driver. Tuba in the Rothwell Temperance Band and Thursdays at the "
          "Chapeltown food bank."),
    # The council.
    P("Eleanor Sutcliffe", COUNCIL, "Learning and development adviser",
      "HR and organisational development", MERRION, "Floor 3", teach="Facilitation; "
      "Public speaking", has="Coaching; PowerPoint",
      show_interests=True, interests="Opera singing; Choir singing",
      pronouns="she/her", interests_audience=Audience.COMMUNITY,
      ask_me_about="Opera, and breathing and voice for anyone who has to present",
      working_on="The new managers' induction",
      bio="By day I design training. By night I sing mezzo-soprano in the chorus of "
          "**Kirkfield Opera** — this season *Carmen*. There might be more opera singers "
          "here than you think: shall we start a choir?"),
    P("Callum Price", COUNCIL, "Digital content officer", "Communications and marketing", MERRION,
      "Floor 3", teach="Video editing; Social media; Photography for work",
      has="Web content; Graphic design", interests="Photography", pronouns="he/him",
      open_to="chat mentoring shadowing", sharing="public",
      ask_me_about="Editing video on your phone: shooting, trimming, captions, in half an hour",
      working_on="Short videos of the bin crews for the recycling campaign",
      bio="Everything I make is shot and edited on a phone. I'll teach anyone:\n\n"
          "- shooting steady video without a tripod\n- cutting and captioning in a free app\n"
          "- sharing it without losing quality"),
    P("Nadia Rahman", COUNCIL, "Communications officer", "Communications and marketing", MERRION,
      "Floor 3", teach="Blogging; Plain English writing", has="Social media; Web content; "
      "Public speaking", languages="English; Bengali", networks="Race equality network",
      pronouns="she/her", sharing="public", open_to="chat mentoring",
      ask_me_about="Starting a blog, weeknotes, writing for the intranet",
      working_on="Weeknotes for the digital team",
      bio="I've blogged for ten years, mostly about food and Kirkfield. I'll help you start "
          "yours: your first post can be about what you did this week."),
    P("Joanne Kershaw", COUNCIL, "Member development officer", "Democratic services", CIVIC,
      "Room 2.14", teach="Facilitation", has="Minute taking; Report writing; Project management",
      interests="Book club", networks="Women's network", sharing="public",
      ask_me_about="OWLS: Our Workplace Learning and Socials",
      working_on="Getting OWLS started: staff-run skills networks and social groups",
      bio="This morning I met an opera singer, a foster carer and a family historian without "
          "leaving my desk. **Who's sitting next to you?**"),
    P("Imran Akhtar", COUNCIL, "Data analyst", "Intelligence and policy", MERRION, "Floor 5",
      teach="Data analysis; Python; SQL", has="Excel; Power BI; Social media",
      show_interests=True, interests="Running an online community; Cricket",
      languages="English; Urdu",
      pronouns="he/him", sharing="public",
      ask_me_about="Census data, ward profiles, and founding a local social network",
      working_on="The 2025 ward profiles",
      bio="In 2009 I started **KirkfieldTalk**, now one of the biggest local social networks "
          "in the country. Ask me about moderation, volunteers and what goes viral."),
    P("Agnieszka Nowak", COUNCIL, "Housing officer", "Housing services", MERRION, "Floor 2",
      has="Tenancy management; Customer service", learn="Excel; Public speaking",
      languages="English; Polish", interests="Baking",
      ask_me_about="Helping Polish-speaking tenants with their paperwork"),
    P("Ryan Holroyd", COUNCIL, "HR business partner", "HR and organisational development", MERRION,
      "Floor 4", has="Employment law; Recruitment; Mediation; Excel; Negotiation",
      learn="Data analysis; Power BI", interests="Rugby league", networks="Armed forces network",
      ask_me_about="Restructures, flexible working requests, the new absence policy"),
    P("Shazia Begum", COUNCIL, "Family support worker", "Children's social work", HUB, "Floor 1",
      has="Safeguarding children; Family group conferencing; Trauma-informed practice",
      interests="Baking; Crochet", languages="English; Urdu; Punjabi",
      ask_me_about="Family group conferences and how to prepare families for them"),
    P("Paul Hirst", COUNCIL, "Senior social worker", "Adult social care", MERRION, "Floor 2",
      teach="Mental Capacity Act; Court skills", has="Care Act assessments; "
      "Safeguarding adults; Risk assessment", interests="Fell walking", open_to="chat mentoring",
      ask_me_about="Capacity assessments, best interests meetings, the Court of Protection",
      bio="Happy to **shadow or be shadowed** on a capacity assessment; it demystifies them."),
    P("Margaret Dyson", COUNCIL, "Business support officer", "Adult social care", MERRION,
      "Floor 2", days="mon tue wed", has="Minute taking; Excel; Customer service",
      show_interests=True, interests="Family history; Local history", pronouns="she/her",
      open_to="buddy",
      ask_me_about="Tracing your family tree: census records, parish registers, where to start "
          "for free", bio="I've traced my family back to a Kirkfield flax mill in 1790. "
          "Happy to help you start yours — the **Central Library** has free Ancestry access."),
    P("Lee Chapman", COUNCIL, "Parks officer", "Parks and countryside", MERRION, "Floor 1",
      has="Risk assessment; Health and safety; Community engagement",
      interests="Birdwatching; Running", ask_me_about="Friends of parks groups, tree planting"),
    P("Hannah Brook", COUNCIL, "Librarian", "Libraries and information", LIBRARY, "Ground floor",
      teach="Digital inclusion", has="Customer service; Web content",
      interests="Creative writing; Book club", networks="LGBT+ staff network;"
      " Neurodiversity network", pronouns="she/they",
      ask_me_about="Free online resources with your library card, Code Club",
      bio="I run the **Tuesday digital drop-in**: people bring their phones and we sort them."),
    P("Zainab Yusuf", COUNCIL, "Public health officer", "Public health", MERRION, "Floor 4",
      has="Evaluation; Data analysis; Consultation; Project management", learn="Power BI",
      interests="Climbing", languages="English; Arabic; Somali", pronouns="she/her",
      ask_me_about="Healthy weight programmes and how we evaluate them",
      bio="I climb at the Depot most Thursdays and will belay anyone who wants to try."),
    P("Michael Carr", COUNCIL, "Finance business partner", "Financial services", MERRION,
      "Floor 4", teach="Excel; Budget management", has="Risk assessment; Procurement",
      interests="Brass band", open_to="chat mentoring",
      ask_me_about="Budget monitoring and the spreadsheet everyone fears",
      bio="I'll show you the five Excel formulas that do most of the work."),
    P("Sophie Turner", COUNCIL, "Procurement officer", "Procurement", MERRION, "Floor 4",
      has="Procurement; Excel; Negotiation; Project management", sharing="organisation",
      ask_me_about="Quotes, tenders and when you need one"),
    P("Ahmed Karimi", COUNCIL, "Welfare rights adviser", "Welfare rights", HUB, "Floor 1",
      teach="Welfare benefits advice; Debt advice", has="Customer service; Safeguarding adults",
      interests="Chess", languages="English; Kurdish; Arabic", pronouns="he/him",
      ask_me_about="Universal Credit, PIP appeals, cost of living support"),
    P("Laura Greenwood", COUNCIL, "Service designer", "Digital and information services", MERRION,
      "Floor 5", teach="User research; Service design; Accessibility (WCAG)",
      has="Facilitation; Agile delivery; Co-production", learn="Video editing",
      interests="Pottery", networks="Disabled staff network", pronouns="she/her",
      ask_me_about="Testing a service with the people who use it, accessibility",
      working_on="Redesigning the blue badge application with disabled residents"),
    P("Jamal Campbell", COUNCIL, "Youth worker", "Youth service", HUB, "Floor 1",
      has="Trauma-informed practice; Safeguarding children; Social media",
      learn="Blogging; Video editing", interests="Football coaching; Dance",
      networks="Race equality network; Young professionals network", pronouns="he/him",
      ask_me_about="Detached youth work, what young people actually use online"),
    P("Chris Walsh", COUNCIL, "Democratic services officer", "Democratic services", CIVIC,
      "Room 1.06", has="Minute taking; Report writing; Freedom of Information",
      interests="Amateur dramatics", ask_me_about="Committee papers and council procedure",
      open_to="buddy"),
    P("Ioana Popescu", COUNCIL, "Environmental health officer", "Environmental health", MERRION,
      "Floor 1", has="Risk assessment; Health and safety; Report writing",
      interests="Wild swimming", languages="English; Romanian; French", pronouns="she/her",
      ask_me_about="Food hygiene ratings and noise complaints"),
    P("Gurpreet Sandhu", COUNCIL, "Planning officer", "Planning", MERRION, "Floor 6",
      has="Consultation; Report writing; Project management", interests="Dance",
      languages="English; Punjabi", pronouns="he/him", sharing="organisation",
      ask_me_about="Householder planning applications, bhangra classes"),
    P("Neil Fairbrother", COUNCIL, "Highways inspector", "Highways", MERRION, "Floor 1",
      has="Risk assessment; Health and safety", interests="Rugby league",
      ask_me_about="Potholes, and how we decide which to fix first"),
    P("Sam Lister", COUNCIL, "Business administration apprentice", "Customer access", MERRION,
      "Ground floor", has="Microsoft Teams; Customer service",
      learn="Excel; Project management; Public speaking",
      networks="Young professionals network; LGBT+ staff network", pronouns="they/them",
      ask_me_about="Starting an apprenticeship here, as it happens", started_days_ago=12),
    P("Rachel Moorhouse", COUNCIL, "Customer services adviser", "Customer access", MERRION,
      "Ground floor", teach="Deaf awareness", has="Customer service; Safeguarding adults",
      languages="English; British Sign Language", networks="Disabled staff network",
      interests="Knitting", pronouns="she/her", open_to="chat shadowing buddy",
      ask_me_about="Deaf awareness, booking BSL interpreters, basic BSL",
      bio="I grew up with Deaf parents; BSL was my first language. I can teach you to "
          "fingerspell your name in ten minutes."),
    P("Stuart Bell", COUNCIL, "Senior project manager", "Digital and information services",
      MERRION, "Floor 5", teach="Project management; Agile delivery; Change management",
      has="Risk assessment; Budget management; Excel", interests="Cycling",
      networks="Armed forces network", open_to="mentoring loan",
      ask_me_about="Getting a stuck project moving again",
      bio="Twelve years in the RAF, then project delivery. I like a good RAID log."),
    # Kirkfield Teaching Hospitals.
    P("Grace Adeyemi", KTH, "Ward sister", "Ward 24 (elderly medicine)", JAMES, "Ward 24, level 3",
      teach="Dementia care", has="Infection prevention and control; Safeguarding adults; "
      "End of life care; Excel",
      show_interests=True, interests="Choir singing", languages="English; Igbo",
      networks="Race equality network; Women's network", pronouns="she/her",
      ask_me_about="Dementia-friendly wards, the Butterfly scheme",
      bio="I lead the **St James's staff choir**: Wednesdays, 12.30, chapel. No auditions."),
    P("Oliver Dunne", KTH, "Occupational therapist", "Occupational therapy", KGI, "Ground floor",
      has="Manual handling; Risk assessment; Dementia care", learn="Video editing",
      show_interests=True, interests="Running; Cycling", pronouns="he/him",
      ask_me_about="Equipment for going home, parkrun on Saturday mornings",
      bio="Run-walk leader at Kirkfield parkrun. If you've never run, start with me."),
    P("Aaliyah Mahmood", KTH, "Foundation doctor", "Emergency department", KGI, "Ground floor",
      days="mon tue wed sat sun", has="First aid; Clinical audit", learn="Data analysis; Excel",
      interests="Photography", languages="English; Urdu", networks="Young professionals network",
      pronouns="she/her", ask_me_about="Life as a foundation doctor"),
    P("Jonathan Pearson", KTH, "Estates manager", "Estates and facilities", JAMES, "Estates block",
      has="Health and safety; Risk assessment; Project management; Budget management",
      networks="Armed forces network", sharing="organisation",
      ask_me_about="Getting something fixed on the St James's site"),
    P("Ewa Zielińska", KTH, "Healthcare assistant", "Ward 24 (elderly medicine)", JAMES,
      "Ward 24, level 3", days="mon wed thu sat", has="Dementia care; Manual handling",
      learn="Public speaking; Excel", languages="English; Polish", interests="Cooking",
      ask_me_about="Becoming a nursing associate"),
    P("Tendai Moyo", KTH, "Patient experience lead", "Patient experience", KGI, "Floor 2",
      teach="Co-production; Facilitation", has="Blogging; Consultation; Evaluation",
      networks="Race equality network", pronouns="he/him",
      ask_me_about="Patient stories, the Friends and Family Test, patient panels"),
    P("Rebecca Lowe", KTH, "Information governance manager", "Informatics", KGI,
      "Floor 4, Jubilee Wing", teach="Data protection (GDPR); Freedom of Information; "
      "Information governance", sharing="organisation",
      ask_me_about="Can I share this? (Usually yes, with the right agreement.)"),
    P("Hamza Siddiqui", KTH, "Quality improvement facilitator", "Quality improvement", KGI,
      "Floor 2", teach="Quality improvement; Lean; Clinical audit", has="Data analysis; Excel",
      learn="Public speaking", languages="English; Urdu", pronouns="he/him",
      ask_me_about="Run charts, PDSA cycles, starting a small improvement project"),
    P("Megan Firth", KTH, "Learning and development coordinator", "Learning and development",
      JAMES, "Education centre, level 1", has="Microsoft Teams; PowerPoint; Project management",
      learn="Video editing; Blogging", interests="Baking", networks="Young professionals network",
      ask_me_about="Booking training rooms, the learning platform", open_to="buddy"),
    P("Peter Crowther", KTH, "Director of finance", "Finance", JAMES, "Trust headquarters",
      has="Budget management; Negotiation", sharing="unlisted"),
    # Kirkfield Community Health.
    P("Yasmin Iqbal", KCH, "Health visitor", "Health visiting", SEACROFT, "First floor",
      has="Safeguarding children; Motivational interviewing", interests="Yoga",
      languages="English; Urdu; Punjabi", networks="Carers' network", pronouns="she/her",
      ask_me_about="Infant feeding and the first 1001 days"),
    P("Liam Doherty", KCH, "Mental health nurse", "Community mental health team", STOCKDALE,
      "Floor 2", teach="Mental health first aid; Motivational interviewing",
      has="Risk assessment; Safeguarding adults", show_interests=True, interests="Running; Guitar",
      networks="LGBT+ staff network", pronouns="he/him",
      ask_me_about="Mental health first aid courses and looking after yourself at work",
      bio="Mental health first aid instructor. I run a **walk and talk** every Friday at 12."),
    P("Ruth Ackroyd", KCH, "Speech and language therapist",
      "Children's speech and language therapy", STOCKDALE, "Floor 1", days="tue wed thu",
      has="Safeguarding children; Deaf awareness", languages="English; British Sign Language",
      interests="Knitting", ask_me_about="Communication difficulties, Makaton and BSL"),
    P("Tesfay Gebremedhin", KCH, "Community health worker", "Community health development",
      SEACROFT, "Ground floor", has="Community engagement; Digital inclusion",
      languages="English; Tigrinya; Arabic", interests="Football coaching",
      ask_me_about="Reaching Eritrean and Sudanese families in east Kirkfield"),
    P("Kiran Mistry", KCH, "Business intelligence analyst", "Business intelligence", STOCKDALE,
      "Floor 3", teach="Power BI; Excel", has="SQL; Data analysis", learn="Python",
      networks="Neurodiversity network", pronouns="he/him",
      ask_me_about="Where community health data lives and how to get it"),
    P("Craig Ellis", KCH, "Physiotherapist", "Community rehabilitation", SEACROFT, "Ground floor",
      has="Manual handling; First aid", interests="Cycling", ask_me_about="Falls prevention"),
    P("Deborah Haigh", KCH, "Head of nursing", "Nursing directorate", STOCKDALE, "Floor 3",
      teach="Coaching; Mentoring", has="Change management; Quality improvement",
      networks="Women's network", open_to="chat mentoring shadowing",
      ask_me_about="Careers in community nursing, leading through change"),
    # Kirkfield Voluntary Action.
    P("Marcus Thompson", VA, "Funding and development officer", "Funding and development", HUB,
      "Floor 1", teach="Bid writing; Fundraising", has="Budget management; Evaluation",
      interests="Cycling", pronouns="he/him",
      ask_me_about="Which funders to try, and a second pair of eyes on your bid",
      bio="I read bids for fun. Send me yours a week before the deadline, not the night before."),
    P("Halima Osman", VA, "Digital inclusion officer", "Digital inclusion", HUB, "Ground floor",
      teach="Digital inclusion", has="Customer service; Social media",
      languages="English; Somali; Arabic", pronouns="she/her",
      ask_me_about="Free devices and data for people who can't get online"),
    P("Ben Stansfield", VA, "Communications officer", "Communications", HUB, "Floor 1",
      teach="Social media; Graphic design", has="Blogging; Web content; Video editing",
      interests="Photography", sharing="public",
      ask_me_about="Canva, social media for small charities"),
    P("Chloe Barraclough", VA, "Training and events officer", "Training and events", HUB,
      "Floor 1", has="Facilitation; Microsoft Teams", learn="Video editing; Blogging; "
      "Public speaking", interests="Amateur dramatics", networks="Young professionals network",
      ask_me_about="Booking the hub's rooms, our training programme"),
    P("Andrzej Wójcik", VA, "Befriending coordinator", "Volunteering", HUB, "Ground floor",
      has="Volunteer management; Safeguarding adults", interests="Chess; Allotment gardening",
      languages="English; Polish", ask_me_about="Befriending older people who live alone",
      bio="I came to Kirkfield in 2006. Chess club at the Hub, Wednesdays, all levels."),
    # Community members.
    P("Bilal Rashid", "example.org", has="Community engagement; Consultation",
      interests="Cooking; Football coaching", languages="English; Urdu",
      ask_me_about="Harehills residents' forum"),
    P("Pauline Whiteley", "example.net", has="Mentoring", interests="Local history; Birdwatching",
      ask_me_about="Friends of Kirkfield Park", sharing="public",
      bio="Retired teacher. I volunteer in the park and walk it every morning."),
]  # fmt: skip

# (whose profile, reported by, message)
LEAVER = (
    "neil.fairbrother@kirkfield.gov.uk",
    "lee.chapman@kirkfield.gov.uk",
    "Neil retired at Easter: his leaving do was at the Victoria.",
)
CORRECTION = (
    "gareth.lloyd@kirkfield.gov.uk",
    "fatima.hussain@kirkfield.gov.uk",
    "Gareth moved to the housing options team at the Community Hub in the spring.",
)
STALE = ["ruth.ackroyd@kch.nhs.uk", "craig.ellis@kch.nhs.uk"]
STALE_AGE = timedelta(days=240)  # about eight months: past the six-month reminder
ARCHIVED_BY = "helen.marsh@kirkfield.gov.uk"  # the administrator

SHARING = {
    "": {},
    "public": dict.fromkeys(
        ["audience", "skills_audience", "about_audience", "location_audience"], Audience.PUBLIC
    ),
    "organisation": {"audience": Audience.ORGANISATION},
    "unlisted": {"in_directory": False},
}


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(";") if name.strip()]


def seed_vocabulary() -> None:
    """Create or update the curated skills, interests, languages and networks."""
    existing = {skill.key: skill for skill in Skill.objects.all()}
    for name, kind in VOCABULARY:
        skill = existing.get(skill_key(name)) or Skill(name=name)
        wanted = (name, kind, DESCRIPTIONS.get(name, ""), True)
        if skill.pk and (skill.name, skill.kind, skill.description, skill.curated) == wanted:
            continue
        skill.name, skill.kind, skill.description, skill.curated = wanted
        skill.save()
    for alias, name in ALIASES:
        SkillAlias.objects.update_or_create(
            key=skill_key(alias),
            defaults={"name": alias, "skill": Skill.objects.get(key=skill_key(name))},
        )


def seed_places() -> dict[str, Place]:
    places = {}
    for name, address in PLACES:
        place = services.find_or_create_place(name=name)
        if place.address != address:
            place.address = address
            place.save(update_fields=["address"])
        places[name] = place
    return places


def _fields(index: int, person: DemoProfile, user: User, places: dict[str, Place]) -> dict:
    staff = user.organisation is not None
    fields = {
        "pronouns": person.pronouns,
        "job_title": person.job_title,
        "bio": person.bio,
        "team": services.find_or_create_team(organisation=user.organisation, name=person.team),
        "place": places.get(person.place),
        "floor": person.floor,
        "working_days": person.days.split() if staff else [],
        # Ofcom's drama ranges: 0113 496 0000-0999 and 07700 900000-900999.
        "phone": f"0113 496 0{100 + 13 * index:03d}" if staff else "",
        "mobile": f"07700 900{100 + 11 * index:03d}" if staff and index % 3 == 0 else "",
        "working_on": person.working_on,
        "ask_me_about": person.ask_me_about,
        "open_to_chat": "chat" in person.open_to,
        "open_to_loan": "loan" in person.open_to,
        "open_to_shadowing": "shadowing" in person.open_to,
        "open_to_mentoring": "mentoring" in person.open_to,
        "open_to_buddy": "buddy" in person.open_to,
        "show_interests": person.show_interests,
        "in_directory": True,
        "audience": Audience.COMMUNITY,
        "contact_audience": Audience.STAFF,
        "location_audience": Audience.STAFF,
        "skills_audience": Audience.COMMUNITY,
        "about_audience": Audience.COMMUNITY,
        "interests_audience": person.interests_audience,
    }
    return fields | SHARING[person.sharing]


def seed_profiles(users: dict[str, User]) -> dict[str, Profile]:
    places = seed_places()
    profiles = {}
    for index, person in enumerate(PROFILES):
        user = users[person.email]
        profile = services.ensure_profile(user=user)
        services.update_profile(
            profile=profile,
            fields=_fields(index, person, user, places),
            skills={
                Relation.TEACH: _names(person.teach),
                Relation.HAS: _names(person.has),
                Relation.LEARN: _names(person.learn),
                Relation.INTEREST: _names(person.interests),
                Relation.LANGUAGE: _names(person.languages),
                Relation.NETWORK: _names(person.networks),
            },
        )
        if person.started_days_ago is not None:  # as the HR import sets it
            started = timezone.localdate() - timedelta(days=person.started_days_ago)
            Profile.objects.filter(pk=profile.pk).update(started_on=started)
            profile.started_on = started
        profiles[person.email] = profile
    return profiles


def seed_housekeeping(users: dict[str, User], profiles: dict[str, Profile]) -> None:
    """A leaver, an open correction and two profiles nobody has checked for months."""
    leaver, reporter, message = LEAVER
    if profiles[leaver].archived_at is None:
        services.report_correction(
            profile=profiles[leaver],
            reported_by=users[reporter],
            kind=ProfileCorrection.Kind.LEFT,
            message=message,
        )
        services.archive_profile(profile=profiles[leaver], by=users[ARCHIVED_BY])
    email, reporter, message = CORRECTION
    profile = profiles[email]
    if not profile.corrections.filter(status=ProfileCorrection.Status.OPEN).exists():
        services.report_correction(
            profile=profile,
            reported_by=users[reporter],
            kind=ProfileCorrection.Kind.CORRECTION,
            message=message,
        )
    # Straight to the rows: the services would record the change as a fresh update.
    long_ago = timezone.now() - STALE_AGE
    Profile.objects.filter(user__email__in=STALE).update(updated_at=long_ago, confirmed_at=long_ago)


def seed() -> list[Profile]:
    """Seed the vocabulary, places and profiles; the accounts must already exist."""
    seed_vocabulary()
    emails = [person.email for person in PROFILES]
    found = User.objects.filter(email__in=emails).select_related("organisation")
    users = {user.email: user for user in found}
    missing = sorted(set(emails) - set(users))
    if missing:
        raise LookupError(f"Create these demo accounts first: {', '.join(missing)}")
    profiles = seed_profiles(users)
    seed_housekeeping(users, profiles)
    return list(profiles.values())
