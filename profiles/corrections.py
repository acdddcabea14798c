"""Notes left about a profile: who hears of them, who may act on them, and acting on them.

A note ("something is out of date", "this person has left") reaches the profile's owner,
in the site and by email. A "has left" note also reaches the people administrators of the
person's organisation (``roles.PEOPLE_ADMINISTRATORS``; superusers for everyone), who read
their organisation's open notes at /people/corrections/ and archive a leaver's profile in
one step. Their notifications are anchored to the note, whose audience is ``audience``:
the profile's owner, the note's author, and those who administer the person's
organisation, even when the profile itself is hidden from them.

Archiving is logged in the moderation log, which is not the profiles app's to write
(profiles imports no app above it): ``profile_archived`` is sent, and trust and safety
writes the entry (safety.contributions).
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Case, Exists, IntegerField, Q, QuerySet, Value, When
from django.dispatch import Signal
from django.http import Http404

from sociable.accounts.models import User
from sociable.links import reverse
from sociable.notifications.services import notify

from . import roles, services
from .models import Profile, ProfileCorrection
from .notifications import CORRECTION_DONE, CORRECTION_LEFT, CORRECTION_NOTE

Kind = ProfileCorrection.Kind
Status = ProfileCorrection.Status

#: Sent in the archive's transaction: ``profile``, ``by`` (who archived it) and ``reason``.
profile_archived = Signal()

PAGE_SIZE = 100  # the most notes the administrators' page lists at once


# --- who may do what --------------------------------------------------------------------------


def administers_people(user) -> bool:
    """Whether ``user`` may act on the notes about some organisation's people."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return user.organisation_id is not None and user.has_perm(roles.PERMISSION)


def administered(user) -> QuerySet[ProfileCorrection]:
    """The notes about people ``user`` administers: their organisation's (superusers: all)."""
    notes = ProfileCorrection.objects.all()
    if not administers_people(user):
        return notes.none()
    if user.is_superuser:
        return notes
    return notes.filter(profile__user__organisation_id=user.organisation_id)


def audience(user) -> QuerySet[ProfileCorrection]:
    """The notes ``user`` may be told about (the notifications' anchor rule)."""
    if not (user.is_authenticated and user.is_active):
        return ProfileCorrection.objects.none()
    if user.is_superuser:
        return ProfileCorrection.objects.all()
    seen = Q(profile__user_id=user.pk) | Q(reported_by_id=user.pk)
    if user.organisation_id is not None:
        # Asked in the same query (every list of notifications asks it), not by has_perm.
        holds_role = Permission.objects.filter(
            Q(group__user=user.pk) | Q(user=user.pk),
            content_type__app_label="profiles",
            codename=roles.ARCHIVE_PROFILES,
        )
        seen |= Q(Exists(holds_role), profile__user__organisation_id=user.organisation_id)
    return ProfileCorrection.objects.filter(seen)


def open_notes(user) -> QuerySet[ProfileCorrection]:
    """The open notes ``user`` administers: "has left" first, then the oldest first."""
    leavers_first = Case(
        When(kind=Kind.LEFT, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        administered(user)
        .filter(status=Status.OPEN)
        .select_related("profile__user__organisation", "reported_by")
        .order_by(leavers_first, "created_at", "pk")
    )


def get_note_to_administer(user, pk: int) -> ProfileCorrection:
    """The open note ``pk``, if ``user`` administers its person; 404 otherwise."""
    note = open_notes(user).filter(pk=pk).first()
    if note is None:
        raise Http404("No such note")
    return note


def who_sees_note(profile: Profile) -> str:
    """What the form to leave a note says of who will read it, truly."""
    name = profile.display_name
    owner = (
        f"{name} will be told of your note, in Sociable and by email, and will see it on "
        "their profile, without your name."
    )
    organisation = profile.user.organisation
    if organisation is None:
        return f"{owner} The site's administrators can read it, with your name."
    return (
        f"{owner} The people administrators at {organisation.name} can read it, with your "
        f"name; if you say {name} has left, they are told, so that they can archive the profile."
    )


def thanks_for_note(profile: Profile) -> str:
    return f"Thank you. {profile.display_name} will be told of your note."


# --- telling people ---------------------------------------------------------------------------


def people_administrators_of(profile: Profile) -> QuerySet[User]:
    """Who administers ``profile``'s person: their organisation's people administrators."""
    organisation = profile.user.organisation_id
    if organisation is None:
        return User.objects.none()
    in_role = Q(
        groups__permissions__content_type__app_label="profiles",
        groups__permissions__codename=roles.ARCHIVE_PROFILES,
    ) | Q(
        user_permissions__content_type__app_label="profiles",
        user_permissions__codename=roles.ARCHIVE_PROFILES,
    )
    return User.objects.filter(in_role, organisation_id=organisation, is_active=True).distinct()


def tell_about(note: ProfileCorrection) -> None:
    """Tell the owner of the profile of a new note, and for "has left" its administrators."""
    profile = note.profile
    owner = profile.user
    excerpt = f"“{note.message}”" if note.message else ""
    notify(
        kind=CORRECTION_NOTE,
        recipients=[owner],
        title=f"Someone left a note on your profile: {note.get_kind_display().lower()}",
        body=" ".join(
            filter(None, [excerpt, "Edit your profile, or mark the note done or dismiss it."])
        ),
        url=reverse("profiles:profile-detail", args=[owner.username]),
        key=f"correction:{note.pk}",
        actor=note.reported_by,
        anchor=note,
    )
    if note.kind == Kind.LEFT:
        notify(
            kind=CORRECTION_LEFT,
            recipients=people_administrators_of(profile),
            title=f"Someone says {profile.display_name} has left",
            body=" ".join(
                filter(None, [excerpt, "You can archive their profile, or dismiss the note."])
            ),
            url=reverse("profiles:corrections"),
            key=f"correction-left:{note.pk}",
            actor=note.reported_by,
            anchor=note,
        )


# --- acting on notes ----------------------------------------------------------------------


@transaction.atomic
def archive_leaver(*, note: ProfileCorrection, by: User) -> Profile:
    """Archive the profile a note is about, close the note (and every open "has left" note
    about it), log it, and thank whoever left the notes."""
    profile = note.profile
    closing = ProfileCorrection.objects.filter(profile=profile, status=Status.OPEN).filter(
        Q(kind=Kind.LEFT) | Q(pk=note.pk)
    )
    thanked = list(closing.exclude(reported_by=None).select_related("reported_by"))
    services.archive_profile(profile=profile, by=by)  # closes the "has left" notes
    if note.kind != Kind.LEFT:
        services.resolve_correction(correction=note, resolved_by=by, status=Status.DONE)
    reason = note.message or note.get_kind_display()
    profile_archived.send(sender=Profile, profile=profile, by=by, reason=reason)
    for closed in thanked:
        notify(
            kind=CORRECTION_DONE,
            recipients=[closed.reported_by],
            title=f"Thank you: {profile.display_name}'s profile is now archived",
            body="You told us they had left. Their profile is no longer in the directory.",
            url=reverse("profiles:directory"),
            key=f"correction-done:{closed.pk}",
            actor=by,
            anchor=closed,
        )
    return profile


@transaction.atomic
def dismiss(*, note: ProfileCorrection, by: User) -> ProfileCorrection:
    """Close a note without acting on it (the person has not left, or it is already right)."""
    return services.resolve_correction(correction=note, resolved_by=by, status=Status.DISMISSED)
