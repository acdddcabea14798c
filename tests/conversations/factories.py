"""People open to being asked, and requests in each state."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from conversations import services
from conversations.models import Conversation, Openness, Way
from tests.profiles.factories import make_profile


def open_profile(user, *, kinds=("chat",), **fields):
    """``user``'s profile, open to ``kinds`` (visible to everyone signed in by default)."""
    flags = {f"open_to_{kind}": True for kind in kinds}
    fields.setdefault("audience", "community")
    fields.setdefault("skills_audience", "community")
    return make_profile(user, **flags, **fields)


def soon(days: int = 3, hour: int = 10):
    """A time ``days`` from now at ``hour`` o'clock, UK time."""
    local = timezone.localtime() + timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def ask(asker, profile, *, kind="chat", times=None, **kwargs) -> Conversation:
    return services.ask(
        asker=asker,
        profile=profile,
        kind=kind,
        way=kwargs.pop("way", Way.IN_PERSON),
        times=[soon(3), soon(4)] if times is None else times,
        about=kwargs.pop("about", "How you got into data work"),
        **kwargs,
    )


def set_openness(user, kind="chat", **fields) -> Openness:
    openness, _ = Openness.objects.update_or_create(user=user, kind=kind, defaults=fields)
    return openness
