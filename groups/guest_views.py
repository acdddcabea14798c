"""Guests' pages: "Come as a guest" on an event's page, and the links in their emails.

The links (confirm, cancel) carry the guest's token, their only key: a GET shows what the
button will do and only a POST does it, because mail scanners open links. Their pages are
never kept by any cache, and send no address onwards (``Referrer-Policy``).
"""

from datetime import timedelta

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import guests
from .guest_forms import GuestForm
from .models import Guest
from .permissions import get_event_for_user
from .services import waitlist_position
from .views import event_page

SIGN_UPS_PER_CONNECTION = 20  # an hour: a whole office behind one address may sign up


@login_not_required
@require_POST
def guest_signup(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = get_event_for_user(request.viewer, slug, pk)
    if request.user.is_authenticated:
        messages.info(request, "You are signed in: reply as yourself.")
        return redirect(event)
    if reason := guests.closed_to_guests(event):
        messages.error(request, reason)
        return redirect(event)
    form = GuestForm(request.POST, questions=event.questions)
    status = 200
    if form.is_valid() and not _within_limit(request):
        form.add_error(
            None,
            "There have been many sign-ups from your connection in the last hour. "
            "Please try again later.",
        )
        status = 429
    if not form.is_valid():
        return event_page(request, event, guest_form=form, status=status)
    try:
        guests.sign_up_guest(
            event=event,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            answers=form.answers(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(event)
    # The same answer whether or not the address was signed up already.
    messages.success(
        request,
        "Check your email: we have sent you a link. Your place is held once you follow it.",
    )
    return redirect(event)


def _within_limit(request: HttpRequest) -> bool:
    address = get_adapter(request).get_client_ip(request)
    return guests.within_limit(
        f"guest-signup:{address}", most=SIGN_UPS_PER_CONNECTION, per=timedelta(hours=1)
    )


def _private(response: HttpResponse) -> HttpResponse:
    """The page's address holds the guest's secret: never sent to another site. Not
    "no-referrer": the page's own form must still say where it comes from (browsers then
    send "Origin: null", which the CSRF check refuses)."""
    response["Referrer-Policy"] = "same-origin"
    return response


@login_not_required
@never_cache
def guest_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A guest's confirmation link: GET shows the button, POST confirms the place."""
    guest = guests.get_guest(token)
    problem, confirmed = None, None
    if request.method == "POST":
        try:
            confirmed = guests.confirm_guest(guest=guest)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            guest = confirmed.guest
    elif guest.status == Guest.Status.PENDING:
        problem = guests.closed_to_guests(guest.event)
    context = {
        "guest": guest,
        "event": guest.event,
        "group": guest.event.group,
        "answers": list(guest.answers.items()),
        "problem": problem,
        "confirmed": confirmed,
        "position": waitlist_position(guest),
    }
    return _private(render(request, "groups/guest_confirm.html", context))


@login_not_required
@never_cache
def guest_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """A guest's cancel link: GET asks, POST cancels (their place goes to the next)."""
    guest = guests.get_guest(token)
    problem, cancelled = None, False
    if request.method == "POST":
        try:
            guest = guests.cancel_guest(guest=guest)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            cancelled = True
    context = {
        "guest": guest,
        "event": guest.event,
        "group": guest.event.group,
        "answers": list(guest.answers.items()),
        "problem": problem,
        "cancelled": cancelled,
        "position": waitlist_position(guest),
    }
    return _private(render(request, "groups/guest_cancel.html", context))
