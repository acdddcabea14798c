"""Background work of the site as a whole."""

from django_tasks import task

from .cache import purge_expired


@task()
def purge_expired_cache() -> dict[str, int]:
    """Delete expired rows of the caches kept in PostgreSQL (daily, and after an erasure)."""
    return purge_expired()
