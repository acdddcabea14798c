"""Moderators' pages: the queue, a post, a thread, suspensions and the log.

Access is decided in forums.moderation (404 for boards someone cannot see, 403
otherwise); moderators who have not set up two-factor are sent to set it up.
"""

from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from sociable.forms import LocalDateTimeInput, add_service_errors
from sociable.two_factor import two_factor_required

from . import moderation, services
from .forms import (
    DeleteThreadForm,
    HideThreadForm,
    MergeForm,
    ModeratorEditForm,
    RetitleForm,
    ShowThreadForm,
    SplitForm,
)
from .models import Board, ModerationLog, Suspension
from .permissions import is_moderator, moderated_boards

LOG_PAGE_SIZE = 50

# --- forms ---------------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=300,
        help_text="Needed to hide a post: people see it in the post's place.",
    )

    def __init__(self, *args, about: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if about:  # one of many on the queue page: say which post
            self.fields["reason"].label = format_html(
                'Reason<span class="govuk-visually-hidden"> for the post by {}</span>', about
            )


class ThreadFlagForm(forms.Form):
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=300)


class MoveForm(forms.Form):
    board = forms.ModelChoiceField(
        label="Move to", queryset=Board.objects.none(), empty_label="Choose a board"
    )
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=300)

    def __init__(self, *args, boards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].queryset = boards


class SuspendForm(forms.Form):
    until = forms.DateTimeField(
        label="Suspended until",
        help_text="UK time, for example 09:00 on 14/01/2027.",
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        error_messages={
            "required": "Enter when the suspension ends.",
            "invalid": "Enter a date and time, for example 09:00 on 14/01/2027.",
        },
    )
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        help_text="The person sees this when they try to write.",
        error_messages={"required": "Give a reason: the person will see it."},
    )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= timezone.now():
            raise ValidationError("Choose a time in the future.")
        return until


class LogFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="Show", required=False, choices=[("", "All actions"), *ModerationLog.Action.choices]
    )


def moderators_need_two_factor(view):
    """Send moderators without two-factor to set it up; the view itself refuses everyone else."""
    guarded = two_factor_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        chosen = guarded if is_moderator(request.viewer) else view
        return chosen(request, *args, **kwargs)

    return wrapper


# --- pages ---------------------------------------------------------------------------------


@moderators_need_two_factor
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    moderation.require_moderator(request.user)
    items = moderation.moderation_queue(request.user)
    for post in (*items.illegal, *items.reported, *items.auto_hidden, *items.pending):
        about = post.author.display_name if post.author else "a former member"
        post.action_form = ReasonForm(auto_id=f"id_post{post.pk}_%s", about=about)
    return render(request, "forums/moderation/queue.html", {"queue": items})


POST_DONE = {
    "hide": "The post is hidden. People see your reason in its place.",
    "unhide": "The post is shown again.",
    "approve": "The post is approved: everyone who can see the thread can read it.",
    "dismiss": "The reports are dismissed.",
}


@moderators_need_two_factor
def moderate_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = moderation.get_post_to_moderate(request.user, pk)
    form = ReasonForm(request.POST or None)
    action = request.POST.get("action", "")
    from_queue = request.POST.get("from") == "queue"
    if request.method == "POST" and form.is_valid():
        try:
            moderation.act_on_post(
                post=post, moderator=request.user, action=action, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, POST_DONE[action])
            if from_queue:
                return redirect("forums:moderation-queue")
            return redirect("forums:moderate-post", post.pk)
    reports = list(moderation.reports_on(post))
    return render(
        request,
        "forums/moderation/post.html",
        {
            "post": post,
            "thread": post.thread,
            "form": form,
            "from_queue": from_queue,
            "reports": reports,
            "has_open_reports": any(r.status == "open" for r in reports),
            "revisions": post.revisions.all(),
            "entries": moderation.moderation_log(request.user, post=post)[:20],
        },
    )


THREAD_DONE = {
    "lock": "The thread is locked: nobody can reply.",
    "unlock": "The thread is unlocked.",
    "pin": "The thread is pinned to the top of its board.",
    "unpin": "The thread is no longer pinned.",
    "move": "The thread has moved.",
}


@moderators_need_two_factor
def moderate_thread(request: HttpRequest, pk: int) -> HttpResponse:
    thread = moderation.get_thread_to_moderate(request.user, pk)
    action = request.POST.get("action", "")
    # A story's comments stay where its story's audience puts them (stories.comments).
    boards = moderated_boards(request.user).exclude(pk=thread.board_id).filter(for_stories=False)
    if thread.for_story:
        boards = boards.none()
    form = ThreadFlagForm(request.POST if action in moderation.THREAD_FLAGS else None)
    move_form = MoveForm(request.POST if action == "move" else None, boards=boards, prefix="move")
    bound = move_form if action == "move" else form
    if request.method == "POST" and bound.is_valid():
        try:
            moderation.act_on_thread(
                thread=thread, moderator=request.user, action=action, **bound.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(bound, error)
        else:
            messages.success(request, THREAD_DONE[action])
            return redirect("forums:moderate-thread", thread.pk)
    return render(
        request,
        "forums/moderation/thread.html",
        {
            "thread": thread,
            "form": form,
            "move_form": move_form,
            "can_move": boards.exists(),
            "entries": moderation.moderation_log(request.user, thread=thread)[:20],
        },
    )


# The pages that act on a whole thread: each one's form, heading, button and what it says
# once done.
THREAD_ACTIONS = {
    "hide": (
        HideThreadForm,
        "Hide the thread",
        "Hide the thread",
        "The thread is hidden. Its author sees your reason; nobody else can find it.",
    ),
    "show": (
        ShowThreadForm,
        "Show the thread again",
        "Show it again",
        "The thread is shown again.",
    ),
    "delete": (
        DeleteThreadForm,
        "Delete the thread",
        "Delete the thread",
        "The thread is deleted. Moderators can still find it through the log.",
    ),
    "retitle": (
        RetitleForm,
        "Change the title",
        "Change the title",
        "The thread has its new title. Its old address still leads to it.",
    ),
    "merge": (
        MergeForm,
        "Merge into another thread",
        "Merge the threads",
        "The threads are merged: this is the thread that took the posts.",
    ),
}


@moderators_need_two_factor
def thread_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in THREAD_ACTIONS:
        raise Http404("No such page")
    thread = moderation.get_thread_to_moderate(request.user, pk)
    form_class, heading, button, done = THREAD_ACTIONS[action]
    sent = request.POST if request.method == "POST" else None  # (a form of one optional field)
    form = form_class(sent, initial={"title": thread.title})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if action == "merge":
                data["into"] = moderation.thread_to_merge_into(request.user, thread, data["into"])
            shown = moderation.act_on_whole_thread(
                thread=thread, moderator=request.user, action=action, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("forums:moderate-thread", shown.pk)
    context = {"thread": thread, "form": form, "heading": heading, "button": button}
    return render(request, "forums/moderation/thread_action.html", context)


@moderators_need_two_factor
def split_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = moderation.get_post_to_moderate(request.user, pk)
    form = SplitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            new = moderation.split(post=post, moderator=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The post and its replies are now a thread of their own.")
            return redirect("forums:moderate-thread", new.pk)
    return render(
        request,
        "forums/moderation/split.html",
        {"post": post, "thread": post.thread, "form": form},
    )


@moderators_need_two_factor
def edit_post(request: HttpRequest, pk: int) -> HttpResponse:
    post = moderation.get_post_to_moderate(request.user, pk)
    sent = request.POST if request.method == "POST" else None
    form = ModeratorEditForm(sent, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            moderation.edit_post(post=post, moderator=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The post is changed. Its earlier text is kept.")
            return redirect("forums:moderate-post", post.pk)
    return render(
        request,
        "forums/moderation/edit_post.html",
        {"post": post, "thread": post.thread, "form": form},
    )


@moderators_need_two_factor
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    report = moderation.get_report_to_moderate(request.user, pk)
    try:
        moderation.claim(report=report, moderator=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "You are looking at this post: other moderators will see it.")
    return redirect("forums:moderation-queue")


@moderators_need_two_factor
def suspend(request: HttpRequest, pk: int) -> HttpResponse:
    person = moderation.get_person_to_suspend(request.user, pk)
    form = SuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.suspend(user=person, moderator=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.display_name} is suspended.")
            return redirect("forums:suspend", person.pk)
    return render(
        request,
        "forums/moderation/suspend.html",
        {
            "person": person,
            "form": form,
            "suspensions": moderation.suspensions_of(person),
        },
    )


@moderators_need_two_factor
@require_POST
def lift_suspension(request: HttpRequest, pk: int) -> HttpResponse:
    moderation.require_moderator(request.user)
    suspension = get_object_or_404(Suspension, pk=pk)
    try:
        moderation.lift(suspension=suspension, moderator=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The suspension is lifted: they can write again.")
    return redirect("forums:suspend", suspension.user_id)


@moderators_need_two_factor
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    moderation.require_moderator(request.user)
    form = LogFilterForm(request.GET)
    action = form.cleaned_data["action"] if form.is_valid() else ""
    entries = moderation.moderation_log(request.user, action=action)
    page = Paginator(entries, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "forums/moderation/log.html",
        {
            "form": form,
            "page": page,
            "query_string": urlencode({"action": action} if action else {}),
        },
    )
