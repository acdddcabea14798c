"""Who may open an opportunity: its audience while it is listed, its poster always; anyone
else gets 404, the same answer as for none at all."""

from django.http import Http404

from .models import Interest, Opportunity


def get_opportunity_for_viewer(viewer, pk: int) -> Opportunity:
    found = (
        Opportunity.objects.findable_by(viewer)
        .select_related("organisation", "place", "team", "posted_by__profile")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such opportunity")
    return found


def get_interest_for_user(user, pk: int) -> Interest:
    """An interest its person or the opportunity's poster may act on (404 for anyone else)."""
    found = (
        Interest.objects.filter(pk=pk)
        .filter(person_id=user.pk)
        .union(Interest.objects.filter(pk=pk, opportunity__posted_by_id=user.pk))
        .first()
    )
    if found is None:
        raise Http404("No such interest")
    return Interest.objects.select_related("opportunity", "person").get(pk=found.pk)
