"""SCB PxWebApi 2.0 importer on constructed answers (tests/fixtures/scb/README.md).

Only the transport is replaced (ReplayAdapter on the importer's requests.Session).
"""

import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from samverkan.imports import http
from samverkan.imports.http import CallLimiter
from samverkan.imports.models import ImportRun
from samverkan.indicators.importers.scb import (
    AGES,
    Limits,
    import_population,
    parse_config,
    parse_jsonstat2,
    population,
    rate_per_100k,
    split_query,
)
from samverkan.indicators.models import Observation
from tests.indicators.test_kolada import session_with

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scb"
DATA = "/api/v2/tables/TAB638/data"


def fixture(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    waits = []
    monkeypatch.setattr(http, "sleep", waits.append)
    return waits


def population_doc(regions, years):
    """A JSON-stat2 answer for the query, in the fixture's shape (the same invented pattern)."""
    doc = fixture("population-2580-2022.json")
    base = doc["value"]  # per age: män, kvinnor
    doc["size"] = [len(regions), len(AGES), 2, 1, len(years)]
    doc["dimension"]["Region"]["category"] = {"index": {r: i for i, r in enumerate(regions)}}
    doc["dimension"]["Tid"]["category"] = {"index": {y: i for i, y in enumerate(years)}}
    values = []
    for r in range(len(regions)):
        for a in range(len(AGES)):
            for s in range(2):
                for y in range(len(years)):
                    values.append(base[2 * a + s] + r + 10 * y)
    doc["value"] = values
    return doc


def answer_query(request):
    query = parse_qs(urlsplit(request.url).query)
    assert query["outputFormat"] == ["json-stat2"]
    assert query["valueCodes[ContentsCode]"] == ["BE0101N1"]
    assert query["valueCodes[Alder]"][0].split(",") == AGES
    return population_doc(
        query["valueCodes[Region]"][0].split(","), query["valueCodes[Tid]"][0].split(",")
    )


def routes(config=None, data=None):
    return {"/api/v2/config": [config or fixture("config.json")], DATA: [data or answer_query]}


def test_parse_jsonstat2_row_major_order():
    cells = parse_jsonstat2(fixture("population-2580-2022.json"))
    assert len(cells) == 101 * 2
    assert cells[0] == {
        "Region": "2580",
        "Alder": "0",
        "Kon": "1",
        "ContentsCode": "BE0101N1",
        "Tid": "2022",
        "value": 500,
    }
    assert cells[1]["Kon"] == "2" and cells[1]["value"] == 480
    assert cells[-1]["Alder"] == "100+" and cells[-1]["value"] == 12


def test_parse_jsonstat2_sparse_values_and_status():
    doc = {
        "class": "dataset",
        "id": ["a", "b"],
        "size": [2, 2],
        "dimension": {
            "a": {"category": {"index": ["x", "y"]}},
            "b": {"category": {"index": {"p": 0, "q": 1}}},
        },
        "value": {"0": 1, "3": 4},
        "status": {"1": ".."},
    }
    cells = parse_jsonstat2(doc)
    assert [(c["a"], c["b"], c["value"]) for c in cells] == [
        ("x", "p", 1),
        ("x", "q", None),
        ("y", "p", None),
        ("y", "q", 4),
    ]
    assert cells[1]["status"] == ".."
    with pytest.raises(ValueError, match="JSON-stat2"):
        parse_jsonstat2(
            {
                "class": "dataset",
                "id": ["a"],
                "size": [3],
                "dimension": {"a": {"category": {"index": ["x"]}}},
                "value": [1],
            }
        )


def test_config_limits_and_split():
    limits = parse_config(fixture("config.json"))
    assert limits == Limits(max_cells=150_000, max_calls=30, window=10.0)
    chunks = list(split_query(["2580", "2582"], ["2020", "2021", "2022"], 202, 500))
    assert chunks == [
        (["2580"], ["2020", "2021"]),
        (["2580"], ["2022"]),
        (["2582"], ["2020", "2021"]),
        (["2582"], ["2022"]),
    ]
    assert all(len(r) * len(y) * 202 <= 500 for r, y in chunks)
    with pytest.raises(ValueError, match="räcker inte"):
        list(split_query(["2580"], ["2022"], 202, 100))


def test_import_population_loads_breakdowns_and_is_idempotent(db):
    session, adapter = session_with(routes(data=fixture("population-2580-2022.json")))
    run = import_population(["2580"], [2022], session=session)
    assert run.status == ImportRun.Status.OK, run.message
    assert (run.created, run.failed) == (202, 0)
    obs = Observation.objects.get(breakdown_key="age=16;sex=K")
    assert obs.value == Decimal(563) and obs.period_label == "2022" and obs.geo_code == "2580"
    assert obs.indicator.code == "folkmangd" and obs.indicator.source.slug == "scb"
    assert [urlsplit(r.url).path for r in adapter.requests] == ["/api/v2/config", DATA]
    again = import_population(["2580"], [2022], session=session_with(routes())[0])
    assert (again.created, again.unchanged) == (0, 202)


def test_query_over_the_cell_limit_is_split(db):
    config = dict(fixture("config.json"), maxDataCells=500)
    session, adapter = session_with(routes(config=config))
    run = import_population(["2580", "2582"], [2020, 2021, 2022], session=session)
    assert run.status == ImportRun.Status.OK, run.message
    data_calls = [r for r in adapter.requests if urlsplit(r.url).path == DATA]
    assert len(data_calls) == 4 and run.details["requests"] == 4
    for request in data_calls:
        q = parse_qs(urlsplit(request.url).query)
        cells = (
            len(q["valueCodes[Region]"][0].split(","))
            * len(q["valueCodes[Tid]"][0].split(","))
            * 101
            * 2
        )
        assert cells <= 500
    assert run.created == 2 * 3 * 202
    assert run.details["limits"]["maxDataCells"] == 500


def test_call_limit_is_respected(no_sleep):
    now = [0.0]
    limiter = CallLimiter(Limits(max_calls=2, window=10), clock=lambda: now[0])
    limiter.wait()
    now[0] = 1.0
    limiter.wait()
    now[0] = 3.0
    limiter.wait()  # third call within 10 s of the first: wait until 10.0
    assert no_sleep == [7.0]


def test_import_respects_call_limit_from_config(db, no_sleep):
    config = dict(fixture("config.json"), maxDataCells=500, maxCallsPerTimeWindow=3, timeWindow=10)
    session, _ = session_with(routes(config=config))
    import_population(["2580", "2582"], [2020, 2021, 2022], session=session, clock=lambda: 0.0)
    # 5 calls (config + 4 data) at most 3 per 10 s on a frozen clock: two waits of 10 s
    assert no_sleep == [10.0, 10.0]


def test_network_failure_fails_run_and_keeps_data(db, no_sleep):
    import requests

    import_population(["2580"], [2022], session=session_with(routes())[0])
    session, _ = session_with(
        {"/api/v2/config": [fixture("config.json")], DATA: [requests.ConnectionError("down")]}
    )
    run = import_population(["2580"], [2022], session=session)
    assert run.status == ImportRun.Status.FAILED
    assert "SCB misslyckades" in run.message and "efter 4 försök" in run.message
    assert no_sleep == [2.0, 4.0, 8.0]
    assert Observation.objects.count() == 202


def test_population_age_groups_and_rate_against_hand_computation(db):
    import_population(
        ["2580"], [2022], session=session_with(routes(data=fixture("population-2580-2022.json")))[0]
    )
    # By hand from the fixture's pattern (README): ages 15, 16, 17
    #   män 515 + 552 + 589 = 1656, kvinnor 510 + 563 + 531 = 1604, together 3260.
    assert population("2580", 2022, 15, 17) == 3260
    assert population("2580", 2022, 15, 17, sex="K") == 1604
    assert population("2580", 2022, 15, 17, sex="M") == 1656
    # 18–25: män 4334, kvinnor 4201 (summed by hand) = 8535; 0–14: 15980.
    assert population("2580", 2022, 18, 25) == 8535
    assert population("2580", 2022, 0, 14) == 15980
    # The whole table summed independently of the importer, straight from the JSON:
    assert population("2580", 2022) == sum(fixture("population-2580-2022.json")["value"])
    assert population("2580", 2019) is None
    # 24 youths aged 15–17 per 3260 inhabitants of that age: 24 · 100 000 / 3260 = 736.196…
    assert rate_per_100k(24, 3260, decimals=1) == Decimal("736.2")
    assert rate_per_100k(3, 1_000_000) == Decimal("0.3")
    with pytest.raises(ValueError, match="större än noll"):
        rate_per_100k(1, 0)


def test_answer_over_the_cell_limit_is_split_again(db):
    """SCB refuses a query as too large despite /config: it is halved until it passes."""

    def strict(request):
        query = parse_qs(urlsplit(request.url).query)
        if len(query["valueCodes[Tid]"][0].split(",")) > 1:
            return (403, {"title": "Too many cells selected"})
        return answer_query(request)

    session, adapter = session_with(routes(data=strict))
    run = import_population(["2580"], [2020, 2021, 2022], session=session)
    assert run.status == ImportRun.Status.OK, run.message
    assert run.created == 3 * 202
    assert run.details["requests"] == 3 and run.details["halvings"] == 2
    asked = [
        parse_qs(urlsplit(r.url).query)["valueCodes[Tid]"][0]
        for r in adapter.requests
        if urlsplit(r.url).path == DATA
    ]
    assert asked == ["2020,2021,2022", "2020", "2021,2022", "2021", "2022"]
