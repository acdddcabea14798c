"""Calendar files: one event, a group's events (public, or on a person's private token for
any group they may see), and a person's private feed.

The private feed is read by calendar apps that cannot sign in: its secret token
is the credential, and every event in it is checked again against the audience
rule each time it is fetched, so leaving a members-only group removes its events.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sociable.audience import Audience
from sociable.links import reverse, site_address
from sociable.viewer import Viewer

from . import selectors, services
from .ics import build_calendar
from .models import RSVP, CalendarFeed, Event, Group
from .permissions import get_event_for_user, get_group_for_user, get_series_for_user

CONTENT_TYPE = "text/calendar; charset=utf-8"
# Feeds keep the recent past so an event does not vanish from calendars as it ends.
KEEP_PAST = timedelta(days=30)


def _calendar_response(body: bytes, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_not_required
@require_GET
def event_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = get_event_for_user(request.viewer, slug, pk)
    body = build_calendar([event], name=event.title, site_url=site_address(request))
    return _calendar_response(body, filename=f"{slugify(event.title)[:60] or 'event'}.ics")


@login_not_required
@require_GET
def group_ics(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_group_for_user(request.viewer, slug)
    return _calendar_response(_group_calendar(group, site_address(request)))


def _feed_owner(token: str):
    """Whose private calendar address ``token`` is (404 for none, or a closed account)."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not feed.user.is_active:
        raise Http404("No such calendar")
    return feed.user


@login_not_required
@require_GET
def group_private_ics(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    """A group's events for a calendar app that cannot sign in: the person's private token
    is the credential, and the group is checked against the audience rule for them at every
    fetch (404 once they may no longer see it)."""
    user = _feed_owner(token)
    group = get_group_for_user(Viewer.of(user), slug)
    response = _calendar_response(_group_calendar(group, site_address(request)))
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


def _group_calendar(group: Group, site_url: str) -> bytes:
    """A group's events from KEEP_PAST ago, each series among them as its rule."""
    events = list(
        group.events.filter(starts_at__gte=timezone.now() - KEEP_PAST)
        .select_related("group")
        .order_by("starts_at", "pk")
    )
    return build_calendar(
        events,
        name=f"{group.name} (Sociable)",
        site_url=site_url,
        series_sessions=selectors.series_sessions({e.series_id for e in events} - {None}),
    )


@login_not_required
@require_GET
def series_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A series of sessions as its rule, for whoever may see its group."""
    series = get_series_for_user(request.viewer, slug, pk)
    sessions = selectors.series_sessions({series.pk})
    body = build_calendar(
        sessions.get(series.pk, []),
        name=series.describe(),
        site_url=site_address(request),
        series_sessions=sessions,
    )
    return _calendar_response(body, filename=f"series-{series.pk}.ics")


# The page shows a secret address: keep it out of shared caches and the back button.
@never_cache
@require_GET
def group_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """How to put a group's events in your calendar: its public address when the group is
    public, otherwise an address of your own for it (on your private token)."""
    group = get_group_for_user(request.viewer, slug)
    if group.audience == Audience.PUBLIC:
        feed_url = request.build_absolute_uri(reverse("groups:group-ics", args=[group.slug]))
    else:
        feed = services.calendar_feed_for(user=request.user)
        feed_url = request.build_absolute_uri(
            reverse("groups:group-private-ics", args=[feed.token, group.slug])
        )
    context = {
        "group": group,
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        "private": group.audience != Audience.PUBLIC,
    }
    return render(request, "groups/group_calendar.html", context)


@login_not_required
@require_GET
def personal_ics(request: HttpRequest, token: str) -> HttpResponse:
    user = _feed_owner(token)
    rsvps = list(
        RSVP.objects.filter(
            user=user,
            status__in=[RSVP.Status.GOING, RSVP.Status.WAITLISTED],
            event__starts_at__gte=timezone.now() - KEEP_PAST,
            event__group__in=Group.objects.visible_to(user),
        )
        .select_related("event__group")
        .order_by("event__starts_at", "event_id")
    )
    events: list[Event] = [rsvp.event for rsvp in rsvps]
    waitlisted = {rsvp.event_id for rsvp in rsvps if rsvp.status == RSVP.Status.WAITLISTED}
    body = build_calendar(
        events, name="My Sociable events", site_url=site_address(request), waitlisted=waitlisted
    )
    response = _calendar_response(body)
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


# The page shows a secret address: keep it out of shared caches and the back button.
@never_cache
@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.renew_calendar_feed(user=request.user)
        messages.success(request, "Your old calendar address no longer works.")
        return redirect("groups:calendar-settings")
    feed = services.calendar_feed_for(user=request.user)
    feed_url = request.build_absolute_uri(reverse("groups:personal-ics", args=[feed.token]))
    context = {
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
    }
    return render(request, "groups/calendar_settings.html", context)
