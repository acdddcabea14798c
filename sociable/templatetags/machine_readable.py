"""Values written for machines inside HTML attributes, in the forms HTML allows.

``{% load machine_readable %}``, then ``<time datetime="{{ post.created_at|iso_datetime }}">``
and ``<a href="{{ profile.phone|tel_uri }}">``.
"""

import datetime
import re

from django import template

register = template.Library()


@register.filter(expects_localtime=True)
def iso_datetime(value) -> str:
    """A date and time as HTML's ``datetime`` attribute takes it: whole seconds and an offset
    (``2026-11-27T08:48:51+00:00``). Django's ``date:"c"`` adds microseconds, which HTML does
    not allow (at most three digits of a second)."""
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""


@register.filter
def tel_uri(value) -> str:
    """A phone number as a ``tel:`` link (RFC 3966: no spaces), or "" when it has too few
    digits to dial. "+44 (0)113 496 0152" dials +441134960152; "0113 496 0152 ext 23" gets
    ``;ext=23``."""
    number = str(value or "").replace("(0)", " ")
    found = re.match(r"\s*(\+?)([\d\s().\-/]+)(?:\s*(?:ext\.?|extension|x)\s*(\d+))?", number, re.I)
    if found is None:
        return ""
    plus, main, extension = found.groups()
    digits = re.sub(r"\D", "", main)
    if len(digits) < 3:
        return ""
    return f"tel:{plus}{digits}" + (f";ext={extension}" if extension else "")
