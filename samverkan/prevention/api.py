# Over 500 lines: five resources of one cycle, each with its schemas and id resolution.
"""The prevention work in the API: problems, cause analyses, interventions and their
evaluation, the method catalogue and medborgarlöften.

Same scoping and roles as the pages (prevention.access, prevention.services): another
agreement's problem is 404, a begränsad one only within its owning organisation; only
samordnare and administratörer write (403 otherwise). The rule that an intervention is
decided only after its problem's cause analysis is reviewed is a 422 at `status`.
Lists are `{"items": [...], "count": N}` with `limit` and `offset`.
"""

import datetime as dt
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from samverkan.core.limits import DB_INT_MAX, DbId, Year, is_db_int
from samverkan.core.schemas import BodyIn, errors, patch_fields
from samverkan.est.access import action_list_for_user
from samverkan.incidents.models import Category
from samverkan.indicators.models import Indicator
from samverkan.organisations.models import Organisation
from samverkan.places.access import district_list_for_user, place_list_for_user
from samverkan.plans.access import (
    commitment_list_for_user,
    get_agreement_for_user,
    get_section_for_user,
)
from samverkan.prevention import access, services, text
from samverkan.prevention.evaluation import evaluation_compute
from samverkan.prevention.models import Cause, CauseAnalysis, Intervention, Problem

router = Router(tags=["Brottsförebyggande arbete"])
MAX_LIMIT = 1000


class Page(Schema):
    items: list[dict]
    count: int


def _page(queryset, out, limit: int, offset: int) -> dict:
    return {
        "items": [out(row) for row in queryset[offset : offset + limit]],
        "count": queryset.count(),
    }


def _unknown(value) -> str:
    return _("Finns inte: %(id)s.") % {"id": value}


def _resolve_many(errors: dict, fields: dict, name: str, queryset) -> None:
    if fields.get(name) is None:
        return
    wanted = list(fields[name])
    found = {row.pk: row for row in queryset.filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        errors[name] = [_unknown(", ".join(str(pk) for pk in missing))]
    fields[name] = [found[pk] for pk in wanted if pk in found]


def _resolve_owner(errors: dict, fields: dict) -> None:
    if fields.get("owner_organisation") is not None:
        found = Organisation.objects.filter(pk=fields["owner_organisation"]).first()
        if found is None:
            errors["owner_organisation"] = [_unknown(fields["owner_organisation"])]
        fields["owner_organisation"] = found


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- Problems ---------------------------------------------------------------------------------


class ProblemIn(BodyIn):
    agreement: DbId
    title: str
    description: str = ""
    districts: list[DbId] = []
    places: list[DbId] = []
    when: str = ""
    affected_groups: str = ""
    since: dt.date | None = None
    section: DbId | None = None
    classification: str | None = None
    owner_organisation: DbId | None = None


class ProblemPatch(BodyIn):
    title: str | None = None
    description: str | None = None
    districts: list[DbId] | None = None
    places: list[DbId] | None = None
    when: str | None = None
    affected_groups: str | None = None
    since: dt.date | None = None
    section: DbId | None = None
    classification: str | None = None
    owner_organisation: DbId | None = None


def problem_out(problem: Problem, user=None) -> dict:
    analysis = CauseAnalysis.objects.filter(problem=problem).only("pk", "status").first()
    if analysis is not None and user is not None:
        if not access.cause_analysis_list_for_user(user).filter(pk=analysis.pk).exists():
            analysis = None  # a begränsad analysis of another organisation
    return {
        "id": problem.pk,
        "title": problem.title,
        "agreement": problem.agreement_id,
        "description": problem.description,
        "when": problem.when,
        "affected_groups": problem.affected_groups,
        "since": problem.since,
        "districts": sorted(d.pk for d in problem.districts.all()),
        "places": sorted(p.pk for p in problem.places.all()),
        "section": problem.section_id,
        "classification": problem.classification,
        "owner_organisation": problem.owner_organisation_id,
        "cause_analysis": analysis.pk if analysis else None,
        "cause_analysis_status": analysis.status if analysis else None,
        "evidence": [
            {
                "id": link.pk,
                "kind": link.kind,
                "source": link.source,
                "count": link.count(user) if user is not None else None,
            }
            for link in problem.evidence.all()
        ],
    }


def _problem_fields(user, fields: dict) -> dict:
    errors: dict[str, list[str]] = {}
    _resolve_many(errors, fields, "districts", district_list_for_user(user))
    _resolve_many(errors, fields, "places", place_list_for_user(user))
    _resolve_owner(errors, fields)
    if fields.get("section") is not None:
        try:
            fields["section"] = get_section_for_user(user, fields["section"])
        except Http404:  # another party's section looks unknown
            errors["section"] = [_unknown(fields["section"])]
    _raise(errors)
    return fields


@router.get(
    "/problems",
    response={200: Page, **errors(401, 403, 422)},
    summary="Problem i dina överenskommelser",
)
def list_problems(
    request,
    agreement: DbId | None = None,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    problems = access.problem_list_for_user(request.auth).order_by("title", "pk")
    if agreement is not None:
        problems = problems.filter(agreement=agreement)
    return _page(problems, lambda p: problem_out(p, request.auth), limit, offset)


@router.post(
    "/problems",
    response={201: dict, **errors(400, 401, 403, 404, 422)},
    summary="Skapa ett problem",
)
def create_problem(request, payload: ProblemIn):
    fields = payload.dict()
    agreement = get_agreement_for_user(request.auth, fields.pop("agreement"))
    fields = _problem_fields(request.auth, fields)
    problem = services.problem_create(by=request.auth, agreement=agreement, **fields)
    return Status(201, problem_out(problem, request.auth))


@router.get(
    "/problems/{problem_id}",
    response={200: dict, **errors(401, 403, 404, 422)},
    summary="Ett problem",
)
def get_problem(request, problem_id: DbId):
    return problem_out(access.get_problem_for_user(request.auth, problem_id), request.auth)


@router.patch(
    "/problems/{problem_id}",
    response={200: dict, **errors(400, 401, 403, 404, 422)},
    summary="Ändra ett problem",
)
def update_problem(request, problem_id: DbId, payload: ProblemPatch):
    problem = access.get_problem_for_user(request.auth, problem_id)
    fields = _problem_fields(request.auth, patch_fields(payload, Problem))
    problem = services.problem_update(problem=problem, by=request.auth, **fields)
    return problem_out(problem, request.auth)


# --- Cause analyses ---------------------------------------------------------------------------


class CauseIn(BodyIn):
    bone: str
    text: str
    direct: bool = True


class StepIn(BodyIn):
    text: str


class FactorIn(BodyIn):
    kind: str
    level: str
    text: str


class HypothesisIn(BodyIn):
    text: str
    evidence_for: str = ""
    evidence_against: str = ""


class AnalysisFields(BodyIn):
    classification: str | None = None
    offender: str | None = None
    target_victim: str | None = None
    place_time: str | None = None
    handler: str | None = None
    handler_weak: bool | None = None
    guardian: str | None = None
    guardian_weak: bool | None = None
    place_manager: str | None = None
    place_manager_weak: bool | None = None
    data_used: str | None = None
    data_left_out: str | None = None
    causes: list[CauseIn] | None = None
    steps: list[StepIn] | None = None
    factors: list[FactorIn] | None = None
    hypotheses: list[HypothesisIn] | None = None


class AnalysisIn(AnalysisFields):
    problem: DbId


class AnalysisPatch(AnalysisFields):
    status: str | None = None


def analysis_out(analysis: CauseAnalysis) -> dict:
    return {
        "id": analysis.pk,
        "problem": analysis.problem_id,
        "status": analysis.status,
        "classification": analysis.classification,
        **{name: getattr(analysis, name) for name in sorted(services.ANALYSIS_FIELDS)},
        "causes": [
            {"id": c.pk, "bone": c.bone, "text": c.text, "direct": c.direct, "order": c.order}
            for c in analysis.causes.all()
        ],
        "steps": [{"order": s.order, "text": s.text} for s in analysis.steps.all()],
        "factors": [
            {"kind": f.kind, "level": f.level, "text": f.text} for f in analysis.factors.all()
        ],
        "hypotheses": [
            {"text": h.text, "evidence_for": h.evidence_for, "evidence_against": h.evidence_against}
            for h in analysis.hypotheses.all()
        ],
        "reviewed_by": analysis.reviewed_by_id,
        "reviewed_at": analysis.reviewed_at,
        "decided_by": analysis.decided_by_id,
        "decided_at": analysis.decided_at,
    }


def _analysis_fields(payload: Schema) -> dict:
    return {
        key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None
    }


@router.get(
    "/cause-analyses",
    response={200: Page, **errors(401, 403, 422)},
    summary="Orsaksanalyser du får se",
)
def list_cause_analyses(
    request,
    problem: DbId | None = None,
    status: str | None = None,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    analyses = access.cause_analysis_list_for_user(request.auth).order_by("pk")
    if problem is not None:
        analyses = analyses.filter(problem=problem)
    if status:
        analyses = analyses.filter(status=status)
    return _page(analyses, analysis_out, limit, offset)


@router.get(
    "/cause-analyses/{analysis_id}",
    response={200: dict, **errors(401, 403, 404, 422)},
    summary="En orsaksanalys",
)
def get_cause_analysis(request, analysis_id: DbId):
    return analysis_out(access.get_cause_analysis_for_user(request.auth, analysis_id))


@router.post(
    "/cause-analyses",
    response={201: dict, **errors(400, 401, 403, 404, 422)},
    summary="Skapa ett problems orsaksanalys",
)
def create_cause_analysis(request, payload: AnalysisIn):
    fields = _analysis_fields(payload)
    problem = access.get_problem_for_user(request.auth, fields.pop("problem"))
    analysis = services.cause_analysis_create(by=request.auth, problem=problem, **fields)
    return Status(201, analysis_out(analysis))


@router.patch(
    "/cause-analyses/{analysis_id}",
    response={200: dict, **errors(400, 401, 403, 404, 422)},
    summary="Ändra en orsaksanalys eller dess status (utkast, granskad, beslutad)",
)
def update_cause_analysis(request, analysis_id: DbId, payload: AnalysisPatch):
    analysis = access.get_cause_analysis_for_user(request.auth, analysis_id)
    fields = _analysis_fields(payload)
    status = fields.pop("status", None)
    if fields:
        analysis = services.cause_analysis_update(analysis=analysis, by=request.auth, **fields)
    if status is not None:
        analysis = services.cause_analysis_set_status(
            analysis=analysis, by=request.auth, status=status
        )
    return analysis_out(analysis)


# --- Interventions ----------------------------------------------------------------------------


class InterventionFields(BodyIn):
    type: str | None = None
    level: str | None = None
    horizon: str | None = None
    status: str | None = None
    method: str | DbId | None = None
    causes: list[DbId] | None = None
    districts: list[DbId] | None = None
    target_group: str | None = None
    owner_organisation: DbId | None = None
    owner_role: str | None = None
    partners: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    resources: str | None = None
    cost: Decimal | None = None
    expected_effect: str | None = None
    follow_up_method: str | None = None
    indicators: list[DbId] | None = None
    commitments: list[DbId] | None = None
    est_actions: list[DbId] | None = None
    outcome: str | None = None


class InterventionIn(InterventionFields):
    problem: DbId
    title: str


class InterventionPatch(InterventionFields):
    title: str | None = None


def intervention_out(intervention: Intervention, warnings: list[str] | None = None) -> dict:
    method = intervention.method
    return {
        "id": intervention.pk,
        "problem": intervention.problem_id,
        "title": intervention.title,
        "type": intervention.type,
        "level": intervention.level,
        "horizon": intervention.horizon,
        "status": intervention.status,
        "method": method.slug if method else None,
        "causes": sorted(c.pk for c in intervention.causes.all()),
        "districts": sorted(d.pk for d in intervention.districts.all()),
        "target_group": intervention.target_group,
        "owner_organisation": intervention.owner_organisation_id,
        "owner_role": intervention.owner_role,
        "partners": intervention.partners,
        "start": intervention.start,
        "end": intervention.end,
        "resources": intervention.resources,
        "cost": intervention.cost,
        "expected_effect": intervention.expected_effect,
        "follow_up_method": intervention.follow_up_method,
        "indicators": sorted(i.pk for i in intervention.indicators.all()),
        "commitments": sorted(c.pk for c in intervention.commitments.all()),
        "est_actions": sorted(a.pk for a in intervention.est_actions.all()),
        "outcome": intervention.outcome,
        "warnings": services.method_warnings(method) if warnings is None else warnings,
    }


def _intervention_fields(user, fields: dict) -> dict:
    """Ids and the method's slug (or id) into objects; unknown or out of scope: 422 there."""
    errors: dict[str, list[str]] = {}
    if fields.get("method") is not None:
        value = str(fields["method"])
        methods = access.method_list_for_user(user)
        found = (
            methods.filter(pk=int(value)) if is_db_int(value) else methods.filter(slug=value)
        ).first()
        if found is None:
            errors["method"] = [_("Okänd metod %(value)s.") % {"value": value}]
        fields["method"] = found
    problems = access.problem_list_for_user(user).values("pk")
    _resolve_many(errors, fields, "causes", Cause.objects.filter(analysis__problem__in=problems))
    _resolve_many(errors, fields, "districts", district_list_for_user(user))
    _resolve_many(errors, fields, "indicators", Indicator.objects.all())
    _resolve_many(errors, fields, "commitments", commitment_list_for_user(user))
    _resolve_many(errors, fields, "est_actions", action_list_for_user(user))
    _resolve_owner(errors, fields)
    _raise(errors)
    return fields


@router.get(
    "/interventions", response={200: Page, **errors(401, 403, 422)}, summary="Insatser du får se"
)
def list_interventions(
    request,
    problem: DbId | None = None,
    status: str | None = None,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    interventions = access.intervention_list_for_user(request.auth).select_related("method")
    if problem is not None:
        interventions = interventions.filter(problem=problem)
    if status:
        interventions = interventions.filter(status=status)
    return _page(interventions.order_by("pk"), intervention_out, limit, offset)


@router.post(
    "/interventions",
    response={201: dict, **errors(400, 401, 403, 404, 422)},
    summary="Skapa en insats",
)
def create_intervention(request, payload: InterventionIn):
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    problem = access.get_problem_for_user(request.auth, fields.pop("problem"))
    fields = _intervention_fields(request.auth, fields)
    intervention, warnings = services.intervention_create(
        by=request.auth, problem=problem, **fields
    )
    return Status(201, intervention_out(intervention, warnings))


@router.get(
    "/interventions/{intervention_id}",
    response={200: dict, **errors(401, 403, 404, 422)},
    summary="En insats",
)
def get_intervention(request, intervention_id: DbId):
    return intervention_out(access.get_intervention_for_user(request.auth, intervention_id))


@router.patch(
    "/interventions/{intervention_id}",
    response={200: dict, **errors(400, 401, 403, 404, 422)},
    summary="Ändra en insats",
)
def update_intervention(request, intervention_id: DbId, payload: InterventionPatch):
    intervention = access.get_intervention_for_user(request.auth, intervention_id)
    fields = _intervention_fields(request.auth, patch_fields(payload, Intervention))
    intervention, warnings = services.intervention_update(
        intervention=intervention, by=request.auth, **fields
    )
    return intervention_out(intervention, warnings)


# --- Evaluations ------------------------------------------------------------------------------


class EvaluationIn(BodyIn):
    treatment_districts: list[DbId] = []
    comparison_districts: list[DbId] = []
    buffer_districts: list[DbId] = []
    categories: list[str] = []
    before_from: dt.date | None = None
    before_to: dt.date | None = None
    after_from: dt.date | None = None
    after_to: dt.date | None = None


RESULT_KEYS = (
    "treatment_before",
    "treatment_after",
    "comparison_before",
    "comparison_after",
    "buffer_before",
    "buffer_after",
    "res",
    "res_ci_low",
    "res_ci_high",
    "p_value",
    "test",
    "dispersion",
    "note",
    "wdq",
    "wdq_reading",
)


def evaluation_out(evaluation) -> dict:
    result = evaluation.result or {}
    out = {
        "id": evaluation.pk,
        "intervention": evaluation.intervention_id,
        "treatment_districts": sorted(d.pk for d in evaluation.treatment_districts.all()),
        "comparison_districts": sorted(d.pk for d in evaluation.comparison_districts.all()),
        "buffer_districts": sorted(d.pk for d in evaluation.buffer_districts.all()),
        "categories": sorted(c.slug for c in evaluation.categories.all()),
        "before_from": evaluation.before_from,
        "before_to": evaluation.before_to,
        "after_from": evaluation.after_from,
        "after_to": evaluation.after_to,
        **{key: result.get(key) for key in RESULT_KEYS},
        "reading": text.reading(result) if result else [],
        "dispersion_reading": text.dispersion_sentence(result) if result else None,
        "wdq_text": text.wdq_sentence(result) if result else None,
        "indicators": [
            {**row, "reading": text.indicator_sentence(row)} for row in result.get("indicators", [])
        ],
        "data_version": json.loads(evaluation.data_version) if evaluation.data_version else None,
        "computed_at": evaluation.computed_at,
    }
    if out["note"]:
        out["note"] = {**out["note"], "text": text.res_sentence(result)}
    return out


def _evaluation_of(user, intervention_id: DbId):
    intervention = access.get_intervention_for_user(user, intervention_id)
    evaluation = (
        access.evaluation_list_for_user(user)
        .filter(intervention=intervention)
        .order_by("-created_at", "-pk")
        .first()
    )
    return intervention, evaluation


@router.get(
    "/interventions/{intervention_id}/evaluation",
    response={200: dict, **errors(401, 403, 404, 422)},
    summary="Insatsens utvärdering: a/b/c/d, RES med intervall, WDQ och läsningen",
)
def get_evaluation(request, intervention_id: DbId):
    _intervention, evaluation = _evaluation_of(request.auth, intervention_id)
    if evaluation is None:
        raise Http404(_("Insatsen har ingen utvärdering."))
    return evaluation_out(evaluation)


@router.post(
    "/interventions/{intervention_id}/evaluation",
    response={200: dict, **errors(400, 401, 403, 404, 422)},
    summary="Sätt insatsens utvärdering (områden, kategorier, perioder) och beräkna den",
)
def set_evaluation(request, intervention_id: DbId, payload: EvaluationIn):
    intervention, _evaluation = _evaluation_of(request.auth, intervention_id)
    fields = payload.dict()
    errors: dict[str, list[str]] = {}
    for name in ("treatment_districts", "comparison_districts", "buffer_districts"):
        _resolve_many(errors, fields, name, district_list_for_user(request.auth))
    slugs = list(fields["categories"])
    found = {c.slug: c for c in Category.objects.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        errors["categories"] = [_("Okänd kategori %(value)s.") % {"value": ", ".join(missing)}]
    fields["categories"] = [found[slug] for slug in slugs if slug in found]
    _raise(errors)
    evaluation = services.evaluation_set(by=request.auth, intervention=intervention, **fields)
    return evaluation_out(evaluation_compute(evaluation, request.auth))


# --- Methods and promises ---------------------------------------------------------------------


def method_out(method) -> dict:
    return {
        "id": method.pk,
        "slug": method.slug,
        "name": method.name,
        "type": method.type,
        "level": method.level,
        "target_problem": method.target_problem,
        "evidence": method.evidence,
        "source": method.source,
        "citation": method.citation,
        "description": method.description,
    }


@router.get(
    "/methods", response={200: Page, **errors(401, 403, 422)}, summary="Metodkatalogen med evidens"
)
def list_methods(
    request,
    type: str | None = None,
    level: str | None = None,
    evidence: str | None = None,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    methods = access.method_list_for_user(request.auth).order_by("name")
    for key, value in (("type", type), ("level", level), ("evidence", evidence)):
        if value:
            methods = methods.filter(**{key: value})
    return _page(methods, method_out, limit, offset)


def promise_out(promise) -> dict:
    return {
        "id": promise.pk,
        "agreement": promise.agreement_id,
        "year": promise.year,
        "text": promise.text,
        "owners": promise.owners,
        "target": promise.target,
        "target_value": promise.target_value,
        "target_unit": promise.target_unit,
        "dialogue_link": promise.dialogue_link,
        "follow_ups": [
            {"period_label": f.period_label, "value": f.value, "comment": f.comment}
            for f in promise.follow_ups.all()
        ],
    }


@router.get(
    "/promises",
    response={200: Page, **errors(401, 403, 422)},
    summary="Medborgarlöften med uppföljningar",
)
def list_promises(
    request,
    agreement: DbId | None = None,
    year: Year | None = None,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    promises = access.promise_list_for_user(request.auth).prefetch_related("follow_ups")
    if agreement is not None:
        promises = promises.filter(agreement=agreement)
    if year is not None:
        promises = promises.filter(year=year)
    return _page(promises.order_by("-year", "pk"), promise_out, limit, offset)
