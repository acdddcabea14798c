"""Who may see and change which profile: built on profiles.visibility (the audience rule)."""

from django.http import Http404

from . import selectors, services
from .models import Profile, ProfileCorrection
from .visibility import ProfileView, view_profile


def can_edit_profile(user, profile: Profile) -> bool:
    return user.is_authenticated and (user.pk == profile.user_id or user.is_superuser)


def can_resolve_correction(user, correction: ProfileCorrection) -> bool:
    return can_edit_profile(user, correction.profile)


def get_visible_profile(viewer, username: str) -> tuple[Profile, ProfileView]:
    """Return the profile and what ``viewer`` sees of it; 404 when they may not see it."""
    profile = selectors.profile_page(username).first()
    if profile is None:
        raise Http404("No such profile")
    view = view_profile(viewer, profile)
    if not view.groups:
        raise Http404("No such profile")
    return profile, view


def check_profile_visible(viewer, username: str) -> None:
    """404 unless ``viewer`` may see the profile of ``username``: one small query, asked
    before anything of the profile's page is read (it may be kept for their audience)."""
    if not selectors.visible_profile(viewer, username).exists():
        raise Http404("No such profile")


def get_profile_for_viewer(viewer, username: str, *, owner_only: bool = False) -> Profile:
    """Return a profile ``viewer`` may edit (their own, created on first use)."""
    if owner_only and viewer.username == username:
        services.ensure_profile(user=viewer)
    profile = selectors.profile_page(username).first()
    if profile is None or not can_edit_profile(viewer, profile):
        raise Http404("No such profile")
    return profile
