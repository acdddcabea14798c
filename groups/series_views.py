"""A series of sessions: its page, and replying to every coming session at once."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sociable.pagecache import cache_public_page

from . import selectors, series, services
from .forms import AnswersForm
from .models import Group
from .permissions import can_manage_group, can_rsvp, get_series_for_user

PAST_SHOWN = 5


@login_not_required
@cache_public_page
@require_GET
def series_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = get_series_for_user(request.viewer, slug, pk)
    sessions = selectors.series_page(found, request.viewer)
    if not sessions:  # every session deleted (by an administrator): nothing to show
        raise Http404("No such series")
    now = timezone.now()
    coming = [s for s in sessions if s.ends_at >= now]
    first = (coming or sessions)[0]
    membership = selectors.viewer_membership(request.viewer, first)
    context = {
        "series": found,
        "group": found.group,
        "first": first,
        "coming": coming,
        # The last few, newest first (the page is about what is to come).
        "past": [s for s in reversed(sessions) if s.ends_at < now][:PAST_SHOWN],
        "can_rsvp": bool(coming) and can_rsvp(request.viewer, first, membership),
        "can_manage": can_manage_group(request.viewer, found.group, membership),
        "answers_form": AnswersForm(questions=first.questions) if first.questions else None,
    }
    return render(request, "groups/series_detail.html", context)


@require_POST
def series_reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Reply for yourself to every coming session: the request's user, never one named."""
    found = get_series_for_user(request.viewer, slug, pk)
    # The next session: its questions are the series' (a session changed alone may differ).
    first = (
        found.occurrences.select_related("group")
        .filter(starts_at__gt=timezone.now(), cancelled_at__isnull=True)
        .order_by("starts_at", "pk")
        .first()
    )
    if first is None:
        messages.error(request, "No sessions of this series are left to reply to.")
        return redirect(found)
    if not can_rsvp(request.viewer, first):
        raise PermissionDenied("Join the group to reply to its sessions.")
    going = request.POST.get("going") == "yes"
    answering = AnswersForm(request.POST, questions=first.questions)
    if going and not answering.is_valid():
        messages.error(request, " ".join(e for errors in answering.errors.values() for e in errors))
        return redirect(found)
    if going and found.group.join_policy == Group.JoinPolicy.OPEN:
        services.join_group(group=found.group, user=request.user)
    reply = series.reply_to_series(
        series=found, user=request.user, going=going, answers=answering.answers() if going else {}
    )
    messages.success(request, _reply_message(reply, going))
    return redirect(found)


def _reply_message(reply: series.SeriesReply, going: bool) -> str:
    def sessions(n: int) -> str:
        return f"{n} session{'' if n == 1 else 's'}"

    if not going:
        said = f"You are not going to the {sessions(reply.not_going)} to come."
    elif reply.waiting:
        said = (
            f"You are going to {sessions(reply.going)}, and on the waiting list for "
            f"{sessions(reply.waiting)} that are full: we will tell you if a place comes free."
        )
    else:
        said = f"You are going to {sessions(reply.going)}. We have saved your places."
    if reply.skipped:
        said += f" Replies have closed for {sessions(reply.skipped)}."
    return said
