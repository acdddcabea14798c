"""What the home page shows a signed-in person: each app's panels, in a fixed number of
queries however much there is.

This module names no app: each app registers its panels (``registry.home_panels``, in its
``contributions.py``), and each panel reads through its app's selectors, so the audience
rule decides what is shown: events of groups you can see, threads on boards you can see,
the parts of people's profiles you may see.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from . import registry
from .accounts.adapter import is_welcome_shown


def home_for(request: HttpRequest) -> dict:
    """The panels of the signed-in person's home page (template context)."""
    now = timezone.now()
    context = {"first_visit": is_welcome_shown(request)}
    for panel in registry.home_panels:
        context |= panel(request, now)
    return context
