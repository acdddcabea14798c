"""What trust and safety adds to the site as a whole, registered in ``ready``."""

from django.apps import apps
from django.db.models.signals import post_migrate

from forums.services import log_profile_archived
from forums.signals import action_logged
from profiles.corrections import profile_archived
from sociable import registry
from sociable.content import content
from sociable.notifications import kinds

from . import notifications, personal_data, telling, transparency


def register() -> None:
    content("safety.WatchedWord", "safety.Flag", "safety.Appeal")
    # A leaver's profile archived from the people administrators' page goes in the log.
    profile_archived.connect(log_archived_profile, dispatch_uid="safety: log archived profile")
    # Whoever a moderator (or a watched word) acted on is told.
    action_logged.connect(tell_subject, dispatch_uid="safety: tell the subject")
    post_migrate.connect(transparency.let_leads_read_report, sender=apps.get_app_config("safety"))
    for kind in notifications.KINDS:
        kinds.register(kind)
    registry.data_exports.add(personal_data.export, order=70)
    registry.erasure_steps.add(personal_data.erase, order=40)


def log_archived_profile(sender, *, profile, by, reason: str = "", **kwargs) -> None:
    log_profile_archived(by=by, person=profile.user, reason=reason)


def tell_subject(sender, *, entry, **kwargs) -> None:
    telling.entry_logged(entry)
