from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sociable.forms import add_service_errors

from . import event_messages
from .forms import EventMessageForm
from .permissions import get_managed_event


def event_message(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An organiser writes to everyone going to the event, or waiting, or both."""
    event = get_managed_event(request.viewer, slug, pk)
    form = EventMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            told = event_messages.message_event(event=event, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            people = "person" if told == 1 else "people"
            messages.success(request, f"Your message has been sent to {told} {people}.")
            return redirect(event)
    counts = event_messages.counts(event)
    context = {"event": event, "group": event.group, "form": form, "counts": counts}
    return render(request, "groups/event_message.html", context)
