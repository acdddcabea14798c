"""A person's card in a list of people, drawn in Python.

A page of the directory draws twenty, and the one search, a skill's page, a profile's
matches, the people of a team or building and a buddy's offers draw them too. Django's
template engine took 140 microseconds a card (2.7 ms of a directory page at M, more than
its query for a signed-out visitor), resolving each of its thirty variables through every
layer of the context; this draws the same markup in about a tenth of that (ADR 0019,
decision 20). Everything a person typed is escaped by ``format_html``; the template tag
``{% person_card view reasons %}`` (``profiles/templatetags/people.py``) draws it in a page.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django.utils.safestring import SafeString, mark_safe

from sociable.links import reverse

from .visibility import ProfileView


def person_card(view: ProfileView, reasons: Iterable[tuple[str, str]] = ()) -> SafeString:
    """One person in a list (an ``<li>`` of a ``<ul class="sociable-people">``), as ``view``
    lets its viewer see them: picture or initial, name and pronouns, job, organisation,
    team and building, then why they matched a search (``reasons``: label and text, from
    ``matching.match_reasons``) or, with none, what they can teach.

    Every value is escaped as it is written in (the standard library's ``html.escape``,
    which Django's ``escape`` wraps), and only the whole is marked safe: ``format_html`` for
    each piece cost as much as the template."""
    profile = view.profile
    name = profile.display_name
    if profile.photo and "profile" in view.groups:
        photo = escape(reverse("profiles:profile-photo", args=[profile.user.username]))
        picture = (
            f'<img class="sociable-person__photo" src="{photo}" alt="" width="64" height="64"'
            ' loading="lazy">'
        )
    else:
        picture = (
            f'<span class="sociable-person__initials" aria-hidden="true">{escape(name[:1])}</span>'
        )
    pronouns = ""
    if profile.pronouns:
        pronouns = (
            ' <span class="govuk-body-s govuk-!-font-weight-regular">'
            f"({escape(profile.pronouns)})</span>"
        )
    organisation = profile.user.organisation
    work = [f"{escape(profile.job_title)}, "] if profile.job_title else []
    work.append(escape(organisation.display_name) if organisation else "Community member")
    if "location" in view.groups:
        if profile.team:
            work.append(f" · {escape(profile.team.name)}")
        if profile.place:
            work.append(f" · {escape(profile.place.name)}")
            if profile.floor:
                work.append(f", {escape(profile.floor)}")
    reasons = list(reasons)
    if reasons:
        items = "".join(
            f'<li><span class="govuk-!-font-weight-bold">{escape(label)}:</span>'
            f" {escape(text)}</li>"
            for label, text in reasons
        )
        why = (
            '<ul class="govuk-list govuk-body-s govuk-!-margin-bottom-1 sociable-reasons">'
            f"{items}</ul>"
        )
    elif teaches := view.skills.get("teach"):
        names = ", ".join(escape(str(skill)) for skill in teaches)
        why = f'<p class="govuk-body-s govuk-!-margin-bottom-1">Can teach: {names}</p>'
    else:
        why = ""
    url = escape(profile.get_absolute_url())
    return mark_safe(  # noqa: S308 - every value above is escaped as it is written in
        f'<li class="sociable-person">{picture}<div class="sociable-person__body">'
        f'<h3 class="govuk-heading-s govuk-!-margin-bottom-1">'
        f'<a class="govuk-link" href="{url}">{escape(name)}</a>{pronouns}</h3>'
        f'<p class="govuk-body-s govuk-!-margin-bottom-1">{"".join(work)}</p>{why}</div></li>'
    )
