from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.access import can_edit_incident, can_report
from samverkan.core.forms import add_service_errors
from samverkan.incidents import export, selectors, services
from samverkan.incidents import map as map_data_module
from samverkan.incidents.access import get_incident_for_user, incident_list_for_user
from samverkan.incidents.filters import IncidentFilter, incident_filter, parse_filter
from samverkan.incidents.forms import IncidentForm
from samverkan.incidents.models import Category, Incident
from samverkan.incidents.selectors import (
    recent_incidents_of,
    usual_categories_of,
    usual_centre_of,
)
from samverkan.organisations.models import Organisation
from samverkan.places.access import district_list_for_user, place_list_for_user

PAGE_SIZE = 50
REPORT_MAP_ZOOM = 16  # street level: a tap lands within a few metres
FIRST_CATEGORIES = 6  # category buttons shown before "Fler"


# The form offers a place (or "my position") where the service checks lat, lon, municipality.
POSITION_FIELDS = {"lat": "place", "lon": "place", "municipality": "place"}


def _district_features(districts) -> dict:
    """The districts' outlines as a GeoJSON FeatureCollection for a Leaflet map."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": district.boundary,
                "properties": {"name": district.name, "approximate": district.approximate},
            }
            for district in districts
        ],
    }


def _report_map_config(user, form) -> dict:
    """What the report form's tap-to-place map needs (incidents/report_map.js)."""
    return {
        "tiles": settings.SAMVERKAN_MAP_TILES,
        "attribution": settings.SAMVERKAN_MAP_ATTRIBUTION,
        "districts": _district_features(district_list_for_user(user)),
        "latId": form["lat"].id_for_label,
        "lonId": form["lon"].id_for_label,
        "chosen": _("Vald position"),
        # Where the map opens without the user's position: the organisation's usual area.
        "centre": usual_centre_of(user),
        "zoom": REPORT_MAP_ZOOM,
        "iconUrl": static("vendor/leaflet/images/marker-icon.png"),
        "iconRetinaUrl": static("vendor/leaflet/images/marker-icon-2x.png"),
        "shadowUrl": static("vendor/leaflet/images/marker-shadow.png"),
    }


def _category_groups(user, form) -> tuple[list, list]:
    """The category buttons: the organisation's most used first (shown), the rest behind
    "Fler". A chosen category outside the first ones is shown too, so it stays visible."""
    radios = list(form["category"])
    rank = {pk: i for i, pk in enumerate(usual_categories_of(user))}
    chosen = str(form["category"].value() or "")

    def pk(radio):
        return int(str(radio.data["value"]))

    radios.sort(key=lambda r: (rank.get(pk(r), len(rank)), int(r.data["index"])))
    first = radios[:FIRST_CATEGORIES]
    rest = radios[FIRST_CATEGORIES:]
    first += [r for r in rest if str(pk(r)) == chosen]
    rest = [r for r in rest if str(pk(r)) != chosen]
    return first, rest


def _report_form(request, form: IncidentForm, heading: str):
    """The report form page (filing or correcting), 400 while the form has errors."""
    context = {
        "form": form,
        "heading": heading,
        "recent": _recent(request.user),
        "map_config": _report_map_config(request.user, form),
        "categories": _category_groups(request.user, form),
    }
    return render(
        request, "incidents/report_form.html", context, status=400 if form.errors else 200
    )


def _recent(user):
    now = timezone.now()
    return [
        (incident, can_edit_incident(user, incident, now=now))
        for incident in recent_incidents_of(user)
    ]


@login_required
def incident_create(request):
    if not can_report(request.user):
        raise PermissionDenied(_("Din roll får inte rapportera händelser."))
    form = IncidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_create(by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error, POSITION_FIELDS)
        else:
            messages.success(request, _("Tack! Rapporten är sparad."))
            return redirect("incident_create")
    return _report_form(request, form, _("Rapportera en händelse"))


@login_required
def incident_edit(request, pk):
    incident = get_incident_for_user(request.user, pk)
    if not can_edit_incident(request.user, incident):
        raise PermissionDenied(_("Du får inte ändra den här rapporten."))
    form = IncidentForm(
        request.POST or None, user=request.user, initial=IncidentForm.initial_for(incident)
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if "occurred" not in form.changed_data:
            # Keep a stored period (from an import) unless the time was changed here.
            del fields["occurred_from"], fields["occurred_to"]
        try:
            services.incident_update(incident=incident, by=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error, POSITION_FIELDS)
        else:
            messages.success(request, _("Rapporten är ändrad."))
            return redirect("incident_create")
    return _report_form(request, form, _("Ändra rapport"))


# --- List, map and export: one filter (filters.py), one scoping (access.py) ----------------


def _filtered(request) -> tuple:
    """The user's reports narrowed by the query string: (queryset, filter, errors).

    A value the filter cannot read gives no reports and a Swedish message per parameter."""
    scoped = incident_list_for_user(request.user)
    try:
        chosen = parse_filter(request.GET)
    except ValidationError as error:
        return scoped.none(), IncidentFilter(), error.message_dict
    return incident_filter(scoped, chosen), chosen, {}


def _category_options() -> list[tuple[Category, int]]:
    """Categories with their depth, each parent followed by its sub-categories."""
    categories = list(Category.objects.filter(active=True).order_by("position", "name"))
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    ordered: list[tuple[Category, int]] = []

    def walk(parent, depth):
        for category in children.get(parent, []):
            ordered.append((category, depth))
            walk(category.pk, depth + 1)

    walk(None, 0)
    return ordered


def _filter_context(request, chosen: IncidentFilter, errors: dict) -> dict:
    user = request.user
    # The organisations with a report the user may see (one EXISTS per organisation).
    organisations = Organisation.objects.filter(
        Exists(incident_list_for_user(user).filter(organisation=OuterRef("pk")))
    ).order_by("name")
    params = chosen.params()
    return {
        "form": _form_values(request),
        "chosen": chosen,
        "errors": errors,
        "category_options": _category_options(),
        "districts": district_list_for_user(user).select_related("municipality"),
        "places": place_list_for_user(user).select_related("municipality"),
        "organisations": organisations,
        "sources": Incident.Source.choices,
        "statuses": Incident.Status.choices,
        "query": urlencode(params),
    }


# Form field (Swedish page name) → the names parse_filter accepts for it.
FORM_FIELDS = {
    "fran": ("fran", "from"),
    "till": ("till", "to"),
    "kategori": ("kategori", "category"),
    "omrade": ("omrade", "district"),
    "plats": ("plats", "place"),
    "organisation": ("organisation",),
    "kalla": ("kalla", "source"),
    "status": ("status",),
    "sammanfattningar": ("sammanfattningar", "summaries"),
}


def _form_values(request) -> dict[str, str]:
    """What the filter form shows: the value given under either name."""
    values = {}
    for field, keys in FORM_FIELDS.items():
        values[field] = next((request.GET[k].strip() for k in keys if request.GET.get(k)), "")
    return values


def incident_page(incidents, number):
    """One page of the list, newest first, with the total count.

    Pages through the ids only (the database sorts narrow rows), then reads the page's 50
    reports with their joins from the same queryset: three queries whatever the size."""
    ids = incidents.order_by("-occurred_from", "-pk").values_list("pk", flat=True)
    page = Paginator(ids, PAGE_SIZE).get_page(number)
    rows = incidents.filter(pk__in=list(page.object_list)).select_related(
        "category", "category__parent", "municipality", "district", "place", "organisation"
    )
    page.object_list = sorted(rows, key=lambda i: (i.occurred_from, i.pk), reverse=True)
    return page


def list_rows(incidents) -> list[dict[str, object]]:
    """The list's rows as ready values, one dict per report: the template then looks up
    plain keys instead of following relations and display methods row by row, which was a
    quarter of the list page's processor time (docs/performance.md)."""
    url = reverse("incident_detail", args=[0]).removesuffix("0/")
    rows = []
    for i in incidents:
        category, parent = i.category, i.category.parent
        rows.append(
            {
                "url": f"{url}{i.pk}/",
                "when": timezone.localtime(i.occurred_from).strftime("%Y-%m-%d %H:%M"),
                "category": category.name,
                "parent": parent.name if parent else "",
                "is_summary": i.is_summary,
                "where": (i.district or i.municipality).name,
                "place": i.place.name if i.place else "",
                "position_is_centre": i.position_is_centre,
                "organisation": i.organisation.name,
                "source": i.get_source_display(),
                "source_type": i.source_type,
                "status": i.get_status_display(),
                "classification": i.classification,
                "classification_label": i.get_classification_display(),
            }
        )
    return rows


@login_required
def incident_list(request):
    incidents, chosen, errors = _filtered(request)
    page = incident_page(incidents, request.GET.get("sida"))
    context = _filter_context(request, chosen, errors)
    context.update(
        {
            "page": page,
            "incidents": list(page.object_list),
            "rows": list_rows(page.object_list),
            "can_report": can_report(request.user),
        }
    )
    template = "incidents/incident_list.html"
    if request.htmx and not request.htmx.boosted:
        template = "incidents/_incident_browser.html"
    # A bad filter value is shown next to its field; the page itself is fine (200).
    return render(request, template, context)


@login_required
def incident_detail(request, pk):
    incident = get_incident_for_user(request.user, pk)
    selectors.log_restricted_view(request.user, incident)
    history, history_count = selectors.incident_history(request.user, incident)
    context = {
        "incident": incident,
        "can_edit": can_edit_incident(request.user, incident),
        "history": history,
        "history_count": history_count,
    }
    return render(request, "incidents/incident_detail.html", context)


@login_required
def incident_map(request):
    incidents, chosen, errors = _filtered(request)
    context = _filter_context(request, chosen, errors)
    context.update(
        {
            "map_config": {
                "dataUrl": reverse("incident_map_data"),
                "query": context["query"],
                "tiles": settings.SAMVERKAN_MAP_TILES,
                "attribution": settings.SAMVERKAN_MAP_ATTRIBUTION,
                "districts": _district_features(context["districts"]),
                "pointZoom": map_data_module.POINT_ZOOM,
                "labels": {
                    "reports": _("rapporter"),
                    "legend": _("Rapporter per ruta"),
                    "approximate": _("Områdesgränserna är ungefärliga."),
                    "open": _("Öppna rapporten"),
                    "error": _("Kartdata kunde inte hämtas."),
                    "cells": _("Rutor om %(size)s m, %(count)s rapporter i kartutsnittet."),
                    "points": _("%(count)s rapporter i kartutsnittet."),
                },
            },
        }
    )
    return render(request, "incidents/map.html", context)


@login_required
def incident_map_data(request):
    incidents, chosen, errors = _filtered(request)
    try:
        box = map_data_module.parse_bbox(request.GET.get("bbox"))
    except ValidationError as error:
        errors = {**errors, **error.message_dict}
    try:
        zoom = map_data_module.parse_zoom(request.GET.get("zoom"))
    except ValidationError as error:
        errors = {**errors, **error.message_dict}
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    data = map_data_module.map_data(incidents, box, zoom, scan=chosen.reads_most())
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


def _export(request, kind: str):
    incidents, chosen, errors = _filtered(request)
    back = reverse("incident_list") + ("?" + urlencode(chosen.params()) if chosen.params() else "")
    if errors:
        for messages_of_key in errors.values():
            for message in messages_of_key:
                messages.error(request, message)
        return redirect(back)
    try:
        export.check_size(incidents)
    except export.TooManyRows as error:
        messages.error(request, str(error))
        return redirect(back)
    name = export.file_name(incidents, chosen.date_from, chosen.date_to, kind)
    selectors.log_restricted_export(request.user, incidents, kind)
    if kind == "csv":
        return export.csv_response(incidents, name)
    return export.xlsx_response(incidents, name)


@login_required
def incident_export_csv(request):
    return _export(request, "csv")


@login_required
def incident_export_xlsx(request):
    return _export(request, "xlsx")
