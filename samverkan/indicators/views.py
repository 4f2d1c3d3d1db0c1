"""Pages: the data catalogue, one indicator, one focus area, and a goal's indicator links."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import json_script
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.core.access import can_manage_indicators
from samverkan.core.forms import add_service_errors
from samverkan.imports.models import ColumnMapping
from samverkan.indicators import pages, services
from samverkan.indicators.access import get_indicator_for_user, indicator_list_for_user
from samverkan.indicators.catalogue import catalogue as data_catalogue
from samverkan.indicators.catalogue import import_runs
from samverkan.indicators.charts import indicator_spec, line_chart
from samverkan.indicators.forms import GoalIndicatorForm, IndicatorUploadForm
from samverkan.indicators.goal_links import GoalIndicator
from samverkan.plans.access import get_goal_for_user, goal_list_for_user


def _today():
    return timezone.localdate()


@login_required
def catalogue(request):
    today = _today()
    groups = data_catalogue(indicator_list_for_user(request.user), today=today)
    context = {
        "groups": groups,
        "runs": import_runs(),
        "today": today,
        "can_manage": can_manage_indicators(request.user),
        "focus_areas": [g for g in groups if g.code],
        "upload_url": reverse("indicator_upload"),
    }
    return render(request, "indicators/catalogue.html", context)


@login_required
def indicator_detail(request, code):
    indicator = get_indicator_for_user(request.user, code)
    page = pages.indicator_page(indicator)
    chart = line_chart(page.series, page.periods, pages.format_value, indicator.unit)
    spec = indicator_spec(
        page.series,
        page.periods,
        pages.format_value,
        indicator.unit,
        indicator.unit_display(),
    )
    context = {
        "indicator": indicator,
        "page": page,
        "chart": chart,
        "spec_script": json_script(spec, "spec-indikator") if chart else "",
        "can_manage": can_manage_indicators(request.user),
        "links": indicator.goal_links.filter(goal__in=_visible_goals(request.user)).select_related(
            "goal__section__plan"
        ),
    }
    return render(request, "indicators/indicator_detail.html", context)


def _visible_goals(user):
    return goal_list_for_user(user).values("pk")


@login_required
def focus_area(request, area):
    page = pages.focus_area_page(indicator_list_for_user(request.user), area)
    return render(request, "indicators/focus_area.html", {"page": page})


@login_required
def goal_indicators(request, pk):
    """A goal's indicator links with their progress, and the form to add one."""
    goal = get_goal_for_user(request.user, pk)
    can_manage = can_manage_indicators(request.user)
    indicators = indicator_list_for_user(request.user).filter(active=True)
    form = GoalIndicatorForm(request.POST or None, indicators=indicators)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("Din roll får inte koppla mål till indikatorer."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                _breakdown, key = services.parse_breakdown(data["breakdown"])
                services.goal_indicator_link(
                    user=request.user,
                    goal=goal,
                    indicator=data["indicator"],
                    breakdown_key=key,
                    geo_code=data["geo_code"],
                    baseline_value=data["baseline_value"],
                    baseline_period=data["baseline_period"],
                    target_value=data["target_value"],
                    target_period=data["target_period"],
                    comment=data["comment"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Målet följs nu av indikatorn."))
                return redirect("goal_indicators", pk=goal.pk)
    context = {
        "goal": goal,
        "plan": goal.section.plan,
        "progress": pages.goal_progress([goal.pk]).get(goal.pk, []),
        "form": form,
        "can_manage": can_manage,
    }
    return render(
        request, "indicators/goal_indicators.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def goal_indicator_delete(request, pk, link_pk):
    goal = get_goal_for_user(request.user, pk)
    link = get_object_or_404(GoalIndicator, pk=link_pk, goal=goal)
    services.goal_indicator_unlink(user=request.user, link=link)
    messages.success(request, _("Kopplingen är borttagen."))
    return redirect("goal_indicators", pk=goal.pk)


@login_required
@require_POST
def indicator_fetch(request, code):
    """ "Hämta nu" for an indicator from an API source: queue the fetch for the worker."""
    indicator = get_indicator_for_user(request.user, code)
    try:
        services.indicator_fetch(user=request.user, indicator=indicator)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Hämtningen av ”%(name)s” är köad; resultatet syns under körningar.")
            % {"name": indicator.name},
        )
    return redirect("indicator_catalogue")


@login_required
def indicator_upload(request):
    """ "Ladda upp" for file sources: run the importer of the chosen layout."""
    if not can_manage_indicators(request.user):
        raise PermissionDenied(_("Din roll får inte ladda upp statistik."))
    mappings = ColumnMapping.objects.filter(
        kind="indicators", organisation_id=request.user.organisation_id
    )
    form = IndicatorUploadForm(
        request.POST or None,
        request.FILES or None,
        mappings=mappings,
        layouts=services.UPLOAD_LAYOUTS,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            run = services.indicator_upload(
                user=request.user,
                layout=data["layout"],
                data=upload.read(),
                filename=upload.name,
                mapping=data["mapping"],
                year=data["year"],
                all_or_nothing=data["all_or_nothing"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            level = messages.SUCCESS if run.status == run.Status.OK else messages.WARNING
            messages.add_message(
                request,
                level,
                _("%(file)s: %(status)s. %(message)s")
                % {"file": upload.name, "status": run.get_status_display(), "message": run.message},
            )
            return redirect(f"{reverse('indicator_catalogue')}#korningar")
    context = {"form": form, "indicator": request.GET.get("indikator", "")}
    return render(request, "indicators/upload.html", context, status=400 if form.errors else 200)
