"""A person's profile: its part of the download, and what deleting their account does to it
(``sociable.personal_data`` runs it, through the registry).

Deleting: the admin's history keeps what was changed in the profile but no longer names the
person, and the photo file is removed once the deletion commits (a rollback keeps it). The
profile's rows themselves go with the account (their foreign keys cascade).
"""

from __future__ import annotations

import base64

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from sociable.accounts.models import User

from .models import Profile, ProfileCorrection, ProfileSkill


def export(user: User) -> dict:
    """The person's profile, photo, skills and the notes left about it, for their download."""
    return {"profile": _profile(user)}


def _photo(profile: Profile) -> dict | None:
    if not profile.photo:
        return None
    try:
        with profile.photo.open("rb") as file:
            data = file.read()
    except OSError:
        return {"note": "The photo file could not be read."}
    return {"content_type": "image/jpeg", "base64": base64.b64encode(data).decode("ascii")}


PROFILE_FIELDS = [
    "preferred_name",
    "pronouns",
    "job_title",
    "bio",
    "floor",
    "working_days",
    "phone",
    "mobile",
    "other_contact",
    "working_on",
    "ask_me_about",
    "open_to_chat",
    "open_to_loan",
    "open_to_shadowing",
    "open_to_mentoring",
    "open_to_buddy",
    "started_on",
    "show_interests",
    "in_directory",
    "audience",
    "contact_audience",
    "location_audience",
    "skills_audience",
    "about_audience",
    "interests_audience",
    "created_at",
    "updated_at",
    "confirmed_at",
    "archived_at",
]


def _profile(user: User) -> dict | None:
    profile = Profile.objects.filter(user=user).select_related("team", "place").first()
    if profile is None:
        return None
    skills = ProfileSkill.objects.filter(profile=profile).select_related("skill")
    notes = ProfileCorrection.objects.filter(profile=profile)
    return {
        **{name: getattr(profile, name) for name in PROFILE_FIELDS},
        "team": profile.team.name if profile.team else None,
        "place": profile.place.name if profile.place else None,
        "photo": _photo(profile),
        "skills": [
            {"name": s.skill.name, "kind": s.skill.kind, "relation": s.relation}
            for s in sorted(skills, key=lambda s: (s.relation, s.skill.name))
        ],
        # Notes colleagues left about the profile; who left them is theirs to keep.
        "correction_notes": [
            {
                "kind": n.kind,
                "message": n.message,
                "status": n.status,
                "created_at": n.created_at,
                "resolved_at": n.resolved_at,
            }
            for n in notes
        ],
    }


def names(user: User) -> list[str]:
    """The name the person chose to go by, if any."""
    preferred = Profile.objects.filter(user=user).values_list("preferred_name", flat=True).first()
    return [preferred] if preferred else []


def unname_admin_history(leaving, result) -> None:
    """The admin's history of the profile keeps what was changed, but not the person's name."""
    profile_ids = [
        str(pk) for pk in Profile.objects.filter(user=leaving.user).values_list("pk", flat=True)
    ]
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Profile), object_id__in=profile_ids
    ).update(object_repr=leaving.TOMBSTONE_NAME)


def delete_photo(leaving, result) -> None:
    """Remove the profile photo's file, once the rest has been committed."""
    profile = Profile.objects.filter(user=leaving.user).exclude(photo="").first()
    if profile is None:
        return
    storage, name = profile.photo.storage, profile.photo.name
    transaction.on_commit(lambda: storage.delete(name))
