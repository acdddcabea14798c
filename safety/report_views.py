"""The transparency report: a page for a year, and the same rows as CSV.

Only superusers and holders of ``safety.view_transparency`` may read it (404 for anyone
else); they set up two-factor first, as for all administration.
"""

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sociable.two_factor import for_role_with_two_factor

from . import transparency as yearly

# 404 unless the viewer may read the report; then two-factor, as for administration.
readers_only = for_role_with_two_factor(yearly.can_view_report)


@readers_only
@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("year", "")
    try:
        year = yearly.parse_year(typed)
    except ValueError as error:
        context = {"error": str(error), "typed": typed}
        return render(request, "safety/transparency.html", context, status=400)
    report = yearly.report_for(year)
    context = {"report": report, "typed": str(year), "previous_year": year - 1}
    if year < yearly.this_year():
        context["next_year"] = year + 1
    return render(request, "safety/transparency.html", context)


@readers_only
@require_GET
def transparency_csv(request: HttpRequest) -> HttpResponse:
    try:
        year = yearly.parse_year(request.GET.get("year"))
    except ValueError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    report = yearly.report_for(year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="transparency-{year}.csv"'
    # Every cell is a number, a duration or a fixed name: nothing anyone wrote.
    csv.writer(response).writerows(yearly.csv_rows(report))
    return response
