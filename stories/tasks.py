"""The stories' background work: telling followers of stories whose time has come."""

from django_tasks import task

from . import services
from .models import Story


def any_due() -> bool:
    """Whether a story is out and its followers not yet told (one indexed query)."""
    return Story.objects.out().filter(announced_at__isnull=True).exists()


@task()
def announce_due() -> int:
    return services.announce()
