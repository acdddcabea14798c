"""Word lists for the generated partnership: names, jobs, teams, places, skills, talk.

Everything is British and believable rather than random: the point of the scale data
is that a page of it looks like a page of the real thing. The demo's own vocabulary
(``profiles.demo``) comes first; these lists add to it.
"""

FIRST_NAMES = [
    "Aaliyah", "Abdul", "Abigail", "Adam", "Ade", "Adrian", "Agnieszka", "Ahmed", "Aidan",
    "Aisha", "Alan", "Alex", "Alice", "Alison", "Amara", "Amelia", "Amir", "Amy", "Andrea",
    "Andrew", "Andrzej", "Angela", "Anil", "Anna", "Anne", "Anthony", "Arjun", "Asha", "Ayesha",
    "Barbara", "Beata", "Ben", "Bernadette", "Beth", "Bilal", "Bogdan", "Brian", "Callum",
    "Carl", "Carol", "Caroline", "Catherine", "Charlotte", "Chidi", "Chloe", "Chris",
    "Christine", "Ciaran", "Claire", "Colin", "Connor", "Craig", "Dan", "Daniel", "Danielle",
    "Darren", "Dave", "David", "Dawn", "Dean", "Debbie", "Deborah", "Declan", "Denise", "Dev",
    "Diane", "Dominic", "Donna", "Ed", "Eilidh", "Elaine", "Eleanor", "Elif", "Elizabeth",
    "Ella", "Emily", "Emma", "Eric", "Erin", "Ewa", "Faisal", "Farah", "Fatima", "Femi",
    "Fiona", "Gareth", "Gary", "Gemma", "George", "Georgia", "Grace", "Graham", "Hamza",
    "Hannah", "Harriet", "Harry", "Hassan", "Hayley", "Heather", "Helen", "Ibrahim", "Imran",
    "Irene", "Isaac", "Isabel", "Jack", "Jacqueline", "Jade", "Jake", "James", "Jamie", "Jan",
    "Jane", "Janet", "Jasmine", "Jason", "Jayden", "Jennifer", "Jess", "Joanne", "Joe", "John",
    "Jonathan", "Jordan", "Joseph", "Josh", "Joy", "Julie", "Kamal", "Karen", "Kate",
    "Katarzyna", "Kayleigh", "Keith", "Kelly", "Kerry", "Kevin", "Kiran", "Kirsty", "Kwame",
    "Laura", "Lauren", "Lee", "Leon", "Lewis", "Liam", "Linda", "Lisa", "Liz", "Lorraine",
    "Louise", "Lucy", "Luke", "Lydia", "Maciej", "Maggie", "Malik", "Marcus", "Margaret",
    "Maria", "Mark", "Martin", "Mary", "Matthew", "Megan", "Mei", "Mehmet", "Michael",
    "Michelle", "Mohammed", "Molly", "Nadia", "Naomi", "Natalie", "Nathan", "Neil", "Nicola",
    "Nikhil", "Niamh", "Noah", "Nuala", "Oliver", "Olivia", "Omar", "Owen", "Patricia",
    "Paul", "Pauline", "Peter", "Phil", "Priya", "Rachel", "Rahul", "Rebecca", "Rhys",
    "Richard", "Rob", "Rosie", "Ruth", "Ryan", "Sadia", "Sally", "Sam", "Samina", "Sandra",
    "Sarah", "Scott", "Sean", "Shabana", "Shaun", "Sharon", "Shazia", "Simon", "Siobhan",
    "Sophie", "Stacey", "Stephen", "Steve", "Stuart", "Sue", "Sunil", "Tariq", "Teresa",
    "Thomas", "Tina", "Tom", "Tomasz", "Tony", "Tracey", "Usman", "Vicky", "Wendy", "Will",
    "Yasmin", "Yusuf", "Zainab", "Zara", "Zoe",
]  # fmt: skip

SURNAMES = [
    "Abbott", "Ackroyd", "Adeyemi", "Ahmed", "Akhtar", "Ali", "Allen", "Anderson", "Armitage",
    "Atkinson", "Bailey", "Baker", "Barker", "Barnes", "Barraclough", "Begum", "Bell",
    "Bennett", "Bibi", "Birch", "Bishop", "Booth", "Bradley", "Brook", "Brown", "Burke",
    "Butler", "Byrne", "Campbell", "Carr", "Carter", "Chadwick", "Chapman", "Chaudhry", "Chen",
    "Clark", "Clarke", "Collins", "Cooper", "Cox", "Crowther", "Cunningham", "Dale", "Davies",
    "Dawson", "Dixon", "Doherty", "Dunne", "Dyson", "Edwards", "Ellis", "Evans", "Fairbrother",
    "Farrell", "Firth", "Fisher", "Fletcher", "Foster", "Fox", "Gallagher", "Gebremedhin",
    "Gibson", "Gill", "Goodwin", "Graham", "Grant", "Gray", "Green", "Greenwood", "Griffiths",
    "Haigh", "Hall", "Hargreaves", "Harris", "Harrison", "Hartley", "Hill", "Hirst",
    "Holmes", "Holroyd", "Hopkins", "Horsfall", "Hughes", "Hussain", "Iqbal", "Jackson",
    "James", "Johnson", "Jones", "Kaur", "Kelly", "Kennedy", "Kershaw", "Khan", "King",
    "Knight", "Kowalski", "Lambert", "Lee", "Lewis", "Lloyd", "Lowe", "Mahmood", "Malik",
    "Marsh", "Marshall", "Martin", "Mason", "McCarthy", "McDonald", "Mensah", "Miller",
    "Mistry", "Mitchell", "Moore", "Morgan", "Morris", "Moyo", "Murphy", "Murray", "Nowak",
    "Nwosu", "O'Brien", "O'Connor", "Okafor", "Oliver", "Osman", "Owen", "Palmer", "Parker",
    "Patel", "Pearson", "Phillips", "Price", "Rahman", "Rashid", "Reid", "Richardson",
    "Roberts", "Robinson", "Rogers", "Russell", "Ryan", "Saunders", "Scott", "Shah", "Sharma",
    "Shaw", "Siddiqui", "Simpson", "Singh", "Smith", "Stansfield", "Stevens", "Sutcliffe",
    "Taylor", "Thomas", "Thompson", "Turner", "Walker", "Walsh", "Ward", "Watson", "White",
    "Whiteley", "Wilkinson", "Williams", "Wilson", "Wiśniewska", "Wood", "Wright", "Yusuf",
    "Zielińska",
]  # fmt: skip

PRONOUNS = ["she/her", "he/him", "they/them", "she/they", "he/they"]

# Job titles by organisation kind (Organisation.Kind values).
JOB_TITLES = {
    "council": [
        "Housing officer",
        "Social worker",
        "Senior social worker",
        "Family support worker",
        "Business support officer",
        "Data analyst",
        "Project manager",
        "Team manager",
        "Service manager",
        "Policy officer",
        "Communications officer",
        "HR adviser",
        "Finance officer",
        "Procurement officer",
        "Planning officer",
        "Building control surveyor",
        "Environmental health officer",
        "Licensing officer",
        "Parks officer",
        "Librarian",
        "Customer services adviser",
        "Youth worker",
        "Occupational therapist",
        "Reablement support worker",
        "Highways engineer",
        "Waste services supervisor",
        "Refuse collector",
        "School admissions officer",
        "Educational psychologist",
        "Community safety officer",
        "Neighbourhood improvement officer",
        "Democratic services officer",
        "Electoral services officer",
        "Registrar",
        "Benefits assessor",
        "Revenues officer",
        "Business analyst",
        "Developer",
        "User researcher",
        "Service designer",
        "Learning and development adviser",
        "Apprentice",
        "Caretaker",
        "Cook",
    ],
    "nhs_trust": [
        "Staff nurse",
        "Ward sister",
        "Charge nurse",
        "Healthcare assistant",
        "Nursing associate",
        "Matron",
        "District nurse",
        "Health visitor",
        "Midwife",
        "Foundation doctor",
        "Registrar",
        "Consultant",
        "Physiotherapist",
        "Occupational therapist",
        "Speech and language therapist",
        "Dietitian",
        "Pharmacist",
        "Pharmacy technician",
        "Radiographer",
        "Paramedic",
        "Porter",
        "Domestic assistant",
        "Ward clerk",
        "Medical secretary",
        "Data analyst",
        "Information governance officer",
        "Estates officer",
        "Patient experience lead",
        "Clinical educator",
        "Quality improvement facilitator",
        "Mental health nurse",
        "Support worker",
        "Receptionist",
        "HR business partner",
        "Finance business partner",
        "Chaplain",
        "Volunteer coordinator",
        "Digital nurse",
    ],
    "voluntary": [
        "Volunteer coordinator",
        "Community development worker",
        "Funding and development officer",
        "Digital inclusion officer",
        "Befriending coordinator",
        "Training and events officer",
        "Communications officer",
        "Advice worker",
        "Project worker",
        "Chief executive",
        "Finance and admin officer",
        "Youth worker",
        "Support worker",
        "Outreach worker",
        "Partnerships manager",
        "Trustee",
    ],
    "other": ["Project worker", "Officer", "Manager", "Coordinator"],
}

TEAMS = {
    "council": [
        "Adult social care",
        "Children's social work",
        "Housing services",
        "Housing options",
        "Homelessness prevention",
        "Communications and marketing",
        "Digital and information services",
        "HR and organisational development",
        "Financial services",
        "Procurement",
        "Democratic services",
        "Electoral services",
        "Registration",
        "Libraries and information",
        "Parks and countryside",
        "Highways and transportation",
        "Waste management",
        "Environmental health",
        "Licensing",
        "Planning",
        "Building control",
        "Public health",
        "Intelligence and policy",
        "Communities",
        "Community safety",
        "Youth service",
        "Early help",
        "Schools and learning",
        "SEND",
        "Adult learning",
        "Revenues and benefits",
        "Customer contact centre",
        "Legal services",
        "Asset management",
        "Facilities",
        "Climate and sustainability",
        "Culture and events",
        "Economic development",
        "Employment and skills",
        "Reablement",
        "Fostering and adoption",
        "Youth justice",
    ],
    "nhs_trust": [
        "Emergency department",
        "Acute medicine",
        "Elderly medicine",
        "Respiratory",
        "Cardiology",
        "Stroke unit",
        "Maternity",
        "Neonatal unit",
        "Children's ward",
        "Theatres",
        "Outpatients",
        "Radiology",
        "Pathology",
        "Pharmacy",
        "Physiotherapy",
        "Occupational therapy",
        "Dietetics",
        "Speech and language therapy",
        "District nursing",
        "Health visiting",
        "School nursing",
        "Community mental health team",
        "Informatics",
        "Business intelligence",
        "Learning and development",
        "Estates and facilities",
        "Finance",
        "HR",
        "Patient experience",
        "Quality improvement",
        "Infection prevention",
        "Safeguarding team",
        "Chaplaincy",
        "Discharge team",
        "Community rehabilitation",
    ],
    "voluntary": [
        "Volunteering",
        "Community development",
        "Funding and development",
        "Digital inclusion",
        "Training and events",
        "Communications",
        "Advice",
        "Befriending",
        "Youth projects",
        "Finance and admin",
        "Partnerships",
    ],
    "other": ["General"],
}
TEAM_AREAS = ["North", "South", "East", "West", "Central", "North East", "North West",
              "South East", "South West", "Outer", "Inner"]  # fmt: skip

NEIGHBOURHOODS = [
    "Armley", "Beeston", "Bramley", "Burmantofts", "Chapel Allerton", "Chapeltown",
    "Cross Gates", "Farsley", "Gipton", "Guiseley", "Harehills", "Headingley", "Holbeck",
    "Horsforth", "Hunslet", "Kirkstall", "Meanwood", "Middleton", "Moortown", "Morley",
    "Otley", "Pudsey", "Rothwell", "Roundhay", "Seacroft", "Swarcliffe", "Wetherby",
    "Woodhouse", "Wortley", "Yeadon", "Belle Isle", "Garforth", "Halton Moor", "Osmondthorpe",
    "Richmond Hill", "Kippax", "Rawdon", "Alwoodley", "Adel", "Cookridge",
]  # fmt: skip
PLACE_KINDS = [
    "Library", "Health Centre", "One Stop Centre", "Community Hub", "Depot", "Leisure Centre",
    "Children's Centre", "Medical Practice", "Community Centre",
]  # fmt: skip
STREETS = [
    "Station Road", "Church Street", "High Street", "Town Street", "Moor Road", "Park Lane",
    "Victoria Road", "Albion Street", "Mill Lane", "York Road", "Bridge Street", "Chapel Lane",
]  # fmt: skip
FLOORS = ["Ground floor", "Floor 1", "Floor 2", "Floor 3", "Floor 4", "Floor 5", "Basement",
          "Room 1.04", "Room 2.12", "Level 3", "East wing", "West wing"]  # fmt: skip

COMMUNITY_DOMAINS = ["example.com", "example.org", "example.net", "mail.example"]

# --- the vocabulary, beyond profiles.demo's ------------------------------------------------

# The skills nearly everyone lists: the head of the distribution, most common first.
COMMON_SKILLS = [
    "Excel", "Customer service", "Microsoft Teams", "Safeguarding adults", "Project management",
    "First aid", "Report writing", "Data analysis", "Manual handling", "Risk assessment",
    "Health and safety", "Minute taking", "PowerPoint", "Safeguarding children", "Coaching",
    "Public speaking", "Facilitation", "Social media",
]  # fmt: skip
MORE_SKILLS = [
    "Word", "Outlook", "Copywriting", "Proofreading", "Translation", "Interpreting",
    "Sign language interpreting", "Makaton", "Conflict resolution", "De-escalation",
    "Time management", "Stakeholder management", "Business cases", "Writing policy",
    "Performance management", "Appraisals", "Line management", "Leadership",
    "Inclusive recruitment", "Onboarding", "Workforce planning", "Payroll", "Pensions",
    "Bookkeeping", "Financial modelling", "Contract management", "Commissioning",
    "Grant management", "Benefits realisation", "Programme management", "PRINCE2", "Scrum",
    "Kanban", "Product management", "Content design", "Interaction design", "Prototyping",
    "Usability testing", "Accessibility testing", "Information architecture", "JavaScript",
    "HTML and CSS", "R", "Statistics", "Data visualisation", "Geographic information systems",
    "Machine learning", "Cyber security", "IT support", "Records management",
    "Subject access requests", "Complaints handling", "Mediation skills", "Counselling skills",
    "Active listening", "Solution-focused practice", "Restorative practice", "Signs of Safety",
    "Strengths-based practice", "Motivational interviewing", "Trauma awareness",
    "Suicide prevention", "Domestic abuse awareness", "Modern slavery awareness",
    "Prevent awareness", "Child sexual exploitation awareness", "Medication administration",
    "Catheter care", "Venepuncture", "Cannulation", "Tracheostomy care", "Diabetes care",
    "Falls prevention", "Frailty", "Palliative care", "Tissue viability", "Continence care",
    "Nutrition and hydration", "Breastfeeding support", "Perinatal mental health",
    "Paediatric first aid", "Basic life support", "Immediate life support", "Moving and handling",
    "Fire safety", "Food hygiene", "Lone working", "Driving a minibus", "Forklift driving",
    "Gardening and grounds", "Tree surgery", "Bricklaying", "Plumbing", "Electrical work",
    "Joinery", "Painting and decorating", "Event planning", "Campaign planning",
    "Press releases", "Internal communications", "Illustration",
    "Canva", "Adobe InDesign", "Animation", "Sound recording", "Live streaming",
    "Running webinars", "E-learning design", "Teaching adults", "Assessing apprentices",
    "Career coaching", "CV writing", "Interview skills", "Presenting data",
    "Writing for the web", "Storytelling", "Neighbourhood working", "Tenant participation",
    "Youth participation", "Partnership working", "Volunteer recruitment", "Grant writing",
    "Social value", "Carbon literacy", "Energy efficiency advice", "Cycle training",
    "Road safety", "Emergency planning", "Business continuity", "Licensing law",
    "Planning law", "Environmental law", "Contract law", "Court of Protection work",
]  # fmt: skip
MORE_INTERESTS = [
    "Salsa dancing", "Ballroom dancing", "Morris dancing", "Tap dancing", "Zumba", "Pilates",
    "Swimming", "Triathlon", "Parkrun", "Netball", "Hockey", "Cricket", "Tennis", "Badminton",
    "Squash", "Golf", "Bowls", "Darts", "Snooker", "Angling", "Sailing", "Canoeing",
    "Rowing", "Mountain biking", "Horse riding", "Martial arts", "Boxing", "Weightlifting",
    "Gardening", "Beekeeping", "Keeping chickens", "Dog walking", "Cats", "Wildlife watching",
    "Astronomy", "Stargazing", "Geocaching", "Camping", "Caravanning", "Travel",
    "Quiz nights", "Pub quizzes", "Crosswords", "Sudoku", "Jigsaw puzzles", "Video games",
    "Tabletop role-playing", "Dungeons and Dragons", "Comic books", "Film", "Cinema",
    "Theatre", "Musicals", "Stand-up comedy", "Improv", "Poetry", "Spoken word",
    "Writing short stories", "Sci-fi", "Crime fiction", "Podcasts", "Radio", "Vinyl records",
    "DJing", "Piano", "Violin", "Ukulele", "Drums", "Saxophone", "Singing", "Gospel choir",
    "Folk music", "Jazz", "Punk", "Classical music", "Opera", "Painting", "Watercolours",
    "Life drawing", "Sketching", "Calligraphy", "Embroidery", "Sewing", "Dressmaking",
    "Quilting", "Upcycling furniture", "Woodwork", "DIY", "Classic cars", "Motorbikes",
    "Model railways", "Lego", "Genealogy", "Volunteering", "Scouts and Guides",
    "School governor", "Magistrate", "Special constable", "Mountain rescue", "Blood donation",
    "Cooking curries", "Vegan cooking", "Bread making", "Cake decorating", "Home brewing",
    "Wine tasting", "Coffee", "Foraging", "Fermenting", "Meditation", "Mindfulness",
    "Tai chi", "Bird photography", "Urban sketching", "Heritage railways", "Canal boats",
]  # fmt: skip
MORE_LANGUAGES = [
    "Spanish", "German", "Italian", "Portuguese", "Gujarati", "Hindi", "Mandarin", "Farsi",
    "Pashto", "Turkish", "Yoruba", "Swahili", "Shona", "Amharic", "Lithuanian", "Latvian",
    "Slovak", "Czech", "Hungarian", "Russian", "Ukrainian", "Greek", "Irish", "Scottish Gaelic",
    "Tamil", "Malayalam", "Tagalog", "Vietnamese", "Dutch",
]  # fmt: skip

# The long tail: an area of work and a practice ("Highways inspection").
TAIL_AREAS = [
    "Highways", "Planning", "Licensing", "Pensions", "Council tax", "Housing benefit",
    "Pharmacy", "Radiology", "Theatre", "Maternity", "Paediatric", "Respiratory", "Stroke",
    "Cardiac", "School admissions", "Waste", "Fleet", "Building control",
    "Environmental health", "Trading standards", "Emergency planning", "Electoral",
    "Archives", "Museum", "Leisure centre", "Youth work", "Early years", "SEND", "Adoption",
    "Youth justice", "Housing repairs", "Estates", "Catering", "Phlebotomy", "Audiology",
    "Dietetics", "Podiatry", "Sexual health", "Drug and alcohol", "Smoking cessation",
    "Immunisation", "Screening", "Discharge", "Continuing healthcare", "Reablement",
    "Tenancy", "Allotments", "Cemeteries", "Parking", "Street lighting", "Flood risk",
    "Air quality", "Noise", "Pest control", "Food safety", "Taxi licensing", "Markets",
    "Registrars", "Social housing", "Private rented sector",
]  # fmt: skip
TAIL_PRACTICES = [
    "policy", "casework", "data", "audit", "systems", "inspection", "training",
    "procurement", "budgeting", "reporting", "compliance", "scheduling", "triage",
    "assessment", "coordination", "governance", "quality assurance", "enforcement",
    "law", "consultation",
]  # fmt: skip

# --- groups, events and discussions --------------------------------------------------------

LEARNING_SUFFIXES = ["Learning Circle", "Skills Share", "Clinic", "Study Group", "Club",
                     "Teach-meet", "for Beginners", "Practice Group", "Drop-in"]  # fmt: skip
SOCIAL_SUFFIXES = ["Club", "Group", "Society", "Circle", "Crew", "Collective", "Lunch Club",
                   "Meet-up"]  # fmt: skip
PEER_SUPPORT = [
    "Foster Carers' Circle", "New Parents' Group", "Menopause Support Group",
    "Carers' Coffee Morning", "Bereavement Peer Support", "Dads' Group", "Long Covid Support",
    "Neurodivergent Peer Support", "Kinship Carers", "Living with Diabetes", "Sober Curious",
    "Returners' Network", "Young Carers Alumni", "Chronic Pain Peer Support",
    "Baby Loss Support", "Adoptive Parents' Group",
]  # fmt: skip
GROUP_SUMMARIES = [
    "We meet every week, all welcome, no experience needed.",
    "A friendly group for anyone who wants to learn together at lunchtime.",
    "Share what you know, learn what you don't: one session a month.",
    "Peer support in a safe space: what is said here stays here.",
    "Beginners especially welcome; bring a friend from another team.",
    "Run by staff, for staff: come once or come every time.",
    "We swap tips, practise together and celebrate small wins.",
    "Across the council, the trusts and the voluntary sector.",
]  # fmt: skip
GROUP_DESCRIPTIONS = [
    "We started this group after a conversation in the kitchen: it turned out {n} of us "
    "were interested in **{topic}** and nobody knew.\n\nSessions are at lunchtime, usually "
    "in {place}, sometimes online.",
    "Whether you have never tried **{topic}** or you have done it for years, you are "
    "welcome.\n\n- We meet {when}\n- No need to book, just turn up\n- Tea and biscuits "
    "provided",
    "A staff-run group about {topic}. We take turns to lead: if you would like to run a "
    "session, tell one of the organisers.\n\nWe meet at {place}.",
    "Part of OWLS (Our Workplace Learning and Socials). We share what we know about "
    "*{topic}*, and we keep it friendly and low-pressure.",
    "This is a small group and we like it that way. We meet {when} at {place}; new people "
    "are always welcome.\n\n> Come for the {topic}, stay for the people.",
]  # fmt: skip
WHEN = ["every Tuesday at 12.30", "on the first Thursday of the month", "every other Wednesday",
        "on Friday lunchtimes", "once a month after work", "every Monday at 5pm"]  # fmt: skip
EVENT_TITLES = {
    "social": ["Lunchtime meet-up", "Monthly social", "Summer picnic", "Christmas do",
               "Quiz night", "Walk and talk", "Coffee morning", "End of term drinks",
               "Open evening", "Taster session"],
    "learning": ["Introduction to {topic}", "{topic}: beyond the basics", "{topic} drop-in",
                 "Ask me anything: {topic}", "{topic} masterclass", "Practice session",
                 "{topic} for beginners", "Show and tell"],
}  # fmt: skip
EVENT_DESCRIPTIONS = [
    "Bring your lunch and your questions. We'll start with ten minutes on **{topic}**, then "
    "it's over to you.",
    "A relaxed session for anyone interested in {topic}.\n\n- No experience needed\n- Please "
    "reply so we know numbers",
    "Hands-on practice: bring a laptop or phone if you have one. Places are limited so "
    "please say if you can't come after all.",
    "Our regular get-together. If you're new, say hello to one of the organisers when you "
    "arrive.",
    "Online this time: the link is below. Cameras optional.",
]  # fmt: skip

GENERAL_BOARDS = [
    # slug, name, description, audience, big (may hold a 10,000-post thread)
    ("around-the-partnership", "Around the partnership",
     "The open conversation between residents, partners and staff. Anyone can read it.",
     "public", True),
    ("ask-the-partnership", "Ask the partnership",
     "Questions from residents and partners about our services, answered in the open.",
     "public", False),
    ("community-noticeboard", "Community noticeboard",
     "For anyone signed in: events, offers of help, things you've found useful.",
     "community", True),
    ("health-and-wellbeing", "Health and wellbeing",
     "Looking after ourselves and each other, for anyone signed in.", "community", False),
    ("staff-common-room", "Staff common room",
     "Staff of every partner organisation: introductions, questions, trying things out.",
     "staff", True),
    ("learning-and-skills", "Learning and skills",
     "Courses, sessions, mentoring and who can teach what.", "staff", False),
    ("digital-and-data", "Digital, data and technology",
     "Spreadsheets, dashboards, tools and working in the open.", "staff", False),
    ("working-in-the-open", "Working in the open",
     "Weeknotes, blog posts and show-and-tells from across the partnership.", "staff", True),
]  # fmt: skip

TOPIC_TITLES = [
    "Has anyone used {topic} for this?", "Tips for getting started with {topic}",
    "Looking for someone who knows {topic}", "{topic}: what's worked for you?",
    "Free {topic} session next month", "Question about {topic}",
    "Recommendations for {topic} training", "Is there a {topic} group?",
    "Sharing my notes from the {topic} course", "Can anyone mentor me in {topic}?",
    "{topic} in {place}?", "What does good {topic} look like?",
]  # fmt: skip
PLAIN_TITLES = [
    "Weeknotes", "Introduce yourself", "What are you reading?", "Parking at {place}",
    "Lunch recommendations near {place}", "Lost property at {place}", "Hello from {team}",
    "Ideas for a more sociable workplace", "Working in the open: first steps",
    "Trojan mice: small experiments that worked", "Who's sitting next to you?",
    "Volunteering days: how do I book one?", "The new intranet", "Flexible working",
    "Cycle to work scheme", "Walking meetings", "Book swap at {place}",
    "Photos from the summer fair", "Accessibility of our forms", "Plain English challenge",
]  # fmt: skip
BIG_THREAD_TITLES = [
    "Introduce yourself: who's sitting next to you?", "Weeknotes from across the partnership",
    "What are you reading this month?", "Daily good news", "Ask me anything about OWLS",
    "Your wins of the week", "Lunchtime walks: where did you go today?",
    "Photo of the day", "What are you learning right now?", "Kind words for a colleague",
]  # fmt: skip

OPENINGS = [
    "Hello everyone,", "Hi all,", "Morning!", "Quick question:", "Hello from {team}.",
    "I've been wondering about this for a while.", "Not sure this is the right board, but",
    "Following on from the last session,", "Thanks to everyone who came last week.",
    "I'm new here, so go easy on me.",
]  # fmt: skip
MIDDLES = [
    "We've been trying to get better at **{topic}** in our team and I'd love to hear what "
    "has worked for other people.",
    "Does anyone know who to talk to about {topic}? I've asked around {place} and nobody "
    "seems sure.",
    "I ran a short session on {topic} last month and a few people asked for the notes, so "
    "here they are.",
    "There's a free course on {topic} coming up and I wondered if anyone wants to go "
    "together.",
    "I found a really good guide to {topic}; it's written in plain English and it's short.",
    "Our team in {place} has started a small experiment with {topic}: one hour a week, "
    "nothing fancy.",
    "I'd happily show anyone the basics of {topic}. It took me ages to learn and it doesn't "
    "need to.",
    "Has anyone else noticed how much easier {topic} is when you do it with someone else?",
    "We tried {topic} on the ward and it made a real difference to handovers.",
    "Residents keep asking us about {topic}, so I think we should put something on the "
    "website.",
    "I'm not an expert in {topic}, but I've made most of the mistakes, so ask away.",
    "The best thing about {topic} is that you can start small.",
]  # fmt: skip
EXTRAS = [
    "\n\n- start with one small thing\n- write down what happened\n- tell someone about it",
    "\n\n> Working in the open is a habit, not a project.",
    "\n\n1. Find a friend\n2. Book a room\n3. Put the kettle on",
    "\n\nMore at https://example.org/owls if you're interested.",
    "\n\n*Edited to add:* the next one is at {place}.",
    "",
    "",
    "",
]  # fmt: skip
CLOSINGS = [
    "Thanks in advance!", "Any ideas welcome.", "Let me know what you think.",
    "Happy to chat over a coffee.", "Cheers,", "Thank you all.", "Speak soon.",
    "Hope that helps.", "", "",
]  # fmt: skip
REPLIES = [
    "Yes! We did this in {team} and it worked really well.",
    "I'd be interested too. Count me in.",
    "Try asking at {place}: they ran something similar last year.",
    "Thanks for sharing this, really useful.",
    "Great idea. I can help with the {topic} side if you need it.",
    "Same here. Let's set something up.",
    "I went to the last one and would recommend it.",
    "Not sure I agree: {topic} takes longer than people think. But worth trying.",
    "Could we do this online too? Not everyone is at {place}.",
    "+1 to this. Who's organising?",
    "I've got some notes on {topic} somewhere, I'll dig them out.",
    "This made my day, thank you.",
    "Good question. I asked the same thing in my induction and nobody knew.",
    "We use a shared spreadsheet for this; happy to share the template.",
    "Is there a recording for those of us on shifts?",
    "Welcome! Nice to have you here.",
    "Lovely to hear. Keep going!",
    "Our team would love a session on {topic} too.",
]  # fmt: skip
HIDDEN_REASONS = [
    "Shares someone's personal data.", "Off-topic advertising.",
    "Abusive language: please keep it kind.", "Duplicate of another post.",
]  # fmt: skip
WORKING_ON = [
    "The new {topic} training for my team", "Moving our service online",
    "A review of how we do {topic}", "Getting ready for inspection",
    "Our team's weeknotes", "A pilot in {place}", "Reducing waiting times",
    "A guide to {topic} for new starters", "The annual report", "Recruiting volunteers",
]  # fmt: skip
ASK_ME_ABOUT = [
    "{topic}, and anything to do with {team}", "Where things are at {place}",
    "Getting started with {topic}", "How {team} works", "{topic} and {topic2}",
    "Anything about {place}", "Careers in {team}",
]  # fmt: skip
BIOS = [
    "I've worked in **{team}** for {years} years. Outside work you'll find me doing "
    "{interest}.",
    "New to {place} and keen to meet people. I can help with {topic}; I'd love to learn "
    "{topic2}.",
    "Ask me about {topic}. I'm happy to be shadowed, and I make a good cup of tea.",
    "{years} years in the partnership, most of them at {place}.\n\n- I like {interest}\n- "
    "I'm learning {topic2}",
    "I started as an apprentice and now I teach {topic}. If I can do it, so can you.",
    "Part-time, so if I don't reply straight away that's why. Happiest when I'm doing "
    "*{interest}*.",
]  # fmt: skip

# --- stories -------------------------------------------------------------------------------

STORY_TITLES = [
    "What I learnt from a year of {topic}", "Weeknote: {topic}, a new starter and a fire drill",
    "How {team} cut waiting times", "{n} things nobody told me about {topic}",
    "A day in the life of {team}", "Why we started working in the open",
    "Notes from the {topic} session at {place}", "{hood}: what residents told us",
    "Trying {topic} for a month: what happened", "Small steps: {topic} on the ward",
    "Our first show and tell", "What good {topic} looks like",
    "From apprentice to {topic} lead", "Lessons from moving {team} online",
    "A reading list for {topic}", "Plain English, one form at a time",
    "A morning at the {hood} food bank", "The {topic} experiment, six months on",
    "How we run {topic} drop-ins at {place}", "Inside {team}: who we are and what we do",
    "Shadowing {team} for a day", "{topic} without the jargon",
    "What a secondment taught me about {topic}", "We tried a four-day sprint on {topic}",
    "Five minutes with {team}", "The mistakes we made with {topic}",
    "{hood} walking group turns one", "Measuring what matters in {team}",
    "Learning {topic} at fifty", "Weeknote: quiet week, big decisions",
]  # fmt: skip
STORY_SUMMARIES = [
    "What we tried, what worked and what we'd do differently.",
    "A short write-up of our work on {topic} in {team}, for anyone thinking of trying it.",
    "Why {topic} matters to residents in {hood}, and what we are doing about it.",
    "Some honest notes from a busy month at {place}.",
    "How a small team at {place} made {topic} part of the week.",
    "Everything I wish I'd known before I started on {topic}.",
    "The highlights of {n} weeks in {team}: new faces, old problems and a lot of tea.",
    "We asked {n} colleagues about {topic}. Here is what they said.",
    "A look behind the scenes at {team}, and how you can get involved.",
    "What happened when we stopped guessing and asked residents in {hood}.",
]  # fmt: skip
STORY_HEADINGS = [
    "Where we started", "What we tried", "What went well", "What we'd do differently",
    "What residents said", "The numbers", "What's next", "How you can help",
    "Things I learnt", "A typical day", "Why it matters", "Thanks",
]  # fmt: skip
STORY_SENTENCES = [
    "We started with a simple question: what would make {topic} easier for the people "
    "who use our services?",
    "Nobody in {team} had done anything quite like it before.",
    "It took longer than we hoped, but we got there in the end.",
    "The first week was mostly listening.",
    "We met at {place} every {when}, with whoever could make it.",
    "Residents in {hood} were generous with their time and very honest with us.",
    "I had assumed {topic} was the hard part; it turned out to be {topic2}.",
    "Three of us had never met before this, and now we have lunch together most weeks.",
    "We kept a shared document of everything we learnt, warts and all.",
    "A colleague from another organisation showed us a much simpler way to do it.",
    "We cut the form from {n} pages to two, and nobody has missed the rest.",
    "It was the small things that made the biggest difference.",
    "Not everything worked: our first idea was quietly dropped after a fortnight.",
    "The team now spends an hour a week on {topic}, and it shows.",
    "If you are thinking of trying this, start small and tell people what you are doing.",
    "We wrote our weeknotes in the open, which kept us honest.",
    "People kept asking how they could join in, which was lovely.",
    "After {years} years in the job, I still learnt something new every day.",
    "Our manager gave us the time, which made all the difference.",
    "We asked for feedback at every step, even when we didn't want to hear it.",
    "The waiting list has come down by a third since the spring.",
    "Most of the work happened in corridors and over cups of tea.",
    "I was nervous about presenting it, but the room was kind.",
    "We borrowed a lot from what {team} had already done.",
    "The best ideas came from people on the front line.",
    "There is still plenty to do, and we would love some help with {topic2}.",
]  # fmt: skip
STORY_LISTS = [
    "- start with one small thing\n- write down what happened\n- tell someone about it",
    "1. Ask residents first\n2. Try it for a fortnight\n3. Keep what works",
    "- **time**: an hour a week\n- **people**: anyone who's interested\n- **cost**: biscuits",
    "- what went well\n- what didn't\n- what we'll try next",
    "1. Book a room at {place}\n2. Invite {team}\n3. Put the kettle on",
]  # fmt: skip
STORY_QUOTES = [
    "It felt like someone was finally listening.",
    "I didn't know the partnership did this. I'll tell my neighbours.",
    "Working in the open is a habit, not a project.",
    "We should have done this years ago.",
]  # fmt: skip
STORY_CLOSINGS = [
    "If you'd like to know more, get in touch: I'm always happy to chat.",
    "Thanks to everyone in {team} who made this happen.",
    "More next time. Comments and questions very welcome below.",
    "You can find our notes and templates at https://example.org/owls.",
    "",
]  # fmt: skip
STORY_COMMENTS = [
    "Thanks for writing this up: really useful.", "Lovely to read, thank you.",
    "We've been trying the same thing in {team}. Can we compare notes?",
    "This is brilliant. Could you share the template?",
    "I went to one of the {topic} sessions and can recommend it.",
    "Really honest write-up. The bit about what didn't work was the most helpful.",
    "Is there a recording for those of us on shifts?",
    "Great to see this happening at {place}.",
    "Could we do something similar for {topic}?",
    "Thank you! Sharing this with my team.",
    "How did you get the time for it? That's always our problem.",
    "I'd love to help with the next one.",
    "Good to hear residents were involved from the start.",
    "Well done all. Looking forward to the next instalment.",
]  # fmt: skip
SERIES_TITLES = [
    "{team} weeknotes", "Notes from {place}", "{topic} in practice", "A year in {team}",
    "{hood} diaries", "Show and tell: {team}", "Small experiments in {topic}",
    "Monthly notes from {team}", "Learning {topic} in the open", "Letters from the ward",
]  # fmt: skip
SERIES_SUMMARIES = [
    "What {team} did this week, what went well and what we're stuck on.",
    "Short posts on {topic}, by the people doing it.",
    "Stories from {place} and the people who work there.",
    "A few of us write in turn about life in {hood}.",
    "",
]  # fmt: skip
REVIEW_NOTES = [
    "Lovely piece. Could you add a line on who to contact to find out more?",
    "Please take out the resident's name in the second paragraph.",
    "Could you shorten the summary to a sentence or two?",
]  # fmt: skip
