"""The EST pages: the weekly picture and meeting, actions, planned events, prioritisation.

Thin: parse, fetch through a chokepoint, call est.services, est.selectors or est.weekly,
render.
"""

import datetime as dt
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.core.access import can_manage_est
from samverkan.core.forms import add_service_errors
from samverkan.est import access, selectors, services
from samverkan.est.forms import (
    ActionForm,
    AreaRatingForm,
    MeetingForm,
    PlannedEventForm,
    WeekNoteForm,
    WeekReportFilterForm,
)
from samverkan.est.models import Action, AreaRating, WeekNote
from samverkan.est.selectors import agreement_organisation_ids
from samverkan.est.weekly import (
    STOCKHOLM,
    agreement_municipalities,
    current_week,
    meeting_of,
    picture_or_snapshot,
    shift_week,
    valid_week,
    week_bounds,
)
from samverkan.organisations.models import Organisation
from samverkan.places.maps import sketch_of
from samverkan.places.models import District
from samverkan.plans.access import agreement_list_for_user, get_agreement_for_user


def _week_url(agreement_pk: int, year: int, week: int) -> str:
    return reverse("est_week", args=[agreement_pk, year, week])


def _check_week(year: int, week: int) -> None:
    if not valid_week(year, week):
        raise Http404


@login_required
def est_index(request):
    """The EST agreements of the user; someone who sits in one agreement's EST group goes
    straight to its week in progress (``?alla=1`` lists them all)."""
    year, week = current_week()
    visible = agreement_list_for_user(request.user).order_by("title")
    if "alla" not in request.GET:
        mine = selectors.est_agreements_of(request.user, visible)
        if len(mine) == 1:
            return redirect(_week_url(mine[0].pk, year, week))
    agreements = [(agreement, _week_url(agreement.pk, year, week)) for agreement in visible]
    return render(request, "est/index.html", {"agreements": agreements, "year": year, "week": week})


def _sketches(agreement, picture: dict) -> list:
    """The week's map: each municipality's districts with the week's count as their label,
    and the week's points. Drawn from the picture's data, so a snapshot draws what it stored."""
    counts = {row["district_id"]: row["count"] for row in picture["districts"]}
    sketches = []
    for municipality in agreement_municipalities(agreement).order_by("name"):
        districts = list(District.objects.filter(municipality=municipality).order_by("name"))
        points = [
            SimpleNamespace(
                name=point["category"],
                lat=point["lat"],
                lon=point["lon"],
                get_absolute_url=lambda: "#",
            )
            for point in picture["points"]
            if point["municipality_id"] == municipality.pk
        ]
        sketch = sketch_of(municipality, districts, points)
        for shape, district in zip(sketch.shapes, districts, strict=True):
            shape.label = str(counts.get(district.pk, 0))
            shape.title = f"{district.name}: {counts.get(district.pk, 0)}"
        sketches.append((municipality, sketch))
    return sketches


def _week_context(request, agreement, year: int, week: int, **forms) -> dict:
    picture, meeting = picture_or_snapshot(agreement, year, week)
    closed = meeting is not None and meeting.is_closed
    can_manage = can_manage_est(request.user)
    own_note = next(
        (n for n in picture["notes"] if n["organisation_id"] == request.user.organisation_id), None
    )
    previous, following = shift_week(year, week, -1), shift_week(year, week, 1)
    # Cells with reports this week (or flagged), grouped by district in the picture's order.
    cell_groups: list[tuple[str, list[dict]]] = []
    for cell in picture["cells"]:
        if not (cell["count"] or cell["increase"]):
            continue
        if not cell_groups or cell_groups[-1][0] != cell["district"]:
            cell_groups.append((cell["district"], []))
        cell_groups[-1][1].append(cell)
    context = {
        **_week_reports(request, agreement, year, week, meeting if closed else None),
        "agreement": agreement,
        "year": year,
        "week": week,
        "picture": picture,
        "cell_groups": cell_groups,
        "meeting": meeting,
        "closed": closed,
        "snapshot": meeting.snapshot if closed else None,
        "can_manage": can_manage and not closed,
        "sketches": _sketches(agreement, picture),
        "previous_url": _week_url(agreement.pk, *previous),
        "next_url": _week_url(agreement.pk, *following),
        "previous": previous,
        "next": following,
        "increase_count": sum(1 for c in picture["cells"] if c["increase"]),
        "note_form": forms.get("note_form")
        or WeekNoteForm(initial={"text": own_note["text"] if own_note else ""}),
        "meeting_form": forms.get("meeting_form")
        or MeetingForm(
            initial={
                "notes": meeting.notes if meeting else "",
                "decisions": meeting.decisions if meeting else "",
            }
        ),
    }
    return context


def _week_reports(request, agreement, year: int, week: int, closed_meeting) -> dict:
    """The week's report list, filtered by the query string and paginated."""
    start, end = week_bounds(year, week)
    form = WeekReportFilterForm(request.GET or None, agreement=agreement)
    filters = form.filters() if form.is_bound else {}
    reports = selectors.week_reports_for_user(
        request.user,
        agreement,
        start,
        end,
        registered_before=closed_meeting.closed_at if closed_meeting else None,
        **(filters or {}),
    )
    if filters is None:
        reports = reports.none()
    page = Paginator(reports, selectors.WEEK_REPORTS_PAGE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return {
        "report_filter": form,
        "report_page": page,
        "report_query": query.urlencode(),
        "report_filtered": bool(filters and any(filters.values())),
    }


@login_required
def est_week(request, agreement_pk: int, year: int, week: int):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    _check_week(year, week)
    if request.htmx and request.htmx.target == "week-reports":
        start, end = week_bounds(year, week)
        meeting = meeting_of(agreement, year, week)
        closed = meeting if meeting is not None and meeting.is_closed else None
        context = {
            **_week_reports(request, agreement, year, week, closed),
            "agreement": agreement,
            "year": year,
            "week": week,
            "closed": closed is not None,
        }
        return render(request, "est/_week_reports.html", context)
    return render(request, "est/week.html", _week_context(request, agreement, year, week))


def _manager_agreement(request, agreement_pk: int):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    if not can_manage_est(request.user):
        raise PermissionDenied(_("Bara samordnare och administratörer får ändra EST-arbetet."))
    return agreement


def _week_post(request, agreement_pk, year, week, form_class, form_name, save):
    agreement = _manager_agreement(request, agreement_pk)
    _check_week(year, week)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            save(agreement, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(_week_url(agreement.pk, year, week))
    context = _week_context(request, agreement, year, week, **{form_name: form})
    return render(request, "est/week.html", context, status=400)


@login_required
@require_POST
def est_week_note(request, agreement_pk: int, year: int, week: int):
    def save(agreement, data):
        services.week_note_save(
            by=request.user, agreement=agreement, iso_year=year, iso_week=week, text=data["text"]
        )
        messages.success(request, _("Organisationens noteringar är sparade."))

    return _week_post(request, agreement_pk, year, week, WeekNoteForm, "note_form", save)


@login_required
@require_POST
def est_meeting(request, agreement_pk: int, year: int, week: int):
    def save(agreement, data):
        services.meeting_update(
            by=request.user, agreement=agreement, iso_year=year, iso_week=week, **data
        )
        messages.success(request, _("Mötesanteckningarna är sparade."))

    return _week_post(request, agreement_pk, year, week, MeetingForm, "meeting_form", save)


@login_required
def est_meeting_close(request, agreement_pk: int, year: int, week: int):
    """GET: the confirmation page. POST with confirm=1 (its button): close the meeting. A POST
    without it closes nothing and shows the confirmation page again."""
    agreement = _manager_agreement(request, agreement_pk)
    _check_week(year, week)
    meeting = meeting_of(agreement, year, week)
    if meeting is not None and meeting.is_closed:
        messages.error(
            request,
            _("Mötet är stängt: veckans lägesbild och beslut är sparade och kan inte ändras."),
        )
        return redirect(_week_url(agreement.pk, year, week))
    if request.method != "POST" or request.POST.get("confirm") != "1":
        if request.method == "POST":
            messages.warning(request, _("Mötet är inte stängt: bekräfta först."))
        start, end = week_bounds(year, week)
        context = {
            "agreement": agreement,
            "year": year,
            "week": week,
            "meeting": meeting,
            "in_progress": start <= timezone.now() < end,
            "notes": list(WeekNote.objects.filter(meeting=meeting).select_related("organisation"))
            if meeting
            else [],
            "week_url": _week_url(agreement.pk, year, week),
        }
        return render(request, "est/meeting_close.html", context)
    try:
        services.meeting_close(by=request.user, agreement=agreement, iso_year=year, iso_week=week)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Mötet är stängt och veckans lägesbild sparad."))
    return redirect(_week_url(agreement.pk, year, week))


# --- Actions --------------------------------------------------------------------------------


@login_required
def est_actions(request, agreement_pk: int):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    year, week = current_week()
    can_manage = can_manage_est(request.user)
    form = None
    if can_manage:
        initial = {
            "status": Action.Status.PLANNED,
            "incident_ids": request.GET.get("rapporter", ""),
        }
        form = ActionForm(request.POST or None, agreement=agreement, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.action_create(
                    by=request.user,
                    agreement=agreement,
                    iso_year=year,
                    iso_week=week,
                    **form.service_fields(),
                )
            except ValidationError as error:
                add_service_errors(form, error, {"incidents": "incident_ids"})
            else:
                messages.success(request, _("Åtgärden är sparad."))
                return redirect("est_actions", agreement.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("Bara samordnare och administratörer får ändra EST-arbetet."))
    actions = list(
        Action.objects.filter(agreement=agreement)
        .select_related("district", "place", "owner_organisation", "owner")
        .prefetch_related("incidents")
        .order_by("status", "due_date", "pk")
    )
    today = dt.datetime.now(tz=STOCKHOLM).date()
    context = {
        "agreement": agreement,
        "rows": [(action, action.is_overdue(today)) for action in actions],
        "form": form,
        "week_url": _week_url(agreement.pk, year, week),
        "year": year,
        "week": week,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "est/actions.html", context, status=status)


@login_required
def est_action_owners(request, agreement_pk: int):
    """The owner select's options for the chosen organisation (htmx, on change)."""
    agreement = _manager_agreement(request, agreement_pk)
    raw = request.GET.get("owner_organisation", "")
    organisation = None
    if raw.isdigit() and int(raw) in agreement_organisation_ids(agreement):
        organisation = Organisation.objects.filter(pk=int(raw)).first()
    return render(
        request,
        "est/_owner_options.html",
        {"owners": selectors.owner_candidates(organisation), "organisation": organisation},
    )


@login_required
def est_action_edit(request, pk: int):
    action = access.get_action_for_user(request.user, pk)
    if not can_manage_est(request.user):
        raise PermissionDenied(_("Bara samordnare och administratörer får ändra EST-arbetet."))
    form = ActionForm(
        request.POST or None, agreement=action.agreement, initial=ActionForm.initial_for(action)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(action=action, by=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error, {"incidents": "incident_ids"})
        else:
            messages.success(request, _("Åtgärden är ändrad."))
            return redirect("est_actions", action.agreement_id)
    context = {"agreement": action.agreement, "action": action, "form": form}
    return render(request, "est/action_edit.html", context, status=400 if form.errors else 200)


@login_required
def est_event_create(request, agreement_pk: int):
    agreement = _manager_agreement(request, agreement_pk)
    form = PlannedEventForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.planned_event_create(
                by=request.user, agreement=agreement, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Evenemanget är sparat."))
            year, week, _day = event.starts_at.astimezone(STOCKHOLM).isocalendar()
            return redirect(_week_url(agreement.pk, year, week))
    return render(
        request,
        "est/event_form.html",
        {"agreement": agreement, "form": form},
        status=400 if form.errors else 200,
    )


# --- Prioritisation ---------------------------------------------------------------------------


def _period_from(request) -> selectors.Period:
    raw = request.GET.get("period", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else dt.datetime.now(tz=STOCKHOLM).date()
    except ValueError:
        raise Http404 from None
    return selectors.Period.containing(day)


@login_required
def est_priorities(request, agreement_pk: int):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    period = _period_from(request)
    can_manage = can_manage_est(request.user)
    figures = selectors.period_figures(agreement, period)
    failed: tuple[int, AreaRatingForm] | None = None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("Bara samordnare och administratörer får ändra EST-arbetet."))
        form = AreaRatingForm(request.POST)
        if form.is_valid():
            district = District.objects.filter(
                pk=form.cleaned_data["district"],
                municipality__in=agreement_municipalities(agreement).values("pk"),
            ).first()
            if district is None:
                raise Http404
            try:
                services.area_rating_save(
                    by=request.user,
                    agreement=agreement,
                    period=period,
                    district=district,
                    level=form.cleaned_data["level"],
                    rationale=form.cleaned_data["rationale"],
                    prioritised=form.cleaned_data["prioritised"],
                    figures=figures,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Bedömningen av %(d)s är sparad.") % {"d": district})
                return redirect(
                    reverse("est_priorities", args=[agreement.pk])
                    + f"?period={period.start.isoformat()}"
                )
        failed = (form.data.get("district"), form)
    ratings = {
        rating.district_id: rating
        for rating in AreaRating.objects.filter(agreement=agreement, period_start=period.start)
    }
    rows = []
    for row in figures:
        rating = ratings.get(row.district_id)
        if failed is not None and str(failed[0]) == str(row.district_id):
            form = failed[1]
        else:
            form = AreaRatingForm(
                initial={
                    "district": row.district_id,
                    "level": rating.level if rating else selectors.priority_scale()[0],
                    "rationale": rating.rationale if rating else "",
                    "prioritised": rating.prioritised if rating else False,
                },
                prefix=None,
            )
        rows.append((row, rating, form))
    context = {
        "agreement": agreement,
        "period": period,
        "rows": rows,
        "can_manage": can_manage,
        "prioritised": [r for r in ratings.values() if r.prioritised],
        "maximum": settings.SAMVERKAN_PRIORITY_MAX,
        "scale": selectors.priority_scale(),
    }
    return render(request, "est/priorities.html", context, status=400 if failed else 200)
