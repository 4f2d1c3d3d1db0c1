"""The prevention pages: problems per agreement with their SARA state, a problem's cycle on
one page, the forms for a problem (also from a lägesbild's selection), its cause analysis and
an intervention, an intervention's evaluation, and a printable analysis.

Thin: parse, fetch through a chokepoint (prevention.access, plans.access), call
prevention.services or prevention.selectors, render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.core.access import can_decide_prevention, can_edit_prevention
from samverkan.core.forms import add_service_errors
from samverkan.plans.access import agreement_list_for_user, get_agreement_for_user
from samverkan.prevention import access, selectors, services, text
from samverkan.prevention.evaluation import comparison_suggestions, evaluation_compute
from samverkan.prevention.forms import (
    CauseAnalysisForm,
    EvaluationForm,
    InterventionForm,
    ProblemForm,
    QueryEvidenceForm,
)
from samverkan.prevention.models import Cause, CauseAnalysis


def _require_editor(user) -> None:
    if not can_edit_prevention(user):
        raise PermissionDenied(
            _("Bara samordnare och administratörer får ändra det förebyggande arbetet.")
        )


def _visible_analysis(user, problem) -> CauseAnalysis | None:
    return access.cause_analysis_list_for_user(user).filter(problem=problem).first()


@login_required
def prevention_index(request):
    agreements = agreement_list_for_user(request.user).order_by("title")
    return render(request, "prevention/index.html", {"agreements": agreements})


@login_required
def prevention_problems(request, agreement_pk: int):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    problems = access.problem_list_for_user(request.user).filter(agreement=agreement)
    today = timezone.localdate()
    rows = [
        (problem, selectors.sara_missing(problem), selectors.sara_overdue(problem, today))
        for problem in problems.order_by("title")
    ]
    context = {
        "agreement": agreement,
        "rows": rows,
        "can_edit": can_edit_prevention(request.user),
    }
    return render(request, "prevention/problems.html", context)


@login_required
def prevention_problem_detail(request, pk: int):
    problem = access.get_problem_for_user(request.user, pk)
    analysis = _visible_analysis(request.user, problem)
    evidence = [(link, link.count(request.user)) for link in problem.evidence.all()]
    interventions = access.intervention_list_for_user(request.user).filter(problem=problem)
    context = {
        "problem": problem,
        "analysis": analysis,
        "evidence": evidence,
        "interventions": interventions.select_related("method", "owner_organisation"),
        "missing": selectors.sara_missing(problem),
        "late": selectors.sara_overdue(problem, timezone.localdate()),
        "can_edit": can_edit_prevention(request.user),
        "can_decide": can_decide_prevention(request.user),
        "next_statuses": _next_statuses(analysis),
    }
    return render(request, "prevention/problem_detail.html", context)


def _next_statuses(analysis) -> list:
    if analysis is None:
        return []
    return [
        (status, CauseAnalysis.Status(status).label)
        for status in sorted(services.NEXT_STATUS[analysis.status])
    ]


@login_required
def prevention_problem_create(request, agreement_pk: int):
    """A new problem; from the lägesbild (kategori, omrade, fran, till in the query) the form
    is pre-filled and the selection is saved as the problem's incident_query evidence."""
    agreement = get_agreement_for_user(request.user, agreement_pk)
    _require_editor(request.user)
    selection = QueryEvidenceForm.initial_from_lagesbild(request.GET)
    form = ProblemForm(
        request.POST or None,
        agreement=agreement,
        initial={"districts": selection["districts"]},
    )
    query_form = QueryEvidenceForm(
        request.POST or None, agreement=agreement, prefix="underlag", initial=selection
    )
    if request.method == "POST" and form.is_valid() and query_form.is_valid():
        try:
            if query_form.has_selection():
                problem = services.problem_create_with_query(
                    by=request.user,
                    agreement=agreement,
                    query=query_form.cleaned_data,
                    **form.cleaned_data,
                )
            else:
                problem = services.problem_create(
                    by=request.user, agreement=agreement, **form.cleaned_data
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Problemet är sparat."))
            return redirect("prevention_problem_detail", problem.pk)
    context = {
        "agreement": agreement,
        "form": form,
        "extra_form": query_form,
        "title": _("Nytt problem"),
    }
    failed = form.errors or query_form.errors
    return render(request, "prevention/form.html", context, status=400 if failed else 200)


@login_required
def prevention_problem_edit(request, pk: int):
    problem = access.get_problem_for_user(request.user, pk)
    _require_editor(request.user)
    form = ProblemForm(
        request.POST or None, agreement=problem.agreement, initial=ProblemForm.initial_for(problem)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_update(problem=problem, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Problemet är ändrat."))
            return redirect("prevention_problem_detail", problem.pk)
    context = {"problem": problem, "form": form, "title": _("Ändra problem")}
    return render(request, "prevention/form.html", context, status=400 if form.errors else 200)


@login_required
def prevention_analysis_edit(request, pk: int):
    """Create or change the problem's cause analysis."""
    problem = access.get_problem_for_user(request.user, pk)
    _require_editor(request.user)
    analysis = _visible_analysis(request.user, problem)
    if analysis is None and CauseAnalysis.objects.filter(problem=problem).exists():
        raise PermissionDenied(_("Orsaksanalysen är begränsad till den ägande organisationen."))
    form = CauseAnalysisForm(
        request.POST or None, initial=CauseAnalysisForm.initial_for(analysis, problem)
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            if analysis is None:
                services.cause_analysis_create(by=request.user, problem=problem, **fields)
            else:
                services.cause_analysis_update(analysis=analysis, by=request.user, **fields)
        except ValidationError as error:
            add_service_errors(
                form,
                error,
                {"causes": "causes_object_place", "steps": "steps", "factors": "factors"},
            )
        else:
            messages.success(request, _("Orsaksanalysen är sparad."))
            return redirect("prevention_problem_detail", problem.pk)
    context = {"problem": problem, "form": form, "title": _("Orsaksanalys")}
    return render(request, "prevention/form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def prevention_analysis_status(request, pk: int):
    analysis = access.get_cause_analysis_for_user(request.user, pk)
    try:
        services.cause_analysis_set_status(
            analysis=analysis, by=request.user, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Orsaksanalysen är nu %(status)s.") % {"status": analysis.get_status_display()},
        )
    return redirect("prevention_problem_detail", analysis.problem_id)


@login_required
def prevention_analysis_print(request, pk: int):
    analysis = access.get_cause_analysis_for_user(request.user, pk)
    bones = [
        (label, [c for c in analysis.causes.all() if c.bone == bone])
        for bone, label in Cause.Bone.choices
    ]
    context = {"analysis": analysis, "problem": analysis.problem, "bones": bones}
    return render(request, "prevention/analysis_print.html", context)


def _intervention_form_page(request, problem, form, intervention=None):
    title = _("Ändra insats") if intervention else _("Ny insats")
    context = {"problem": problem, "form": form, "title": title}
    return render(request, "prevention/form.html", context, status=400 if form.errors else 200)


def _saved(request, problem, warnings: list[str]):
    for warning in warnings:
        messages.warning(request, warning)
    messages.success(request, _("Insatsen är sparad."))
    return redirect("prevention_problem_detail", problem.pk)


@login_required
def prevention_intervention_create(request, pk: int):
    problem = access.get_problem_for_user(request.user, pk)
    _require_editor(request.user)
    form = InterventionForm(request.POST or None, problem=problem)
    if request.method == "POST" and form.is_valid():
        try:
            _intervention, warnings = services.intervention_create(
                by=request.user, problem=problem, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, problem, warnings)
    return _intervention_form_page(request, problem, form)


@login_required
def prevention_intervention_edit(request, pk: int):
    intervention = access.get_intervention_for_user(request.user, pk)
    _require_editor(request.user)
    problem = intervention.problem
    form = InterventionForm(
        request.POST or None,
        problem=problem,
        initial=InterventionForm.initial_for(intervention),
    )
    if request.method == "POST" and form.is_valid():
        try:
            _intervention, warnings = services.intervention_update(
                intervention=intervention, by=request.user, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _saved(request, problem, warnings)
    return _intervention_form_page(request, problem, form, intervention)


def _evaluation_of(user, intervention):
    return (
        access.evaluation_list_for_user(user)
        .filter(intervention=intervention)
        .order_by("-created_at", "-pk")
        .first()
    )


@login_required
def prevention_evaluation(request, pk: int):
    """An intervention's evaluation: the parameters, the stored result and its reading.
    Saving the parameters computes the result; the recompute button computes it again."""
    intervention = access.get_intervention_for_user(request.user, pk)
    problem = intervention.problem
    evaluation = _evaluation_of(request.user, intervention)
    form = EvaluationForm(
        request.POST or None,
        agreement=problem.agreement,
        initial=EvaluationForm.initial_for(evaluation, intervention),
    )
    if request.method == "POST":
        _require_editor(request.user)
        if form.is_valid():
            try:
                evaluation = services.evaluation_set(
                    by=request.user, intervention=intervention, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                evaluation_compute(evaluation, request.user)
                messages.success(request, _("Utvärderingen är sparad och beräknad."))
                return redirect("prevention_evaluation", intervention.pk)
    result = evaluation.result if evaluation else None
    context = {
        "intervention": intervention,
        "problem": problem,
        "evaluation": evaluation,
        "form": form,
        "result": result,
        "reading": text.reading(result),
        "res_sentence": text.res_sentence(result) if result else None,
        "dispersion_sentence": text.dispersion_sentence(result) if result else None,
        "wdq_sentence": text.wdq_sentence(result) if result else None,
        "indicators": [
            {**row, "reading": text.indicator_sentence(row)}
            for row in (result or {}).get("indicators", [])
        ],
        "suggestions": comparison_suggestions(evaluation, request.user) if evaluation else [],
        "can_edit": can_edit_prevention(request.user),
    }
    return render(
        request, "prevention/evaluation.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def prevention_evaluation_recompute(request, pk: int):
    intervention = access.get_intervention_for_user(request.user, pk)
    _require_editor(request.user)
    evaluation = _evaluation_of(request.user, intervention)
    if evaluation is None:
        messages.error(request, _("Insatsen har ingen utvärdering att beräkna."))
    else:
        evaluation_compute(evaluation, request.user)
        messages.success(request, _("Utvärderingen är beräknad på nytt."))
    return redirect("prevention_evaluation", intervention.pk)


# --- Medborgarlöften ------------------------------------------------------------------------
# Imported here, so that the section stands on its own.

from decimal import Decimal  # noqa: E402

from django.utils import formats  # noqa: E402

from samverkan.prevention.forms import PromiseFollowUpForm, PromiseForm  # noqa: E402


def _number(value) -> str:
    """A Decimal as Swedish text without trailing zeros: 1.20 → "1,2", 90.00 → "90"."""
    if value is None:
        return "–"
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return formats.number_format(Decimal(text), decimal_pos=None, use_l10n=True)


def _promise_rows(promise) -> list[dict]:
    """The follow-up table of one promise, fit for a public report: period, value, target and
    whether the target (read as "at least") was reached; the internal comments stay out."""
    rows = []
    for follow_up in promise.follow_ups.all():
        reached = None
        if follow_up.value is not None and promise.target_value is not None:
            reached = follow_up.value >= promise.target_value
        rows.append(
            {
                "period": follow_up.period_label,
                "value": _number(follow_up.value),
                "target": _number(promise.target_value),
                "reached": reached,
            }
        )
    return rows


@login_required
def prevention_promises(request, agreement_pk: int):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    promises = (
        access.promise_list_for_user(request.user)
        .filter(agreement=agreement)
        .prefetch_related("follow_ups")
        .order_by("-year", "pk")
    )
    years: dict[int, list] = {}
    for promise in promises:
        years.setdefault(promise.year, []).append(
            {
                "promise": promise,
                "rows": _promise_rows(promise),
                "comments": [f for f in promise.follow_ups.all() if f.comment],
            }
        )
    context = {
        "agreement": agreement,
        "years": sorted(years.items(), reverse=True),
        "can_edit": can_edit_prevention(request.user),
    }
    return render(request, "prevention/promises.html", context)


@login_required
def prevention_promise_create(request, agreement_pk: int):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    _require_editor(request.user)
    initial = {"year": timezone.localdate().year, "owners": "bada"}
    form = PromiseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.promise_create(by=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Medborgarlöftet är sparat."))
            return redirect("prevention_promises", agreement.pk)
    context = {"agreement": agreement, "form": form, "title": _("Nytt medborgarlöfte")}
    return render(request, "prevention/form.html", context, status=400 if form.errors else 200)


@login_required
def prevention_promise_follow_up(request, pk: int):
    promise = access.get_promise_for_user(request.user, pk)
    _require_editor(request.user)
    form = PromiseFollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.promise_follow_up_add(by=request.user, promise=promise, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Uppföljningen är sparad."))
            return redirect("prevention_promises", promise.agreement_id)
    context = {
        "agreement": promise.agreement,
        "form": form,
        "title": _("Uppföljning: %(promise)s") % {"promise": promise.text[:80]},
    }
    return render(request, "prevention/form.html", context, status=400 if form.errors else 200)


# --- Evidence -------------------------------------------------------------------------------

from samverkan.indicators.access import indicator_list_for_user  # noqa: E402
from samverkan.lagesbild.access import snapshot_list_for_user  # noqa: E402
from samverkan.prevention.forms import EvidenceForm  # noqa: E402


@login_required
def prevention_evidence_add(request, pk: int):
    problem = access.get_problem_for_user(request.user, pk)
    _require_editor(request.user)
    form = EvidenceForm(
        request.POST or None,
        problem=problem,
        snapshots=snapshot_list_for_user(request.user),
        indicators=indicator_list_for_user(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_add(by=request.user, problem=problem, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Underlaget är sparat."))
            return redirect("prevention_problem_detail", problem.pk)
    context = {"problem": problem, "form": form, "title": _("Nytt underlag")}
    return render(request, "prevention/form.html", context, status=400 if form.errors else 200)
