"""Characters that have no place in what people write or in a web address.

People never mean to type a control character: they arrive pasted from a terminal, a
spreadsheet or a PDF, or from someone probing the site. Nobody can see them on a page, yet
they break what other people read: XML 1.0 (Atom feeds) refuses most of them, PostgreSQL
refuses NUL, and UTF-8 cannot encode half a surrogate pair. So text is stripped of them,
silently, wherever it comes in (``sociable.forms`` for every form, so that a field
checks what will be kept; ``strip_invisible_on_save`` for every save of any model, from
the HR import, a sign-in's name from an identity provider or a service), and every feed,
calendar and contact card strips them again on the way out, for whatever was stored
before or written around ``save()`` (``QuerySet.update``, ``bulk_create``). What was
stored before is stripped in place by ``manage.py strip_control_characters``.
ADR 0016 says why text is stripped and an address with one is refused.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import F, Func, Value

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; lone
# surrogates (half of a UTF-16 pair: not a character); U+FFFE and U+FFFF (not characters).
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What of them a PostgreSQL text column can hold (not NUL, not a surrogate), as a pattern for
# its regular expressions (the characters themselves: PostgreSQL reads them as they are).
STORABLE = "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]"
# A web address holds none of them, and no tab or line break either.
NOT_IN_ADDRESSES = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_invisible(text: str) -> str:
    """Return ``text`` without the control characters nobody can see (tabs and lines stay)."""
    return INVISIBLE.sub("", text)


def strip_invisible_from(value: Any) -> Any:
    """Strip each string in a form value: a string, or a list or tuple of them (a multi-select);
    anything else (a file, None) as it is."""
    if isinstance(value, str):
        return strip_invisible(value)
    if isinstance(value, list | tuple):
        return type(value)(strip_invisible_from(item) for item in value)
    return value


def fit_for_address(text: str) -> bool:
    """Say whether ``text`` (a decoded path or query value) may be part of a web address."""
    return NOT_IN_ADDRESSES.search(text) is None


@cache
def _text_fields(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    )


def strip_invisible_on_save(sender, instance, raw: bool = False, **kwargs) -> None:
    """Strip every text field of a model about to be saved (a ``pre_save`` receiver).

    Only the values loaded on the instance: a deferred field is not read to be cleaned.
    """
    if raw:  # loaddata: fixtures are kept as they are
        return
    for attname in _text_fields(sender):
        value = instance.__dict__.get(attname)
        if isinstance(value, str) and INVISIBLE.search(value):
            setattr(instance, attname, strip_invisible(value))


def strip_stored_text(*, dry_run: bool = False) -> tuple[dict[str, int], list[str]]:
    """Strip the characters from every text column of every model, in the database.

    For rows stored before they were stripped on the way in. One UPDATE a column, around
    ``save()`` (no model's own logic runs, nothing is sent). Return the number of rows
    changed (or, for a dry run, to change) by ``app.Model.field``, and the columns left as
    they were because stripping would make two rows the same where they must differ.
    """
    changed: dict[str, int] = {}
    clashes: list[str] = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for attname in _text_fields(model):
            name = f"{model._meta.label}.{attname}"
            rows = model._base_manager.filter(**{f"{attname}__regex": STORABLE})
            try:
                with transaction.atomic():
                    count = rows.count() if dry_run else rows.update(**{attname: _strip(attname)})
            except IntegrityError:
                clashes.append(name)
                continue
            if count:
                changed[name] = count
    return changed, clashes


def _strip(column: str) -> Func:
    return Func(F(column), Value(STORABLE), Value(""), Value("g"), function="REGEXP_REPLACE")
