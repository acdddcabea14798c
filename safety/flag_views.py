"""A flag, for the moderators who may act on it: what was written, by whom, the words."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from forums.moderation_views import moderators_need_two_factor

from . import flags

DONE = {
    "acted": "Marked as acted on.",
    "dismissed": "Marked as nothing wrong.",
}


@moderators_need_two_factor
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    flag = flags.get_flag_for_user(request.user, pk)
    choice = request.POST.get("status", "")
    if request.method == "POST" and choice in DONE:
        flag = flags.resolve_flag(flag=flag, moderator=request.user, acted=choice == "acted")
        if flag.closed_now:
            messages.success(request, DONE[choice])
        else:
            messages.info(request, "Another moderator had already dealt with this flag.")
        return redirect("safety:flag", flag.pk)
    error = "Choose what you found." if request.method == "POST" else ""
    return render(
        request,
        "safety/flag.html",
        {"flag": flag, "flagged": flags.flagged(request.user, flag), "error": error},
        status=400 if error else 200,
    )
