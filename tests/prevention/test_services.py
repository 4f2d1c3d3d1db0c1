import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samverkan.core.models import Classification
from samverkan.demo.meetings import decide_at_meeting
from samverkan.organisations.models import Organisation
from samverkan.places.models import District
from samverkan.prevention import services
from samverkan.prevention.models import CauseAnalysis, Intervention, Method, Problem

RULE = "En insats kan inte beslutas förrän problemets orsaksanalys är granskad."


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


def new_intervention(user, problem, **fields):
    data = {"title": "Bättre belysning", "type": "situationell", "level": "universell"}
    data.update(fields)
    return services.intervention_create(by=user, problem=problem, **data)


# --- The rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["pagar", "avslutad"])
def test_an_intervention_is_not_decided_without_an_analysis(coordinator, problem, status):
    with pytest.raises(ValidationError) as excinfo:
        new_intervention(coordinator, problem, status=status)
    assert _errors(excinfo) == {"status": [RULE]}
    assert not Intervention.objects.exists()


def test_an_intervention_is_not_decided_on_a_draft_analysis(coordinator, problem, analysis):
    with pytest.raises(ValidationError, match="orsaksanalys är granskad"):
        new_intervention(coordinator, problem, status="pagar")
    assert not Intervention.objects.exists()


@pytest.mark.parametrize("status", ["planerad", "installd"])
def test_planned_and_cancelled_need_no_analysis(coordinator, problem, status):
    intervention, warnings = new_intervention(coordinator, problem, status=status)
    assert intervention.status == status
    assert warnings == []


def test_a_reviewed_analysis_lets_an_intervention_be_decided(
    coordinator, steering, problem, reviewed
):
    intervention, _warnings = new_intervention(coordinator, problem)
    decision = decide_at_meeting(
        by=steering, agreement=problem.agreement, held_on=dt.date(2021, 2, 18), target=intervention
    )
    intervention.refresh_from_db()
    assert intervention.status == "beslutad"
    assert intervention.decision == decision


@pytest.mark.parametrize("how", ["create", "update"])
def test_a_form_or_the_api_never_sets_decided(coordinator, problem, reviewed, how):
    message = "bara genom ett beslut som protokollförs"
    if how == "create":
        with pytest.raises(ValidationError, match=message):
            new_intervention(coordinator, problem, status="beslutad")
        assert not Intervention.objects.exists()
    else:
        intervention, _ = new_intervention(coordinator, problem)
        with pytest.raises(ValidationError, match=message):
            services.intervention_update(
                intervention=intervention, by=coordinator, status="beslutad"
            )
        intervention.refresh_from_db()
        assert intervention.status == "planerad"


def test_an_update_to_decided_follows_the_same_rule(coordinator, problem, analysis):
    intervention, _ = new_intervention(coordinator, problem)
    with pytest.raises(ValidationError) as excinfo:
        services.intervention_update(intervention=intervention, by=coordinator, status="pagar")
    assert _errors(excinfo) == {"status": [RULE]}
    intervention.refresh_from_db()
    assert intervention.status == "planerad"
    services.cause_analysis_set_status(analysis=analysis, by=coordinator, status="granskad")
    services.intervention_update(intervention=intervention, by=coordinator, status="pagar")
    intervention.refresh_from_db()
    assert intervention.status == "pagar"


def test_an_analysis_with_decided_interventions_does_not_go_back_to_draft(
    coordinator, problem, reviewed
):
    new_intervention(coordinator, problem, status="pagar")
    with pytest.raises(ValidationError, match="har beslutade insatser"):
        services.cause_analysis_set_status(analysis=reviewed, by=coordinator, status="utkast")
    reviewed.refresh_from_db()
    assert reviewed.status == "granskad"


# --- Cause analysis ---------------------------------------------------------------------------


def test_the_analysis_goes_draft_reviewed_decided_with_who_and_when(
    coordinator, steering, analysis
):
    with pytest.raises(ValidationError, match="från Utkast till Beslutad"):
        services.cause_analysis_set_status(analysis=analysis, by=coordinator, status="beslutad")
    services.cause_analysis_set_status(analysis=analysis, by=coordinator, status="granskad")
    assert analysis.reviewed_by == coordinator and analysis.reviewed_at is not None
    with pytest.raises(PermissionDenied):
        services.cause_analysis_update(analysis=analysis, by=steering, offender="x")
    services.cause_analysis_set_status(analysis=analysis, by=steering, status="beslutad")
    analysis.refresh_from_db()
    assert analysis.status == "beslutad" and analysis.decided_by == steering


def test_a_reader_and_a_reporter_cannot_review(reader, reporter, analysis):
    for user in (reader, reporter):
        with pytest.raises(PermissionDenied):
            services.cause_analysis_set_status(analysis=analysis, by=user, status="granskad")
    analysis.refresh_from_db()
    assert analysis.status == "utkast"


def test_one_analysis_per_problem(coordinator, problem, analysis):
    with pytest.raises(ValidationError, match="redan en orsaksanalys"):
        services.cause_analysis_create(by=coordinator, problem=problem)


def test_editing_the_causes_keeps_the_ones_interventions_point_at(coordinator, problem, analysis):
    light = analysis.causes.get(text="Dålig belysning")
    intervention, _ = new_intervention(coordinator, problem, causes=[light])
    services.cause_analysis_update(
        analysis=analysis,
        by=coordinator,
        causes=[
            {"bone": "objekt_plats", "text": "Dålig belysning"},
            {"bone": "brottsutsatt", "text": "Butiker utan larm"},
        ],
    )
    assert list(intervention.causes.all()) == [light]
    assert analysis.causes.count() == 2


def test_personal_data_in_the_analysis_is_refused(coordinator, problem):
    with pytest.raises(ValidationError) as excinfo:
        services.cause_analysis_create(
            by=coordinator,
            problem=problem,
            offender="Ring 070-123 45 67",
            causes=[{"bone": "objekt_plats", "text": "Pnr 19121212-1212"}],
        )
    assert set(_errors(excinfo)) == {"offender", "causes"}
    assert not CauseAnalysis.objects.exists()


def test_an_unknown_bone_is_refused(coordinator, problem):
    with pytest.raises(ValidationError, match="Okänd ben fisk"):
        services.cause_analysis_create(
            by=coordinator, problem=problem, causes=[{"bone": "fisk", "text": "x"}]
        )


# --- Interventions ----------------------------------------------------------------------------


def test_a_cause_of_another_problem_is_refused(coordinator, lulea, problem, analysis):
    other = services.problem_create(by=coordinator, agreement=lulea, title="Otrygghet i parken")
    other_analysis = services.cause_analysis_create(
        by=coordinator, problem=other, causes=[{"bone": "objekt_plats", "text": "Mörk gångväg"}]
    )
    foreign = other_analysis.causes.get()
    with pytest.raises(ValidationError) as excinfo:
        new_intervention(coordinator, problem, causes=[foreign])
    assert _errors(excinfo) == {
        "causes": ["Orsaken ”Mörk gångväg” hör till ett annat problems orsaksanalys."]
    }
    assert not Intervention.objects.exists()


def test_a_method_gives_type_and_level_and_warns_when_without_effect(coordinator, problem):
    method = Method.objects.create(
        slug="skrammamedvetenhet",
        name="Avskräckande studiebesök",
        type="social",
        level="selektiv",
        evidence="skadlig",
    )
    intervention, warnings = services.intervention_create(
        by=coordinator, problem=problem, title="Studiebesök", method=method
    )
    assert (intervention.type, intervention.level) == ("social", "selektiv")
    assert warnings and "skadlig" in warnings[0]
    method.evidence = "ingen_effekt"
    method.save()
    _, warnings = services.intervention_create(
        by=coordinator, problem=problem, title="Igen", method=method, type="situationell"
    )
    assert warnings == [
        "Metoden Avskräckande studiebesök har i utvärderingar inte visat någon effekt."
    ]
    method.evidence = "effektiv"
    method.save()
    again, warnings = services.intervention_create(
        by=coordinator, problem=problem, title="Tredje", method=method, level="universell"
    )
    assert warnings == [] and (again.type, again.level) == ("social", "universell")


def test_type_and_level_are_needed_without_a_method(coordinator, problem):
    with pytest.raises(ValidationError) as excinfo:
        services.intervention_create(by=coordinator, problem=problem, title="Något")
    assert set(_errors(excinfo)) == {"type", "level"}


def test_the_owner_must_be_a_party_and_districts_in_the_agreement(coordinator, problem, demo):
    boden_kommun = Organisation.objects.get(slug="boden-kommun")
    boden_district = District.objects.get(slug="boden-centrum")
    with pytest.raises(ValidationError) as excinfo:
        new_intervention(
            coordinator, problem, owner_organisation=boden_kommun, districts=[boden_district]
        )
    errors = _errors(excinfo)
    assert errors["owner_organisation"] == ["Bodens kommun är inte part i överenskommelsen."]
    assert errors["districts"] == [f"Området {boden_district} ingår inte i överenskommelsen."]


def test_a_user_of_another_agreement_cannot_write(boden_user, problem):
    with pytest.raises(PermissionDenied, match="inte part"):
        new_intervention(boden_user, problem)
    with pytest.raises(PermissionDenied, match="inte part"):
        services.problem_update(problem=problem, by=boden_user, title="x")
    assert not Intervention.objects.exists()


def test_a_reader_cannot_write(reader, lulea):
    with pytest.raises(PermissionDenied, match="Bara samordnare"):
        services.problem_create(by=reader, agreement=lulea, title="x")
    assert not Problem.objects.exists()


# --- Problems ---------------------------------------------------------------------------------


def test_personal_data_in_affected_groups_is_refused(coordinator, lulea):
    with pytest.raises(ValidationError) as excinfo:
        services.problem_create(
            by=coordinator,
            agreement=lulea,
            title="Hot",
            affected_groups="Anna, 19121212-1212, och hennes grannar",
        )
    assert "personnummer" in " ".join(_errors(excinfo)["affected_groups"]).lower()
    assert not Problem.objects.exists()


def test_a_problem_is_owned_within_the_users_tree(coordinator, lulea):
    police = Organisation.objects.get(slug="lpo-lulea-boden")
    with pytest.raises(ValidationError, match="din egen organisation"):
        services.problem_create(
            by=coordinator, agreement=lulea, title="x", owner_organisation=police
        )
    problem = services.problem_create(
        by=coordinator, agreement=lulea, title="x", classification=Classification.RESTRICTED
    )
    assert problem.owner_organisation == coordinator.organisation


# --- Evaluations ------------------------------------------------------------------------------

TODAY = dt.date(2026, 6, 1)


def _periods(**overrides):
    periods = {
        "before_from": dt.date(2025, 1, 1),
        "before_to": dt.date(2025, 6, 30),
        "after_from": dt.date(2025, 7, 1),
        "after_to": dt.date(2025, 12, 31),
    }
    periods.update(overrides)
    return periods


def test_valid_evaluation_parameters_have_no_errors(lulea_districts):
    a, b, c = lulea_districts[:3]
    errors = services.evaluation_parameter_errors(
        treatment_districts=[a],
        comparison_districts=[b],
        buffer_districts=[c],
        today=TODAY,
        **_periods(),
    )
    assert errors == {}


def test_treatment_and_comparison_must_not_overlap(lulea_districts):
    a, b = lulea_districts[:2]
    errors = services.evaluation_parameter_errors(
        treatment_districts=[a, b], comparison_districts=[b], today=TODAY, **_periods()
    )
    assert errors == {
        "comparison_districts": [
            f"Ett område kan inte vara både insatsområde och jämförelseområde: {b}."
        ]
    }


def test_a_buffer_must_overlap_neither(lulea_districts):
    a, b = lulea_districts[:2]
    errors = services.evaluation_parameter_errors(
        treatment_districts=[a],
        comparison_districts=[b],
        buffer_districts=[a, b],
        today=TODAY,
        **_periods(),
    )
    assert errors == {
        "buffer_districts": [
            f"Ett buffertområde kan inte också vara insatsområde: {a}.",
            f"Ett buffertområde kan inte också vara jämförelseområde: {b}.",
        ]
    }


def test_the_periods_must_not_overlap_and_after_not_be_in_the_future(lulea_districts):
    a, b = lulea_districts[:2]
    errors = services.evaluation_parameter_errors(
        treatment_districts=[a],
        comparison_districts=[b],
        today=TODAY,
        **_periods(before_to=dt.date(2025, 7, 15), after_to=dt.date(2026, 6, 2)),
    )
    assert errors == {
        "after_to": [
            "Efterperioden ligger i framtiden (slutar 2026-06-02): utvärdera när den är slut."
        ],
        "after_from": [
            "Föreperioden måste sluta innan efterperioden börjar (de får inte överlappa)."
        ],
    }
    # The day before the after period starts is fine, the same day is not.
    ok = services.evaluation_parameter_errors(
        treatment_districts=[a],
        comparison_districts=[b],
        today=TODAY,
        **_periods(before_to=dt.date(2025, 6, 30), after_to=TODAY),
    )
    assert ok == {}
    touching = services.evaluation_parameter_errors(
        treatment_districts=[a],
        comparison_districts=[b],
        today=TODAY,
        **_periods(before_to=dt.date(2025, 7, 1)),
    )
    assert list(touching) == ["after_from"]


def test_periods_in_the_wrong_order(lulea_districts):
    a, b = lulea_districts[:2]
    errors = services.evaluation_parameter_errors(
        treatment_districts=[a],
        comparison_districts=[b],
        today=TODAY,
        **_periods(
            before_from=dt.date(2025, 7, 1),
            after_to=dt.date(2025, 6, 1),
            after_from=dt.date(2025, 8, 1),
            before_to=dt.date(2025, 6, 1),
        ),
    )
    assert errors["before_to"] == ["Föreperioden slutar innan den börjar."]
    assert errors["after_to"] == ["Efterperioden slutar innan den börjar."]


def test_an_evaluation_with_bad_parameters_is_not_saved(coordinator, problem, lulea_districts):
    from samverkan.incidents.models import Category
    from samverkan.prevention.models import Evaluation

    intervention, _ = new_intervention(coordinator, problem)
    a = lulea_districts[0]
    with pytest.raises(ValidationError, match="både insatsområde och jämförelseområde"):
        services.evaluation_create(
            by=coordinator,
            intervention=intervention,
            treatment_districts=[a],
            comparison_districts=[a],
            categories=Category.objects.all()[:1],
            today=TODAY,
            **_periods(),
        )
    assert not Evaluation.objects.exists()
    evaluation = services.evaluation_create(
        by=coordinator,
        intervention=intervention,
        treatment_districts=[a],
        comparison_districts=lulea_districts[1:2],
        categories=Category.objects.all()[:1],
        today=TODAY,
        **_periods(),
    )
    assert evaluation.result is None and list(evaluation.treatment_districts.all()) == [a]
