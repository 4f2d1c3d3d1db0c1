from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.core.access import can_decide_plans, can_edit_plans
from samverkan.core.history import history_entries
from samverkan.core.models import User
from samverkan.organisations.selectors import group_list_for_user, organisation_list_for_user
from samverkan.plans import services
from samverkan.plans.forms import (
    CommitmentForm,
    FollowUpForm,
    GoalForm,
    PlanDecideForm,
    PlanFilterForm,
)
from samverkan.plans.planfile import dump_plan_file, plan_to_data
from samverkan.plans.selectors import (
    PlanFilters,
    agreement_list_for_user,
    current_plan,
    get_agreement_for_user,
    get_commitment_for_user,
    get_goal_for_user,
    get_plan_for_user,
    plan_overview,
    target_row,
)


def _validation_messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _add_service_errors(form, error: ValidationError) -> None:
    """Show a service's error next to its field when the form has that field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in _validation_messages(error):
            form.add_error(None, message)


@login_required
def home(request):
    agreements = list(agreement_list_for_user(request.user).filter(kind="samverkan")[:2])
    if len(agreements) == 1:
        return redirect(agreements[0])
    return redirect("agreement_list")


@login_required
def agreement_list(request):
    agreements = agreement_list_for_user(request.user).prefetch_related("parties", "plans")
    return render(request, "plans/agreement_list.html", {"agreements": agreements})


@login_required
def agreement_detail(request, pk):
    agreement = get_agreement_for_user(request.user, pk)
    plan = current_plan(agreement)
    return _plan_page(request, agreement, plan)


@login_required
def plan_detail(request, pk):
    plan = get_plan_for_user(request.user, pk)
    return _plan_page(request, plan.agreement, plan)


def _plan_page(request, agreement, plan):
    context = {"agreement": agreement, "plan": plan, "plans": agreement.plans.all()}
    if plan is not None:
        organisations = (
            organisation_list_for_user(request.user)
            .filter(commitments__section__plan=plan)
            .distinct()
        )
        groups = group_list_for_user(request.user).filter(agreement=agreement)
        form = PlanFilterForm(
            request.GET or None, plan=plan, organisations=organisations, groups=groups
        )
        filters = PlanFilters()
        if form.is_valid():
            data = form.cleaned_data
            filters = PlanFilters(
                organisation=data["organisation"].pk if data["organisation"] else None,
                group=data["group"].pk if data["group"] else None,
                status=data["status"] or None,
                section=data["section"],
            )
        context.update(
            overview=plan_overview(plan, today=timezone.localdate(), filters=filters),
            filter_form=form,
            can_edit=can_edit_plans(request.user),
            can_decide=can_decide_plans(request.user),
            decide_form=PlanDecideForm(),
            groups=groups,
        )
    template = "plans/_plan_body.html" if request.htmx else "plans/plan_detail.html"
    return render(request, template, context)


def _follow_up_page(request, obj, target: str, template: str, extra: dict):
    plan = obj.section.plan
    can_report = can_edit_plans(request.user) and plan.status == plan.Status.DECIDED
    latest = obj.follow_ups.values_list("status", flat=True).first()
    initial = {"period_date": min(max(timezone.localdate(), plan.period_start), plan.period_end)}
    if latest:
        initial["status"] = latest
    form = FollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_report:
            raise PermissionDenied(_("Din roll får inte rapportera uppföljning i denna plan."))
        if form.is_valid():
            try:
                services.follow_up_create(author=request.user, **{target: obj}, **form.cleaned_data)
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Uppföljningen är sparad."))
                return redirect(obj)
    context = {
        "obj": obj,
        "plan": plan,
        "row": target_row(obj, today=timezone.localdate()),
        "form": form,
        "can_report": can_report,
        "can_edit": can_edit_plans(request.user) and plan.status != plan.Status.ARCHIVED,
        "follow_ups": obj.follow_ups.select_related("author"),
        "history": history_entries(obj),
        **extra,
    }
    return render(request, template, context, status=400 if form.errors else 200)


@login_required
def commitment_detail(request, pk):
    commitment = get_commitment_for_user(request.user, pk)
    extra = {
        "organisations": commitment.responsible_organisations.all(),
        "groups": commitment.responsible_groups.all(),
        "persons": commitment.responsible_persons.all(),
    }
    return _follow_up_page(request, commitment, "commitment", "plans/commitment_detail.html", extra)


@login_required
def goal_detail(request, pk):
    goal = get_goal_for_user(request.user, pk)
    extra = {"subgoals": goal.subgoals.all()}
    return _follow_up_page(request, goal, "goal", "plans/goal_detail.html", extra)


@login_required
def commitment_edit(request, pk):
    commitment = get_commitment_for_user(request.user, pk)
    if not can_edit_plans(request.user):
        raise PermissionDenied(_("Din roll får inte ändra planen."))
    organisations = organisation_list_for_user(request.user)
    form = CommitmentForm(
        request.POST or None,
        instance=commitment,
        organisations=organisations,
        groups=group_list_for_user(request.user).filter(
            agreement=commitment.section.plan.agreement
        ),
        persons=User.objects.filter(is_active=True, organisation__in=organisations),
    )
    if request.method == "POST" and form.is_valid():
        # The form has already written its values onto its instance; the service compares
        # against the stored commitment to record only real changes.
        stored = get_commitment_for_user(request.user, pk)
        try:
            services.commitment_update(commitment=stored, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Åtagandet är ändrat."))
            return redirect(commitment)
    return render(
        request,
        "plans/edit_form.html",
        {"form": form, "obj": commitment, "heading": _("Ändra åtagande")},
        status=400 if form.errors else 200,
    )


@login_required
def goal_edit(request, pk):
    goal = get_goal_for_user(request.user, pk)
    if not can_edit_plans(request.user):
        raise PermissionDenied(_("Din roll får inte ändra planen."))
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        stored = get_goal_for_user(request.user, pk)  # the form has changed `goal` already
        try:
            services.goal_update(goal=stored, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Målet är ändrat."))
            return redirect(goal)
    return render(
        request,
        "plans/edit_form.html",
        {"form": form, "obj": goal, "heading": _("Ändra mål")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def plan_revise(request, pk):
    plan = get_plan_for_user(request.user, pk)
    try:
        draft = services.plan_revise(plan=plan, by=request.user)
    except ValidationError as error:
        for message in _validation_messages(error):
            messages.error(request, message)
        return redirect(plan)
    messages.success(
        request, _("Ny årsversion skapad som utkast: %(title)s.") % {"title": draft.title}
    )
    return redirect(draft)


@login_required
@require_POST
def plan_decide(request, pk):
    plan = get_plan_for_user(request.user, pk)
    form = PlanDecideForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request,
                    _("%(label)s: %(error)s") % {"label": form.fields[field].label, "error": error}
                    if field in form.fields
                    else error,
                )
        return redirect(plan)
    try:
        services.plan_decide(plan=plan, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        for message in _validation_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, _("Planen är fastställd."))
    return redirect(plan)


@login_required
def plan_export(request, pk):
    plan = get_plan_for_user(request.user, pk)
    response = HttpResponse(
        dump_plan_file(plan_to_data(plan)), content_type="application/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}.yaml"'
    return response
