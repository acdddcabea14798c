"""Your data: download everything the platform holds about you, or delete your account.

This module is composition: it names no app. Each app registers its part of the download
and of the deletion with ``sociable.registry`` (``data_exports``, ``deletion_plans``,
``erasure_steps``, ``person_names``, ``kept_for_accountability``), in its
``personal_data.py``; this module keeps the order, the transaction, the tombstone, and the
introspection that finds every row pointing at the account.

Export (``export_personal_data``): one JSON document of the person's own data, in a
fixed number of queries whatever its size. Other people's private data is left out:
no other attendees, no names of who reported a post or which moderator acted, and no
secrets (password hash, two-factor secrets and recovery codes, the private calendar
address), which the person can see or renew in the site itself.

Deletion (``delete_account``), in one transaction; steps 1 to 5 are the apps' (each app's
``personal_data.py`` says what it does), in the registry's order:

1. Places the person holds or waits for at upcoming events are given up through the
   groups service, so the waiting list moves up and the next person is told.
2. Each group they alone organise is handed to its longest-standing other member;
   a group with nobody else in it is closed and its upcoming events cancelled.
3. If they choose, their posts are erased: bodies, edit history and the mentions in
   them are removed, each post becomes the "deleted by its author" placeholder, and a
   thread nobody else wrote in goes altogether. Otherwise posts and thread titles stay,
   shown as by "A former member". Their suggestions stay while someone else backs
   them (anonymous, like posts); the others go.
4. Other people's notifications caused by them lose their name and any message.
5. Their profile photo file and their sessions are removed, and so is every page and part
   of a page the site kept to share (some show their name): once the deletion commits, and
   again when anything rendered meanwhile has expired.
6. Every row that points at the account (found by introspection, so a new model is
   covered without changes here) is deleted or unlinked, as its foreign key's
   ``on_delete`` says. Then the account row is deleted, unless something must keep
   pointing at it for accountability (``kept_for_accountability()``: a moderator's entries
   in the append-only moderation log and in the admin's history). In that case the row
   stays as an inert, anonymous tombstone: no name, no email, a username made from its
   number, no password, not active, no roles.

Text other people wrote is never changed: their quotes of the person's posts, their
@mentions of the old username, and the moderation log's reasons stay as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from sociable import registry
from sociable.accounts.models import User
from sociable.cache import PAGES
from sociable.registry import Leaving
from sociable.tasks import purge_expired_cache

# Relations whose rows keep pointing at the account after it is deleted, so that who did
# what stays on record; the apps add theirs (``registry.kept_for_accountability``). The
# account then remains as an anonymous tombstone.
KEPT_FOR_ACCOUNTABILITY = frozenset(
    {
        "admin.logentry.user",  # changes made in the admin (moderators use it)
    }
)


# --- export ------------------------------------------------------------------------------


def export_personal_data(user: User) -> dict[str, Any]:
    """Return everything the platform holds about ``user`` (a JSON-ready dict).

    Each app's part, in the registry's order; a part may add to a section another began
    (the forums add the boards someone moderates to their account). Runs a fixed number of
    queries, however much the person has written.
    """
    user = User.objects.select_related("organisation").get(pk=user.pk)
    document: dict[str, Any] = {
        "about_this_file": {
            "service": "Sociable",
            "exported_at": timezone.now(),
            "note": "Everything Sociable holds about you. Times are ISO 8601, in UTC.",
        },
    }
    for export in registry.data_exports:
        for key, value in export(user).items():
            if isinstance(document.get(key), dict) and isinstance(value, dict):
                document[key] = {**document[key], **value}
            else:
                document[key] = value
    return document


# --- deletion ------------------------------------------------------------------------------


@dataclass
class DeletionPlan:
    """What deleting an account will do, shown before the person confirms."""

    refused: str = ""
    post_count: int = 0
    thread_count: int = 0
    handed_over: list[tuple[Any, User]] = field(default_factory=list)  # (group, successor)
    closing: list[Any] = field(default_factory=list)  # groups
    places_given_up: int = 0
    stories_out: int = 0  # published and out: they stay unless what they wrote goes
    stories_unread: int = 0  # drafts, proposals and scheduled ones: they go


@dataclass
class DeletionResult:
    handed_over: list[tuple[str, str]] = field(default_factory=list)  # (group, new organiser)
    closed: list[str] = field(default_factory=list)  # group names
    posts_erased: int = 0
    tombstone: bool = False


def refusal(user: User) -> str:
    """Why ``user`` may not delete their own account here, or "" if they may."""
    if user.is_superuser:
        return (
            "You are an administrator. So that the partnership is never locked out of its "
            "own site, ask another administrator to remove your administrator role first."
        )
    return ""


def deletion_plan(user: User) -> DeletionPlan:
    plan = DeletionPlan(refused=refusal(user))
    for fill_in in registry.deletion_plans:
        fill_in(user, plan)
    return plan


@transaction.atomic
def delete_account(*, user: User, delete_posts: bool) -> DeletionResult:
    """Delete the person's account and personal data (see the module docstring)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if reason := refusal(user):
        raise PermissionDenied(reason)

    leaving = Leaving(user=user, delete_posts=delete_posts, names=_names(user))
    result = DeletionResult()
    for step in registry.erasure_steps:
        step(leaving, result)
    _unname_admin_history(user)
    _delete_sessions(user)
    _forget_shared_pages()
    kept = _unlink(user)
    if kept:
        _make_tombstone(user)
    else:
        user.delete()
    result.tombstone = bool(kept)
    return result


def _names(user: User) -> list[str]:
    """Every name the person went by, longest first (so a longer one goes whole)."""
    names = {user.name, user.username, user.display_name}
    for more in registry.person_names:
        names.update(more(user))
    return sorted((n for n in names if n), key=len, reverse=True)


def _unname_admin_history(user: User) -> None:
    """The admin's history keeps what was changed, but no longer names the person."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(get_user_model()), object_id=str(user.pk)
    ).update(object_repr=Leaving.TOMBSTONE_NAME)


def _delete_sessions(user: User) -> None:
    """Sign the person out everywhere, and drop what their sessions held."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return  # cookie sessions: nothing is stored on the server
    sessions = store.get_model_class().objects.all()
    mine = [s.session_key for s in sessions.iterator() if _session_user(s) == str(user.pk)]
    for key in mine:
        store(session_key=key).delete()


def _forget_shared_pages() -> None:
    """Drop the kept pages and parts of pages: some hold the person's name, email or username.

    Once the deletion commits (a rollback keeps them). A page being rendered at that moment
    may still be kept after it, under the old generation, never to be served: the purge
    queued here, due when such a page has expired, removes it from the table too.
    """
    transaction.on_commit(lambda: caches[PAGES].clear())
    due = timezone.now() + timedelta(seconds=settings.PAGE_CACHE_SECONDS + 5)
    purge_expired_cache.using(run_after=due).enqueue()


def _session_user(session) -> str | None:
    try:
        return str(session.get_decoded().get(SESSION_KEY))
    except Exception:  # noqa: BLE001 - a damaged session is nobody's
        return None


def relations_to_user() -> list[models.ForeignKey]:
    """Every foreign key (and one-to-one) in the project that points at the user model."""
    user_model = get_user_model()
    return [
        f
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
        for f in model._meta.local_fields
        if f.is_relation and f.related_model is user_model
    ]


def relation_label(fk: models.ForeignKey) -> str:
    return f"{fk.model._meta.label_lower}.{fk.name}"


def kept_for_accountability() -> frozenset[str]:
    """The relations whose rows keep pointing at a deleted account (see the registry)."""
    return frozenset({*KEPT_FOR_ACCOUNTABILITY, *registry.kept_for_accountability})


def _unlink(user: User) -> int:
    """Delete or unlink every row pointing at the account; return how many stay."""
    kept = 0
    accountable = kept_for_accountability()
    for fk in relations_to_user():
        rows = fk.model._base_manager.filter(**{fk.name: user})
        on_delete = fk.remote_field.on_delete
        if relation_label(fk) in accountable:
            kept += rows.count()
        elif on_delete is models.CASCADE:
            rows.delete()
        elif on_delete is models.SET_NULL:
            rows.update(**{fk.name: None})
        else:  # PROTECT, RESTRICT, DO_NOTHING...: the rows stay with the tombstone
            kept += rows.count()
    return kept


def _make_tombstone(user: User) -> None:
    user.username = f"former-member-{user.pk}"
    user.name = Leaving.TOMBSTONE_NAME
    user.email = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.organisation = None
    user.last_login = None
    user.date_joined = timezone.now()
    user.unread_notifications = 0
    user.save()
