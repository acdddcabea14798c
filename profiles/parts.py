"""The profiles' rows that pages show, and the parts of the profiles' pages shared between
the people who see them alike (``sociable.parts``).

What a profile shows of a person depends only on who they are and the viewer's audience
key (``profiles.visibility``): so the directory's results, a profile, a skill's people and
each person's card vary on the audience alone. A person's own profile and card show them
all of it: they are the part's owners, never served what others were, nor it theirs.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils.http import urlencode

from sociable import registry
from sociable.accounts.models import Organisation
from sociable.content import content
from sociable.links import reverse
from sociable.paging import FoundPaginator
from sociable.parts import Part, render_part, shared
from sociable.search import sections_part

from . import search, selectors
from .completeness import completeness
from .forms import DirectorySearchForm
from .matching import match_reasons
from .models import ProfileCorrection, ProfileSkill, Skill
from .permissions import get_visible_profile
from .rendering import person_card
from .visibility import view_profile

# Not content: the people home suggests to each person, kept for them alone.
content(
    "profiles.Skill",
    "profiles.SkillAlias",
    "profiles.Team",
    "profiles.Place",
    "profiles.Profile",
    "profiles.ProfileSkill",
    "profiles.ProfileSearch",
    "profiles.ProfileCorrection",
)

# A person's page shows their profile, skills and organisation (an account's name).
ENDS_ON = ("profiles", "accounts")
Relation = ProfileSkill.Relation
PAGE_SIZE = 20


# The directory's filters: the search form's fields but its words (written by hand on the page).
FILTERS = ("organisation", "team", "place", "skill", "teaches", "open_to")


@shared(varies=(), ends_on=("accounts",))
def directory_filters(viewer, bound: bool, **typed: str) -> Part:
    """The directory's filters, showing what was ``typed`` in them (the query string's values
    of ``FILTERS``) and what is wrong with it: the same for everyone who typed the same, and
    rendered by Django's forms once for them all, not on every search (a search for words
    alone types none). ``bound``: the page has a query string, so the form is bound to it."""
    organisations = Organisation.objects.only("name", "slug")
    form = DirectorySearchForm(typed if bound else None, organisations=organisations)
    return render_part("profiles/partials/_directory_filters.html", {"form": form})


@shared(varies=("audience",), ends_on=ENDS_ON)
def directory_results(viewer, query: str, **filters) -> Part:
    """A page of the directory's results for the search ``query`` (the page's query string),
    whose checked filters are ``filters`` (``selectors.DirectoryFilters``)."""
    filters = selectors.DirectoryFilters(**filters)
    params = QueryDict(query)
    # A search ranks at most CANDIDATES people: count them as the page is read.
    paging = FoundPaginator if filters.q.strip() else Paginator
    found = selectors.directory_search(viewer, filters)
    page = paging(found, PAGE_SIZE).get_page(params.get("page"))
    views = [view_profile(viewer, profile) for profile in page]
    nobody = not page.paginator.count and filters.q.strip()
    directory = reverse("profiles:directory")
    context = {
        "did_you_mean": _did_you_mean(viewer, params, filters.q) if nobody else [],
        "filters": filters,
        "page": page,
        "results": [(view, match_reasons(view, filters.q)) for view in views],
        "skill": Skill.objects.filter(slug=filters.skill).first() if filters.skill else None,
        "query_string": without_page(params),
        "signed_in": viewer.signed_in,
        "here": f"{directory}?{query}" if query else directory,
    }
    # Your own card shows you all of your profile: never shared with anyone else.
    owners = {view.profile.user_id for view in views}
    return render_part("profiles/partials/_directory_results.html", context, owners=owners)


def _did_you_mean(viewer, params: QueryDict, q: str) -> list[tuple[str, str]]:
    """The skills a search that found nobody may have meant, each with the search for it."""
    found = []
    for skill in selectors.spelled_like(viewer, q):
        search = params.copy()
        search.pop("page", None)
        search["q"] = skill.name
        found.append((skill.name, f"?{search.urlencode()}"))
    return found


def without_page(params: QueryDict) -> str:
    """The query string of a search, less the page (for the links to its other pages)."""
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


@shared(varies=("audience",), ends_on=ENDS_ON)
def profile(viewer, username: str) -> Part:
    """A person's profile as the viewer's audience sees it; owned by the person, who sees all
    of it and how to make it better (how complete it is, who matches them)."""
    person, view = get_visible_profile(viewer, username)
    context = {
        "view": view,
        "profile": person,
        "signed_in": viewer.signed_in,
        "actions": [
            action
            for offer in registry.profile_actions
            if (action := offer(person, view, viewer.signed_in))
        ],
    }
    if view.is_owner:
        percent, next_step = completeness(person)
        teachers = selectors.matches_for(viewer, person, give=Relation.TEACH, take=Relation.LEARN)
        learners = selectors.matches_for(viewer, person, give=Relation.LEARN, take=Relation.TEACH)
        context |= {
            "completeness": percent,
            "next_step": next_step,
            "teachers": [view_profile(viewer, match) for match in teachers],
            "learners": [view_profile(viewer, match) for match in learners],
            "corrections": person.corrections.filter(status=ProfileCorrection.Status.OPEN),
        }
    return render_part(
        "profiles/partials/_profile.html",
        context,
        owners={person.user_id},
        # What the sections below it need (registry.profile_sections): no second read.
        facts={
            "title": person.display_name,
            "user_id": person.user_id,
            "sees": sorted(view.groups),
        },
    )


@shared(varies=("audience",), ends_on=ENDS_ON)
def skill_people(viewer, skill: Skill) -> Part:
    """Who can teach, has, wants to learn... a skill: the newest of each, and where to find
    all of them."""
    people = selectors.people_with_skill(viewer, skill)
    directory = reverse("profiles:directory")
    see_all = {
        Relation.TEACH: f"{directory}?{urlencode({'skill': skill.slug, 'teaches': 'on'})}",
        Relation.HAS: f"{directory}?{urlencode({'skill': skill.slug})}",
    }
    sections = [
        {
            "label": label,
            "views": [view_profile(viewer, person) for person in people[relation][0]],
            "more": people[relation][1],
            "see_all": see_all.get(relation),
        }
        for relation, label in [
            (Relation.TEACH, "Can teach it"),
            (Relation.HAS, "Have this skill"),
            (Relation.LEARN, "Want to learn it"),
            (Relation.INTEREST, "Share this interest"),
            (Relation.LANGUAGE, "Speak it"),
            (Relation.NETWORK, "Members"),
        ]
        if people[relation][0] or relation in _main_relations(skill)
    ]
    # Your own card shows you all of your profile: never shared with anyone else.
    return render_part(
        "profiles/partials/_skill_people.html",
        {"sections": sections, "signed_in": viewer.signed_in},
        owners={view.profile.user_id for section in sections for view in section["views"]},
    )


def _main_relations(skill: Skill) -> set[str]:
    """The sections a skill page always shows, even when empty (to invite the first)."""
    return {
        Skill.Kind.SKILL: {Relation.TEACH, Relation.HAS, Relation.LEARN},
        Skill.Kind.INTEREST: {Relation.INTEREST},
        Skill.Kind.LANGUAGE: {Relation.LANGUAGE},
        Skill.Kind.NETWORK: {Relation.NETWORK},
    }[skill.kind]


# --- people's cards -----------------------------------------------------------------------


@shared(varies=("audience",), ends_on=ENDS_ON, batch=True)
def card(viewer, calls) -> list[Part]:
    """People's cards (each call names a profile's pk), read in one query; nothing for
    someone the viewer's audience may not find. A card's fact "groups": the parts of their
    profile it shows."""
    pks = [args[0] for args, _ in calls]
    people = selectors.card_people(viewer, pks)
    cards = []
    for pk in pks:
        person = people.get(pk)
        if person is None:  # not listed, or hidden from this audience
            cards.append(Part("", facts={"groups": frozenset()}))
            continue
        view = view_profile(viewer, person)
        cards.append(Part(person_card(view), frozenset({person.user_id}), {"groups": view.groups}))
    return cards


@shared(
    varies=("audience",),
    ends_on=ENDS_ON,
    private=lambda viewer, q: search.holds_unseen_skill_named(viewer, q),
)
def search_people(viewer, q: str) -> Part:
    """The one search's people and skills sections (``registry.search_parts``)."""
    sections = [search.people_section(viewer, q), search.skills_section(viewer, q)]
    return sections_part(q, sections)
