"""Background work for accounts."""

from importlib import import_module

from django.conf import settings
from django_tasks import task


@task()
def clear_expired_sessions() -> None:
    """Delete sign-in sessions that have expired (daily): what `manage.py clearsessions`
    does. Otherwise they stay in the database for good (the privacy notice says nightly)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
