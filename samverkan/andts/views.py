"""The ANDT(S) pages: the national strategies (their goals and editable priority areas), the
action plans per agreement, a plan on one page (each prioritised goal with its rationale and
evidence, local goals, activities and follow-up) and the forms that write it.

Thin: parse, fetch through a chokepoint (andts.access, plans.access), call andts.services or
andts.selectors, render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.andts import access, forms, selectors, services
from samverkan.core.forms import add_service_errors
from samverkan.indicators.access import indicator_list_for_user
from samverkan.lagesbild.access import snapshot_list_for_user
from samverkan.plans.access import agreement_list_for_user, get_agreement_for_user
from samverkan.plans.periods import period_bounds, period_label
from samverkan.prevention.access import intervention_list_for_user


def _require_editor(user) -> None:
    if not access.can_edit_andts(user):
        raise PermissionDenied(
            _("Bara samordnare och administratörer får ändra ANDT(S)-handlingsplanen.")
        )


def _form_page(request, form, title: str, back, back_label: str, **extra):
    context = {"form": form, "title": title, "back": back, "back_label": back_label, **extra}
    return render(request, "andts/form.html", context, status=400 if form.errors else 200)


# --- Strategies -------------------------------------------------------------------------------


@login_required
def andts_index(request):
    strategies = access.strategy_list_for_user(request.user).prefetch_related("goals")
    agreements = agreement_list_for_user(request.user).order_by("title")
    plans = access.action_plan_list_for_user(request.user)
    counts = {a.pk: 0 for a in agreements}
    for agreement_id in plans.values_list("agreement_id", flat=True):
        counts[agreement_id] = counts.get(agreement_id, 0) + 1
    context = {
        "strategies": strategies,
        "agreements": [(a, counts.get(a.pk, 0)) for a in agreements],
    }
    return render(request, "andts/index.html", context)


@login_required
def andts_strategy_detail(request, pk: int):
    strategy = access.get_strategy_for_user(request.user, pk)
    goals = strategy.goals.prefetch_related("priority_areas")
    context = {
        "strategy": strategy,
        "goals": goals,
        "can_edit": access.can_edit_andts(request.user),
        "area_form": forms.PriorityAreaForm(),
    }
    return render(request, "andts/strategy_detail.html", context)


@login_required
@require_POST
def andts_priority_area_add(request, pk: int):
    goal = access.get_strategy_goal_for_user(request.user, pk)
    _require_editor(request.user)
    form = forms.PriorityAreaForm(request.POST)
    if form.is_valid():
        try:
            services.priority_area_add(by=request.user, goal=goal, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Insatsområdet är tillagt."))
    else:
        messages.error(request, _("Skriv insatsområdet."))
    return redirect("andts_strategy_detail", goal.strategy_id)


@login_required
@require_POST
def andts_priority_area_remove(request, pk: int):
    area = access.get_priority_area_for_user(request.user, pk)
    _require_editor(request.user)
    strategy_id = area.goal.strategy_id
    services.priority_area_remove(by=request.user, area=area)
    messages.success(request, _("Insatsområdet är borttaget."))
    return redirect("andts_strategy_detail", strategy_id)


# --- Action plans -----------------------------------------------------------------------------


@login_required
def andts_plans(request, agreement_pk: int):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    plans = (
        access.action_plan_list_for_user(request.user)
        .filter(agreement=agreement)
        .select_related("strategy", "previous")
        .order_by("-year")
    )
    context = {
        "agreement": agreement,
        "plans": plans,
        "can_edit": access.can_edit_andts(request.user),
    }
    return render(request, "andts/plans.html", context)


@login_required
def andts_plan_create(request, agreement_pk: int):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    _require_editor(request.user)
    form = forms.PlanCreateForm(
        request.POST or None, strategies=access.strategy_list_for_user(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(by=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Handlingsplanen är skapad som utkast."))
            return redirect("andts_plan_detail", plan.pk)
    return _form_page(
        request,
        form,
        _("Ny ANDT(S)-handlingsplan"),
        ("andts_plans", agreement.pk),
        agreement.title,
    )


@login_required
def andts_plan_detail(request, pk: int):
    plan = access.get_action_plan_for_user(request.user, pk)
    today = timezone.localdate()
    day = min(max(today, plan.period_start), plan.period_end)
    context = {
        "plan": plan,
        "rows": selectors.plan_rows(plan, request.user),
        "history": services.history(plan),
        "next_version": access.action_plan_list_for_user(request.user)
        .filter(previous=plan)
        .first(),
        "can_edit": access.can_edit_andts(request.user),
        "can_decide": access.can_decide_andts(request.user),
        "current_period": period_label(
            plan.follow_up_period, period_bounds(plan.follow_up_period, day)[0]
        ),
    }
    return render(request, "andts/plan_detail.html", context)


@login_required
def andts_plan_edit(request, pk: int):
    plan = access.get_action_plan_for_user(request.user, pk)
    _require_editor(request.user)
    initial = {
        key: getattr(plan, key)
        for key in ("title", "period_start", "period_end", "problem_description", "baseline")
    }
    form = forms.PlanEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Handlingsplanen är sparad."))
            return redirect("andts_plan_detail", plan.pk)
    return _form_page(
        request, form, _("Ändra handlingsplanen"), ("andts_plan_detail", plan.pk), plan.title
    )


def _goal_form(request, plan, **kwargs):
    return forms.PrioritisedGoalForm(
        request.POST or None,
        plan=plan,
        indicators=indicator_list_for_user(request.user),
        snapshots=snapshot_list_for_user(request.user),
        **kwargs,
    )


@login_required
def andts_goal_add(request, pk: int):
    plan = access.get_action_plan_for_user(request.user, pk)
    _require_editor(request.user)
    form = _goal_form(request, plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.prioritised_goal_add(by=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Målet är prioriterat."))
            return redirect("andts_plan_detail", plan.pk)
    return _form_page(
        request, form, _("Prioritera ett mål"), ("andts_plan_detail", plan.pk), plan.title
    )


@login_required
def andts_goal_edit(request, pk: int):
    prioritised = access.get_prioritised_goal_for_user(request.user, pk)
    plan = prioritised.plan
    _require_editor(request.user)
    initial = {
        "rationale": prioritised.rationale,
        "indicators": list(prioritised.indicators.all()),
        "snapshot": prioritised.snapshot,
        "incident_categories": list(prioritised.incident_categories.all()),
        "figure": prioritised.figure,
        "figure_source": prioritised.figure_source,
        "figure_period": prioritised.figure_period,
    }
    form = _goal_form(request, plan, with_goal=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.prioritised_goal_update(
                prioritised=prioritised, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Motivering och underlag är sparade."))
            return redirect("andts_plan_detail", plan.pk)
    title = _("Mål %(number)s: motivering och underlag") % {"number": prioritised.goal.number}
    return _form_page(request, form, title, ("andts_plan_detail", plan.pk), plan.title)


@login_required
def andts_local_goal_add(request, pk: int):
    prioritised = access.get_prioritised_goal_for_user(request.user, pk)
    plan = prioritised.plan
    _require_editor(request.user)
    form = forms.LocalGoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.local_goal_add(by=request.user, prioritised=prioritised, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Det lokala målet är sparat."))
            return redirect("andts_plan_detail", plan.pk)
    title = _("Lokalt mål under mål %(number)s") % {"number": prioritised.goal.number}
    return _form_page(request, form, title, ("andts_plan_detail", plan.pk), plan.title)


def _activity_form(request, plan, **kwargs):
    return forms.ActivityForm(
        request.POST or None,
        plan=plan,
        indicators=indicator_list_for_user(request.user),
        interventions=intervention_list_for_user(request.user),
        **kwargs,
    )


@login_required
def andts_activity_add(request, pk: int):
    plan = access.get_action_plan_for_user(request.user, pk)
    _require_editor(request.user)
    form = _activity_form(request, plan, initial={"goal": request.GET.get("mal")})
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_add(by=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Aktiviteten är sparad."))
            return redirect("andts_plan_detail", plan.pk)
    return _form_page(request, form, _("Ny aktivitet"), ("andts_plan_detail", plan.pk), plan.title)


@login_required
def andts_activity_edit(request, pk: int):
    activity = access.get_activity_for_user(request.user, pk)
    plan = activity.plan
    _require_editor(request.user)
    initial = {key: getattr(activity, key) for key in services.ACTIVITY_FIELDS}
    form = _activity_form(request, plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(activity=activity, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Aktiviteten är sparad."))
            return redirect("andts_plan_detail", plan.pk)
    return _form_page(
        request, form, _("Ändra aktiviteten"), ("andts_plan_detail", plan.pk), plan.title
    )


@login_required
def andts_plan_decide(request, pk: int):
    """The old form: an action plan is beslutad only by a decision recorded at a meeting."""
    plan = access.get_action_plan_for_user(request.user, pk)
    messages.error(
        request,
        _(
            "Handlingsplanen beslutas bara genom ett beslut som protokollförs vid "
            "styrgruppens möte (Möten och beslut på gruppens sida)."
        ),
    )
    return redirect("andts_plan_detail", plan.pk)


@login_required
def andts_plan_new_version(request, pk: int):
    plan = access.get_action_plan_for_user(request.user, pk)
    _require_editor(request.user)
    form = forms.NewVersionForm(request.POST or None, initial={"year": plan.year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.new_version(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("En ny version är skapad som utkast."))
            return redirect("andts_plan_detail", copy.pk)
    return _form_page(
        request, form, _("Ny version för nästa år"), ("andts_plan_detail", plan.pk), plan.title
    )


@login_required
def andts_follow_up_add(request, pk: int):
    activity = access.get_activity_for_user(request.user, pk)
    plan = activity.plan
    _require_editor(request.user)
    day = min(max(timezone.localdate(), plan.period_start), plan.period_end)
    start = period_bounds(plan.follow_up_period, day)[0]
    current = period_label(plan.follow_up_period, start).replace(" ", "-")
    form = forms.FollowUpForm(request.POST or None, initial={"period": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_add(by=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Uppföljningen är sparad."))
            return redirect("andts_plan_detail", plan.pk)
    title = _("Uppföljning: %(activity)s") % {"activity": activity.title}
    return _form_page(request, form, title, ("andts_plan_detail", plan.pk), plan.title)
