"""Every change to profiles and the skills vocabulary goes through these functions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import uuid4

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from safety import screening
from sociable.accounts.models import User
from sociable.markdown import render_markdown

from . import corrections, holdings, words
from .models import (
    Place,
    Profile,
    ProfileCorrection,
    ProfileSkill,
    Skill,
    SkillAlias,
    Team,
)
from .vcard import ContactCard, clean_text
from .visibility import LEVELS, groups_at_level
from .vocabulary import normalise_name, skill_key

Relation = ProfileSkill.Relation
# Which kind of vocabulary entry each relation takes.
RELATION_KIND = {
    Relation.TEACH: Skill.Kind.SKILL,
    Relation.HAS: Skill.Kind.SKILL,
    Relation.LEARN: Skill.Kind.SKILL,
    Relation.INTEREST: Skill.Kind.INTEREST,
    Relation.LANGUAGE: Skill.Kind.LANGUAGE,
    Relation.NETWORK: Skill.Kind.NETWORK,
}
MAX_SKILLS_PER_RELATION = 30


def ensure_profile(*, user: User) -> Profile:
    """Return the person's profile, creating an empty one the first time."""
    profile, created = Profile.objects.get_or_create(user=user)
    if created:
        refresh_search(profiles=[profile])
    return profile


# --- the vocabulary ---------------------------------------------------------------------


@dataclass
class Resolved:
    skills: list[Skill] = field(default_factory=list)
    # (what was typed, the existing skill it was matched to) where they differ
    matched: list[tuple[str, Skill]] = field(default_factory=list)


def resolve_skills(*, names: Iterable[str], kind: str) -> Resolved:
    """Find the vocabulary entries for typed names, creating only truly new ones.

    A name matches an existing entry when its key (case, spacing, punctuation and
    accents folded) is the same, or when it was merged into another skill.
    """
    wanted = {skill_key(n): normalise_name(n) for n in names if skill_key(n)}
    existing = {s.key: s for s in Skill.objects.filter(key__in=wanted)}
    aliases = {
        a.key: a.skill for a in SkillAlias.objects.select_related("skill").filter(key__in=wanted)
    }
    result = Resolved()
    for key, name in wanted.items():
        skill = existing.get(key) or aliases.get(key)
        if skill is None:
            skill = Skill(name=name, kind=kind)
            skill.full_clean(exclude=["slug", "key"])
            skill.save()
        elif skill.name != name:
            result.matched.append((name, skill))
        if skill not in result.skills:
            result.skills.append(skill)
    return result


def find_skill(name: str) -> Skill | None:
    """Return the vocabulary entry a typed name means, if there is one."""
    key = skill_key(name)
    skill = Skill.objects.filter(key=key).first()
    if skill is None:
        alias = SkillAlias.objects.select_related("skill").filter(key=key).first()
        skill = alias.skill if alias else None
    return skill


def set_profile_skills(*, profile: Profile, relation: str, names: Iterable[str]) -> Resolved:
    """Replace the profile's skills for one relation (can teach, has, ...)."""
    names = list(names)
    if len(names) > MAX_SKILLS_PER_RELATION:
        raise ValidationError(f"Add at most {MAX_SKILLS_PER_RELATION} at a time.")
    resolved = resolve_skills(names=names, kind=RELATION_KIND[relation])
    ProfileSkill.objects.filter(profile=profile, relation=relation).exclude(
        skill__in=resolved.skills
    ).delete()
    ProfileSkill.objects.bulk_create(
        [ProfileSkill(profile=profile, skill=s, relation=relation) for s in resolved.skills],
        ignore_conflicts=True,
    )
    return resolved


@transaction.atomic
def merge_skills(*, source: Skill, target: Skill) -> int:
    """Merge ``source`` into ``target``: every profile follows, the old name stays an alias.

    Return how many profiles were affected.
    """
    if source.pk == target.pk:
        raise ValidationError("A skill cannot be merged into itself.")
    rows = list(ProfileSkill.objects.filter(skill=source))
    ProfileSkill.objects.bulk_create(
        [ProfileSkill(profile_id=r.profile_id, skill=target, relation=r.relation) for r in rows],
        ignore_conflicts=True,
    )
    SkillAlias.objects.filter(skill=source).update(skill=target)
    SkillAlias.objects.update_or_create(
        key=source.key, defaults={"name": source.name, "skill": target}
    )
    profile_ids = {r.profile_id for r in rows}
    source.delete()
    refresh_search(profiles=Profile.objects.filter(pk__in=profile_ids))
    return len(profile_ids)


@transaction.atomic
def rename_skill(*, skill: Skill, name: str) -> Skill:
    """Rename a skill; a name that is already another skill must be merged instead."""
    new_key = skill_key(name)
    if Skill.objects.filter(key=new_key).exclude(pk=skill.pk).exists():
        raise ValidationError(f"“{normalise_name(name)}” already exists: merge the two instead.")
    old_key = skill.key
    skill.name = name
    skill.full_clean(exclude=["slug", "key"])
    skill.save()
    if old_key != skill.key:
        SkillAlias.objects.update_or_create(key=old_key, defaults={"name": name, "skill": skill})
    refresh_search(profiles=Profile.objects.filter(profile_skills__skill=skill).distinct())
    return skill


# --- teams and places ---------------------------------------------------------------------


def _unique_slug(model, base: str) -> str:
    slug = slugify(base)[:170] or "x"
    candidate, n = slug, 2
    while model.objects.filter(slug=candidate).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def find_or_create_team(*, organisation, name: str) -> Team | None:
    name = normalise_name(name)
    if not name or organisation is None:
        return None
    team = Team.objects.filter(organisation=organisation, name__iexact=name).first()
    if team is None:
        team = Team.objects.create(
            organisation=organisation,
            name=name,
            slug=_unique_slug(Team, f"{organisation.slug}-{name}"),
        )
    return team


def find_or_create_place(*, name: str) -> Place | None:
    name = normalise_name(name)
    if not name:
        return None
    place = Place.objects.filter(name__iexact=name).first()
    if place is None:
        place = Place.objects.create(name=name, slug=_unique_slug(Place, name))
    return place


# --- editing a profile ---------------------------------------------------------------------

PROFILE_FIELDS = [
    "preferred_name", "pronouns", "job_title", "bio", "team", "place", "floor",
    "working_days", "phone", "mobile", "other_contact", "working_on", "ask_me_about",
    "open_to_chat", "open_to_loan", "open_to_shadowing", "open_to_mentoring", "open_to_buddy",
    "show_interests",
    "in_directory", "audience", "contact_audience", "location_audience", "skills_audience",
    "about_audience", "interests_audience",
]  # fmt: skip

# What the owner writes in their own words (screened against the watched words).
PROFILE_TEXTS = [
    "preferred_name", "pronouns", "job_title", "bio", "floor", "other_contact", "working_on",
    "ask_me_about",
]  # fmt: skip


@transaction.atomic
def update_profile(
    *,
    profile: Profile,
    fields: dict,
    skills: dict[str, list[str]] | None = None,
    photo=None,
    remove_photo: bool = False,
    by_owner: bool = True,
) -> list[tuple[str, Skill]]:
    """Save changes to a profile; return the typed skill names matched to existing ones.

    Only the owner's own edits count as the profile being kept up to date
    (``by_owner``); an HR import does not stop the six-monthly reminder.
    """
    for name in fields:
        if name not in PROFILE_FIELDS:
            raise ValueError(f"{name} is not an editable profile field")
    screened = _screen_profile(fields, skills) if by_owner else None  # HR's words are HR's
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.bio_html = render_markdown(profile.bio)
    if by_owner:
        profile.updated_at = timezone.now()
    if remove_photo and profile.photo:
        profile.photo.delete(save=False)
    if photo is not None:
        if profile.photo:
            profile.photo.delete(save=False)
        profile.photo.save(f"{uuid4().hex}.jpg", photo, save=False)
    profile.full_clean(exclude=["user", "photo"])
    profile.save()
    matched = []
    for relation, names in (skills or {}).items():
        matched += set_profile_skills(profile=profile, relation=relation, names=names).matched
    refresh_search(profiles=[profile])
    if screened is not None:
        screened.record(profile, author=profile.user)
    return matched


def _screen_profile(fields: dict, skills: dict[str, list[str]] | None) -> screening.Screening:
    """Refuse watched words that block in what the owner wrote (a profile is never held:
    words that would hold a post flag it for a moderator)."""
    texts = {name: fields[name] for name in PROFILE_TEXTS if fields.get(name)}
    labels = dict.fromkeys(texts, "profile")
    for relation, names in (skills or {}).items():
        texts[f"skills_{relation}"] = ", ".join(names)
        labels[f"skills_{relation}"] = "list of skills"
    return screening.check(texts, content_kind="profile", labels=labels)


def confirm_profile(*, profile: Profile) -> Profile:
    """Record that the owner checked their details are still right."""
    profile.confirmed_at = timezone.now()
    profile.save(update_fields=["confirmed_at"])
    return profile


@transaction.atomic
def report_correction(
    *, profile: Profile, reported_by: User, kind: str, message: str
) -> ProfileCorrection:
    correction = ProfileCorrection(
        profile=profile, reported_by=reported_by, kind=kind, message=message.strip()
    )
    correction.full_clean()
    correction.save()
    corrections.tell_about(correction)
    return correction


@transaction.atomic
def resolve_correction(
    *, correction: ProfileCorrection, resolved_by: User, status: str
) -> ProfileCorrection:
    correction.status = status
    correction.resolved_by = resolved_by
    correction.resolved_at = timezone.now()
    correction.save(update_fields=["status", "resolved_by", "resolved_at"])
    return correction


@transaction.atomic
def archive_profile(*, profile: Profile, by: User | None = None) -> Profile:
    """Mark a leaver: hidden from the directory, their posts still attributed to them."""
    profile.archived_at = timezone.now()
    profile.save(update_fields=["archived_at"])
    # No longer listed: no search finds them, and their skills leave the counts.
    refresh_search(profiles=[profile])
    ProfileCorrection.objects.filter(
        profile=profile, kind=ProfileCorrection.Kind.LEFT, status=ProfileCorrection.Status.OPEN
    ).update(status=ProfileCorrection.Status.DONE, resolved_by=by, resolved_at=timezone.now())
    return profile


@transaction.atomic
def restore_profile(*, profile: Profile) -> Profile:
    profile.archived_at = None
    profile.save(update_fields=["archived_at"])
    refresh_search(profiles=[profile])
    return profile


def contact_card(*, profile: Profile, groups: frozenset[str], url: str) -> ContactCard:
    """The vCard of what the viewer may see (``groups`` from profiles.visibility)."""
    user = profile.user
    sees_contact = "contact" in groups
    phones = [("work", profile.phone), ("cell", profile.mobile)] if sees_contact else []
    address = ""
    if "location" in groups and profile.place:
        address = ", ".join(
            p for p in [profile.floor, profile.place.name, profile.place.address] if p
        )
    # A name that cleans to nothing (stored before control characters were stripped) gives
    # way to the next, as a blank one does: a card needs a name.
    names = [profile.preferred_name, user.name, user.username]
    return ContactCard(
        full_name=next((name for name in names if clean_text(name)), user.username),
        job_title=profile.job_title,
        organisation=user.organisation.name if user.organisation else "",
        team=profile.team.name if "location" in groups and profile.team else "",
        emails=(user.email,) if sees_contact else (),
        phones=tuple((kind, number) for kind, number in phones if number),
        address=address,
        url=url,
        pronouns=profile.pronouns,
    )


# --- search rows -------------------------------------------------------------------------

_UPSERT = """
INSERT INTO profiles_profilesearch (profile_id, level, organisation_id, name, terms, document)
VALUES (%s, %s, %s, %s, %s,
    setweight(to_tsvector('english', unaccent(%s)), 'A') ||
    setweight(to_tsvector('english', unaccent(%s)), 'B') ||
    setweight(to_tsvector('english', unaccent(%s)), 'C') ||
    setweight(to_tsvector('english', unaccent(%s)), 'D'))
ON CONFLICT (profile_id, level) DO UPDATE
SET organisation_id = EXCLUDED.organisation_id, name = EXCLUDED.name, terms = EXCLUDED.terms,
    document = EXCLUDED.document
"""


def search_texts(profile: Profile, skills: dict[str, list[str]], groups: frozenset[str]):
    """Return (terms, A, B, C, D) texts of the fields in ``groups``."""
    user = profile.user
    a = [user.name, profile.preferred_name]
    b = [profile.job_title]
    c = [user.organisation.name if user.organisation else ""]
    d = []
    terms = [user.name, profile.preferred_name, profile.job_title]
    if "skills" in groups:
        known = skills[Relation.TEACH] + skills[Relation.HAS]
        a += known
        b += skills[Relation.LEARN]
        c += [profile.working_on, profile.ask_me_about]
        c += skills[Relation.LANGUAGE] + skills[Relation.NETWORK]
        terms += known + skills[Relation.LEARN]
    if "location" in groups:
        names = [
            profile.team.name if profile.team else "",
            profile.place.name if profile.place else "",
        ]
        b += names
        terms += names
    if "interests" in groups:
        b += skills[Relation.INTEREST]
        terms += skills[Relation.INTEREST]
    if "about" in groups:
        d.append(profile.bio)

    def join(parts):
        return " ".join(p for p in parts if p)

    return join(terms), join(a), join(b), join(c), join(d)


def is_listed(profile: Profile) -> bool:
    """``ProfileQuerySet.listed()`` for one profile (with its user): still here and in the
    directory."""
    return profile.archived_at is None and profile.user.is_active and profile.in_directory


def refresh_search(*, profiles: Iterable[Profile]) -> None:
    """Rebuild the search rows of these profiles: one per audience level a listed profile is
    visible at, and none for a profile that is not listed (archived, out of the directory,
    its account closed), which no search may find."""
    profiles = list(
        Profile.objects.filter(pk__in=[p.pk for p in profiles]).select_related(
            "user__organisation", "team", "place"
        )
    )
    if not profiles:
        return
    skill_rows = list(
        ProfileSkill.objects.filter(profile__in=profiles)
        .order_by("pk")  # the same document every time, whatever the query plan
        .values_list("profile_id", "relation", "skill_id", "skill__name")
    )
    # Other names of a skill ("BSL" for British Sign Language) find it too.
    other_names: dict[int, list[str]] = defaultdict(list)
    for skill_id, alias in (
        SkillAlias.objects.filter(skill_id__in={row[2] for row in skill_rows})
        .order_by("pk")
        .values_list("skill_id", "name")
    ):
        other_names[skill_id].append(alias)
    names: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for profile_id, relation, skill_id, name in skill_rows:
        names[profile_id][relation] += [name, *other_names[skill_id]]
    rows, stale = [], []
    for profile in profiles:
        listed = is_listed(profile)
        for level in LEVELS:
            groups = groups_at_level(profile, level) if listed else frozenset()
            if groups:
                texts = search_texts(profile, names[profile.pk], groups)
                rows.append(
                    (profile.pk, level, profile.user.organisation_id, profile.user.name, *texts)
                )
            else:
                stale.append((profile.pk, level))
    holdings.settle([profile.pk for profile in profiles])  # who may see each skill they hold
    with words.counted(profile.pk for profile in profiles), connection.cursor() as cursor:
        if rows:
            cursor.executemany(_UPSERT, rows)
        if stale:
            cursor.executemany(
                "DELETE FROM profiles_profilesearch WHERE profile_id = %s AND level = %s", stale
            )
