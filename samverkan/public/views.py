"""The public page of an agreement and its open data: no login, only when the agreement's
admin turned the page on (`public.access.require_public_agreement`)."""

import csv
import io

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control

from samverkan.analysis.suppression import ALL
from samverkan.core.cells import csv_text
from samverkan.public import selectors
from samverkan.public.access import require_public_agreement


@cache_control(public=True, max_age=300)
def agreement_page(request, slug):
    agreement = require_public_agreement(slug)
    years = selectors.report_years(agreement)
    try:
        year = int(request.GET.get("ar", years[0] if years else timezone.localdate().year))
    except ValueError:
        year = years[0] if years else timezone.localdate().year
    table = selectors.count_table(agreement, year) if year in years else None
    tables = []
    if table and table.cells:
        for quarter in [*selectors.QUARTERS, ALL]:
            tables.append({"quarter": quarter, "rows": selectors.table_rows(table, quarter)})
    supplements, promises = selectors.citizen_promises(agreement)
    return render(
        request,
        "public/agreement.html",
        {
            "agreement": agreement,
            "parties": agreement.parties.all(),
            "plans": selectors.plan_views(agreement, timezone.localdate()),
            "supplements": supplements,
            "promises": promises,
            "years": years,
            "year": year,
            "table": table,
            "tables": tables,
            "limit": selectors.public_limit(),
            "high": selectors.public_limit() - 1,
            "licence": selectors.LICENCE,
            "licence_url": selectors.LICENCE_URL,
        },
    )


@cache_control(public=True, max_age=300)
def agreement_json(request, slug):
    agreement = require_public_agreement(slug)
    data = selectors.open_data(agreement, timezone.localdate())
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})


@cache_control(public=True, max_age=300)
def agreement_csv(request, slug):
    agreement = require_public_agreement(slug)
    data = selectors.open_data(agreement, timezone.localdate())
    out = io.StringIO()
    out.write(f"# Licens: {data['licens']} ({data['licens_url']})\n")
    out.write(f"# {csv_text(data['overenskommelse']['rubrik'])}\n")
    writer = csv.writer(out)
    writer.writerow(["ar", "kvartal", "omrade", "kategori", "antal"])
    for row in data["antal"]:
        writer.writerow(
            [
                row["ar"],
                row["kvartal"] or "helar",
                csv_text(row["omrade"] or "alla"),
                csv_text(row["kategori"] or "alla"),
                "" if row["antal"] is None else row["antal"],
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{agreement.slug}-oppna-data.csv"'
    return response
