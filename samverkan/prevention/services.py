# Over 500 lines: every write of the SARA cycle and its cross-model rules, in one place.
"""Every write of the prevention work and every rule that spans its tables.

- Only a samordnare or administratör of a party to the agreement writes
  (`core.access.can_edit_prevention`); a styrgrupp member may also mark a reviewed cause
  analysis beslutad (`can_decide_prevention`).
- Free text (what, when, affected groups, the analysis, the intervention) holds no personal
  data (`core.privacy.find_personal_data`): places and situations, never named people.
- **The rule**: an intervention is beslutad, pågår or avslutad only when its problem's cause
  analysis is granskad or beslutad (`check_can_decide`, the one place that decides it; the
  form, the API and the admin all end here).
- An intervention's causes belong to its own problem's analysis; a method from the catalogue
  gives the type and level unless they are given, and a method without effect (or a harmful
  one) is a warning, not a refusal.
- An evaluation's areas and periods are checked by `evaluation_parameter_errors`.

A failed check raises ValidationError (Swedish, keyed by field) and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.access import (
    can_decide_prevention,
    can_edit_prevention,
    organisation_tree_ids,
    scope,
)
from samverkan.core.models import Classification, User
from samverkan.core.privacy import find_personal_data
from samverkan.est.selectors import agreement_organisation_ids
from samverkan.organisations.models import Decision, Organisation
from samverkan.organisations.services import check_adopting_decision
from samverkan.places.models import District, Place
from samverkan.plans.access import agreement_list_for_user
from samverkan.plans.models import Agreement, Section
from samverkan.prevention.access import intervention_list_for_user
from samverkan.prevention.models import (
    Cause,
    CauseAnalysis,
    ChainStep,
    Evaluation,
    EvidenceLink,
    Hypothesis,
    Intervention,
    InterventionLevel,
    InterventionType,
    Method,
    Problem,
    RiskFactor,
)

DEFAULT_METHODS = Path(__file__).resolve().parent / "data" / "methods.yaml"


def rule_message() -> str:
    return _("En insats kan inte beslutas förrän problemets orsaksanalys är granskad.")


# --- Checks shared by the services ------------------------------------------------------------


def check_editor(user: User, agreement: Agreement) -> None:
    """The user's organisation is party to the agreement and the role may write."""
    if not agreement_list_for_user(user).filter(pk=agreement.pk).exists():
        raise PermissionDenied(_("Din organisation är inte part i överenskommelsen."))
    if not can_edit_prevention(user):
        raise PermissionDenied(
            _("Bara samordnare och administratörer får ändra det förebyggande arbetet.")
        )


def _privacy(errors: dict, **texts: str) -> None:
    for name, text in texts.items():
        for finding in find_personal_data(text or ""):
            errors.setdefault(name, []).append(finding.message)


def _agreement_districts(agreement: Agreement):
    return scope(District.objects.all(), agreement, municipality="municipality")


def _check_districts(errors: dict, field: str, agreement: Agreement, districts) -> list:
    districts = list(districts or ())
    allowed = set(_agreement_districts(agreement).values_list("pk", flat=True))
    for district in districts:
        if district.pk not in allowed:
            errors.setdefault(field, []).append(
                _("Området %(district)s ingår inte i överenskommelsen.") % {"district": district}
            )
    return districts


def _check_places(errors: dict, agreement: Agreement, places) -> list:
    places = list(places or ())
    allowed = set(
        scope(Place.objects.all(), agreement, municipality="municipality").values_list(
            "pk", flat=True
        )
    )
    for place in places:
        if place.pk not in allowed:
            errors.setdefault("places", []).append(
                _("Platsen %(place)s ingår inte i överenskommelsen.") % {"place": place}
            )
    return places


def _check_classification(errors: dict, value: str) -> None:
    if value not in Classification.values:
        errors.setdefault("classification", []).append(
            _("Okänd klassning %(value)s.") % {"value": value}
        )


def _check_choice(errors: dict, field: str, value, choices, label: str) -> None:
    if value not in choices.values:
        errors.setdefault(field, []).append(
            _("Okänd %(label)s %(value)s: välj en av %(choices)s.")
            % {"label": label, "value": value, "choices": ", ".join(choices.values)}
        )


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- Problems ---------------------------------------------------------------------------------

PROBLEM_FIELDS = {
    "title",
    "description",
    "districts",
    "places",
    "when",
    "affected_groups",
    "since",
    "section",
    "classification",
    "owner_organisation",
}
PROBLEM_TEXTS = ("title", "description", "when", "affected_groups")


def _clean_problem(*, by: User, agreement: Agreement, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    if not (data.get("title") or "").strip():
        errors["title"] = [_("Ge problemet en rubrik.")]
    _privacy(errors, **{name: data.get(name) or "" for name in PROBLEM_TEXTS})
    data["districts"] = _check_districts(errors, "districts", agreement, data.get("districts"))
    data["places"] = _check_places(errors, agreement, data.get("places"))
    section: Section | None = data.get("section")
    if section is not None and section.plan.agreement_id != agreement.pk:
        errors["section"] = [_("Avsnittet hör till en annan överenskommelses plan.")]
    _check_classification(errors, data.get("classification"))
    owner: Organisation | None = data.get("owner_organisation")
    if owner is None:
        errors["owner_organisation"] = [_("Ange ägande organisation.")]
    elif not by.is_superuser and owner.pk not in organisation_tree_ids(by):
        errors["owner_organisation"] = [
            _("Problemet ägs av din egen organisation eller en organisation i samma träd.")
        ]
    since = data.get("since")
    if since is not None and since > timezone.localdate():
        errors["since"] = [_("Datumet ligger i framtiden.")]
    _raise(errors)
    return data


def problem_create(*, by: User, agreement: Agreement, title: str, **fields) -> Problem:
    unknown = set(fields) - PROBLEM_FIELDS
    if unknown:
        raise TypeError(f"problem_create() got unknown fields {sorted(unknown)}")
    check_editor(by, agreement)
    data = {
        "title": title,
        "description": "",
        "when": "",
        "affected_groups": "",
        "since": None,
        "section": None,
        "classification": Classification.INTERNAL,
        "owner_organisation": by.organisation,
        "districts": (),
        "places": (),
    }
    data.update({key: value for key, value in fields.items() if value is not None})
    data = _clean_problem(by=by, agreement=agreement, data=data)
    districts, places = data.pop("districts"), data.pop("places")
    with transaction.atomic():
        problem = Problem.objects.create(agreement=agreement, created_by=by, updated_by=by, **data)
        problem.districts.set(districts)
        problem.places.set(places)
    return problem


def problem_update(*, problem: Problem, by: User, **fields) -> Problem:
    unknown = set(fields) - PROBLEM_FIELDS
    if unknown:
        raise TypeError(f"problem_update() got unknown fields {sorted(unknown)}")
    check_editor(by, problem.agreement)
    data = {key: getattr(problem, key) for key in PROBLEM_FIELDS - {"districts", "places"}}
    data["districts"] = list(problem.districts.all())
    data["places"] = list(problem.places.all())
    data.update(fields)
    data = _clean_problem(by=by, agreement=problem.agreement, data=data)
    districts, places = data.pop("districts"), data.pop("places")
    with transaction.atomic():
        for key, value in data.items():
            setattr(problem, key, value)
        problem.updated_by = by
        problem.save()
        if "districts" in fields:
            problem.districts.set(districts)
        if "places" in fields:
            problem.places.set(places)
    return problem


# --- Evidence ---------------------------------------------------------------------------------


def evidence_add(
    *,
    by: User,
    problem: Problem,
    kind: str,
    source: str = "",
    note: str = "",
    snapshot=None,
    iso_year: int | None = None,
    iso_week: int | None = None,
    indicator=None,
    categories=(),
    districts=(),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> EvidenceLink:
    """Link evidence to a problem. A snapshot is one the user sees (lagesbild's chokepoint,
    checked by the caller) of the same agreement."""
    check_editor(by, problem.agreement)
    errors: dict[str, list[str]] = {}
    _check_choice(errors, "kind", kind, EvidenceLink.Kind, _("typ av underlag"))
    _privacy(errors, source=source, note=note)
    if kind == EvidenceLink.Kind.SNAPSHOT:
        if snapshot is None:
            errors["snapshot"] = [_("Välj en sparad lägesbild.")]
        elif snapshot.agreement_id != problem.agreement_id:
            errors["snapshot"] = [_("Lägesbilden hör till en annan överenskommelse.")]
    elif kind == EvidenceLink.Kind.EST_WEEK:
        if not iso_year or not iso_week or not 1 <= iso_week <= 53:
            errors["iso_week"] = [_("Ange år och vecka (1–53).")]
    elif kind == EvidenceLink.Kind.INDICATOR:
        if indicator is None:
            errors["indicator"] = [_("Välj en indikator.")]
    elif kind == EvidenceLink.Kind.INCIDENT_QUERY:
        districts = _check_districts(errors, "districts", problem.agreement, districts)
        if date_from and date_to and date_to < date_from:
            errors["date_to"] = [_("Slutdatumet ligger före startdatumet.")]
    _raise(errors)
    with transaction.atomic():
        link = EvidenceLink.objects.create(
            problem=problem,
            kind=kind,
            source=source,
            note=note,
            snapshot=snapshot if kind == EvidenceLink.Kind.SNAPSHOT else None,
            iso_year=iso_year if kind == EvidenceLink.Kind.EST_WEEK else None,
            iso_week=iso_week if kind == EvidenceLink.Kind.EST_WEEK else None,
            indicator=indicator if kind == EvidenceLink.Kind.INDICATOR else None,
            date_from=date_from,
            date_to=date_to,
            position=problem.evidence.count(),
        )
        if kind == EvidenceLink.Kind.INCIDENT_QUERY:
            link.categories.set(list(categories or ()))
            link.districts.set(list(districts or ()))
    return link


def problem_create_with_query(
    *, by: User, agreement: Agreement, title: str, query: dict, **fields
) -> Problem:
    """A new problem with the selection it was made from (categories, districts, dates) as an
    incident_query evidence link, both or neither."""
    with transaction.atomic():
        problem = problem_create(by=by, agreement=agreement, title=title, **fields)
        evidence_add(
            by=by,
            problem=problem,
            kind=EvidenceLink.Kind.INCIDENT_QUERY,
            source=_("Lägesbildens urval"),
            categories=query.get("categories") or (),
            districts=query.get("districts") or (),
            date_from=query.get("date_from"),
            date_to=query.get("date_to"),
        )
    return problem


# --- Cause analysis ---------------------------------------------------------------------------

ANALYSIS_TEXTS = (
    "offender",
    "target_victim",
    "place_time",
    "handler",
    "guardian",
    "place_manager",
    "data_used",
    "data_left_out",
)
ANALYSIS_FIELDS = set(ANALYSIS_TEXTS) | {
    "handler_weak",
    "guardian_weak",
    "place_manager_weak",
    "classification",
}
ANALYSIS_PARTS = {"causes", "steps", "factors", "hypotheses"}


def _clean_parts(errors: dict, parts: dict) -> None:
    """Each part is a list of dicts: causes (bone, text, direct), steps (text), factors (kind,
    level, text), hypotheses (text, evidence_for, evidence_against)."""
    for cause in parts.get("causes") or ():
        _check_choice(errors, "causes", cause.get("bone"), Cause.Bone, _("ben"))
    for factor in parts.get("factors") or ():
        _check_choice(errors, "factors", factor.get("kind"), RiskFactor.Kind, _("faktortyp"))
        _check_choice(errors, "factors", factor.get("level"), RiskFactor.Level, _("nivå"))
    for name in ANALYSIS_PARTS:
        for row in parts.get(name) or ():
            if not (row.get("text") or "").strip():
                errors.setdefault(name, []).append(_("En rad saknar text."))
            _privacy(
                errors,
                **{name: " ".join(str(v) for v in row.values() if isinstance(v, str))},
            )


def _save_parts(analysis: CauseAnalysis, parts: dict) -> None:
    if parts.get("causes") is not None:
        # Keep the causes whose bone and text are unchanged: interventions point at them.
        kept = set()
        existing = {(c.bone, c.text): c for c in analysis.causes.all()}
        for order, row in enumerate(parts["causes"]):
            key = (row["bone"], row["text"].strip())
            cause = existing.get(key)
            if cause is None:
                cause = Cause(analysis=analysis, bone=key[0], text=key[1])
            cause.direct = row.get("direct", True)
            cause.order = order
            cause.save()
            kept.add(cause.pk)
        analysis.causes.exclude(pk__in=kept).delete()
    if parts.get("steps") is not None:
        analysis.steps.all().delete()
        ChainStep.objects.bulk_create(
            ChainStep(analysis=analysis, order=order, text=row["text"].strip())
            for order, row in enumerate(parts["steps"])
        )
    if parts.get("factors") is not None:
        analysis.factors.all().delete()
        RiskFactor.objects.bulk_create(
            RiskFactor(
                analysis=analysis, kind=row["kind"], level=row["level"], text=row["text"].strip()
            )
            for row in parts["factors"]
        )
    if parts.get("hypotheses") is not None:
        analysis.hypotheses.all().delete()
        Hypothesis.objects.bulk_create(
            Hypothesis(
                analysis=analysis,
                text=row["text"].strip(),
                evidence_for=row.get("evidence_for", ""),
                evidence_against=row.get("evidence_against", ""),
            )
            for row in parts["hypotheses"]
        )


def _clean_analysis(errors: dict, data: dict) -> None:
    _privacy(errors, **{name: data.get(name) or "" for name in ANALYSIS_TEXTS})
    _check_classification(errors, data.get("classification"))


def cause_analysis_create(*, by: User, problem: Problem, **fields) -> CauseAnalysis:
    unknown = set(fields) - ANALYSIS_FIELDS - ANALYSIS_PARTS
    if unknown:
        raise TypeError(f"cause_analysis_create() got unknown fields {sorted(unknown)}")
    check_editor(by, problem.agreement)
    errors: dict[str, list[str]] = {}
    if CauseAnalysis.objects.filter(problem=problem).exists():
        errors["problem"] = [_("Problemet har redan en orsaksanalys.")]
    parts = {name: fields.pop(name) for name in ANALYSIS_PARTS if name in fields}
    data = {"classification": problem.classification, **fields}
    _clean_analysis(errors, data)
    _clean_parts(errors, parts)
    _raise(errors)
    with transaction.atomic():
        analysis = CauseAnalysis.objects.create(
            problem=problem, created_by=by, updated_by=by, **data
        )
        _save_parts(analysis, parts)
    return analysis


def cause_analysis_update(*, analysis: CauseAnalysis, by: User, **fields) -> CauseAnalysis:
    unknown = set(fields) - ANALYSIS_FIELDS - ANALYSIS_PARTS
    if unknown:
        raise TypeError(f"cause_analysis_update() got unknown fields {sorted(unknown)}")
    check_editor(by, analysis.problem.agreement)
    errors: dict[str, list[str]] = {}
    parts = {name: fields.pop(name) for name in ANALYSIS_PARTS if name in fields}
    data = {key: getattr(analysis, key) for key in ANALYSIS_FIELDS}
    data.update(fields)
    _clean_analysis(errors, data)
    _clean_parts(errors, parts)
    _raise(errors)
    with transaction.atomic():
        for key, value in data.items():
            setattr(analysis, key, value)
        analysis.updated_by = by
        analysis.save()
        _save_parts(analysis, parts)
    return analysis


NEXT_STATUS = {
    CauseAnalysis.Status.DRAFT: {CauseAnalysis.Status.REVIEWED},
    CauseAnalysis.Status.REVIEWED: {CauseAnalysis.Status.DECIDED, CauseAnalysis.Status.DRAFT},
    CauseAnalysis.Status.DECIDED: {CauseAnalysis.Status.DRAFT},
}


def cause_analysis_set_status(*, analysis: CauseAnalysis, by: User, status: str) -> CauseAnalysis:
    """Utkast → granskad → beslutad; back to utkast for rework only while no intervention
    of the problem is decided (the rule would otherwise be broken afterwards)."""
    agreement = analysis.problem.agreement
    if not agreement_list_for_user(by).filter(pk=agreement.pk).exists():
        raise PermissionDenied(_("Din organisation är inte part i överenskommelsen."))
    allowed = can_decide_prevention(by) if status == CauseAnalysis.Status.DECIDED else None
    if allowed is None:
        allowed = can_edit_prevention(by)
    if not allowed:
        raise PermissionDenied(_("Din roll får inte ändra orsaksanalysens status."))
    errors: dict[str, list[str]] = {}
    _check_choice(errors, "status", status, CauseAnalysis.Status, _("status"))
    _raise(errors)
    if status == analysis.status:
        return analysis
    if status not in NEXT_STATUS[analysis.status]:
        raise ValidationError(
            {
                "status": [
                    _("En orsaksanalys kan inte gå från %(old)s till %(new)s.")
                    % {
                        "old": CauseAnalysis.Status(analysis.status).label,
                        "new": CauseAnalysis.Status(status).label,
                    }
                ]
            }
        )
    if (
        status == CauseAnalysis.Status.DRAFT
        and analysis.problem.interventions.filter(status__in=Intervention.NEEDS_REVIEW).exists()
    ):
        raise ValidationError(
            {
                "status": [
                    _(
                        "Analysen kan inte bli utkast igen: problemet har beslutade insatser. "
                        "Ställ in eller planera om dem först."
                    )
                ]
            }
        )
    now = timezone.now()
    analysis.status = status
    if status == CauseAnalysis.Status.REVIEWED:
        analysis.reviewed_by, analysis.reviewed_at = by, now
    elif status == CauseAnalysis.Status.DECIDED:
        analysis.decided_by, analysis.decided_at = by, now
    analysis.updated_by = by
    analysis.save()
    return analysis


# --- The rule ---------------------------------------------------------------------------------


def check_can_decide(problem: Problem, status: str) -> None:
    """An intervention with ``status`` beslutad, pågår or avslutad needs its problem's cause
    analysis granskad or beslutad; otherwise ValidationError at ``status``. The one place
    that decides it: the service, the API and the admin's form all call it."""
    if status not in Intervention.NEEDS_REVIEW:
        return
    analysis = CauseAnalysis.objects.filter(problem=problem).only("status").first()
    if analysis is None or analysis.status not in CauseAnalysis.REVIEWED_OR_DECIDED:
        raise ValidationError({"status": [rule_message()]})


# --- Interventions ----------------------------------------------------------------------------

INTERVENTION_FIELDS = {
    "title",
    "type",
    "level",
    "horizon",
    "causes",
    "method",
    "districts",
    "target_group",
    "owner_organisation",
    "owner_role",
    "partners",
    "start",
    "end",
    "resources",
    "cost",
    "expected_effect",
    "follow_up_method",
    "indicators",
    "commitments",
    "est_actions",
    "status",
    "outcome",
}
INTERVENTION_M2M = {"causes", "districts", "indicators", "commitments", "est_actions"}
INTERVENTION_TEXTS = (
    "title",
    "target_group",
    "owner_role",
    "partners",
    "resources",
    "expected_effect",
    "follow_up_method",
    "outcome",
)


def method_warnings(method: Method | None) -> list[str]:
    """Warnings (not refusals) about the chosen method's evidence."""
    if method is None:
        return []
    if method.evidence == Method.Evidence.HARMFUL:
        return [
            _(
                "Metoden %(method)s har i utvärderingar visat sig skadlig: den kan öka "
                "problemet. Överväg en annan metod."
            )
            % {"method": method.name}
        ]
    if method.evidence == Method.Evidence.NO_EFFECT:
        return [
            _("Metoden %(method)s har i utvärderingar inte visat någon effekt.")
            % {"method": method.name}
        ]
    return []


def intervention_errors(problem: Problem, data: dict) -> dict[str, list[str]]:
    """Field → messages for an intervention's fields (the rule included)."""
    errors: dict[str, list[str]] = {}
    agreement = problem.agreement
    if not (data.get("title") or "").strip():
        errors["title"] = [_("Ge insatsen en rubrik.")]
    if not data.get("type"):
        errors["type"] = [_("Ange typ (situationell eller social) eller välj en metod.")]
    else:
        _check_choice(errors, "type", data["type"], InterventionType, _("typ"))
    if not data.get("level"):
        errors["level"] = [_("Ange nivå (universell, selektiv, indikerad) eller välj en metod.")]
    else:
        _check_choice(errors, "level", data["level"], InterventionLevel, _("nivå"))
    _check_choice(errors, "horizon", data.get("horizon"), Intervention.Horizon, _("tidsperspektiv"))
    _check_choice(errors, "status", data.get("status"), Intervention.Status, _("status"))
    _privacy(errors, **{name: data.get(name) or "" for name in INTERVENTION_TEXTS})
    for cause in data.get("causes") or ():
        if cause.analysis.problem_id != problem.pk:
            errors.setdefault("causes", []).append(
                _("Orsaken ”%(cause)s” hör till ett annat problems orsaksanalys.")
                % {"cause": cause.text[:60]}
            )
    _check_districts(errors, "districts", agreement, data.get("districts"))
    owner = data.get("owner_organisation")
    if owner is None:
        errors["owner_organisation"] = [_("Ange ansvarig organisation.")]
    elif owner.pk not in agreement_organisation_ids(agreement):
        errors["owner_organisation"] = [
            _("%(organisation)s är inte part i överenskommelsen.") % {"organisation": owner}
        ]
    for commitment in data.get("commitments") or ():
        if commitment.section.plan.agreement_id != agreement.pk:
            errors.setdefault("commitments", []).append(
                _("Åtagandet hör till en annan överenskommelse.")
            )
    for action in data.get("est_actions") or ():
        if action.agreement_id != agreement.pk:
            errors.setdefault("est_actions", []).append(
                _("EST-åtgärden hör till en annan överenskommelse.")
            )
    start, end = data.get("start"), data.get("end")
    if start and end and end < start:
        errors["end"] = [_("Slutdatumet ligger före startdatumet.")]
    cost = data.get("cost")
    if cost is not None and cost < 0:
        errors["cost"] = [_("Kostnaden kan inte vara negativ.")]
    if data.get("status") in Intervention.Status.values:
        try:
            check_can_decide(problem, data["status"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    return errors


def _with_method(data: dict, given: dict) -> dict:
    """A method gives the type and level that were not given."""
    method = data.get("method")
    if method is not None:
        if not given.get("type"):
            data["type"] = method.type
        if not given.get("level"):
            data["level"] = method.level
    return data


def _save_intervention(intervention: Intervention, data: dict, m2m: dict, by: User):
    with transaction.atomic():
        for key, value in data.items():
            setattr(intervention, key, value)
        if intervention.pk is None:
            intervention.created_by = by
        intervention.updated_by = by
        intervention.save()
        for name, values in m2m.items():
            getattr(intervention, name).set(list(values or ()))
    return intervention


def decided_status_message() -> str:
    return _(
        "En insats blir beslutad bara genom ett beslut som protokollförs vid styrgruppens "
        "möte (Möten och beslut på gruppens sida)."
    )


def _refuse_decided_status(status, *, current) -> None:
    """Beslutad is set by a decision (`intervention_decide`), never by a form or the API."""
    if status == Intervention.Status.DECIDED and current != Intervention.Status.DECIDED:
        raise ValidationError({"status": [decided_status_message()]})


def intervention_decide(*, intervention: Intervention, by: User, decision) -> Intervention:
    """Mark a planned intervention beslutad by ``decision`` of the agreement's styrgrupp,
    under the same rule as every status (its problem's cause analysis granskad or beslutad).
    The one way an intervention becomes beslutad: `meetings.services.decision_record` calls
    this."""
    if not intervention_list_for_user(by).filter(pk=intervention.pk).exists():
        raise PermissionDenied(_("Insatsen finns inte eller hör inte till dina överenskommelser."))
    agreement = intervention.problem.agreement
    check_adopting_decision(
        decision, adopts=Decision.Adopts.INTERVENTION, agreement=agreement, by=by
    )
    if intervention.decision_id is not None or intervention.status != Intervention.Status.PLANNED:
        raise ValidationError(
            _("Insatsen är redan %(status)s; bara en planerad insats beslutas.")
            % {"status": Intervention.Status(intervention.status).label.lower()}
        )
    check_can_decide(intervention.problem, Intervention.Status.DECIDED)
    intervention.status = Intervention.Status.DECIDED
    intervention.decision = decision
    intervention.updated_by = by
    intervention.save()
    return intervention


def intervention_create(
    *, by: User, problem: Problem, title: str, **fields
) -> tuple[Intervention, list[str]]:
    """The new intervention and the warnings about its method."""
    unknown = set(fields) - INTERVENTION_FIELDS
    if unknown:
        raise TypeError(f"intervention_create() got unknown fields {sorted(unknown)}")
    check_editor(by, problem.agreement)
    _refuse_decided_status(fields.get("status"), current=None)
    data = {
        "title": title,
        "type": "",
        "level": "",
        "horizon": Intervention.Horizon.SHORT,
        "status": Intervention.Status.PLANNED,
        "owner_organisation": by.organisation,
        "method": None,
    }
    data.update({key: value for key, value in fields.items() if value is not None})
    data = _with_method(data, fields)
    _raise(intervention_errors(problem, data))
    m2m = {name: data.pop(name) for name in INTERVENTION_M2M if name in data}
    intervention = _save_intervention(Intervention(problem=problem), data, m2m, by)
    return intervention, method_warnings(intervention.method)


def intervention_update(
    *, intervention: Intervention, by: User, **fields
) -> tuple[Intervention, list[str]]:
    """Change the given fields under the same checks (the rule included); the intervention
    and the warnings about its method."""
    unknown = set(fields) - INTERVENTION_FIELDS
    if unknown:
        raise TypeError(f"intervention_update() got unknown fields {sorted(unknown)}")
    problem = intervention.problem
    check_editor(by, problem.agreement)
    _refuse_decided_status(fields.get("status"), current=intervention.status)
    data = {key: getattr(intervention, key) for key in INTERVENTION_FIELDS - INTERVENTION_M2M}
    for name in INTERVENTION_M2M:
        data[name] = list(getattr(intervention, name).all())
    data.update(fields)
    if "method" in fields and fields["method"] is not None:
        data = _with_method(data, fields)
    _raise(intervention_errors(problem, data))
    m2m = {name: data.pop(name) for name in INTERVENTION_M2M}
    m2m = {name: values for name, values in m2m.items() if name in fields}
    intervention = _save_intervention(intervention, data, m2m, by)
    return intervention, method_warnings(intervention.method)


# --- Evaluations ------------------------------------------------------------------------------


def evaluation_parameter_errors(
    *,
    treatment_districts,
    comparison_districts,
    buffer_districts=(),
    before_from: dt.date | None,
    before_to: dt.date | None,
    after_from: dt.date | None,
    after_to: dt.date | None,
    today: dt.date | None = None,
) -> dict[str, list[str]]:
    """Field → messages for an evaluation's areas and periods."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    treatment = {d.pk: d for d in treatment_districts or ()}
    comparison = {d.pk: d for d in comparison_districts or ()}
    buffer = {d.pk: d for d in buffer_districts or ()}

    def names(ids) -> str:
        every = {**treatment, **comparison, **buffer}
        return ", ".join(sorted(str(every[pk]) for pk in ids))

    if not treatment:
        errors["treatment_districts"] = [_("Välj minst ett insatsområde.")]
    if not comparison:
        errors["comparison_districts"] = [_("Välj minst ett jämförelseområde.")]
    both = treatment.keys() & comparison.keys()
    if both:
        errors.setdefault("comparison_districts", []).append(
            _("Ett område kan inte vara både insatsområde och jämförelseområde: %(names)s.")
            % {"names": names(both)}
        )
    in_treatment = buffer.keys() & treatment.keys()
    if in_treatment:
        errors.setdefault("buffer_districts", []).append(
            _("Ett buffertområde kan inte också vara insatsområde: %(names)s.")
            % {"names": names(in_treatment)}
        )
    in_comparison = buffer.keys() & comparison.keys()
    if in_comparison:
        errors.setdefault("buffer_districts", []).append(
            _("Ett buffertområde kan inte också vara jämförelseområde: %(names)s.")
            % {"names": names(in_comparison)}
        )
    dates = {
        "before_from": before_from,
        "before_to": before_to,
        "after_from": after_from,
        "after_to": after_to,
    }
    for key, value in dates.items():
        if value is None:
            errors.setdefault(key, []).append(_("Ange datumet."))
    if None in dates.values():
        return errors
    if before_to < before_from:
        errors.setdefault("before_to", []).append(_("Föreperioden slutar innan den börjar."))
    if after_to < after_from:
        errors.setdefault("after_to", []).append(_("Efterperioden slutar innan den börjar."))
    if after_to > today:
        errors.setdefault("after_to", []).append(
            _("Efterperioden ligger i framtiden (slutar %(date)s): utvärdera när den är slut.")
            % {"date": after_to.isoformat()}
        )
    if before_to >= after_from:
        errors.setdefault("after_from", []).append(
            _("Föreperioden måste sluta innan efterperioden börjar (de får inte överlappa).")
        )
    return errors


def validate_evaluation_parameters(**parameters) -> None:
    _raise(evaluation_parameter_errors(**parameters))


def _evaluation_errors(agreement: Agreement, parameters: dict, today) -> dict[str, list[str]]:
    errors = evaluation_parameter_errors(
        **{key: parameters.get(key) for key in EVALUATION_FIELDS if key != "categories"},
        today=today,
    )
    for field in ("treatment_districts", "comparison_districts", "buffer_districts"):
        _check_districts(errors, field, agreement, parameters.get(field))
    if not list(parameters.get("categories") or ()):
        errors.setdefault("categories", []).append(_("Välj minst en kategori."))
    return errors


EVALUATION_FIELDS = (
    "treatment_districts",
    "comparison_districts",
    "buffer_districts",
    "categories",
    "before_from",
    "before_to",
    "after_from",
    "after_to",
)
EVALUATION_M2M = ("treatment_districts", "comparison_districts", "buffer_districts", "categories")


def _save_evaluation(evaluation: Evaluation, parameters: dict) -> Evaluation:
    with transaction.atomic():
        for key in ("before_from", "before_to", "after_from", "after_to"):
            setattr(evaluation, key, parameters[key])
        evaluation.result = None
        evaluation.data_version = ""
        evaluation.computed_at = None
        evaluation.save()
        for name in EVALUATION_M2M:
            getattr(evaluation, name).set(list(parameters.get(name) or ()))
    return evaluation


def evaluation_create(
    *,
    by: User,
    intervention: Intervention,
    treatment_districts,
    comparison_districts,
    buffer_districts=(),
    categories=(),
    before_from: dt.date | None,
    before_to: dt.date | None,
    after_from: dt.date | None,
    after_to: dt.date | None,
    today: dt.date | None = None,
) -> Evaluation:
    """Store an evaluation's parameters (checked); the computation fills `result` later."""
    agreement = intervention.problem.agreement
    check_editor(by, agreement)
    parameters = {
        "treatment_districts": treatment_districts,
        "comparison_districts": comparison_districts,
        "buffer_districts": buffer_districts,
        "categories": categories,
        "before_from": before_from,
        "before_to": before_to,
        "after_from": after_from,
        "after_to": after_to,
    }
    _raise(_evaluation_errors(agreement, parameters, today))
    return _save_evaluation(Evaluation(intervention=intervention, created_by=by), parameters)


def evaluation_set(*, by: User, intervention: Intervention, today=None, **parameters) -> Evaluation:
    """Set the parameters of the intervention's evaluation (the newest one, created when there
    is none) under the same checks; the stored result is cleared until it is computed again."""
    unknown = set(parameters) - set(EVALUATION_FIELDS)
    if unknown:
        raise TypeError(f"evaluation_set() got unknown fields {sorted(unknown)}")
    agreement = intervention.problem.agreement
    check_editor(by, agreement)
    _raise(_evaluation_errors(agreement, parameters, today))
    evaluation = intervention.evaluations.order_by("-created_at", "-pk").first()
    if evaluation is None:
        evaluation = Evaluation(intervention=intervention, created_by=by)
    return _save_evaluation(evaluation, parameters)


# --- The method catalogue ---------------------------------------------------------------------

METHOD_KEYS = (
    "slug",
    "name",
    "type",
    "level",
    "target_problem",
    "evidence",
    "source",
    "citation",
    "description",
)


def _method_entry_errors(index: int, entry) -> list[str]:
    where = _("Metod %(n)s") % {"n": index + 1}
    if not isinstance(entry, dict):
        return [_("%(where)s är inte en samling fält.") % {"where": where}]
    if entry.get("slug"):
        where = _("Metod %(slug)s") % {"slug": entry["slug"]}
    problems = []
    for key in ("slug", "name", "type", "level", "evidence"):
        if not str(entry.get(key) or "").strip():
            problems.append(_("%(where)s saknar %(key)s.") % {"where": where, "key": key})
    unknown = sorted(set(entry) - set(METHOD_KEYS))
    if unknown:
        problems.append(
            _("%(where)s har okända fält: %(keys)s.") % {"where": where, "keys": ", ".join(unknown)}
        )
    for key, choices in (
        ("type", InterventionType),
        ("level", InterventionLevel),
        ("evidence", Method.Evidence),
    ):
        value = entry.get(key)
        if value and value not in choices.values:
            problems.append(
                _("%(where)s: okänt värde %(value)s för %(key)s (välj en av %(choices)s).")
                % {"where": where, "value": value, "key": key, "choices": ", ".join(choices.values)}
            )
    return problems


def load_methods(path: Path | str = DEFAULT_METHODS) -> dict[str, int]:
    """Read the method catalogue (a YAML list) and upsert each entry by its slug: a second
    load of the same file changes nothing. All entries are checked first; one bad entry and
    nothing is written. Returns the number created and updated."""
    path = Path(path)
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(_("Metodkatalogen finns inte: %(path)s.") % {"path": path}) from None
    except yaml.YAMLError as error:
        raise ValidationError(
            _("Metodkatalogen kan inte läsas som YAML: %(error)s") % {"error": error}
        ) from None
    if isinstance(entries, dict) and set(entries) == {"methods"}:
        entries = entries["methods"]  # the library's own file: a list under `methods:`
    if not isinstance(entries, list):
        raise ValidationError(_("Metodkatalogen ska vara en lista av metoder."))
    problems = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        problems.extend(_method_entry_errors(index, entry))
        slug = entry.get("slug") if isinstance(entry, dict) else None
        if slug in seen:
            problems.append(_("Metod %(slug)s finns två gånger.") % {"slug": slug})
        seen.add(slug)
    if problems:
        raise ValidationError(problems)
    # A handful of queries whatever the size: the demo loads the library for every test run.
    existing = {m.slug: m for m in Method.objects.filter(slug__in=[e["slug"] for e in entries])}
    new, changed = [], []
    for entry in entries:
        values = {key: str(entry.get(key) or "").strip() for key in METHOD_KEYS[1:]}
        method = existing.get(entry["slug"])
        if method is None:
            new.append(Method(slug=entry["slug"], **values))
        elif any(getattr(method, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(method, key, value)
            changed.append(method)
    with transaction.atomic():
        Method.objects.bulk_create(new)
        Method.objects.bulk_update(changed, list(METHOD_KEYS[1:]))
    return {"created": len(new), "updated": len(entries) - len(new)}


# --- Medborgarlöften --------------------------------------------------------------------------


def _check_number(errors: dict, field: str, value) -> None:
    if value is not None and value < 0:
        errors.setdefault(field, []).append(_("Värdet kan inte vara negativt."))


def promise_create(
    *,
    by: User,
    agreement: Agreement,
    year: int | None,
    text: str,
    owners: str = "bada",
    target: str = "",
    target_value=None,
    target_unit: str = "",
    dialogue_link: str = "",
):
    """A medborgarlöfte of the agreement for a year: who promises, what, and the measurable
    target (`target_value`, read as "at least", in `target_unit`)."""
    from samverkan.prevention.models import Promise

    check_editor(by, agreement)
    errors: dict[str, list[str]] = {}
    if not (text or "").strip():
        errors["text"] = [_("Skriv vad som utlovas.")]
    if year is None or not 2000 <= year <= timezone.localdate().year + 5:
        errors["year"] = [_("Ange ett år mellan 2000 och fem år framåt.")]
    _check_choice(errors, "owners", owners, Promise.Owners, _("part"))
    _check_number(errors, "target_value", target_value)
    if target_value is not None and not (target_unit or "").strip():
        errors["target_unit"] = [_("Ange enheten för målvärdet, till exempel kontroller.")]
    _privacy(errors, text=text, target=target, target_unit=target_unit, dialogue_link=dialogue_link)
    _raise(errors)
    return Promise.objects.create(
        agreement=agreement,
        year=year,
        text=text.strip(),
        owners=owners,
        target=(target or "").strip(),
        target_value=target_value,
        target_unit=(target_unit or "").strip(),
        dialogue_link=(dialogue_link or "").strip(),
    )


def promise_follow_up_add(*, by: User, promise, period_label: str, value=None, comment: str = ""):
    """The value a promise reached in one period (once per period), with a comment that stays
    internal (the public follow-up table leaves it out)."""
    from samverkan.prevention.models import PromiseFollowUp

    check_editor(by, promise.agreement)
    errors: dict[str, list[str]] = {}
    label = (period_label or "").strip()
    if not label:
        errors["period_label"] = [_("Ange perioden, till exempel T1 (jan–apr).")]
    elif promise.follow_ups.filter(period_label__iexact=label).exists():
        errors["period_label"] = [
            _("Perioden %(period)s är redan uppföljd för det här löftet.") % {"period": label}
        ]
    if value is None and not (comment or "").strip():
        errors["value"] = [_("Ange ett värde eller en kommentar.")]
    _check_number(errors, "value", value)
    _privacy(errors, period_label=label, comment=comment)
    _raise(errors)
    return PromiseFollowUp.objects.create(
        promise=promise, period_label=label, value=value, comment=(comment or "").strip()
    )
