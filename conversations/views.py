"""Asking for a conversation, answering, and your conversations (/conversations/)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from profiles.models import Profile
from profiles.permissions import get_visible_profile
from sociable.forms import add_service_errors

from . import buddies, ics, roulette, selectors, services
from .forms import (
    AcceptForm,
    AfterwardsForm,
    AskForm,
    DeclineForm,
    MessageForm,
    OpennessForm,
    ReportForm,
    SuggestForm,
)
from .models import Conversation, Kind, RouletteMember
from .permissions import get_conversation_for_user

BUDDY_ABOUT = "My first weeks here"


@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "conversations/conversation_list.html",
        {"sections": selectors.sections(request.user)},
    )


def ask(request: HttpRequest, username: str) -> HttpResponse:
    """Ask the person of ``username``: 404 if the asker may not see their profile, so that
    nobody learns by trying that a hidden profile exists."""
    profile, view = get_visible_profile(request.viewer, username)
    shown = view.sees["skills"]  # what they are open to shows with their skills
    kinds = [kind for kind in Kind.values if shown and services.is_open_to(profile, kind)]
    refusals = {kind: services.refusal(request.user, profile, kind) for kind in kinds}
    askable = [kind for kind in kinds if not refusals[kind]]
    skills = [s for relation in ("teach", "has") for s in view.skills.get(relation, [])]
    wanted = request.GET.get("kind")
    initial = {"kind": wanted} if wanted in askable else {}
    if wanted == Kind.BUDDY and wanted in askable:
        initial["about"] = BUDDY_ABOUT
    form = AskForm(
        request.POST or None,
        initial=initial,
        kinds=askable,
        skills=skills,
        ask_me_about=profile.ask_me_about if view.sees["skills"] else "",
    )
    if request.method == "POST" and askable and form.is_valid():
        data = form.cleaned_data
        try:
            conversation = services.ask(
                asker=request.user,
                profile=profile,
                kind=data["kind"],
                way=data["way"],
                times=data["times"],
                skill=data["skill"],
                about=data["about"],
                note=data["note"],
                form_key=data["form_key"],
            )
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if conversation.status == Conversation.Status.QUEUED:
                messages.success(
                    request,
                    f"Your request is in {profile.display_name}'s queue: they will open it "
                    "when they have time.",
                )
            else:
                messages.success(request, f"Your request is with {profile.display_name}.")
            return redirect(conversation)
    reasons = sorted({reason for reason in refusals.values() if reason})
    return render(
        request,
        "conversations/ask.html",
        {"profile": profile, "form": form, "askable": askable, "reasons": reasons},
        status=400 if request.method == "POST" and form.errors else 200,
    )


@require_GET
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk)
    return render(
        request,
        "conversations/conversation_detail.html",
        selectors.detail_context(conversation, request.user),
    )


def _act(request: HttpRequest, pk: int, form_class, action, done: str, form_kwargs=None):
    """Run one answer (``action(conversation, data)``) from a posted form; on a refusal,
    show the request again with the message and what was typed. ``form_kwargs`` gives the
    form's arguments from the request (the times one may accept)."""
    conversation = get_conversation_for_user(request.user, pk)
    form = form_class(request.POST, **(form_kwargs(conversation) if form_kwargs else {}))
    if form.is_valid():
        try:
            action(conversation, form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            message = " ".join(getattr(error, "messages", [str(error)]))
            form.add_error(None, message)
        else:
            messages.success(request, done)
            return redirect(conversation)
    context = selectors.detail_context(conversation, request.user)
    context["forms"][form_class.__name__] = form
    return render(request, "conversations/conversation_detail.html", context, status=400)


def _times(conversation):
    return {"times": services.latest_times(conversation)}


@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    def action(conversation, data):
        services.accept(conversation=conversation, by=request.user, time_id=data["time"])

    return _act(request, pk, AcceptForm, action, "Accepted: it is in both your calendars.", _times)


@require_POST
def suggest(request: HttpRequest, pk: int) -> HttpResponse:
    def action(conversation, data):
        services.suggest(conversation=conversation, by=request.user, starts_at=data["starts_at"])

    return _act(request, pk, SuggestForm, action, "Your suggestion has been sent.", None)


@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    def action(conversation, data):
        services.decline(conversation=conversation, by=request.user, reason=data["reason"])

    return _act(request, pk, DeclineForm, action, "You have declined, kindly.", None)


@require_POST
def send_message(request: HttpRequest, pk: int) -> HttpResponse:
    def action(conversation, data):
        services.send_message(conversation=conversation, by=request.user, body=data["body"])

    return _act(request, pk, MessageForm, action, "Message sent.", None)


@require_POST
def afterwards(request: HttpRequest, pk: int) -> HttpResponse:
    def action(conversation, data):
        services.record_afterwards(
            conversation=conversation,
            by=request.user,
            happened=data["happened"],
            thanks=data["thanks"],
        )

    return _act(request, pk, AfterwardsForm, action, "Thank you for saying.", None)


@require_POST
def change(request: HttpRequest, pk: int) -> HttpResponse:
    """The one-button changes: withdraw, cancel, open from the queue, show the thanks."""
    conversation = get_conversation_for_user(request.user, pk)
    what = request.POST.get("change")
    done = {
        "withdraw": (services.withdraw, {}, "You have withdrawn your request."),
        "cancel": (services.cancel, {}, "Called off: both your calendars are told."),
        "open": (services.open_from_queue, {}, "Opened: it waits for your answer."),
        "show_thanks": (services.show_thanks, {"shown": True}, "The thanks is on your profile."),
        "hide_thanks": (services.show_thanks, {"shown": False}, "The thanks is hidden."),
    }
    if what not in done:
        messages.error(request, "Choose what to change.")
        return redirect(conversation)
    service, kwargs, message = done[what]
    try:
        service(conversation=conversation, by=request.user, **kwargs)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, message)
    return redirect(conversation)


def report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a request as abusive (and block the other person, as the form suggests)."""
    conversation = get_conversation_for_user(request.user, pk)
    other = conversation.other(request.user)
    if other is None:
        raise Http404("The other person has left")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report(conversation=conversation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            blocked = " You have blocked them." if form.cleaned_data["block"] else ""
            messages.success(request, f"Thank you: a moderator will look at it.{blocked}")
            return redirect(conversation)
    return render(
        request,
        "conversations/report.html",
        {"conversation": conversation, "other": other, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
def calendar_file(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_conversation_for_user(request.user, pk)
    if conversation.starts_at is None:
        raise Http404("Not booked")
    response = HttpResponse(
        ics.invitation(conversation, request.user), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="conversation-{pk}.ics"'
    return response


def openness(request: HttpRequest) -> HttpResponse:
    """Say how open you are to each kind of request."""
    profile = services.own_profile(request.user)
    forms = {
        kind: OpennessForm(
            request.POST or None,
            prefix=kind,
            instance=services.openness_of(request.user, kind),
            initial={"is_open": services.is_open_to(profile, kind)},
        )
        for kind in Kind.values
    }
    if request.method == "POST" and all(form.is_valid() for form in forms.values()):
        for kind, form in forms.items():
            data = form.cleaned_data
            services.set_openness(
                user=request.user,
                kind=kind,
                is_open=data["is_open"],
                per_month=data["per_month"],
                who_may_ask=data["who_may_ask"],
                when_full=data["when_full"],
                paused_from=data["paused_from"],
                paused_until=data["paused_until"],
            )
        messages.success(request, "Saved: people see how open you are on your profile.")
        return redirect("conversations:openness")
    return render(
        request,
        "conversations/openness.html",
        {"forms": [(Kind(kind).label, form) for kind, form in forms.items()]},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def buddy_page(request: HttpRequest) -> HttpResponse:
    """A new starter's buddies offered: the nearest volunteers first."""
    profile = Profile.objects.filter(user=request.user).select_related("team", "place").first()
    new = buddies.is_new_starter(request.user, profile)
    return render(
        request,
        "conversations/buddy.html",
        {
            "new_starter": new,
            "asked": buddies.asked_already(request.user) if new else None,
            "offers": buddies.offered(request.viewer, profile) if new else [],
            "staff": request.user.organisation_id is not None,
        },
    )


def roulette_page(request: HttpRequest) -> HttpResponse:
    """Coffee roulette: opt in, choose how often, skip the next round, or leave."""
    member = RouletteMember.objects.filter(user=request.user).first()
    today = timezone.localdate()
    if request.method == "POST":
        what = request.POST.get("change")
        try:
            if what == "join":
                roulette.join(user=request.user, every=request.POST.get("every", ""))
                messages.success(request, "You are in: we will introduce you at the next round.")
            elif what == "skip" and member:
                roulette.skip_next(user=request.user, today=today)
                messages.success(request, "You will sit out the next round.")
            elif what == "leave":
                roulette.leave(user=request.user)
                messages.success(request, "You have left coffee roulette.")
            else:
                messages.error(request, "Choose what to change.")
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("conversations:roulette")
    return render(
        request,
        "conversations/roulette.html",
        {
            "member": member,
            "choices": RouletteMember.Every.choices,
            "next_round": roulette.next_round(today),
            "introductions": roulette.introductions_of(request.user),
            "staff": request.user.organisation_id is not None,
        },
    )
