from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.forms import add_service_errors
from samverkan.incidents import services
from samverkan.incidents.forms import IncidentForm
from samverkan.incidents.models import Category
from samverkan.incidents.selectors import (
    get_incident_for_user,
    incident_list_for_user,
    recent_incidents_of,
)
from samverkan.places.selectors import district_list_for_user

LIST_LIMIT = 200


# The form offers a place (or "my position") where the service checks lat, lon, municipality.
POSITION_FIELDS = {"lat": "place", "lon": "place", "municipality": "place"}


def _recent(user):
    now = timezone.now()
    return [
        (incident, services.can_edit_incident(user, incident, now=now))
        for incident in recent_incidents_of(user)
    ]


@login_required
def incident_create(request):
    if not services.can_report(request.user):
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
    context = {
        "form": form,
        "heading": _("Rapportera en händelse"),
        "recent": _recent(request.user),
    }
    return render(
        request, "incidents/report_form.html", context, status=400 if form.errors else 200
    )


@login_required
def incident_edit(request, pk):
    incident = get_incident_for_user(request.user, pk)
    if not services.can_edit_incident(request.user, incident):
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
    context = {"form": form, "heading": _("Ändra rapport"), "recent": _recent(request.user)}
    return render(
        request, "incidents/report_form.html", context, status=400 if form.errors else 200
    )


@login_required
def incident_list(request):
    incidents = incident_list_for_user(request.user).select_related(
        "category", "district", "place", "organisation"
    )
    categories = Category.objects.all()
    districts = district_list_for_user(request.user).select_related("municipality")
    chosen_category = request.GET.get("kategori", "")
    chosen_district = request.GET.get("omrade", "")
    if chosen_category.isdigit():
        incidents = incidents.filter(category=chosen_category)
    if chosen_district.isdigit():
        incidents = incidents.filter(district=chosen_district)
    context = {
        "incidents": list(incidents.order_by("-occurred_from", "-pk")[:LIST_LIMIT]),
        "limit": LIST_LIMIT,
        "categories": categories,
        "districts": districts,
        "chosen_category": chosen_category,
        "chosen_district": chosen_district,
        "can_report": services.can_report(request.user),
    }
    return render(request, "incidents/incident_list.html", context)
