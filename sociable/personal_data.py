"""Your data: download everything the platform holds about you, or delete your account.

This module sits on the top floor (it reads and changes every app), so the apps below
know nothing of it.

Export (``export_personal_data``): one JSON document of the person's own data, in a
fixed number of queries whatever its size. Other people's private data is left out:
no other attendees, no names of who reported a post or which moderator acted, and no
secrets (password hash, two-factor secrets and recovery codes, the private calendar
address), which the person can see or renew in the site itself.

Deletion (``delete_account``), in one transaction:

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
5. Their sessions and their profile photo file are removed, and so is every page and part
   of a page the site kept to share (some show their name): once the deletion commits, and
   again when anything rendered meanwhile has expired.
6. Every row that points at the account (found by introspection, so a new model is
   covered without changes here) is deleted or unlinked, as its foreign key's
   ``on_delete`` says. Then the account row is deleted, unless something must keep
   pointing at it for accountability (``KEPT_FOR_ACCOUNTABILITY``: a moderator's entries
   in the append-only moderation log and in the admin's history). In that case the row
   stays as an inert, anonymous tombstone: no name, no email, a username made from its
   number, no password, not active, no roles.

Text other people wrote is never changed: their quotes of the person's posts, their
@mentions of the old username, and the moderation log's reasons stay as written.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from forums.models import (
    Board,
    Mention,
    ModerationLog,
    Post,
    PostRevision,
    Reaction,
    ReadMarker,
    Report,
    Subscription,
    Suspension,
    Thread,
)
from groups import services as group_services
from groups.models import RSVP, Backing, CalendarFeed, Event, Group, Membership, Suggestion
from profiles.models import Profile, ProfileCorrection, ProfileSkill
from sociable.accounts.models import User
from sociable.cache import PAGES
from sociable.notifications.models import Notification
from sociable.notifications.services import preferences_for
from sociable.tasks import purge_expired_cache

FORMER_MEMBER = "A former member"
TOMBSTONE_NAME = "Former member"

# Relations whose rows keep pointing at the account after it is deleted, so that who did
# what stays on record. The account then remains as an anonymous tombstone.
KEPT_FOR_ACCOUNTABILITY = frozenset(
    {
        "forums.moderationlog.moderator",  # append-only, on_delete=PROTECT
        "admin.logentry.user",  # changes made in the admin (moderators use it)
    }
)


# --- export ------------------------------------------------------------------------------


def _photo(profile: Profile) -> dict | None:
    if not profile.photo:
        return None
    try:
        with profile.photo.open("rb") as file:
            data = file.read()
    except OSError:
        return {"note": "The photo file could not be read."}
    return {"content_type": "image/jpeg", "base64": base64.b64encode(data).decode("ascii")}


def _account(user: User) -> dict:
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    two_factor = Authenticator.objects.filter(user=user).order_by("created_at")
    social = SocialAccount.objects.filter(user=user).order_by("date_joined")
    moderated = Board.objects.filter(moderators=user).order_by("name")
    return {
        "username": user.username,
        "name": user.name,
        "email": user.email,
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary} for e in emails
        ],
        "organisation": user.organisation.name if user.organisation else None,
        "joined": user.date_joined,
        "last_signed_in": user.last_login,
        "administrator": user.is_superuser,
        # Which kinds only: the secrets and recovery codes stay secret.
        "two_factor": [
            {"type": a.type, "added": a.created_at, "last_used": a.last_used_at} for a in two_factor
        ],
        "single_sign_on": [
            {
                "provider": s.provider,
                "uid": s.uid,
                "first_used": s.date_joined,
                "last_used": s.last_login,
                "details": s.extra_data,
            }
            for s in social
        ],
        "boards_moderated": [b.name for b in moderated],
    }


PROFILE_FIELDS = [
    "preferred_name",
    "pronouns",
    "job_title",
    "bio",
    "floor",
    "working_days",
    "phone",
    "mobile",
    "other_contact",
    "working_on",
    "ask_me_about",
    "open_to_loan",
    "open_to_shadowing",
    "open_to_mentoring",
    "show_interests",
    "in_directory",
    "audience",
    "contact_audience",
    "location_audience",
    "skills_audience",
    "about_audience",
    "interests_audience",
    "created_at",
    "updated_at",
    "confirmed_at",
    "archived_at",
]


def _profile(user: User) -> dict | None:
    profile = Profile.objects.filter(user=user).select_related("team", "place").first()
    if profile is None:
        return None
    skills = ProfileSkill.objects.filter(profile=profile).select_related("skill")
    notes = ProfileCorrection.objects.filter(profile=profile)
    return {
        **{name: getattr(profile, name) for name in PROFILE_FIELDS},
        "team": profile.team.name if profile.team else None,
        "place": profile.place.name if profile.place else None,
        "photo": _photo(profile),
        "skills": [
            {"name": s.skill.name, "kind": s.skill.kind, "relation": s.relation}
            for s in sorted(skills, key=lambda s: (s.relation, s.skill.name))
        ],
        # Notes colleagues left about the profile; who left them is theirs to keep.
        "correction_notes": [
            {
                "kind": n.kind,
                "message": n.message,
                "status": n.status,
                "created_at": n.created_at,
                "resolved_at": n.resolved_at,
            }
            for n in notes
        ],
    }


def _groups(user: User) -> dict:
    memberships = (
        Membership.objects.filter(user=user).select_related("group").order_by("created_at")
    )
    events = (
        Event.objects.filter(Q(created_by=user) | Q(teacher=user))
        .select_related("group")
        .order_by("starts_at")
    )
    rsvps = RSVP.objects.filter(user=user).select_related("event__group").order_by("created_at")
    feed = CalendarFeed.objects.filter(user=user).first()
    suggestions = Suggestion.objects.filter(created_by=user).order_by("created_at")
    backings = Backing.objects.filter(user=user).select_related("suggestion")
    created = Group.objects.filter(created_by=user).order_by("created_at")
    return {
        "groups_started": [{"name": g.name, "url": g.get_absolute_url()} for g in created],
        "memberships": [
            {
                "group": m.group.name,
                "url": m.group.get_absolute_url(),
                "role": m.role,
                "status": m.status,
                "request_message": m.request_message,
                "decision_message": m.decision_message,
                "since": m.created_at,
                "decided_at": m.decided_at,
            }
            for m in memberships
        ],
        "events_organised_or_taught": [
            {
                "title": e.title,
                "group": e.group.name,
                "url": e.get_absolute_url(),
                "you": [
                    role
                    for role, mine in (
                        ("created", e.created_by_id == user.pk),
                        ("teaches", e.teacher_id == user.pk),
                    )
                    if mine
                ],
                "starts_at": e.starts_at,
                "ends_at": e.ends_at,
                "location": e.location,
                "online_url": e.online_url,
                "description": e.description,
                "cancelled_at": e.cancelled_at,
            }
            for e in events
        ],
        "rsvps": [
            {
                "event": r.event.title,
                "group": r.event.group.name,
                "url": r.event.get_absolute_url(),
                "starts_at": r.event.starts_at,
                "status": r.status,
                "replied_at": r.created_at,
                "changed_at": r.updated_at,
            }
            for r in rsvps
        ],
        # The private address itself is a secret: see or renew it on the calendar page.
        "calendar_feed": {"created_at": feed.created_at} if feed else None,
        "suggestions": [
            {
                "title": s.title,
                "kind": s.kind,
                "description": s.description,
                "created_at": s.created_at,
                "fulfilled_at": s.fulfilled_at,
            }
            for s in suggestions
        ],
        "suggestions_backed": [
            {"title": b.suggestion.title, "backed_at": b.created_at} for b in backings
        ],
    }


def _forums(user: User) -> dict:
    threads = Thread.objects.filter(author=user).select_related("board").order_by("created_at")
    posts = (
        Post.objects.filter(author=user)
        .select_related("thread")
        .prefetch_related("revisions")
        .order_by("created_at", "pk")
    )
    reactions = Reaction.objects.filter(user=user).order_by("pk")
    mentions = Mention.objects.filter(user=user).order_by("pk")
    follows = (
        Subscription.objects.filter(user=user).select_related("thread", "board").order_by("pk")
    )
    markers = ReadMarker.objects.filter(user=user).select_related("thread").order_by("read_at")
    reports = Report.objects.filter(reporter=user).order_by("created_at")
    reports_on_mine = Report.objects.filter(post__author=user).order_by("created_at")
    suspensions = Suspension.objects.filter(user=user)
    about_me = ModerationLog.objects.filter(subject=user).order_by("created_at")
    by_me = ModerationLog.objects.filter(moderator=user).order_by("created_at")

    def post_url(post_id: int) -> str:
        return reverse("forums:post-permalink", args=[post_id])

    return {
        "threads_started": [
            {
                "title": t.title,
                "board": t.board.name,
                "url": t.get_absolute_url(),
                "created_at": t.created_at,
            }
            for t in threads
        ],
        "posts": [
            {
                "url": p.get_absolute_url(),
                "thread": p.thread.title,
                "body": p.body,
                "status": p.status,
                "created_at": p.created_at,
                "edited_at": p.edited_at,
                "deleted_at": p.deleted_at,
                "hidden_at": p.hidden_at,
                "hidden_reason": p.hidden_reason,
                "earlier_versions": [
                    {"body": r.body, "written_at": r.edited_at} for r in p.revisions.all()
                ],
            }
            for p in posts
        ],
        "reactions": [{"post": post_url(r.post_id), "kind": r.kind} for r in reactions],
        "mentioned_in": [post_url(m.post_id) for m in mentions],
        "following": [
            {"thread": f.thread.title, "url": f.thread.get_absolute_url()}
            if f.thread_id
            else {"board": f.board.name, "url": f.board.get_absolute_url()}
            for f in follows
        ],
        "read_up_to": [
            {"thread": m.thread.title, "url": m.thread.get_absolute_url(), "read_at": m.read_at}
            for m in markers
        ],
        "reports_made": [
            {
                "post": post_url(r.post_id),
                "reason": r.reason,
                "details": r.details,
                "status": r.status,
                "created_at": r.created_at,
            }
            for r in reports
        ],
        # Who reported, and what they wrote, is theirs: only the facts are yours.
        "reports_about_your_posts": [
            {
                "post": post_url(r.post_id),
                "reason": r.reason,
                "status": r.status,
                "created_at": r.created_at,
            }
            for r in reports_on_mine
        ],
        "suspensions": [
            {
                "until": s.until,
                "reason": s.reason,
                "created_at": s.created_at,
                "lifted_at": s.lifted_at,
            }
            for s in suspensions
        ],
        # Which moderator acted is withheld; what was done, when and why is not.
        "moderation_of_you": [
            {
                "action": e.action,
                "reason": e.reason,
                "post": post_url(e.post_id) if e.post_id else None,
                "at": e.created_at,
            }
            for e in about_me
        ],
        "moderation_by_you": [
            {
                "action": e.action,
                "reason": e.reason,
                "detail": e.detail,
                "post": post_url(e.post_id) if e.post_id else None,
                "thread_id": e.thread_id,
                "at": e.created_at,
            }
            for e in by_me
        ],
    }


def _notifications(user: User) -> dict:
    notifications = Notification.objects.filter(recipient=user).order_by("created_at", "pk")
    return {
        "notifications": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "channel": n.channel,
                "created_at": n.created_at,
                "read_at": n.read_at,
                "emailed_at": n.emailed_at,
                "email_status": n.email_status,
            }
            for n in notifications
        ],
        "notification_preferences": preferences_for(user),
    }


def export_personal_data(user: User) -> dict[str, Any]:
    """Return everything the platform holds about ``user`` (a JSON-ready dict).

    Runs a fixed number of queries, however much the person has written.
    """
    user = User.objects.select_related("organisation").get(pk=user.pk)
    return {
        "about_this_file": {
            "service": "Sociable",
            "exported_at": timezone.now(),
            "note": "Everything Sociable holds about you. Times are ISO 8601, in UTC.",
        },
        "account": _account(user),
        "profile": _profile(user),
        **_groups(user),
        "forums": _forums(user),
        **_notifications(user),
    }


# --- deletion ------------------------------------------------------------------------------


@dataclass
class DeletionPlan:
    """What deleting an account will do, shown before the person confirms."""

    refused: str = ""
    post_count: int = 0
    thread_count: int = 0
    handed_over: list[tuple[Group, User]] = field(default_factory=list)
    closing: list[Group] = field(default_factory=list)
    places_given_up: int = 0


@dataclass
class DeletionResult:
    handed_over: list[tuple[str, str]]  # (group name, new organiser's name)
    closed: list[str]  # group names
    posts_erased: int
    tombstone: bool


def refusal(user: User) -> str:
    """Why ``user`` may not delete their own account here, or "" if they may."""
    if user.is_superuser:
        return (
            "You are an administrator. So that the partnership is never locked out of its "
            "own site, ask another administrator to remove your administrator role first."
        )
    return ""


def _groups_only_they_organise(user: User) -> list[Group]:
    organiser = {"role": Membership.Role.ORGANISER, "status": Membership.Status.ACTIVE}
    others = Membership.objects.filter(
        group=OuterRef("pk"), user__is_active=True, **organiser
    ).exclude(user=user)
    mine = Membership.objects.filter(user=user, **organiser).values("group")
    return list(Group.objects.filter(pk__in=mine).exclude(Exists(others)).order_by("name"))


def _places_held(user: User):
    return RSVP.objects.filter(
        user=user,
        status__in=[RSVP.Status.GOING, RSVP.Status.WAITLISTED],
        event__ends_at__gte=timezone.now(),
        event__cancelled_at__isnull=True,
    )


def deletion_plan(user: User) -> DeletionPlan:
    plan = DeletionPlan(
        refused=refusal(user),
        post_count=Post.objects.filter(author=user).count(),
        thread_count=Thread.objects.filter(author=user).count(),
        places_given_up=_places_held(user).count(),
    )
    for group in _groups_only_they_organise(user):
        successor = group_services.next_organiser(group=group, leaving=user)
        if successor:
            plan.handed_over.append((group, successor.user))
        else:
            plan.closing.append(group)
    return plan


@transaction.atomic
def delete_account(*, user: User, delete_posts: bool) -> DeletionResult:
    """Delete the person's account and personal data (see the module docstring)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if reason := refusal(user):
        raise PermissionDenied(reason)

    for rsvp in _places_held(user):
        group_services.organiser_set_rsvp(rsvp=rsvp, status=RSVP.Status.NOT_GOING)

    handed_over, closed = [], []
    for group in _groups_only_they_organise(user):
        successor = group_services.hand_over_group(group=group, leaving=user)
        if successor:
            handed_over.append((group.name, successor.user.display_name))
        else:
            group_services.close_group(group=group)
            closed.append(group.name)

    posts_erased = _erase_posts(user) if delete_posts else 0
    _drop_unbacked_suggestions(user)
    _unname_notifications(user)
    _unname_admin_history(user)
    _delete_photo(user)
    _delete_sessions(user)
    _forget_shared_pages()
    kept = _unlink(user)
    if kept:
        _make_tombstone(user)
    else:
        user.delete()
    return DeletionResult(handed_over, closed, posts_erased, tombstone=bool(kept))


def _erase_posts(user: User) -> int:
    """Remove what the person wrote, leaving placeholders where others replied."""
    now = timezone.now()
    someone_else = Post.objects.filter(thread=OuterRef("pk")).exclude(author=user)
    Thread.objects.filter(author=user).exclude(Exists(someone_else)).delete()
    PostRevision.objects.filter(post__author=user).delete()
    Mention.objects.filter(post__author=user).delete()
    return Post.objects.filter(author=user).update(
        body="", body_html="", deleted_at=Coalesce("deleted_at", now)
    )


def _drop_unbacked_suggestions(user: User) -> None:
    """A suggestion nobody else backs goes with its author; others' backing keeps it."""
    backed_by_others = Backing.objects.filter(suggestion=OuterRef("pk")).exclude(user=user)
    Suggestion.objects.filter(created_by=user).exclude(Exists(backed_by_others)).delete()


def _without_names(text: str, names: list[str]) -> str:
    for name in names:  # whole words only: "Al" must not eat into "Walking"
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", FORMER_MEMBER, text)
    return text


def _names(user: User) -> list[str]:
    preferred = Profile.objects.filter(user=user).values_list("preferred_name", flat=True).first()
    names = {user.name, user.username, user.display_name, preferred or ""}
    return sorted((n for n in names if n), key=len, reverse=True)


def _unname_notifications(user: User) -> None:
    """Take the person's name and words out of notifications they caused others."""
    names = _names(user)
    caused = list(Notification.objects.filter(actor=user).only("title", "body"))
    for notification in caused:
        notification.title = _without_names(notification.title, names)[:300]
        notification.body = ""  # e.g. the message with a request to join a group
    Notification.objects.bulk_update(caused, ["title", "body"])


def _unname_admin_history(user: User) -> None:
    """The admin's history keeps what was changed, but no longer names the person."""
    profile_ids = [str(pk) for pk in Profile.objects.filter(user=user).values_list("pk", flat=True)]
    types = ContentType.objects.get_for_models(get_user_model(), Profile)
    LogEntry.objects.filter(
        Q(content_type=types[get_user_model()], object_id=str(user.pk))
        | Q(content_type=types[Profile], object_id__in=profile_ids)
    ).update(object_repr=TOMBSTONE_NAME)


def _delete_photo(user: User) -> None:
    profile = Profile.objects.filter(user=user).exclude(photo="").first()
    if profile is None:
        return
    storage, name = profile.photo.storage, profile.photo.name
    # The file goes only once the rest has been committed (a rollback keeps it).
    transaction.on_commit(lambda: storage.delete(name))


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


def _unlink(user: User) -> int:
    """Delete or unlink every row pointing at the account; return how many stay."""
    kept = 0
    for fk in relations_to_user():
        rows = fk.model._base_manager.filter(**{fk.name: user})
        on_delete = fk.remote_field.on_delete
        if relation_label(fk) in KEPT_FOR_ACCOUNTABILITY:
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
    user.name = TOMBSTONE_NAME
    user.email = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.organisation = None
    user.last_login = None
    user.date_joined = timezone.now()
    user.unread_notifications = 0
    user.save()
