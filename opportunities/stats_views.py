"""HR's figures about an organisation's opportunities: /opportunities/stats/ and the same as
CSV (issue 21; the figures are ``opportunities.stats``).

Who may see them: superusers, for any organisation (they choose which), and members of the
``HR`` group (Django's auth groups, given in the admin) who are staff of an organisation,
for that organisation only. Anyone else is answered 404, as for a page that does not
exist; someone signed out is sent to sign in first (``LoginRequiredMiddleware``).
"""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sociable.accounts.models import Organisation
from sociable.forms import LocalDateInput

from .permissions import stats_organisations
from .stats import Period, Stats, organisation_stats


class StatsForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), to_field_name="slug"
    )
    start = forms.DateField(label="From", widget=LocalDateInput())
    end = forms.DateField(label="To", widget=LocalDateInput())

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = None

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end must be on or after the start.")
        return data


def _ask(request: HttpRequest) -> tuple[StatsForm, Stats | None]:
    """The form as filled in, and the figures it asks for (None while a date is wrong).
    404 for anyone who may see no figures, or asks for an organisation not theirs."""
    organisations = stats_organisations(request.viewer).order_by("name")
    first = organisations.first()
    if first is None:
        raise Http404("No such page")
    default = Period.last_12_months()
    asked = {
        "organisation": first.slug,
        "start": default.start,
        "end": default.end,
        **{name: value for name, value in request.GET.items() if value},
    }
    form = StatsForm(asked, organisations=organisations)
    if not form.is_valid():
        if "organisation" in form.errors:
            raise Http404("No such organisation")
        return form, None
    period = Period(start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    return form, organisation_stats(form.cleaned_data["organisation"], period)


@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    form, figures = _ask(request)
    return render(
        request,
        "opportunities/stats.html",
        {
            "form": form,
            "stats": figures,
            "choose": request.viewer.is_superuser,
            "csv_query": _csv_query(figures),
        },
        status=400 if figures is None else 200,
    )


def _csv_query(figures: Stats | None) -> str:
    if figures is None:
        return ""
    return urlencode(
        {
            "organisation": figures.organisation.slug,
            "start": figures.period.start.isoformat(),
            "end": figures.period.end.isoformat(),
        }
    )


@require_GET
def stats_csv(request: HttpRequest) -> HttpResponse:
    form, figures = _ask(request)
    if figures is None:
        return HttpResponse(
            " ".join(e for errors in form.errors.values() for e in errors),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    made = timezone.localdate()
    filename = f"opportunities-{figures.organisation.slug}-{made:%Y-%m-%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_csv(response, figures)
    return response


def _csv_safe(value: str) -> str:
    """Stop spreadsheets treating a skill named '=HYPERLINK(...)' as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_csv(out, figures: Stats) -> None:
    """The page's tables, one after the other, each under its own heading row."""
    writer = csv.writer(out)
    period = figures.period
    writer.writerow(["Organisation", figures.organisation.name])
    writer.writerow(["Published from", period.start.isoformat()])
    writer.writerow(["Published to", period.end.isoformat()])
    writer.writerow([])
    writer.writerow(
        [
            "Kind",
            "Opportunities published",
            "Opportunities filled",
            "People who expressed interest",
            "People offered a place",
        ]
    )
    for row in [*figures.kinds, figures.total]:
        writer.writerow(
            [row.label, row.published, row.filled, row.interested.for_csv, row.offered.for_csv]
        )
    for title, skills in figures.skill_tables:
        writer.writerow([])
        writer.writerow([title, "Opportunities"])
        for skill in skills:
            writer.writerow([_csv_safe(skill.name), skill.opportunities])
