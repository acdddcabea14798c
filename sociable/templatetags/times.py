"""How long ago something happened, as people say it."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.timesince import timesince

register = template.Library()

JUST_NOW = timedelta(minutes=1)


@register.filter
def ago(value: datetime | None) -> str:
    """Say "just now" for the last minute (not "0 minutes ago"), else "3 hours ago"."""
    if not value:
        return ""
    if timezone.now() - value < JUST_NOW:
        return "just now"
    return f"{timesince(value)} ago"


@register.filter(expects_localtime=True)
def day_and_time(value: datetime | None) -> str:
    """ "7 Dec 2026, 13:05" in the site's time zone: what ``date:"j M Y, H:i"`` says, in a
    sixth of its time (Django's reads its format anew for every value, and a thread's
    page shows fifty posts' times)."""
    if not isinstance(value, datetime):
        return ""
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year}, {value:%H:%M}"
