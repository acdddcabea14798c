"""Appeals: the notice of what a moderator did, with the form to appeal it, and the appeal's
page, where its appellant follows it and another moderator decides it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sociable.forms import add_service_errors
from sociable.two_factor import has_two_factor, redirect_to_two_factor_setup

from . import appeals, rules, telling
from .forms import AppealForm, DecisionForm
from .models import Appeal


def _notice(entry, *, whose: str = "your") -> dict:
    """What the person is told of an entry, for the pages (never the moderator's name)."""
    return {
        "entry": entry,
        "happening": telling.describe(entry, whose=whose),
        "rule": rules.rule_for(entry),
        "rules": rules.RULES,
    }


def appeal(request: HttpRequest, entry: int) -> HttpResponse:
    """What a moderator did to the viewer's post, thread or account, and the form to appeal."""
    entry = appeals.get_entry_for_subject(request.user, entry)
    existing = Appeal.objects.filter(entry=entry).first()
    if existing is not None and request.method != "POST":
        return redirect("safety:appeal", existing.pk)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = appeals.file_appeal(
                entry=entry, appellant=request.user, statement=form.cleaned_data["statement"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you. A different moderator will look at it again.")
            return redirect("safety:appeal", made.pk)
    context = {
        **_notice(entry),
        "form": form,
        "why_not": appeals.why_not(entry),
        "appeal_by": appeals.appeal_by(entry),
        "existing": existing,
    }
    return render(request, "safety/appeal_new.html", context)


def about_post(request: HttpRequest, post: int) -> HttpResponse:
    """From a hidden post of the viewer's own to what hid it."""
    return redirect("safety:appeal-new", appeals.latest_about_post(request.user, post).pk)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The appeal: its appellant sees how it stands; another moderator decides it."""
    appeal = appeals.get_appeal_for_user(request.user, pk)
    is_appellant = appeal.appellant_id == request.user.pk
    deciding = not is_appellant
    if deciding and not has_two_factor(request.user):
        return redirect_to_two_factor_setup(request)
    acted = deciding and appeals.acted_on_it(request.user, appeal.entry)
    form = DecisionForm(request.POST or None) if deciding and not acted else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            decided = appeals.decide(
                appeal=appeal,
                moderator=request.user,
                uphold=form.cleaned_data["decision"] == "uphold",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            done = "Done. The person has been told."
            if decided.status == Appeal.Status.UPHELD and not decided.undone:
                done += (
                    " Nothing was undone: it changed again after the decision appealed. "
                    "Put it right from its moderation page."
                )
            messages.success(request, done)
            return redirect("safety:appeal", appeal.pk)
    context = {
        **_notice(appeal.entry, whose="your" if is_appellant else "their"),
        "appeal": appeal,
        "is_appellant": is_appellant,
        "acted": acted,
        "form": form if appeal.status == Appeal.Status.OPEN else None,
    }
    return render(request, "safety/appeal_detail.html", context, status=403 if acted else 200)
