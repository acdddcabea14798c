"""Who may open an opportunity: its audience while it is listed, its poster always; anyone
else gets 404, the same answer as for none at all."""

from django.contrib.auth.models import Group as AuthGroup
from django.http import Http404

from sociable.accounts.models import Organisation

from .models import Interest, Opportunity, interests_of

HR_GROUP = "HR"  # a Django auth group, given in the admin


def stats_organisations(viewer):
    """The organisations whose figures ``viewer`` may see: every one for administrators,
    their own for staff in the HR group, none for anyone else."""
    if viewer.is_superuser:
        return Organisation.objects.all()
    if viewer.organisation_id is not None and (
        AuthGroup.objects.filter(name=HR_GROUP, user=viewer.pk).exists()
    ):
        return Organisation.objects.filter(pk=viewer.organisation_id)
    return Organisation.objects.none()


def is_opportunity_moderator(user) -> bool:
    """Staff status and the right to moderate opportunities (the Moderators role has it)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("opportunities.moderate_opportunity")
    )


def get_opportunity_for_viewer(viewer, pk: int) -> Opportunity:
    moderator = is_opportunity_moderator(getattr(viewer, "user", viewer))
    found = (
        Opportunity.objects.findable_by(viewer, moderator=moderator)
        .select_related("organisation", "place", "team", "posted_by__profile")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such opportunity")
    return found


def get_interest_for_user(user, pk: int) -> Interest:
    """An interest its person or the opportunity's poster may act on (404 for anyone else)."""
    found = interests_of(user).filter(pk=pk).select_related("opportunity", "person").first()
    if found is None:
        raise Http404("No such interest")
    return found
