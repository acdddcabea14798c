"""Calendar files: one event, a group's events, and a person's private feed.

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

from sociable.links import reverse, site_address

from . import services
from .ics import build_calendar
from .models import RSVP, CalendarFeed, Event, Group
from .permissions import get_event_for_user, get_group_for_user

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
    events = (
        group.events.filter(starts_at__gte=timezone.now() - KEEP_PAST)
        .select_related("group")
        .order_by("starts_at", "pk")
    )
    body = build_calendar(events, name=f"{group.name} (Sociable)", site_url=site_address(request))
    return _calendar_response(body)


@login_not_required
@require_GET
def personal_ics(request: HttpRequest, token: str) -> HttpResponse:
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    user = feed.user
    if not user.is_active:
        raise Http404("No such calendar")
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
