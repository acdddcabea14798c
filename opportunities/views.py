"""Finding opportunities, posting one, expressing interest, and answering (/opportunities/)."""

from __future__ import annotations

from dataclasses import astuple
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from profiles.services import find_or_create_place
from sociable.accounts.models import Organisation
from sociable.forms import add_service_errors
from sociable.pagecache import cache_public_page
from sociable.two_factor import two_factor_required

from . import parts, selectors, services
from .forms import (
    AnswerForm,
    DoneForm,
    FindForm,
    InterestForm,
    ModerateForm,
    OpportunityForm,
    ReportForm,
)
from .models import Interest, Opportunity, Report
from .permissions import (
    get_interest_for_user,
    get_opportunity_for_viewer,
    is_opportunity_moderator,
)


@login_not_required
@cache_public_page
@require_GET
def opportunity_list(request: HttpRequest) -> HttpResponse:
    form = FindForm(request.GET or None, organisations=Organisation.objects.only("name", "slug"))
    filters = selectors.Filters(**form.cleaned_data) if form.is_valid() else selectors.Filters()
    params = request.GET.copy()
    params.pop("page", None)
    today = timezone.localdate()
    listed = parts.opportunity_list(
        request, astuple(filters), request.GET.get("page", "1"), params.urlencode(),
        today.isoformat(),
    )  # fmt: skip
    return render(
        request,
        "opportunities/opportunity_list.html",
        {
            "form": form,
            "listed": listed,
            "query_string": params.urlencode(),
            "for_you": selectors.for_you(request.viewer, today) if not params else [],
            "staff": request.user.is_authenticated and request.user.organisation_id is not None,
        },
    )


@login_not_required
@cache_public_page
@require_GET
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_opportunity_for_viewer(request.viewer, pk)
    return render(request, "opportunities/opportunity_detail.html", _detail(request, opportunity))


def _detail(request: HttpRequest, opportunity: Opportunity, **forms) -> dict:
    user = request.user
    poster = user.is_authenticated and opportunity.posted_by_id == user.pk
    mine = None
    if user.is_authenticated and not poster:
        mine = Interest.objects.filter(opportunity=opportunity, person=user).first()
    moderator = is_opportunity_moderator(user)
    reports = []
    if moderator:
        reports = list(opportunity.reports.filter(status=Report.Status.OPEN))
    context = {
        "opportunity": opportunity,
        "moderator": moderator,
        "reports": reports,
        "moderate_form": forms.get("moderate_form")
        or ModerateForm(opportunity=opportunity, reported=bool(reports)),
        "needs": list(opportunity.skills_needed.all()),
        "teaches": list(opportunity.skills_taught.all()),
        "poster": poster,
        "mine": mine,
        "interest": selectors.interest_for_poster(opportunity) if poster else [],
        "open": opportunity.status == Opportunity.Status.OPEN,
        "interest_form": forms.get("interest_form")
        or InterestForm(manager_must_agree=opportunity.manager_must_agree),
        "answer_form": AnswerForm(),
        "done_form": forms.get("done_form") or DoneForm(),
    }
    return context


def _edit(request: HttpRequest, opportunity: Opportunity | None) -> HttpResponse:
    form = OpportunityForm(request.POST or None, instance=opportunity)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in OpportunityForm.Meta.fields}
        place_name = form.cleaned_data["place_name"].strip()
        data["place"] = find_or_create_place(name=place_name) if place_name else None
        publish = "publish" in request.POST
        try:
            saved = services.save(
                poster=request.user,
                opportunity=opportunity,
                needs=form.cleaned_data["needs"],
                teaches=form.cleaned_data["teaches"],
                publish=publish,
                **data,
            )
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if saved.status == Opportunity.Status.DRAFT:
                messages.success(request, "Saved as a draft: only you can see it.")
            elif saved.status == Opportunity.Status.PENDING:
                messages.success(
                    request, "Sent for approval: a moderator checks it before it goes live."
                )
            else:
                messages.success(request, "It is published: the people it is for can find it.")
            return redirect(saved)
    return render(
        request,
        "opportunities/opportunity_form.html",
        {"form": form, "opportunity": opportunity},
        status=400 if form.errors else 200,
    )


def opportunity_new(request: HttpRequest) -> HttpResponse:
    if request.user.organisation_id is None:
        return render(request, "opportunities/staff_only.html", status=403)
    return _edit(request, None)


def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_opportunity_for_viewer(request.viewer, pk)
    if opportunity.posted_by_id != request.user.pk:
        raise PermissionDenied("Only the person who posted it can change it.")
    return _edit(request, opportunity)


@require_POST
def express_interest(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_opportunity_for_viewer(request.viewer, pk)
    form = InterestForm(request.POST, manager_must_agree=opportunity.manager_must_agree)
    if form.is_valid():
        try:
            services.express_interest(
                opportunity=opportunity, person=request.user, **form.cleaned_data
            )
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Sent: the poster will let you know.")
            return redirect(opportunity)
    context = _detail(request, opportunity, interest_form=form)
    return render(request, "opportunities/opportunity_detail.html", context, status=400)


@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    interest = get_interest_for_user(request.user, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose shortlist, offer or not this time.")
    else:
        try:
            services.answer(interest=interest, by=request.user, **form.cleaned_data)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, f"{interest.person.display_name} is told.")
    return redirect(interest.opportunity.get_absolute_url() + "#interest")


@require_POST
def withdraw_interest(request: HttpRequest, pk: int) -> HttpResponse:
    interest = get_interest_for_user(request.user, pk)
    try:
        services.withdraw_interest(interest=interest, by=request.user)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, "You have withdrawn your interest.")
    return redirect(interest.opportunity)


@require_POST
def change(request: HttpRequest, pk: int) -> HttpResponse:
    """The poster's one-button changes: withdraw it, or mark it done (with what happened)."""
    opportunity = get_opportunity_for_viewer(request.viewer, pk)
    what = request.POST.get("change")
    try:
        if what == "withdraw":
            services.withdraw(opportunity=opportunity, by=request.user)
            messages.success(request, "Withdrawn: it has left every list.")
        elif what == "done":
            form = DoneForm(request.POST)
            if not form.is_valid():
                context = _detail(request, opportunity, done_form=form)
                return render(request, "opportunities/opportunity_detail.html", context, status=400)
            services.mark_done(opportunity=opportunity, by=request.user, **form.cleaned_data)
            messages.success(request, "Marked as done. Thank you for offering it.")
        else:
            messages.error(request, "Choose what to change.")
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect(opportunity)


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "opportunities/mine.html", selectors.mine(request.user))


@login_not_required
def agree(request: HttpRequest, token: str) -> HttpResponse:
    """A line manager's link: GET shows what they agree to, POST agrees (once)."""
    interest = (
        Interest.objects.filter(manager_token=token, manager=Interest.ManagerAnswer.WAITING)
        .exclude(manager_token="")
        .select_related("opportunity", "person")
        .first()
    )
    if request.method == "POST" and interest is not None:
        try:
            services.manager_agrees(token=token)
        except PermissionDenied:
            interest = None
        else:
            return render(request, "opportunities/agreed.html", {"interest": interest})
    return render(
        request,
        "opportunities/agree.html",
        {"interest": interest},
        status=200 if interest is not None else 404,
    )


def report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report an opportunity to the moderators."""
    opportunity = get_opportunity_for_viewer(request.viewer, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report(opportunity=opportunity, by=request.user, **form.cleaned_data)
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: a moderator will look at it.")
            return redirect(opportunity)
    return render(
        request,
        "opportunities/report.html",
        {"opportunity": opportunity, "form": form},
        status=400 if form.errors else 200,
    )


def moderators_only(view):
    """404 for everyone but moderators, who must have set up two-factor first."""
    guarded = two_factor_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_opportunity_moderator(request.user):
            raise Http404
        return guarded(request, *args, **kwargs)

    return wrapper


@moderators_only
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_opportunity_for_viewer(request.viewer, pk)
    reported = opportunity.reports.filter(status=Report.Status.OPEN).exists()
    form = ModerateForm(request.POST, opportunity=opportunity, reported=reported)
    if form.is_valid():
        try:
            services.moderate(opportunity=opportunity, moderator=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Done, and written down.")
            return redirect(opportunity)
    context = _detail(request, opportunity, moderate_form=form)
    return render(request, "opportunities/opportunity_detail.html", context, status=400)


@moderators_only
@require_GET
def moderation(request: HttpRequest) -> HttpResponse:
    """The moderators' queue: waiting for approval, reported, hidden."""
    return render(request, "opportunities/moderation.html", selectors.moderation_queue())
