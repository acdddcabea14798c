"""How complete a profile is, and the next most useful thing to add."""

from dataclasses import dataclass

from .models import Profile, ProfileSkill

Relation = ProfileSkill.Relation


@dataclass(frozen=True)
class Step:
    label: str  # what to add, as a call to action
    why: str  # why it helps


# In order of how much each helps colleagues find you.
STEPS = [
    ("teach", Step("Add skills you can teach", "People looking to learn will find you.")),
    ("ask", Step("Say what people can ask you about", "Colleagues will know when to come to you.")),
    ("job", Step("Add your job title", "People will know what you do.")),
    ("team", Step("Add your team", "Your team's page will list you.")),
    ("place", Step("Add the building you work in", "People nearby will find you.")),
    ("learn", Step("Add skills you want to learn", "We will suggest people who can teach you.")),
    ("photo", Step("Add a photo", "People will recognise you when you meet.")),
    ("working_on", Step("Say what you are working on", "Others doing similar work can connect.")),
    ("bio", Step("Write a little about yourself", "It helps people start a conversation.")),
    ("languages", Step("Add the languages you speak", "Colleagues can ask you to help.")),
]


def _done(profile: Profile, relations: set[str]) -> dict[str, bool]:
    return {
        "teach": Relation.TEACH in relations,
        "ask": bool(profile.ask_me_about),
        "job": bool(profile.job_title),
        "team": profile.team_id is not None or profile.user.organisation_id is None,
        "place": profile.place_id is not None,
        "learn": Relation.LEARN in relations,
        "photo": bool(profile.photo),
        "working_on": bool(profile.working_on),
        "bio": bool(profile.bio),
        "languages": Relation.LANGUAGE in relations,
    }


def completeness(profile: Profile, relations: set[str] | None = None) -> tuple[int, Step | None]:
    """Return (percent complete, the next step or None).

    ``relations`` are those of the profile's skill rows, when the caller has them already;
    otherwise they come from its (prefetched) skill rows.
    """
    if relations is None:
        relations = {row.relation for row in profile.profile_skills.all()}
    done = _done(profile, relations)
    percent = round(100 * sum(done.values()) / len(done))
    next_step = next((step for key, step in STEPS if not done[key]), None)
    return percent, next_step
