"""Muting and unmuting a thread or a board, and the list of what someone has muted."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import mutes
from .permissions import get_thread_for_user, visible_boards

KINDS = ("thread", "board")


@require_POST
def mute(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("No such thing to mute")
    on = request.POST.get("mute") != "no"
    if kind == "thread":
        target = get_thread_for_user(request.viewer, pk)
        what = "this thread"
    else:
        target = get_object_or_404(visible_boards(request.viewer), pk=pk)
        what = "this board"
    change = mutes.mute if on else mutes.unmute
    change(user=request.user, **{kind: target})
    if on:
        messages.success(
            request,
            f"You have muted {what}. You will not be told about new posts in it, and it will "
            "not show as new. You can unmute it at any time.",
        )
    else:
        messages.success(request, f"You have unmuted {what}.")
    if request.POST.get("back") == "list":
        return redirect("forums:mutes")
    return redirect(target)


@require_GET
def muted_list(request: HttpRequest) -> HttpResponse:
    threads, boards = mutes.muted_by(request.user, visible_boards(request.viewer))
    return render(request, "forums/mutes.html", {"threads": threads, "boards": boards})
