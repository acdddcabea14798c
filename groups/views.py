import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_POST

from profiles.models import Skill
from profiles.services import resolve_skills
from sociable.accounts.models import User
from sociable.db import reads_from_replica
from sociable.forms import add_service_errors
from sociable.pagecache import cache_public_page
from sociable.params import row_id

from . import guests, organisers, parts, selectors, series, services
from .forms import (
    AddMemberForm,
    AnswersForm,
    DecisionForm,
    EventForm,
    FulfilForm,
    GroupForm,
    JoinForm,
    SuggestionForm,
)
from .guest_forms import GuestForm
from .models import RSVP, Event, Group, Guest, Membership, Suggestion
from .permissions import (
    board_shown,
    can_join_group,
    can_manage_group,
    can_rsvp,
    can_see_members,
    get_event_for_user,
    get_group_for_user,
    get_managed_event,
    get_managed_group,
    membership_of,
    visible_event,
)
from .series_forms import NewEventForm, ScopeForm


def _error(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- groups --------------------------------------------------------------------------------


@login_not_required
@cache_public_page
@require_GET
@reads_from_replica
def group_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    kind = request.GET.get("kind", "") if request.GET.get("kind") in Group.Kind.values else ""
    tag = request.GET.get("tag", "")[:100]
    listed = parts.group_list(request, q, kind, tag, request.GET.get("page", "1"))
    context = {
        "listed_html": listed,
        "suggested": selectors.suggested_groups(request.viewer),
        "q": q,
        "kind": kind,
        "kinds": Group.Kind.choices,
    }
    return render(request, "groups/group_list.html", context)


def group_create(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        group = services.create_group(
            created_by=request.user, tags=form.cleaned_data["tags"], **form.save_fields()
        )
        if form.cleaned_data.get("image"):
            group.image.save(f"{group.slug}.jpg", form.cleaned_data["image"])
        messages.success(request, f"Your group “{group.name}” is ready. Add its first event.")
        return redirect(group)
    return render(request, "groups/group_form.html", {"form": form})


@login_not_required
@cache_public_page
@require_GET
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_group_for_user(request.viewer, slug)
    membership = membership_of(request.viewer, group)
    about = parts.group_about(request, group)
    members = "link" if can_see_members(request.viewer, group, membership) else "count"
    context = {
        "group": group,
        "membership": membership,
        "can_manage": can_manage_group(request.viewer, group, membership),
        "can_join": can_join_group(request.viewer, group),
        "join_form": JoinForm(),
        "board": board_shown(request.viewer, group, membership),
    }
    pieces = {
        slot: render_to_string(f"groups/partials/_group_{slot}.html", context, request)
        for slot in ("membership", "organise")
    }
    about_html = about.keep("members", [members]).fill(**pieces)
    return render(request, "groups/group_detail.html", {**context, "about_html": about_html})


@login_not_required
@require_GET
def group_image(request: HttpRequest, slug: str) -> FileResponse:
    """A group's image, to whoever may see the group (404 otherwise, and when it has none)."""
    group = get_group_for_user(request.viewer, slug)
    if not group.image:
        raise Http404("No image")
    response = FileResponse(group.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def group_edit(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_managed_group(request.viewer, slug)
    form = GroupForm(request.POST or None, request.FILES or None, instance=group, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_group(group=group, tags=form.cleaned_data["tags"], **form.save_fields())
        if form.cleaned_data.get("image"):
            group.image.save(f"{group.slug}.jpg", form.cleaned_data["image"])
        messages.success(request, "The group has been saved.")
        return redirect(group)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


@require_POST
def group_join(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_group_for_user(request.viewer, slug)
    form = JoinForm(request.POST)
    if not can_join_group(request.viewer, group) or not form.is_valid():
        raise PermissionDenied
    try:
        membership = services.join_group(
            group=group, user=request.user, message=form.cleaned_data["message"]
        )
    except ValidationError as error:
        _error(request, error)
    else:
        if membership.status == Membership.Status.ACTIVE:
            messages.success(request, f"You have joined {group.name}.")
        else:
            messages.success(request, "Your request has been sent to the organisers.")
    return redirect(group)


@require_POST
def group_leave(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_group_for_user(request.viewer, slug)
    try:
        services.leave_group(group=group, user=request.user)
    except ValidationError as error:
        _error(request, error)
        return redirect(group)
    messages.success(request, f"You have left {group.name}.")
    return redirect("groups:group-list" if group.audience == "members" else group)


def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_group_for_user(request.viewer, slug)
    if not can_see_members(request.viewer, group):
        raise PermissionDenied("Only members can see who else is in the group.")
    can_manage = can_manage_group(request.viewer, group)
    return render(
        request,
        "groups/member_list.html",
        {
            "group": group,
            "can_manage": can_manage,
            **selectors.members_page(group, request.viewer, organiser=can_manage),
            "decision_form": DecisionForm(),
            "add_form": AddMemberForm(),
        },
    )


@require_POST
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    """An organiser adds someone by email address (the way into a private group)."""
    group = get_managed_group(request.viewer, slug)
    form = AddMemberForm(request.POST)
    if form.is_valid():
        person = User.objects.filter(
            email__iexact=form.cleaned_data["email"], is_active=True
        ).first()
        if person is None:
            messages.error(request, "Nobody has signed up with that email address yet.")
        else:
            services.add_member(group=group, user=person)
            messages.success(request, f"{person.display_name} is now a member.")
    else:
        messages.error(request, "Enter an email address, like name@example.org.")
    return redirect("groups:member-list", slug=group.slug)


@require_POST
def member_change(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    """An organiser approves, declines, removes or changes the role of a member."""
    group = get_managed_group(request.viewer, slug)
    membership = get_object_or_404(Membership, group=group, pk=pk)
    message = DecisionForm(request.POST).data.get("message", "")[:500]
    try:
        if action == "approve":
            services.decide_membership(membership=membership, approve=True, message=message)
        elif action == "decline":
            services.decide_membership(membership=membership, approve=False, message=message)
        elif action == "remove":
            services.remove_member(membership=membership)
        elif action in ("organiser", "member"):
            services.set_role(membership=membership, role=action)
        else:
            raise Http404
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, "Done.")
    return redirect("groups:member-list", slug=group.slug)


# --- events --------------------------------------------------------------------------------


def event_create(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_managed_group(request.viewer, slug)
    skill = Skill.objects.filter(slug=request.GET.get("skill", "")).first()
    initial = (
        {"kind": "learning", "skill_name": skill.name, "title": f"Learn {skill.name.lower()}"}
        if skill
        else {}
    )
    form = NewEventForm(request.POST or None, initial=initial, group=group, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields, rule = _event_fields(form, request.user), form.series_fields()
        try:
            if rule is not None:
                made = series.create_series(group=group, created_by=request.user, **rule, **fields)
                messages.success(request, "The series has been created, with all its sessions.")
                return redirect(made)
            event = services.create_event(group=group, created_by=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The event has been created.")
            return redirect(event)
    return render(request, "groups/event_form.html", {"form": form, "group": group})


def _event_fields(form: EventForm, user) -> dict:
    data = {name: form.cleaned_data[name] for name in EventForm.Meta.fields}
    skill_name = form.cleaned_data.get("skill_name", "").strip()
    data["skill"] = (
        resolve_skills(names=[skill_name], kind=Skill.Kind.SKILL).skills[0] if skill_name else None
    )
    data["questions"] = form.cleaned_data["questions"]
    # A learning session's teacher: chosen among the group's members, or whoever saves it.
    chosen = form.cleaned_data.get("teacher") or form.instance.teacher
    data["teacher"] = (chosen or user) if data["kind"] == "learning" else None
    return data


@login_not_required
@cache_public_page
@require_GET
def event_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = visible_event(request.viewer, selectors.event_for_page(request.viewer, slug, pk))
    return event_page(request, event)


def event_page(
    request: HttpRequest, event: Event, *, guest_form: GuestForm | None = None, status: int = 200
) -> HttpResponse:
    """An event's page for the request's viewer (``guest_form``: the guest form as sent,
    with its errors)."""
    about = parts.event_about(request, event)
    reply, position = selectors.reply_of(request.viewer, event, about.facts["waiting"])
    membership = selectors.viewer_membership(request.viewer, event)
    can_manage = can_manage_group(request.viewer, event.group, membership)
    context = {
        "event": event,
        "group": event.group,
        "reply": reply,
        "position": position,
        "places_left": about.facts["places_left"],
        "can_rsvp": can_rsvp(request.viewer, event, membership),
        "can_manage": can_manage,
        "learners": organisers.learners_preview(event, request.viewer) if can_manage else None,
        "answers_form": _answers_form(request.viewer, event, reply),
        **_guest_signup(request.viewer, event, guest_form),
    }
    pieces = {
        slot: render_to_string(f"groups/partials/_event_{slot}.html", context, request)
        for slot in ("reply", "organise")
    }
    context["about_html"] = about.fill(**pieces)
    response = render(request, "groups/event_detail.html", context, status=status)
    if context["guest_form"] is not None:
        # The form carries this visitor's CSRF token: never kept in the shared page cache.
        patch_cache_control(response, private=True)
    return response


def _guest_signup(viewer, event: Event, form: GuestForm | None) -> dict:
    """The guest form ("Come as a guest") for a visitor who is not signed in, where the
    event takes guests, while they can sign up; or why they cannot."""
    if viewer.is_authenticated or not event.guests_allowed:
        return {"guest_form": None, "guest_closed": None}
    closed = guests.closed_to_guests(event)
    if closed is None and form is None:
        form = GuestForm(questions=event.questions)
    return {"guest_form": None if closed else form, "guest_closed": closed}


def _answers_form(viewer, event: Event, reply: str | None) -> AnswersForm | None:
    """The event's questions for the viewer to answer (their own answers filled in) when
    they say they are going, or change while they hold or wait for a place."""
    if not event.questions or not viewer.is_authenticated or event.is_cancelled:
        return None
    holding = reply in organisers.HOLDING
    answers = organisers.own_answers(viewer, event) if holding else {}
    return AnswersForm(
        questions=event.questions, initial=AnswersForm.initial_for(event.questions, answers)
    )


def event_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = get_managed_event(request.viewer, slug, pk)
    form = EventForm(request.POST or None, instance=event, group=event.group, user=request.user)
    scope = ScopeForm(request.POST or None) if event.series_id else None
    if request.method == "POST" and all([form.is_valid(), scope is None or scope.is_valid()]):
        fields = _event_fields(form, request.user)
        following = scope is not None and scope.cleaned_data["scope"] == ScopeForm.FOLLOWING
        try:
            if following:
                series.change_following(event=event, **fields)
            else:
                series.change_one(event=event, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            changed = Event.objects.filter(
                Q(series_id=event.series_id) if following else Q(pk=event.pk)
            )
            organisers.forget_removed_answers(events=changed)
            messages.success(
                request,
                "This and the following sessions have been changed. People going have been told."
                if following
                else "The event has been changed. People going have been told.",
            )
            return redirect(event)
    context = {"form": form, "group": event.group, "event": event, "scope_form": scope}
    return render(request, "groups/event_form.html", context)


@require_POST
def event_rsvp(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Reply for yourself: the request's user, never a user named in the form."""
    event = get_event_for_user(request.viewer, slug, pk)
    if not can_rsvp(request.viewer, event):
        raise PermissionDenied("Join the group to reply to its events.")
    going = request.POST.get("going") == "yes"
    answering = AnswersForm(request.POST, questions=event.questions)
    if going and not answering.is_valid():
        messages.error(request, " ".join(e for errors in answering.errors.values() for e in errors))
        return redirect(event)
    try:
        if going and event.group.join_policy == Group.JoinPolicy.OPEN:
            services.join_group(group=event.group, user=request.user)
        result = services.rsvp_to_event(event=event, user=request.user, going=going)
        if event.questions or result.rsvp.answers:  # kept while going or waiting, else none
            organisers.set_answers(rsvp=result.rsvp, answers=answering.answers() if going else {})
    except ValidationError as error:
        _error(request, error)
        return redirect(event)
    if result.rsvp.status == RSVP.Status.GOING:
        messages.success(
            request,
            "You are going. We have saved your place"
            + (" and your answers." if event.questions else "."),
        )
    elif result.rsvp.status == RSVP.Status.WAITLISTED:
        messages.success(
            request,
            f"The event is full. You are number {result.position} on the "
            "waiting list: we will tell you if a place comes free.",
        )
    else:
        messages.success(request, "Thank you for letting the organisers know.")
    return redirect(event)


def event_attendees(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = get_managed_event(request.viewer, slug, pk)
    if request.method == "POST":
        status = request.POST.get("status", "")
        try:
            if "guest" in request.POST:
                reply = get_object_or_404(Guest, event=event, pk=row_id(request.POST["guest"]))
            else:
                reply = get_object_or_404(RSVP, event=event, pk=row_id(request.POST.get("rsvp")))
            services.organiser_set_reply(reply=reply, status=status)
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, "The lists have been updated.")
        return redirect("groups:event-attendees", slug=slug, pk=pk)
    page = selectors.event_page(event, guests_named=True)
    for replies in (page["going"], page["guests_going"], page["queue"]):
        organisers.with_answer_list(replies, event.questions)  # organisers only see them
    return render(
        request, "groups/event_attendees.html", {"event": event, "group": event.group, **page}
    )


@require_GET
def event_attendees_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = get_managed_event(request.viewer, slug, pk)
    page = selectors.event_page(event, guests_named=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="attendees-{event.pk}.csv"'
    # Answers may be about health or beliefs: in the file only when the organiser asks.
    questions = event.questions if request.GET.get("answers") == "1" else []
    writer = csv.writer(response)
    writer.writerow(
        ["Name", "Organisation", "Status", "Waiting list position", "Replied"]
        + [_csv_safe(question) for question in questions]
    )
    # Guests by name only: never their email addresses.
    going = [*page["going"], *page["guests_going"]]
    rows = [(r, "Going", "") for r in going] + [
        (r, "Waiting list", n) for n, r in enumerate(page["queue"], start=1)
    ]
    for reply, status, position in rows:
        if isinstance(reply, Guest):
            name, organisation = reply.name, "Guest (no account)"
        else:
            name = reply.user.display_name
            organisation = reply.user.organisation.name if reply.user.organisation else "Community"
        writer.writerow(
            [
                _csv_safe(name),
                organisation,
                status,
                position,
                reply.updated_at.strftime("%Y-%m-%d %H:%M"),
                *(_csv_safe(reply.answers.get(question, "")) for question in questions),
            ]
        )
    return response


def _csv_safe(value: str) -> str:
    """Stop spreadsheets treating a name such as '=HYPERLINK(...)' as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def teach(request: HttpRequest, skill_slug: str) -> HttpResponse:
    """Start a learning session for a skill you can teach, in a group you organise."""
    skill = get_object_or_404(Skill, slug=skill_slug)
    mine = Group.objects.filter(
        memberships__user=request.user,
        memberships__role=Membership.Role.ORGANISER,
        memberships__status=Membership.Status.ACTIVE,
        closed_at__isnull=True,
    ).order_by("name")
    if request.method == "POST":
        if request.POST.get("group") == "new":
            group = services.create_group(
                created_by=request.user,
                name=f"Learn {skill.name.lower()}",
                summary=f"Sessions where colleagues teach each other {skill.name.lower()}.",
                kind=Group.Kind.LEARNING,
                audience="community",
                tags=[skill.name],
            )
        else:
            group = get_object_or_404(mine, pk=row_id(request.POST.get("group")))
        return redirect(f"{group.get_absolute_url()}events/new/?skill={skill.slug}")
    wanting = skill.profile_skills.filter(relation="learn").aggregate(n=Count("profile"))["n"]
    return render(
        request, "groups/teach.html", {"skill": skill, "groups": mine, "wanting": wanting}
    )


# --- suggestions ---------------------------------------------------------------------------


def suggestion_list(request: HttpRequest) -> HttpResponse:
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.suggest(created_by=request.user, **form.cleaned_data)
        messages.success(request, "Thank you: your suggestion is up. Others can now back it.")
        return redirect("groups:suggestion-list")
    suggestions = selectors.suggestions_for(request.viewer)
    backed = set(request.user.backed_suggestions.values_list("pk", flat=True))
    return render(
        request,
        "groups/suggestion_list.html",
        {"form": form, "suggestions": suggestions, "backed": backed},
    )


@require_POST
def suggestion_back(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(Suggestion, pk=pk, fulfilled_at__isnull=True)
    services.back_suggestion(
        suggestion=suggestion, user=request.user, backing=request.POST.get("back") != "no"
    )
    return redirect("groups:suggestion-list")


def suggestion_fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(Suggestion, pk=pk, fulfilled_at__isnull=True)
    form = FulfilForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.fulfil_suggestion(
            suggestion=suggestion,
            by=request.user,
            group=form.cleaned_data["group"],
            event=form.cleaned_data["event"],
        )
        messages.success(request, "Done: everyone who backed it has been told.")
        return redirect("groups:suggestion-list")
    return render(
        request, "groups/suggestion_fulfil.html", {"form": form, "suggestion": suggestion}
    )
