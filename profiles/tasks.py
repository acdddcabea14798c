"""Daily background work for profiles."""

from django_tasks import task

from sociable.links import reverse
from sociable.notifications.services import notify

from .models import Profile
from .notifications import STALE_PROFILE


@task()
def remind_stale_profiles() -> int:
    """Ask people whose profile went six months unchecked if it is still right (once a time)."""
    told = 0
    for profile in Profile.objects.stale().select_related("user"):
        checked = profile.last_checked
        told += len(
            notify(
                kind=STALE_PROFILE,
                recipients=[profile.user],
                title="Is your profile still right? It has not been checked for six months",
                url=reverse("profiles:my-profile"),
                key=f"stale:{profile.pk}:{checked:%Y%m%d}",
            )
        )
    return told
