"""What's on (/whats-on/): the page, and its calendar file, public and on a person's private
calendar address (calendar apps cannot sign in: see groups.calendar_views)."""

from __future__ import annotations

from dataclasses import astuple

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from sociable.links import reverse, site_address
from sociable.pagecache import cache_public_page
from sociable.viewer import Viewer

from . import services, whats_on
from .calendar_views import CONTENT_TYPE, KEEP_PAST, _feed_owner
from .ics import build_calendar


@login_not_required
@cache_public_page
@require_GET
def whats_on_page(request: HttpRequest) -> HttpResponse:
    filters = whats_on.Filters.of(request.GET)
    after = whats_on.After.parse(request.GET.get("after"))
    listed = whats_on.whats_on_list(request, astuple(filters), str(after) if after else "")
    context = {
        "form": filters.form(),
        "filtered": bool(filters),
        "listed": listed,
        **_calendar_addresses(request, filters),
    }
    response = render(request, "groups/whats_on.html", context)
    if request.viewer.signed_in:  # it shows their private calendar address
        add_never_cache_headers(response)
    return response


def _calendar_addresses(request: HttpRequest, filters: whats_on.Filters) -> dict:
    """Where a calendar app finds these events: the public file for a visitor, for someone
    signed in an address of their own (their private token), which shows what they see."""
    if request.viewer.signed_in:
        token = services.calendar_feed_for(user=request.user).token
        address = reverse("groups:whats-on-private-ics", args=[token])
    else:
        address = reverse("groups:whats-on-ics")
    query = filters.query_string()
    feed_url = request.build_absolute_uri(address + (f"?{query}" if query else ""))
    return {
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        "private": request.viewer.signed_in,
    }


@login_not_required
@cache_public_page
@require_GET
def whats_on_ics(request: HttpRequest) -> HttpResponse:
    """What's on open to everyone, as a calendar file, whoever asks: calendar apps never
    sign in (people who do are given their own address on the page)."""
    return _calendar(request, Viewer.of(None), name="What's on (Sociable)")


@login_not_required
@require_GET
def whats_on_private_ics(request: HttpRequest, token: str) -> HttpResponse:
    """What's on for the owner of a private calendar address, checked against the audience
    rule for them at every fetch (404 for an address that is no one's)."""
    owner = _feed_owner(token)
    response = _calendar(request, Viewer.of(owner), name="What's on for you (Sociable)")
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


def _calendar(request: HttpRequest, viewer: Viewer, *, name: str) -> HttpResponse:
    """The events of the page's filters, one event each, with the recent past kept so that
    an event does not vanish from calendars as it ends."""
    filters = whats_on.Filters.of(request.GET)
    now = timezone.now()
    events = whats_on.events(viewer, filters, since=now - KEEP_PAST, now=now)
    body = build_calendar(events[: whats_on.FEED_LIMIT], name=name, site_url=site_address(request))
    return HttpResponse(body, content_type=CONTENT_TYPE)
