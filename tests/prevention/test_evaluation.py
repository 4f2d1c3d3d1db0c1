"""The evaluation of an intervention from Samverkan's reports and indicators: the counts (one
grouped query, Swedish days), D, RES and WDQ against analysis.evaluation, the Swedish
reading, the API, the page and the path from the lägesbild."""

import datetime as dt
import json
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samverkan.analysis.evaluation import (
    WDQ_DIFFUSION,
    WDQ_DIFFUSION_GREATER,
    WDQ_DISPLACEMENT_GREATER,
    WDQ_DISPLACEMENT_SMALLER,
    WDQ_NEITHER,
    WDQ_NO_CONTROL,
    WDQ_NO_SUCCESS,
    quasi_poisson_dispersion,
    relative_effect_size,
    share_change,
    weighted_displacement_quotient,
)
from samverkan.core.models import APIToken, Classification, User
from samverkan.incidents.filters import category_and_children
from samverkan.incidents.models import Category, Incident
from samverkan.indicators.models import Indicator, Observation, Source
from samverkan.prevention import services, text
from samverkan.prevention.evaluation import evaluation_compute, month_bins
from samverkan.prevention.models import EvidenceLink, Intervention, Problem

STOCKHOLM = ZoneInfo("Europe/Stockholm")
BEFORE = (dt.date(2025, 1, 1), dt.date(2025, 6, 30))
AFTER = (dt.date(2025, 7, 1), dt.date(2025, 12, 31))
# Monthly counts: treatment falls by half, comparison and buffer barely change.
PATTERN = {
    "treatment": ([9, 6, 8, 5, 7, 5], [3, 5, 2, 4, 3, 3]),
    "comparison": ([10, 12, 8, 11, 9, 10], [9, 10, 11, 8, 9, 8]),
    "buffer": ([5, 6, 4, 5, 6, 4], [5, 4, 6, 5, 4, 5]),
}


def bearer(username: str) -> dict:
    user = User.objects.get(username=username)
    return {"Authorization": f"Bearer {APIToken.issue(user=user)}"}


def _report(category, district, when: dt.datetime, organisation, **extra) -> Incident:
    return Incident(
        category=category,
        municipality=district.municipality,
        district=district,
        occurred_from=when,
        occurred_to=when,
        organisation=organisation,
        description="Skadegörelse",
        **extra,
    )


@pytest.fixture
def klotter():
    return Category.objects.get(slug="klotter")


@pytest.fixture
def areas(lulea_districts):
    return {
        "treatment": lulea_districts[0],
        "comparison": lulea_districts[1],
        "buffer": lulea_districts[2],
    }


@pytest.fixture
def reports(demo, areas, klotter, coordinator):
    """The PATTERN's reports on the 10th of each month at noon, Swedish time, plus reports
    that must not count: a summary, another category, outside the periods."""
    rows = []
    for area, (before, after) in PATTERN.items():
        for (start, _end), counts in ((BEFORE, before), (AFTER, after)):
            for offset, count in enumerate(counts):
                month = (start.replace(day=1) + dt.timedelta(days=31 * offset)).replace(day=10)
                when = dt.datetime(month.year, month.month, 10, 12, tzinfo=STOCKHOLM)
                rows += [
                    _report(klotter, areas[area], when, coordinator.organisation)
                    for _ in range(count)
                ]
    chosen = category_and_children((klotter.parent or klotter).slug)
    other = Category.objects.exclude(pk__in=chosen).first()
    noon = dt.datetime(2025, 3, 10, 12, tzinfo=STOCKHOLM)
    rows.append(_report(other, areas["treatment"], noon, coordinator.organisation))
    rows.append(
        _report(klotter, areas["treatment"], noon, coordinator.organisation, is_summary=True)
    )
    rows.append(
        _report(
            klotter,
            areas["treatment"],
            dt.datetime(2024, 12, 31, 23, 30, tzinfo=STOCKHOLM),
            coordinator.organisation,
        )
    )
    Incident.objects.bulk_create(rows)


@pytest.fixture
def intervention(coordinator, problem, reviewed):
    intervention, _warnings = services.intervention_create(
        by=coordinator,
        problem=problem,
        title="Belysning vid torget",
        type="situationell",
        level="universell",
        status=Intervention.Status.IN_PROGRESS,
    )
    return intervention


def _evaluation(coordinator, intervention, areas, klotter, buffer=True):
    return services.evaluation_set(
        by=coordinator,
        intervention=intervention,
        treatment_districts=[areas["treatment"]],
        comparison_districts=[areas["comparison"]],
        buffer_districts=[areas["buffer"]] if buffer else [],
        categories=[klotter.parent or klotter],
        before_from=BEFORE[0],
        before_to=BEFORE[1],
        after_from=AFTER[0],
        after_to=AFTER[1],
    )


def _orm_count(district, start, end, klotter) -> int:
    """An independent count: the local date of each report, in Python."""
    categories = {klotter.pk}
    parent = klotter.parent
    if parent is not None:
        categories |= {parent.pk, *parent.children.values_list("pk", flat=True)}
    found = 0
    for report in Incident.objects.filter(district=district, category__in=categories):
        local = report.occurred_from.astimezone(STOCKHOLM).date()
        found += (not report.is_summary) and start <= local <= end
    return found


# --- Counting and the result -------------------------------------------------------------------


def test_counts_match_an_independent_count_and_the_pattern(
    coordinator, intervention, areas, klotter, reports
):
    evaluation = evaluation_compute(
        _evaluation(coordinator, intervention, areas, klotter), coordinator
    )
    result = evaluation.result
    for area in ("treatment", "comparison", "buffer"):
        for period, (start, end) in (("before", BEFORE), ("after", AFTER)):
            expected = _orm_count(areas[area], start, end, klotter)
            assert result[f"{area}_{period}"] == expected, (area, period)
    assert result["treatment_before"] == sum(PATTERN["treatment"][0])
    assert result["treatment_after"] == sum(PATTERN["treatment"][1])
    # 23:30 on New Year's Eve Swedish time is 2024, outside the before period, though in
    # UTC it is the same day; the summary and the other category are not counted.
    monthly = result["monthly"]["treatment_before"]
    assert [row[1] for row in monthly] == PATTERN["treatment"][0]


def test_the_counts_are_one_grouped_query_of_the_reports(
    coordinator, intervention, areas, klotter, reports
):
    evaluation = _evaluation(coordinator, intervention, areas, klotter)
    with CaptureQueriesContext(connection) as queries:
        evaluation_compute(evaluation, coordinator)
    reads = [q["sql"] for q in queries if 'FROM "incidents_incident"' in q["sql"]]
    assert len(reads) == 1
    assert "GROUP BY" in reads[0]


def test_res_d_and_wdq_are_those_of_analysis_evaluation(
    coordinator, intervention, areas, klotter, reports
):
    evaluation = evaluation_compute(
        _evaluation(coordinator, intervention, areas, klotter), coordinator
    )
    result = evaluation.result
    series = [
        PATTERN["treatment"][0],
        PATTERN["treatment"][1],
        PATTERN["comparison"][0],
        PATTERN["comparison"][1],
    ]
    exposures = [[days for _m, days in month_bins(*period)] for period in (BEFORE, AFTER) * 2]
    exposures = [exposures[0], exposures[1], exposures[0], exposures[1]]
    spread = quasi_poisson_dispersion(series, exposures)
    a, b, c, d = (sum(s) for s in series)
    expected = relative_effect_size(
        a, b, c, d, dispersion=spread.dispersion, dispersion_df=spread.df
    )
    assert result["dispersion"] == pytest.approx(spread.dispersion)
    assert result["res"] == pytest.approx(expected.res)
    assert result["res_ci_low"] == pytest.approx(expected.ci_low)
    assert result["res_ci_high"] == pytest.approx(expected.ci_high)
    assert result["p_value"] == pytest.approx(expected.p_value)
    assert result["test"] == expected.test
    quotient = weighted_displacement_quotient(
        a, b, sum(PATTERN["buffer"][0]), sum(PATTERN["buffer"][1]), c, d
    )
    assert result["wdq"] == pytest.approx(quotient.wdq)
    assert result["wdq_reading"] == quotient.reading
    version = json.loads(evaluation.data_version)
    read = sum(sum(before) + sum(after) for before, after in PATTERN.values())
    assert version["count"] == read
    assert version["max_updated_at"] is not None and isinstance(version["max_id"], int)
    assert evaluation.computed_at is not None


def test_a_restricted_police_report_is_not_counted_for_a_municipality_user(
    coordinator, intervention, areas, klotter, reports
):
    police = User.objects.get(username="kommunpolis")
    noon = dt.datetime(2025, 2, 10, 12, tzinfo=STOCKHOLM)
    Incident.objects.create(
        **{
            f.name: getattr(_report(klotter, areas["treatment"], noon, police.organisation), f.name)
            for f in Incident._meta.concrete_fields
            if f.name not in {"id", "created_at", "updated_at"}
        }
        | {"classification": Classification.RESTRICTED}
    )
    evaluation = evaluation_compute(
        _evaluation(coordinator, intervention, areas, klotter), coordinator
    )
    assert evaluation.result["treatment_before"] == sum(PATTERN["treatment"][0])
    # Not even when the police, who may open it, compute: the stored result is shown to
    # everyone who sees the intervention.
    evaluation = evaluation_compute(evaluation, police)
    assert evaluation.result["treatment_before"] == sum(PATTERN["treatment"][0])


def test_too_few_events_give_no_res_and_the_note_with_the_counts(
    coordinator, intervention, areas, klotter
):
    evaluation = evaluation_compute(
        _evaluation(coordinator, intervention, areas, klotter, buffer=False), coordinator
    )
    result = evaluation.result
    assert result["res"] is None and result["res_ci_low"] is None
    assert result["note"]["code"] == "evaluation_too_few"
    assert result["wdq"] is None and result["buffer_before"] is None
    sentence = text.res_sentence(result)
    assert sentence.startswith("För få händelser för en effektskattning:")
    assert "insatsområdet 0 före och 0 efter" in sentence


# --- The Swedish reading -------------------------------------------------------------------------


def _result(a, b, c, d, **extra):
    effect = relative_effect_size(a, b, c, d)
    return {
        "treatment_before": a,
        "treatment_after": b,
        "comparison_before": c,
        "comparison_after": d,
        "res": effect.res,
        "res_ci_low": effect.ci_low,
        "res_ci_high": effect.ci_high,
        "p_value": effect.p_value,
        "test": effect.test,
        "confidence": 0.95,
        "note": None,
        "dispersion": 1.0,
        "dispersion_ratio": 0.8,
        "dispersion_df": 20,
        **extra,
    }


def test_the_res_sentence_in_both_directions():
    fell = _result(1000, 690, 1000, 1000)
    sentence = text.res_sentence(fell)
    effect = relative_effect_size(1000, 690, 1000, 1000)
    assert sentence.startswith(
        "Brotten minskade med 31 % mer i insatsområdet än i jämförelseområdet"
    )
    assert f"RES {text.number(effect.res)}" in sentence
    assert "RES 1,45" in sentence
    assert f"95 % KI {text.number(effect.ci_low)}–{text.number(effect.ci_high)}" in sentence
    assert "Fishers exakta test p < 0,001" in sentence
    assert "statistiskt säkerställd på 5 %-nivån" in sentence
    rose = text.res_sentence(_result(1000, 1450, 1000, 1000))
    assert rose.startswith("Brotten ökade med 45 % mer i insatsområdet än i jämförelseområdet")
    assert "RES 0,69" in rose
    same = text.res_sentence(_result(100, 69, 100, 100))
    assert "inte statistiskt säkerställd" in same


def test_the_dispersion_sentences():
    assert text.dispersion_sentence({"dispersion": 1.0, "dispersion_ratio": None}).startswith(
        "D = 1 (Poissonvarians): för få månader"
    )
    floored = text.dispersion_sentence(
        {"dispersion": 1.0, "dispersion_ratio": 0.7, "dispersion_df": 20}
    )
    assert "skattat 0,70, golv 1; 20 frihetsgrader" in floored
    inflated = text.dispersion_sentence(
        {"dispersion": 1.84, "dispersion_ratio": 1.84, "dispersion_df": 20}
    )
    assert inflated.startswith("D = 1,84: månadsantalen varierar mer än slumpen ger")
    assert text.test_name("t_log_res", {"dispersion": 1.84}) == "t-test på log RES med D = 1,84"


@pytest.mark.parametrize(
    ("counts", "reading", "start"),
    [
        ((100, 50, 40, 80, 0, 100), WDQ_NO_CONTROL, "Inga händelser i jämförelseområdet"),
        ((100, 120, 40, 40, 100, 100), WDQ_NO_SUCCESS, "Insatsen minskade inte brotten"),
        ((100, 80, 40, 10, 100, 100), WDQ_DIFFUSION_GREATER, "WDQ 1,50: spridning"),
        ((100, 50, 40, 30, 100, 100), WDQ_DIFFUSION, "WDQ 0,20: spridning av nyttan"),
        ((100, 50, 40, 40, 100, 100), WDQ_NEITHER, "WDQ 0,00: varken"),
        ((100, 50, 40, 50, 100, 100), WDQ_DISPLACEMENT_SMALLER, "WDQ −0,20: viss förflyttning"),
        ((100, 80, 40, 70, 100, 100), WDQ_DISPLACEMENT_GREATER, "WDQ −1,50: förflyttning"),
    ],
)
def test_each_wdq_reading_has_its_sentence(counts, reading, start):
    R_b, R_a, B_b, B_a, C_b, C_a = counts
    quotient = weighted_displacement_quotient(R_b, R_a, B_b, B_a, C_b, C_a)
    assert quotient.reading == reading
    sentence = text.wdq_sentence({"wdq_reading": quotient.reading, "wdq": quotient.wdq})
    assert sentence.startswith(start)


# --- Indicators ------------------------------------------------------------------------------------


@pytest.fixture
def survey(intervention, areas):
    source = Source.objects.create(slug="enkat-test", name="Trygghetsenkät", kind=Source.Kind.API)
    indicator = Indicator.objects.create(
        code="enkat-otrygg-test",
        name="Andel otrygga kvällstid",
        unit=Indicator.Unit.PERCENT,
        source=source,
    )
    code = areas["treatment"].municipality.code
    for start, end, value, n in (
        (dt.date(2023, 1, 1), dt.date(2023, 12, 31), "40", 300),
        (dt.date(2024, 1, 1), dt.date(2024, 12, 31), "36", 400),
        (dt.date(2025, 7, 1), dt.date(2025, 12, 31), "28", 380),
    ):
        Observation.objects.create(
            indicator=indicator,
            period_start=start,
            period_end=end,
            period_label=str(start.year) if start.month == 1 else f"{start.year}H2",
            geo_level="kommun",
            geo_code=code,
            value=Decimal(value),
            n=n,
            retrieved_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
    unknown_n = Indicator.objects.create(
        code="enkat-utan-n",
        name="Trygghetsindex utan n",
        unit=Indicator.Unit.PERCENT,
        source=source,
    )
    for start, end, value in (
        (dt.date(2024, 1, 1), dt.date(2024, 12, 31), "50"),
        (dt.date(2025, 7, 1), dt.date(2025, 12, 31), "45"),
    ):
        Observation.objects.create(
            indicator=unknown_n,
            period_start=start,
            period_end=end,
            period_label=str(start.year),
            geo_level="kommun",
            geo_code=code,
            value=Decimal(value),
            retrieved_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
    intervention.indicators.set([indicator, unknown_n])
    return indicator


def test_the_indicator_part_uses_the_latest_observation_of_each_period(
    coordinator, intervention, areas, klotter, survey
):
    evaluation = evaluation_compute(
        _evaluation(coordinator, intervention, areas, klotter), coordinator
    )
    rows = {row["indicator"]: row for row in evaluation.result["indicators"]}
    row = rows["enkat-otrygg-test"]
    assert row["before"]["period"] == "2024" and row["after"]["period"] == "2025H2"
    expected = share_change(0.36, 400, 0.28, 380)
    assert row["share"]["difference"] == pytest.approx(expected.difference)
    assert row["share"]["diff_low"] == pytest.approx(expected.diff_low)
    assert row["share"]["p_value"] == pytest.approx(expected.p_value)
    sentence = text.indicator_sentence(row)
    assert sentence.startswith("36 % (2024, 95 % KI")
    assert f"skillnad {text.number(100 * expected.difference, 1)} procentenheter" in sentence
    no_n = text.indicator_sentence(rows["enkat-utan-n"])
    assert "antalet svarande (n) saknas före och efter" in no_n


# --- The API ----------------------------------------------------------------------------------------


def _payload(areas, klotter, **changes):
    body = {
        "treatment_districts": [areas["treatment"].pk],
        "comparison_districts": [areas["comparison"].pk],
        "buffer_districts": [areas["buffer"].pk],
        "categories": [(klotter.parent or klotter).slug],
        "before_from": BEFORE[0].isoformat(),
        "before_to": BEFORE[1].isoformat(),
        "after_from": AFTER[0].isoformat(),
        "after_to": AFTER[1].isoformat(),
    }
    body.update(changes)
    return body


def _post(client, intervention, body, username="samordnare"):
    return client.post(
        f"/api/interventions/{intervention.pk}/evaluation",
        json.dumps(body),
        content_type="application/json",
        headers=bearer(username),
    )


def test_api_404_without_evaluation_then_post_sets_and_get_returns_it(
    client, intervention, areas, klotter, reports
):
    url = f"/api/interventions/{intervention.pk}/evaluation"
    assert client.get(url, headers=bearer("samordnare")).status_code == 404
    response = _post(client, intervention, _payload(areas, klotter))
    assert response.status_code == 200, response.content
    posted = response.json()
    got = client.get(url, headers=bearer("lasare")).json()
    for key in ("treatment_before", "treatment_after", "comparison_before", "comparison_after",
                "res", "res_ci_low", "res_ci_high", "p_value", "test", "wdq", "note",
                "dispersion", "buffer_before", "buffer_after", "reading", "data_version",
                "computed_at"):  # fmt: skip
        assert key in got, key
        assert got[key] == posted[key], key
    a, b = sum(PATTERN["treatment"][0]), sum(PATTERN["treatment"][1])
    c, d = sum(PATTERN["comparison"][0]), sum(PATTERN["comparison"][1])
    assert (got["treatment_before"], got["treatment_after"]) == (a, b)
    expected = relative_effect_size(a, b, c, d, dispersion=got["dispersion"], dispersion_df=None)
    assert got["res"] == pytest.approx(expected.res)
    assert got["reading"][0].startswith("Brotten minskade med")
    assert got["data_version"]["count"] > 0
    # Setting again replaces the parameters of the same evaluation.
    again = _post(client, intervention, _payload(areas, klotter, buffer_districts=[])).json()
    assert again["id"] == posted["id"] and again["wdq"] is None and again["buffer_before"] is None


def test_api_too_few_gives_null_res_and_a_note(client, intervention, areas, klotter):
    got = _post(client, intervention, _payload(areas, klotter)).json()
    assert got["res"] is None and got["res_ci_low"] is None and got["res_ci_high"] is None
    assert got["note"]["code"] == "evaluation_too_few"
    assert got["note"]["text"].startswith("För få händelser för en effektskattning")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"comparison_districts": "treatment"}, "comparison_districts",
         "Ett område kan inte vara både insatsområde och jämförelseområde"),
        ({"buffer_districts": "treatment"}, "buffer_districts",
         "Ett buffertområde kan inte också vara insatsområde"),
        ({"after_from": "2025-06-01"}, "after_from",
         "Föreperioden måste sluta innan efterperioden börjar"),
        ({"after_to": "2099-12-31"}, "after_to", "Efterperioden ligger i framtiden"),
        ({"before_to": None}, "before_to", "Ange datumet."),
        ({"categories": []}, "categories", "Välj minst en kategori."),
        ({"categories": ["finns-inte"]}, "categories", "Okänd kategori finns-inte."),
        ({"treatment_districts": [999999]}, "treatment_districts", "Finns inte: 999999."),
    ],
)  # fmt: skip
def test_api_bad_parameters_are_422_at_the_field_and_save_nothing(
    client, intervention, areas, klotter, changes, field, message
):
    changes = {
        key: [areas["treatment"].pk] if value == "treatment" else value
        for key, value in changes.items()
    }
    response = _post(client, intervention, _payload(areas, klotter, **changes))
    assert response.status_code == 422
    assert message in json.dumps(response.json(), ensure_ascii=False)
    assert field in json.dumps(response.json())
    assert not intervention.evaluations.exists()


def test_api_scoping_and_roles(client, intervention, areas, klotter):
    url = f"/api/interventions/{intervention.pk}/evaluation"
    assert _post(client, intervention, _payload(areas, klotter), "boden").status_code == 404
    assert _post(client, intervention, _payload(areas, klotter), "lasare").status_code == 403
    assert _post(client, intervention, _payload(areas, klotter)).status_code == 200
    assert client.get(url, headers=bearer("boden")).status_code == 404


# --- The page --------------------------------------------------------------------------------------


def test_the_page_shows_the_stored_res_and_its_reading(
    client, coordinator, intervention, areas, klotter, reports
):
    client.force_login(coordinator)
    url = f"/forebyggande/insats/{intervention.pk}/utvardering/"
    body = {
        "treatment_districts": [areas["treatment"].pk],
        "comparison_districts": [areas["comparison"].pk],
        "buffer_districts": [areas["buffer"].pk],
        "categories": [(klotter.parent or klotter).pk],
        "before_from": BEFORE[0].isoformat(),
        "before_to": BEFORE[1].isoformat(),
        "after_from": AFTER[0].isoformat(),
        "after_to": AFTER[1].isoformat(),
    }
    assert client.post(url, body).status_code == 302
    evaluation = intervention.evaluations.get()
    html = client.get(url).content.decode()
    result = evaluation.result
    a, b, c, d = (result[k] for k in ("treatment_before", "treatment_after",
                                      "comparison_before", "comparison_after"))  # fmt: skip
    expected = relative_effect_size(
        a,
        b,
        c,
        d,
        dispersion=result["dispersion"],
        dispersion_df=result["dispersion_df"] if result["dispersion"] > 1 else None,
    )
    assert f'data-cell="a">{a}<' in html and f'data-cell="d">{d}<' in html
    assert f"RES {text.number(expected.res)}" in html
    assert f"95 % KI {text.number(expected.ci_low)}–{text.number(expected.ci_high)}" in html
    assert "D = " in html  # which D was used
    assert "data-wdq" in html and "data-suggestions" in html
    # The page shows what is stored: a new report changes nothing until recomputed.
    noon = dt.datetime(2025, 8, 10, 12, tzinfo=STOCKHOLM)
    Incident.objects.bulk_create(
        [_report(klotter, areas["treatment"], noon, coordinator.organisation)]
    )
    assert f'data-cell="b">{b}<' in client.get(url).content.decode()
    recompute = f"/forebyggande/insats/{intervention.pk}/utvardering/berakna/"
    assert client.post(recompute).status_code == 302
    assert f'data-cell="b">{b + 1}<' in client.get(url).content.decode()


def test_the_page_shows_bad_input_at_the_field(client, coordinator, intervention, areas):
    client.force_login(coordinator)
    url = f"/forebyggande/insats/{intervention.pk}/utvardering/"
    response = client.post(
        url,
        {
            "treatment_districts": [areas["treatment"].pk],
            "comparison_districts": [areas["treatment"].pk],
            "before_from": "2025-01-01",
            "before_to": "2025-06-30",
            "after_from": "2025-07-01",
            "after_to": "2099-01-01",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ett område kan inte vara både insatsområde och jämförelseområde" in html
    assert "Efterperioden ligger i framtiden" in html
    assert "Välj minst en kategori." in html
    assert not intervention.evaluations.exists()


def test_the_page_scoping_and_the_link_from_the_problem(
    client, coordinator, boden_user, intervention, problem
):
    client.force_login(boden_user)
    assert client.get(f"/forebyggande/insats/{intervention.pk}/utvardering/").status_code == 404
    client.force_login(User.objects.get(username="lasare"))
    url = f"/forebyggande/insats/{intervention.pk}/utvardering/"
    assert client.post(url, {}).status_code == 403
    client.force_login(coordinator)
    html = client.get(f"/forebyggande/problem/{problem.pk}/").content.decode()
    assert f'href="{url}"' in html


# --- From the lägesbild ------------------------------------------------------------------------------


def test_the_lagesbild_links_to_a_new_problem_for_editors_only(client, coordinator, lulea, areas):
    query = f"?overenskommelse={lulea.pk}&fran=2025-01-01&till=2025-06-30&kategori=klotter"
    query += f"&omrade={areas['treatment'].pk}"
    client.force_login(coordinator)
    html = client.get("/lagesbild/" + query).content.decode()
    link = re.search(r'href="([^"]+)" data-create-problem', html)
    assert link is not None
    href = link.group(1).replace("&amp;", "&")
    assert href.startswith(f"/forebyggande/{lulea.pk}/nytt/?")
    for part in ("fran=2025-01-01", "till=2025-06-30", "kategori=klotter",
                 f"omrade={areas['treatment'].pk}"):  # fmt: skip
        assert part in href
    client.force_login(User.objects.get(username="lasare"))
    assert "data-create-problem" not in client.get("/lagesbild/" + query).content.decode()


def test_the_new_problem_from_a_selection_saves_an_incident_query(
    client, coordinator, lulea, areas, klotter
):
    client.force_login(coordinator)
    url = f"/forebyggande/{lulea.pk}/nytt/"
    query = f"?fran=2025-01-01&till=2025-06-30&kategori=klotter&omrade={areas['treatment'].pk}"
    html = client.get(url + query).content.decode()
    assert 'name="underlag-categories" value="klotter"' in html
    assert 'name="underlag-date_from" value="2025-01-01"' in html
    assert re.search(rf'<option value="{areas["treatment"].pk}"[^>]*selected', html)
    response = client.post(
        url,
        {
            "title": "Klotter i centrum",
            "classification": "intern",
            "districts": [areas["treatment"].pk],
            "underlag-categories": ["klotter"],
            "underlag-districts": [areas["treatment"].pk],
            "underlag-date_from": "2025-01-01",
            "underlag-date_to": "2025-06-30",
        },
    )
    assert response.status_code == 302
    problem = Problem.objects.get(title="Klotter i centrum")
    link = problem.evidence.get()
    assert link.kind == EvidenceLink.Kind.INCIDENT_QUERY
    assert [c.slug for c in link.categories.all()] == ["klotter"]
    assert list(link.districts.all()) == [areas["treatment"]]
    assert (link.date_from, link.date_to) == (dt.date(2025, 1, 1), dt.date(2025, 6, 30))


def test_a_bad_selection_saves_neither_problem_nor_evidence(client, coordinator, lulea, areas):
    client.force_login(coordinator)
    response = client.post(
        f"/forebyggande/{lulea.pk}/nytt/",
        {
            "title": "Klotter i centrum",
            "classification": "intern",
            "underlag-categories": ["klotter"],
            "underlag-date_from": "2025-06-30",
            "underlag-date_to": "2025-01-01",
        },
    )
    assert response.status_code == 400
    assert "Slutdatumet ligger före startdatumet." in response.content.decode()
    assert not Problem.objects.filter(title="Klotter i centrum").exists()


def test_an_unknown_category_in_the_selection_is_shown_and_nothing_saved(
    client, coordinator, lulea
):
    client.force_login(coordinator)
    response = client.post(
        f"/forebyggande/{lulea.pk}/nytt/",
        {"title": "Klotter i centrum", "classification": "intern",
         "underlag-categories": ["finns-inte"]},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-selection-error" in html and "finns-inte" in html
    assert not Problem.objects.filter(title="Klotter i centrum").exists()
