"""What conversations add to other parts' pages: the ask button on a profile, and on a
skill page the way to the people with the skill who are open to a chat about it."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.http import urlencode

from sociable.links import reverse

from .models import Kind


def ask_action(profile, view, signed_in: bool) -> tuple[str, str] | None:
    """ "Ask for a conversation", for signed-in people who see what the person is open to
    (their skills); the ask page then checks who may ask (``services.refusal``)."""
    if view.is_owner or not view.sees["skills"]:
        return None
    if not any(getattr(profile, f"open_to_{kind}") for kind in Kind.values):
        return None
    if not signed_in:
        return None
    return "Ask for a conversation", reverse("conversations:ask", args=[profile.user.username])


def skill_open_people(request, skill) -> str:
    """A skill page's link to those with the skill who are open to a chat about it, through
    the directory (which shows each viewer whom they may see)."""
    query = urlencode({"skill": skill.slug, "open_to": Kind.CHAT})
    return format_html(
        '<h2 class="govuk-heading-m">Talk to someone about {}</h2>'
        '<p class="govuk-body"><a class="govuk-link" href="{}?{}">People with {} who are open '
        "to a chat about it</a>: ask one for half an hour over a coffee or online.</p>",
        skill.name,
        reverse("profiles:directory"),
        query,
        skill.name,
    )
