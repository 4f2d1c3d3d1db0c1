"""The lägesbild pages: filters, charts, the hot-spot map, snapshots and the annual view."""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import json_script
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.core.access import can_edit_prevention, can_save_snapshots
from samverkan.core.disclosure import label, small_count_limit
from samverkan.indicators.access import indicator_list_for_user
from samverkan.indicators.models import Indicator
from samverkan.indicators.pages import focus_area_page, yearly_indicator_values
from samverkan.lagesbild import charts, focus, mapdata, services, stored
from samverkan.lagesbild.access import get_snapshot_for_user, snapshot_list_for_user
from samverkan.lagesbild.assemble import lagesbild
from samverkan.lagesbild.disclosure import outbound_chart
from samverkan.lagesbild.params import parse, quick_periods
from samverkan.lagesbild.selectors import agreement_districts, category_choices
from samverkan.plans.access import agreement_list_for_user, get_agreement_for_user


def default_agreement(user):
    """The user's main samverkansöverenskommelse (not a medborgarlöfte), else any."""
    agreements = agreement_list_for_user(user)
    return agreements.filter(kind="samverkan").first() or agreements.first()


@functools.lru_cache(maxsize=1)
def _bundle() -> str:
    import vl_convert as vlc

    return vlc.javascript_bundle()


def vega_bundle(request):
    """The vega-embed, Vega-Lite and Vega bundle that vl-convert-python ships: served from
    the installed package, so a fresh clone needs no network and no build step."""
    response = HttpResponse(_bundle(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _downloads_note() -> str:
    limit = small_count_limit()
    if not limit:
        return ""
    return _("Filerna visar antal under %(limit)d som %(label)s (skydd av små tal).") % {
        "limit": limit,
        "label": label(limit),
    }


def _chart_context(result: dict[str, Any], link) -> dict[str, dict[str, Any]]:
    """Every chart of the result for the page; the hot spots as the Leaflet map's data."""
    out = {}
    note = _downloads_note()
    for key in charts.PAGE_CHARTS:
        chart = charts.chart_for(result, key)
        out[key] = {
            "key": key,
            "title": chart.title,
            "script": json_script(chart.spec, f"spec-{key}"),
            "headings": [h for _f, h in chart.columns],
            "table": chart.table(),
            "source": chart.source,
            "csv": link(key, "csv"),
            "svg": link(key, "svg"),
            "png": link(key, "png"),
            "downloads_note": note,
        }
    out["hotspots"] = _map_context(result, link, note)
    return out


def _map_context(result: dict[str, Any], link, note: str) -> dict[str, Any]:
    """The hot-spot map (static/lagesbild/map.js on Leaflet) and the table of its hot and
    cold cells; the downloads keep the chart in SWEREF 99 TM."""
    columns = [("i", "i"), ("j", "j"), ("count", _("Antal")), ("z", "z"), ("p", "p"),
               ("klass", _("Klass"))]  # fmt: skip
    rows = mapdata.map_table(result)
    table = charts.Chart("hotspots", "", {}, columns, rows).table()
    figure = ((result.get("sources") or {}).get("figures") or {}).get("hotspots") or {}
    return {
        "key": "hotspots",
        "title": _("Hot spots (Getis–Ord Gi*)"),
        "script": json_script(mapdata.map_payload(result), "lb-map-data"),
        "headings": [h for _f, h in columns],
        "table": table,
        "source": figure.get("line", ""),
        "csv": link("hotspots", "csv"),
        "svg": link("hotspots", "svg"),
        "png": link("hotspots", "png"),
        "downloads_note": note,
    }


def _map_config() -> dict[str, str]:
    """The base map: outside the stored result, so a changed tile setting shows at once."""
    return {
        "tiles": settings.SAMVERKAN_MAP_TILES,
        "attribution": settings.SAMVERKAN_MAP_ATTRIBUTION,
    }


def _download(chart: charts.Chart, fmt: str, name: str) -> HttpResponse:
    """Every chart file goes through here: a file travels, so small counts are suppressed."""
    chart = outbound_chart(chart)
    if fmt not in ("csv", "svg", "png"):
        raise Http404
    content, content_type = charts.chart_file(chart, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _default_query(request) -> dict[str, Any]:
    today = timezone.localdate()
    quick = {q["key"]: q for q in quick_periods(today)}
    data = request.GET.copy()
    chosen = quick.get(data.get("snabbval", ""))
    if chosen:
        data["fran"], data["till"] = chosen["from"].isoformat(), chosen["to"].isoformat()
    if not (data.get("fran") or data.get("from")):
        data["fran"] = quick["12m"]["from"].isoformat()
    if not (data.get("till") or data.get("to")):
        data["till"] = today.isoformat()
    if not (data.get("overenskommelse") or data.get("agreement")):
        first = default_agreement(request.user)
        if first is not None:
            data["overenskommelse"] = str(first.pk)
    return data


def result_page(user, chosen) -> dict[str, Any]:
    """The page's heavy part for ``user``'s view of ``chosen``: the rendered result and its
    data version (what ``stored`` keeps; the worker calls it too, lagesbild/tasks.py)."""
    query = urlencode(chosen.query(), doseq=True)
    path = reverse("lagesbild")

    def link(key, fmt):
        return f"{path}diagram/{key}.{fmt}?{query}"

    result = lagesbild(user=user, **chosen.kwargs()).to_dict(drawn_only=True)
    html = render_to_string(
        "lagesbild/_result.html", {"result": result, "charts": _chart_context(result, link)}
    )
    return {"html": html, "data_version": result["data_version"]}


@login_required
def lagesbild_page(request):
    data = _default_query(request)
    agreements = list(agreement_list_for_user(request.user))
    context: dict[str, Any] = {
        "agreements": agreements,
        "quick": quick_periods(timezone.localdate()),
        "categories": category_choices(),
        "errors": {},
        "result": None,
        "can_save": can_save_snapshots(request.user),
        "can_edit_prevention": can_edit_prevention(request.user),
        "data": data,
        "map_config": _map_config(),
    }
    try:
        chosen = parse(data, agreement_list_for_user(request.user))
    except ValidationError as error:
        context["errors"] = error.message_dict
        chosen = None
    if chosen is not None:
        query = urlencode(chosen.query(), doseq=True)
        page, updating = stored.ready(request.user, chosen), False
        if page is None:
            page, updating = _stale_or_computed(request.user, chosen)
        if page is None:
            # The worker is at it and there is no older result: the page says so and asks
            # again (htmx, or a reload).
            if request.htmx:
                return HttpResponse(status=204)
            context.update(chosen=chosen, computing=True, query=query)
            return render(request, "lagesbild/page.html", context)
        if request.htmx and request.GET.get("vantar"):
            response = HttpResponse(status=204)
            if not updating:
                response["HX-Refresh"] = "true"
            return response
        context["updating"] = updating
        context["updated_at"] = page.get("updated_at")
        context.update(
            chosen=chosen,
            result={"data_version": page["data_version"]},
            result_html=mark_safe(page["html"]),  # noqa: S308 - rendered by our own template
            query=query,
            districts=list(agreement_districts(chosen.agreement)),
            chosen_districts={d.pk for d in chosen.districts},
            chosen_categories=set(chosen.categories),
            snapshots=snapshot_list_for_user(request.user)
            .filter(agreement=chosen.agreement)
            .select_related("created_by")[:20],
            beside=indicators_beside(request.user, chosen.agreement, chosen.categories),
        )
    return render(request, "lagesbild/page.html", context)


def _stale_or_computed(user, chosen) -> tuple[dict[str, Any] | None, bool]:
    """No result of this data version is stored: (the page, whether it is an older one).

    With an older result the page shows it while the worker computes the new one (queued
    here, at most once per SAMVERKAN_LAGESBILD_REFRESH_SECONDS; without a worker, the
    immediate backend, it is computed at once). While the worker computes a slot that has
    no result yet: (None, False). Otherwise the page computes it itself.
    """
    from samverkan.lagesbild.tasks import compute_page

    old = stored.stale(user, chosen)
    if old is not None and stored.refresh_due(old):
        if stored.mark_computing(user, chosen):
            compute_page.enqueue(user.pk, chosen.query(), get_language())
        page = stored.ready(user, chosen)
        if page is not None:
            return page, False
    if old is not None:
        return old, True
    if stored.being_computed(user, chosen):
        return None, False
    return stored.stored(user, chosen, lambda: result_page(user, chosen)), False


def indicators_beside(user, agreement, categories) -> dict[str, Any]:
    """The indicators of the focus areas whose categories are chosen (all without a choice),
    with their latest values and sources: public statistics every logged-in user sees."""
    codes = focus.indicator_focus_codes(agreement, list(categories or []))
    return {
        "pages": [focus_area_page(indicator_list_for_user(user), code) for code in codes],
        "selected": bool(categories),
    }


@login_required
def chart_download(request, key: str, fmt: str):
    try:
        chosen = parse(request.GET, agreement_list_for_user(request.user))
    except ValidationError as error:
        return HttpResponse("\n".join(error.messages), status=400, content_type="text/plain")
    if key not in charts.BUILDERS:
        raise Http404
    result = lagesbild(user=request.user, **chosen.kwargs()).to_dict()
    return _download(
        charts.chart_for(result, key), fmt, f"lagesbild-{key}-{chosen.date_from}-{chosen.date_to}"
    )


@login_required
@require_POST
def snapshot_save(request):
    if not can_save_snapshots(request.user):
        raise PermissionDenied(_("Din roll får inte spara lägesbilder."))
    try:
        chosen = parse(request.POST, agreement_list_for_user(request.user))
        result = lagesbild(user=request.user, **chosen.kwargs())
        snapshot = services.snapshot_create(
            user=request.user,
            result=result,
            agreement=chosen.agreement,
            title=request.POST.get("rubrik", ""),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("lagesbild")
    messages.success(request, _("Lägesbilden är sparad."))
    return redirect(snapshot)


@login_required
def snapshot_detail(request, pk: int):
    snapshot = get_snapshot_for_user(request.user, pk)

    def link(key, fmt):
        return f"{snapshot.get_absolute_url()}diagram/{key}.{fmt}"

    others = (
        snapshot_list_for_user(request.user).filter(agreement=snapshot.agreement).exclude(pk=pk)
    )
    return render(
        request,
        "lagesbild/snapshot.html",
        {
            "snapshot": snapshot,
            "result": snapshot.result,
            "charts": _chart_context(snapshot.result, link),
            "others": others[:50],
            "can_save": can_save_snapshots(request.user),
            "map_config": _map_config(),
        },
    )


@login_required
def snapshot_chart(request, pk: int, key: str, fmt: str):
    snapshot = get_snapshot_for_user(request.user, pk)
    if key not in charts.BUILDERS:
        raise Http404
    return _download(charts.chart_for(snapshot.result, key), fmt, f"lagesbild-{snapshot.pk}-{key}")


@login_required
@require_POST
def snapshot_recompute(request, pk: int):
    snapshot = get_snapshot_for_user(request.user, pk)
    if not can_save_snapshots(request.user):
        raise PermissionDenied(_("Din roll får inte spara lägesbilder."))
    new = services.snapshot_recompute(user=request.user, snapshot=snapshot)
    messages.success(request, _("Lägesbilden är omräknad och sparad som en ny."))
    return redirect(f"{new.get_absolute_url()}?jamfor={snapshot.pk}")


@login_required
def snapshot_compare(request, pk: int):
    snapshot = get_snapshot_for_user(request.user, pk)
    other_pk = request.GET.get("med") or request.GET.get("jamfor")
    if not other_pk:
        return redirect(snapshot)
    other = get_snapshot_for_user(request.user, other_pk)
    old, new = sorted([other, snapshot], key=lambda s: (s.created_at, s.pk))
    return render(
        request,
        "lagesbild/compare.html",
        {"old": old, "new": new, "changes": services.snapshot_compare(old, new)},
    )


def _annual_rows(annual: dict[str, Any]) -> list[dict[str, Any]]:
    partial = set(annual.get("partial") or [])
    return [
        {
            "area": f"{a['number']} {a['title']}",
            "year": c["year"],
            "count": c["count"],
            "whole": _("ofullständigt år") if c["year"] in partial else _("helt år"),
        }
        for a in annual["areas"]
        for c in a["counts"]
    ]


def _annual_spec(annual: dict[str, Any]) -> dict[str, Any]:
    return charts.year_chart(_annual_rows(annual)).spec


@login_required
def annual_page(request):
    agreements = list(agreement_list_for_user(request.user))
    first = default_agreement(request.user)
    wanted = request.GET.get("overenskommelse") or (str(first.pk) if first else "")
    context: dict[str, Any] = {"agreements": agreements, "annual": None, "agreement": None}
    if wanted:
        agreement = get_agreement_for_user(request.user, wanted)
        annual = stored.annual(agreement, request.user, _annual_spec)
        known = set(Indicator.FocusArea.values)
        indicator_areas = [
            {
                "area": a,
                "indicators": yearly_indicator_values(
                    indicator_list_for_user(request.user), a["number"], annual["years"]
                ),
            }
            for a in annual["areas"]
            if a["number"] in known
        ]
        query = urlencode({"overenskommelse": agreement.pk})
        context.update(
            agreement=agreement,
            annual=annual,
            indicator_areas=indicator_areas,
            chart_script=json_script(annual.get("chart_spec") or _annual_spec(annual), "spec-ar"),
            downloads={
                fmt: f"{reverse('lagesbild_annual_chart', args=[fmt])}?{query}"
                for fmt in ("csv", "svg", "png")
            },
            downloads_note=_downloads_note(),
            today=dt.date.today(),
        )
    return render(request, "lagesbild/annual.html", context)


@login_required
def annual_chart(request, fmt: str):
    """The annual chart as CSV, SVG or PNG, for the steering group's documents."""
    agreement = get_agreement_for_user(request.user, request.GET.get("overenskommelse", ""))
    annual = stored.annual(agreement, request.user, _annual_spec)
    name = f"lagesbild-ar-{agreement.slug or agreement.pk}-{timezone.localdate()}"
    return _download(charts.year_chart(_annual_rows(annual)), fmt, name)


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
