"""Middleware every request passes through: limits and headers that apply site-wide."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_resolver
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.log import log_response

from .text import fit_for_address
from .uploads import describe_bytes


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is too large before a byte of it is read.

    Django streams uploaded files to disk while it parses a form, so a 50 MB "photo" was
    read to the end before the form refused it. The declared length is checked here, in
    the request phase, which runs before any view middleware (CSRF reads the body in its
    ``process_view``). A body without a declared length is never read by Django.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.SOCIABLE_MAX_REQUEST_BYTES
        if declared > limit:
            return too_large(request, declared=declared, limit=limit)
        return self.get_response(request)


def too_large(request: HttpRequest, *, declared: int, limit: int) -> HttpResponse:
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    context = {
        "sent": describe_bytes(declared),
        "limit": describe_bytes(limit),
        "photo_limit": describe_bytes(settings.PROFILE_PHOTO_MAX_BYTES),
        "story_image_limit": describe_bytes(settings.STORY_IMAGE_MAX_BYTES),
        "back": back,
    }
    return render(request, "413.html", context, status=413)


class PermissionsPolicyMiddleware:
    """Switch off the browser features Sociable never uses (``Permissions-Policy``).

    A page, or anything injected into one, cannot ask for the camera, microphone,
    location, payment and the rest; nor can any page framed inside ours.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.SOCIABLE_PERMISSIONS_POLICY)
        return response


class RefuseUnfitAddressesMiddleware:
    """Answer 400 (templates/400.html) to an address holding a control character.

    No link of ours makes one, and no view can use one: PostgreSQL refuses NUL in a
    string (a 500 from any lookup), and the others only break what they are copied into.
    Checking the decoded path and every query name and value here, once, spares each view
    and URL converter from doing it. Invalid UTF-8 needs nothing: Django leaves it
    percent-encoded in the path and reads it as U+FFFD in the query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _fit(request):
            return self.get_response(request)
        handler = get_resolver(getattr(request, "urlconf", None)).resolve_error_handler(400)
        response = handler(request, exception=BadRequest("A control character in the address"))
        # One line in the log, without the traceback Django gives a BadRequest raised in a view.
        log_response(
            "Bad request (a control character in the address): %s",
            request.path,
            response=response,
            request=request,
        )
        return response


def _fit(request: HttpRequest) -> bool:
    if not fit_for_address(request.path_info):
        return False
    # A tab may come pasted into a search box (from a spreadsheet): a space to any view.
    return all(
        fit_for_address(name) and all(fit_for_address(v.replace("\t", " ")) for v in values)
        for name, values in request.GET.lists()
    )
