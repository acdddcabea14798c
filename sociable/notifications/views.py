"""The bell's page, reading notifications, choosing how to hear, and unsubscribing."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import notify, services
from .forms import PreferencesForm
from .kinds import label as kind_label
from .models import Notification

PER_PAGE = 30


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    services.recount_unread(request.user)
    notifications = Notification.objects.visible_to(request.viewer)
    page = Paginator(notifications, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification to its subject, marking it read on the way."""
    notification = get_object_or_404(Notification.objects.visible_to(request.viewer), pk=pk)
    services.mark_read(user=request.user, notification=notification)
    if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:list")


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(user=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = services.preferences_for(request.user)
    form = PreferencesForm(request.POST or None, user=request.user, initial_channels=current)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(user=request.user, channels=form.cleaned_data)
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@login_not_required
@csrf_exempt  # RFC 8058: mail programs POST here with no cookies; the signed link is the key.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = services.read_unsubscribe_token(token)
    if found is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    user, scope = found
    label = "the daily digest" if scope == services.DIGEST else kind_label(scope).lower()
    if request.method == "POST":
        services.unsubscribe(user=user, scope=scope)
        return render(request, "notifications/unsubscribed.html", {"label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label})


@login_not_required
@csrf_exempt  # GOV.UK Notify posts here, server to server: its bearer token is the key.
@require_POST
def notify_receipt(request: HttpRequest) -> HttpResponse:
    """GOV.UK Notify's delivery receipt: was the email it took delivered, or did it fail?"""
    expected = settings.NOTIFY_CALLBACK_TOKEN
    if not expected:
        raise Http404("Delivery receipts are not switched on (NOTIFY_CALLBACK_TOKEN)")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        response = JsonResponse({"error": "A bearer token is needed"}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="delivery receipts"'
        return response
    if not constant_time_compare(token.strip(), expected):
        return JsonResponse(
            {"error": "That bearer token is not the one given to Notify"}, status=403
        )
    try:
        delivery_id, status = notify.read_receipt(request.body)
    except ValueError as problem:
        return JsonResponse({"error": str(problem)}, status=400)
    if status is not None:
        services.record_email_outcome(delivery_id=delivery_id, status=status)
    return HttpResponse(status=204)
