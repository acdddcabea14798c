"""Your data (/people/me/data/): download it, or delete your account.

The rules live in sociable/personal_data.py; these views ask, confirm and report.
"""

from __future__ import annotations

import json
import re

from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from sociable.accounts.models import User

from . import personal_data


class DeleteAccountForm(forms.Form):
    delete_posts = forms.BooleanField(
        label="Also delete my posts",
        required=False,
        help_text="Their text is removed and each shows “This post was deleted by its author”. "
        "A thread that only you wrote in goes altogether.",
    )
    confirmation = forms.CharField(label="Your email address", max_length=254)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = user.email or user.username
        if not user.email:
            self.fields["confirmation"].label = "Your username"
        self.fields["confirmation"].help_text = f"Type {self.expected} to confirm."
        self.fields["confirmation"].widget.attrs["autocomplete"] = "off"
        self.fields["confirmation"].widget.attrs["spellcheck"] = "false"

    def clean_confirmation(self) -> str:
        typed = self.cleaned_data["confirmation"].strip()
        if typed.casefold() != self.expected.casefold():
            label = self.fields["confirmation"].label.lower()
            raise forms.ValidationError(
                f"Enter {label}, {self.expected}, to confirm that you want to delete your account"
            )
        return typed


@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "personal_data/my_data.html",
        {"refused": personal_data.refusal(request.user)},
    )


@require_GET
def download(request: HttpRequest) -> HttpResponse:
    data = personal_data.export_personal_data(request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    name = re.sub(r"[^A-Za-z0-9._-]", "-", request.user.username)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="sociable-{name}-{timezone.localdate().isoformat()}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


def delete_account(request: HttpRequest) -> HttpResponse:
    plan = personal_data.deletion_plan(request.user)
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and not plan.refused and form.is_valid():
        personal_data.delete_account(
            user=request.user, delete_posts=form.cleaned_data["delete_posts"]
        )
        logout(request)
        return redirect("profiles:account-deleted")
    return render(request, "personal_data/delete.html", {"plan": plan, "form": form})


@login_not_required
@require_GET
def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "personal_data/deleted.html")


# Your data's pages live under /people/me/ and in the profiles namespace (``profiles:my-data``),
# where people look for them; sociable/urls.py adds them to profiles' addresses.
urlpatterns = [
    path("people/me/data/", my_data, name="my-data"),
    path("people/me/data/download/", download, name="my-data-download"),
    path("people/me/data/delete/", delete_account, name="account-delete"),
    path("people/me/data/deleted/", account_deleted, name="account-deleted"),
]
