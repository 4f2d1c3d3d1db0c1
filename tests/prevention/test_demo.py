"""The demo's prevention work: two complete cycles, one stuck, promises with follow-ups,
loaded once, invisible to Boden, free of personal data."""

from django.utils import timezone

from samverkan.core.privacy import find_personal_data
from samverkan.demo.prevention import (
    REPORT_COUNTS,
    REPORT_PREFIX,
    SITUATIONAL_TITLE,
    SOCIAL_TITLE,
    STUCK_TITLE,
    TREATMENT,
    load_prevention,
    periods,
)
from samverkan.incidents.models import Incident
from samverkan.prevention import access, selectors
from samverkan.prevention.models import (
    CauseAnalysis,
    Evaluation,
    Intervention,
    Method,
    Problem,
    Promise,
    PromiseFollowUp,
)

KEEP_DEMO = True


def _problem(title: str) -> Problem:
    return Problem.objects.get(agreement__slug="lulea-polisen-2020-2023", title=title)


def test_the_situational_cycle_is_complete(demo):
    problem = _problem(SITUATIONAL_TITLE)
    assert selectors.sara_missing(problem) == []
    link = problem.evidence.get()
    assert link.kind == "incident_query"
    assert list(link.categories.values_list("slug", flat=True)) == ["skadegorelse"]
    analysis = problem.cause_analysis
    assert analysis.status == CauseAnalysis.Status.DECIDED
    assert (analysis.reviewed_by.username, analysis.decided_by.username) == (
        "samordnare",
        "styrgrupp",
    )
    assert analysis.place_manager_weak
    assert set(analysis.causes.values_list("bone", flat=True)) == {
        "brottsutsatt",
        "gärningsperson",
        "objekt_plats",
    }
    assert analysis.steps.count() >= 3
    assert analysis.hypotheses.exclude(evidence_for="").count() == 2
    interventions = problem.interventions.all()
    assert {i.method.slug for i in interventions} == {
        "klotterborttagning-24h",
        "forbattrad-gatubelysning",
    }
    assert {i.status for i in interventions} == {Intervention.Status.DONE}
    evaluation = Evaluation.objects.get(intervention__problem=problem)
    today = timezone.localdate()
    assert evaluation.before_to < evaluation.after_from <= evaluation.after_to < today
    treatment = set(evaluation.treatment_districts.all())
    comparison = set(evaluation.comparison_districts.all())
    buffer = set(evaluation.buffer_districts.all())
    assert treatment and comparison and buffer
    assert not (treatment & comparison or treatment & buffer or comparison & buffer)


def test_the_evaluation_has_reports_with_a_drop_in_the_treatment_area(demo, coordinator):
    evaluation = Evaluation.objects.get(intervention__problem__title=SITUATIONAL_TITLE)
    reports = Incident.objects.filter(external_id__startswith=REPORT_PREFIX)
    assert reports.count() == sum(a + b for a, b in REPORT_COUNTS.values())

    def count(districts, first, last):
        return reports.filter(
            district__in=districts,
            occurred_from__date__gte=first,
            occurred_from__date__lte=last,
        ).count()

    table = {}
    for name in ("treatment", "comparison"):
        districts = getattr(evaluation, f"{name}_districts").all()
        table[name] = (
            count(districts, evaluation.before_from, evaluation.before_to),
            count(districts, evaluation.after_from, evaluation.after_to),
        )
    (a, b), (c, d) = table["treatment"], table["comparison"]
    assert (a, b) == REPORT_COUNTS[TREATMENT]
    assert a * d / (b * c) > 2  # RES well above 1: fewer reports where the work was done
    # The coordinator sees them (the evaluation is computed on what the viewer sees), and
    # they stay clear of the quick reports (last 60 days), the EST week's comparison
    # weeks and a year-back EST history.
    latest = reports.latest("occurred_from").occurred_from
    earliest = reports.earliest("occurred_from").occurred_from
    assert (timezone.now() - latest).days > 80
    assert (timezone.now() - earliest).days < 330
    assert periods()["after_to"] == evaluation.after_to
    from samverkan.incidents.access import incident_list_for_user

    assert incident_list_for_user(coordinator).filter(pk__in=reports).count() == reports.count()


def test_the_demo_evaluation_is_stored_with_its_measured_effect(demo, coordinator, client):
    evaluation = Evaluation.objects.get(intervention__problem__title=SITUATIONAL_TITLE)
    result = evaluation.result
    assert (result["treatment_before"], result["treatment_after"]) == REPORT_COUNTS[TREATMENT]
    assert result["res"] > 1 and result["res_ci_low"] > 1  # a drop beyond chance
    assert result["wdq"] is not None  # the buffer area is given
    assert evaluation.computed_at is not None and evaluation.data_version
    client.force_login(coordinator)
    page = client.get(f"/forebyggande/insats/{evaluation.intervention_id}/utvardering/")
    assert page.status_code == 200
    assert "95 % KI" in page.content.decode()


def test_the_social_cycle_has_factors_on_several_levels_and_indicators(demo):
    problem = _problem(SOCIAL_TITLE)
    assert "unga 13–17 år i björkskatan" in problem.affected_groups.lower()
    analysis = problem.cause_analysis
    assert analysis.status in CauseAnalysis.REVIEWED_OR_DECIDED
    factors = analysis.factors.all()
    assert {f.kind for f in factors} == {"risk", "skydd"}
    assert len({f.level for f in factors}) >= 4
    running = problem.interventions.get(method__slug="abc-foraldrastod")
    assert running.status == Intervention.Status.IN_PROGRESS
    indicators = list(running.indicators.all())
    assert indicators and all(i.observations.exists() for i in indicators)


def test_one_problem_is_stuck_without_an_analysis(demo):
    problem = _problem(STUCK_TITLE)
    assert selectors.sara_missing(problem) == ["ingen orsaksanalys"]


def test_this_years_promises_have_owners_targets_and_follow_ups(demo):
    promises = Promise.objects.filter(year=timezone.localdate().year)
    assert promises.count() == 3
    assert {p.owners for p in promises} == {"polis", "kommun", "bada"}
    for promise in promises:
        assert promise.target and promise.target_value is not None and promise.target_unit
        assert promise.follow_ups.exclude(value=None).exists()


def test_the_method_library_is_loaded(demo):
    assert Method.objects.count() >= 30


def test_loading_again_adds_nothing(demo):
    counts = [
        m.objects.count()
        for m in (Problem, CauseAnalysis, Intervention, Evaluation, Promise, PromiseFollowUp)
    ]
    reports = Incident.objects.count()
    assert load_prevention() == {"problems": 0, "promises": 0, "reports": 0}
    assert Incident.objects.count() == reports
    assert counts == [
        m.objects.count()
        for m in (Problem, CauseAnalysis, Intervention, Evaluation, Promise, PromiseFollowUp)
    ]


def test_boden_sees_none_of_it(demo, boden_user, coordinator, client):
    assert access.problem_list_for_user(coordinator).count() == 3
    assert access.problem_list_for_user(boden_user).count() == 0
    assert access.promise_list_for_user(boden_user).count() == 0
    assert access.evaluation_list_for_user(boden_user).count() == 0
    client.force_login(boden_user)
    problem = _problem(SITUATIONAL_TITLE)
    assert client.get(f"/forebyggande/problem/{problem.pk}/").status_code == 404


def test_every_free_text_passes_the_privacy_guard(demo):
    texts = []
    for problem in Problem.objects.all():
        texts += [problem.title, problem.description, problem.when, problem.affected_groups]
        texts += list(problem.evidence.values_list("source", flat=True))
    for analysis in CauseAnalysis.objects.all():
        texts += [analysis.offender, analysis.handler, analysis.place_manager]
        texts += [analysis.data_used, analysis.data_left_out]
        texts += list(analysis.causes.values_list("text", flat=True))
        texts += list(analysis.steps.values_list("text", flat=True))
        texts += list(analysis.factors.values_list("text", flat=True))
        for hypothesis in analysis.hypotheses.all():
            texts += [hypothesis.text, hypothesis.evidence_for, hypothesis.evidence_against]
    for intervention in Intervention.objects.all():
        texts += [intervention.title, intervention.target_group, intervention.owner_role]
        texts += [intervention.expected_effect, intervention.outcome]
    for promise in Promise.objects.all():
        texts += [promise.text, promise.target, promise.dialogue_link]
        texts += list(promise.follow_ups.values_list("comment", flat=True))
    texts += list(
        Incident.objects.filter(external_id__startswith=REPORT_PREFIX).values_list(
            "description", flat=True
        )
    )
    assert len(texts) > 100
    assert [t for t in texts if find_personal_data(t)] == []


def test_the_periods_keep_clear_of_recent_reports_and_a_year_back():
    import datetime as dt

    for day in (dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 12, 2)):
        span = periods(day)
        assert span["before_from"] < span["before_to"] < span["start"] <= span["end"]
        assert span["end"] < span["after_from"] < span["after_to"]
        assert (day - span["after_to"]).days > 80
        assert (day - span["before_from"]).days < 330


def test_the_pages_show_the_demo(demo, coordinator, client):
    from pytest_django.asserts import assertContains

    client.force_login(coordinator)
    problem = _problem(SITUATIONAL_TITLE)
    listing = client.get(f"/forebyggande/{problem.agreement_id}/")
    assertContains(listing, "Hela cykeln är genomförd")
    assertContains(listing, "Saknas: ingen orsaksanalys")
    for title in (SITUATIONAL_TITLE, SOCIAL_TITLE, STUCK_TITLE):
        page = client.get(f"/forebyggande/problem/{_problem(title).pk}/")
        assertContains(page, title)
    # The evidence query counts the demo's reports of the before period in Bergnäset.
    assertContains(client.get(f"/forebyggande/problem/{problem.pk}/"), "Bergnäset")
    assert problem.evidence.get().count(coordinator) == REPORT_COUNTS[TREATMENT][0]
    promises = client.get(f"/forebyggande/{problem.agreement_id}/medborgarloften/")
    assertContains(promises, "trafikkontroll")
    assertContains(promises, '<table class="public-report">', count=3)


def test_the_drop_shows_with_the_year_of_reports_loaded_too(demo, settings):
    from samverkan.analysis.evaluation import relative_effect_size
    from samverkan.demo.load import load_demo

    load_demo()  # as `samverkan demo` does: the year of synthetic reports as well
    evaluation = Evaluation.objects.get(intervention__problem__title=SITUATIONAL_TITLE)
    vandalism = Incident.objects.filter(category__slug__in=["skadegorelse", "klotter"])

    def count(districts, first, last):
        return vandalism.filter(
            district__in=districts.all(),
            occurred_from__date__gte=first,
            occurred_from__date__lte=last,
        ).count()

    e = evaluation
    cells = [
        count(e.treatment_districts, e.before_from, e.before_to),
        count(e.treatment_districts, e.after_from, e.after_to),
        count(e.comparison_districts, e.before_from, e.before_to),
        count(e.comparison_districts, e.after_from, e.after_to),
    ]
    assert cells[0] > REPORT_COUNTS[TREATMENT][0]  # the year's reports are in the cells
    result = relative_effect_size(*cells)
    assert result.res > 1.5 and result.ci_low > 1, (cells, result)
