"""Organisers' pages for an event: cancelling with a reason, inviting the learners of its
skill, and the check-in list with who came (``groups.organisers``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import organisers, series, services
from .forms import CancelForm, CheckInForm
from .permissions import get_event_organised_by, get_managed_event
from .series_forms import ScopeForm


def event_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask why, then cancel: everyone going or waiting is told the reason."""
    event = get_managed_event(request.viewer, slug, pk)
    form = CancelForm(request.POST or None)
    scope = ScopeForm(request.POST or None, label="Which sessions?") if event.series_id else None
    if (
        request.method == "POST"
        and not event.is_cancelled
        and all([form.is_valid(), scope is None or scope.is_valid()])
    ):
        reason = form.cleaned_data["reason"]
        if scope is not None and scope.cleaned_data["scope"] == ScopeForm.FOLLOWING:
            cancelled = series.cancel_following(event=event, reason=reason)
            messages.success(
                request,
                f"{len(cancelled)} sessions have been cancelled. People going have been told.",
            )
        else:
            services.cancel_event(event=event, reason=reason)
            messages.success(request, "The event has been cancelled. People going have been told.")
        return redirect(event)
    context = {"event": event, "group": event.group, "form": form, "scope_form": scope}
    return render(request, "groups/event_cancel.html", context)


@require_POST
def event_invite_learners(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = get_managed_event(request.viewer, slug, pk)
    try:
        told = organisers.invite_learners(event=event, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(event)
    if told:
        messages.success(
            request,
            f"Invited {told} {'person' if told == 1 else 'people'}. "
            "They are told in the site, and by email if they choose, in the next few minutes.",
        )
    else:
        messages.success(request, "Everyone who wants to learn this has been invited already.")
    return redirect(event)


def event_check_in(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The list of everyone going, to print or to tick who came once the event starts
    (organisers only: 404 for everyone else)."""
    event = get_event_organised_by(request.viewer, slug, pk)
    listed = organisers.check_in_list(event)
    keys = [person.key for person in listed["people"]]
    form = CheckInForm(request.POST if request.method == "POST" else None, keys=keys)
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise ValidationError(form.errors["came"])
            came = organisers.record_attendance(event=event, came=set(form.cleaned_data["came"]))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Saved: {came} of {len(keys)} came.")
        return redirect("groups:event-check-in", slug=slug, pk=pk)
    context = {
        "event": event,
        "group": event.group,
        **listed,
        "can_tick": organisers.can_record_attendance(event),
        "show_answers": bool(event.questions) and request.GET.get("answers") == "1",
    }
    return render(request, "groups/event_check_in.html", context)
