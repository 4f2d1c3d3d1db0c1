"""Kolada API v3 importer on constructed responses (tests/fixtures/kolada/README.md).

Only the transport is replaced: `ReplayAdapter` is mounted on the importer's own
requests.Session, so URL building, paging through next_url, retries with backoff and error
handling run as in production.
"""

import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter

from samverkan.imports import http
from samverkan.imports.http import make_session
from samverkan.imports.models import ImportRun
from samverkan.indicators.importers.kolada import (
    import_kolada,
    parse_data_page,
    parse_kpi,
)
from samverkan.indicators.importers.sources import ensure_source
from samverkan.indicators.models import Indicator, Observation

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "kolada"
BASE = "https://api.kolada.se/v3"


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class ReplayAdapter(BaseAdapter):
    """A transport answering from a table {path (and query, if given): [answers …]}.

    A key ending in "*" answers every path that starts with the rest of it.

    An answer is a JSON-able object (200), a (status, body[, headers]) tuple, an exception, or
    a function of the request returning one of those.
    The last answer of a list repeats. Every request is recorded in `requests`.
    """

    def __init__(self, routes: dict):
        super().__init__()
        self.routes = {key: list(value) for key, value in routes.items()}
        self.requests: list[requests.PreparedRequest] = []

    def _answers(self, request):
        parts = urlsplit(request.url)
        for key in (f"{parts.path}?{parts.query}", parts.path):
            if key in self.routes:
                return self.routes[key]
        for key, answers in self.routes.items():
            if key.endswith("*") and parts.path.startswith(key[:-1]):
                return answers
        raise AssertionError(f"unexpected request {request.method} {request.url}")

    def send(self, request, **kwargs):
        self.requests.append(request)
        answers = self._answers(request)
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            answer = answer(request)
        status, body, *headers = answer if isinstance(answer, tuple) else (200, answer)
        response = requests.Response()
        response.status_code = status
        response.headers.update(headers[0] if headers else {})
        response._content = json.dumps(body).encode() if not isinstance(body, bytes) else body
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


def session_with(routes: dict) -> tuple[requests.Session, ReplayAdapter]:
    session = make_session()
    adapter = ReplayAdapter(routes)
    session.mount("https://", adapter)
    return session, adapter


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    waits = []
    monkeypatch.setattr(http, "sleep", waits.append)
    return waits


@pytest.fixture
def violence(db) -> Indicator:
    return Indicator.objects.create(
        code="kolada-n07403",
        name="Anmälda våldsbrott per 100 000 invånare",
        external_title="Anmälda våldsbrott, antal/100 000 inv",
        external_id="N07403",
        unit=Indicator.Unit.PER_100K,
        source=ensure_source("kolada"),
    )


DATA_PATH = "/v3/data/kpi/N07403/municipality/2580,0000/year/2019,2020,2021"
PAGE2 = DATA_PATH + "?page=2&per_page=3"


def routes(**over):
    table = {
        "/v3/kpi/N07403": [fixture("kpi-N07403.json")],
        DATA_PATH + "?per_page=5000": [fixture("data-N07403-page1.json")],
        PAGE2: [fixture("data-N07403-page2.json")],
    }
    table.update(over)
    return table


def run_import(session, **kw):
    return import_kolada(
        ["N07403"], municipalities=["2580", "0000"], years=[2019, 2020, 2021], session=session, **kw
    )


def test_parse_kpi_and_removed_kpi():
    meta = parse_kpi(fixture("kpi-N07403.json"), "N07403")
    assert meta.title == "Anmälda våldsbrott, antal/100 000 inv"
    assert meta.operating_area == "Trygghet och säkerhet" and meta.has_ou_data is False
    assert parse_kpi(fixture("kpi-removed.json"), "N07403") is None


def test_parse_data_page_values_per_gender_and_next_url():
    values, next_url = parse_data_page(fixture("data-gender.json"))
    assert [(v.gender, v.value) for v in values] == [("K", 612.5), ("M", 1450.0), ("T", 1032.1)]
    assert next_url is None
    values, next_url = parse_data_page(fixture("data-N07403-page1.json"))
    assert values[2].value is None
    assert next_url.endswith("page=2&per_page=3")


def test_import_pages_through_next_url_and_skips_nulls(violence):
    session, adapter = session_with(routes())
    run = run_import(session)
    assert run.status == ImportRun.Status.WITH_PROBLEMS  # the null is reported
    assert (run.rows_total, run.created, run.skipped, run.failed) == (5, 4, 1, 0)
    urls = [r.url for r in adapter.requests]
    assert urls == [
        f"{BASE}/kpi/N07403",
        f"https://api.kolada.se{DATA_PATH}?per_page=5000",
        f"https://api.kolada.se{PAGE2}",
    ]
    skipped = run.problems.get()
    assert "inget värde för N07403, 2580, 2021, kön T (null)" in skipped.message
    lulea_2020 = Observation.objects.get(geo_code="2580", period_label="2020")
    assert lulea_2020.value == Decimal("987.2") and lulea_2020.breakdown_key == ""
    assert lulea_2020.source_url == f"https://api.kolada.se{DATA_PATH}"
    country = Observation.objects.get(geo_level="land", period_label="2021")
    assert country.geo_code == "SE" and country.value == Decimal("1080.3")


def test_second_import_is_all_unchanged_and_revision_kept(violence):
    run_import(session_with(routes())[0])
    again = run_import(session_with(routes())[0])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    revised = fixture("data-N07403-page1.json")
    revised["values"][1]["values"][0]["value"] = 990.0
    third = run_import(session_with(routes(**{DATA_PATH + "?per_page=5000": [revised]}))[0])
    assert (third.updated, third.unchanged) == (1, 3)
    obs = Observation.objects.get(geo_code="2580", period_label="2020")
    assert obs.value == Decimal("990") and obs.revisions.get().value == Decimal("987.2")


def test_gender_values_become_breakdowns(violence):
    path = "/v3/data/kpi/N07403/municipality/2580/year/2022?per_page=5000"
    session, _ = session_with(
        {"/v3/kpi/N07403": [fixture("kpi-N07403.json")], path: [fixture("data-gender.json")]}
    )
    run = import_kolada(["N07403"], municipalities=["2580"], years=[2022], session=session)
    assert run.created == 3
    keys = dict(Observation.objects.values_list("breakdown_key", "value"))
    assert keys == {"": Decimal("1032.1"), "sex=K": Decimal("612.5"), "sex=M": Decimal("1450")}


def test_changed_title_is_reported_and_nothing_loaded(violence):
    meta = fixture("kpi-N07403.json")
    meta["values"][0]["title"] = "Anmälda våldsbrott inkl. hot, antal/100 000 inv"
    session, adapter = session_with(routes(**{"/v3/kpi/N07403": [meta]}))
    run = run_import(session)
    assert run.status == ImportRun.Status.FAILED
    message = run.problems.get().message
    assert "Koladas titel för N07403 är nu ”Anmälda våldsbrott inkl. hot" in message
    assert "kan ha definierats om" in message
    assert not Observation.objects.exists()
    assert len(adapter.requests) == 1  # no data fetched for a redefined KPI


@pytest.mark.parametrize("answer", [fixture("kpi-removed.json"), (404, {"message": "Not found"})])
def test_removed_kpi_gets_clear_message_and_old_data_stays(violence, answer):
    run_import(session_with(routes())[0])
    session, _ = session_with(routes(**{"/v3/kpi/N07403": [answer]}))
    run = run_import(session)
    assert run.status == ImportRun.Status.FAILED
    assert "N07403 finns inte längre i Kolada" in run.problems.get().message
    assert Observation.objects.count() == 4


def test_network_failure_retries_with_backoff_then_fails_leaving_data(violence, no_sleep):
    run_import(session_with(routes())[0])
    before = sorted(Observation.objects.values_list("pk", "value"))
    session, adapter = session_with(
        routes(**{PAGE2: [requests.ConnectionError("reset"), (503, {}), requests.Timeout()]})
    )
    run = run_import(session)
    assert run.status == ImportRun.Status.FAILED
    assert "efter 4 försök" in run.message and "tidigare värden ligger kvar" in run.message
    assert no_sleep == [2.0, 4.0, 8.0]
    assert sum(1 for r in adapter.requests if "page=2" in r.url) == 4
    assert sorted(Observation.objects.values_list("pk", "value")) == before


def test_retry_succeeds_after_a_transient_error(violence, no_sleep):
    session, _ = session_with(routes(**{PAGE2: [(502, {}), fixture("data-N07403-page2.json")]}))
    run = run_import(session)
    assert run.created == 4 and no_sleep == [2.0]


def test_unknown_kpi_is_created_from_metadata(db):
    ensure_source("kolada")
    session, _ = session_with(
        {
            "/v3/kpi/U07417": [fixture("kpi-U07417.json")],
            "/v3/data/kpi/U07417/municipality/2580/year/2022?per_page=5000": [
                {"count": 0, "values": [], "next_url": None}
            ],
        }
    )
    run = import_kolada(["U07417"], municipalities=["2580"], years=[2022], session=session)
    ind = Indicator.objects.get(external_id="U07417")
    assert ind.unit == Indicator.Unit.PER_1000 and ind.code == "kolada-u07417"
    assert "inga värden för U07417" in run.problems.get().message


# -- the command line, the scheduled refresh and its task ------------------------------------


def data_answer(request):
    """Answers any data query for N07403 with one value per municipality and year asked."""
    from urllib.parse import urlsplit

    parts = urlsplit(request.url).path.split("/")
    municipalities = parts[parts.index("municipality") + 1].split(",")
    years = parts[parts.index("year") + 1].split(",")
    return {
        "values": [
            {
                "kpi": "N07403",
                "municipality": m,
                "period": int(y),
                "values": [{"gender": "T", "count": 1, "status": "", "value": 1000 + int(y) % 100}],
            }
            for m in municipalities
            for y in years
        ],
        "next_url": None,
    }


@pytest.fixture
def replay(monkeypatch):
    """Every session the importers make gets the replaying transport."""
    from samverkan.indicators.importers import kolada

    adapters = []

    def factory():
        session, adapter = session_with(
            {
                "/v3/kpi/N07403": [fixture("kpi-N07403.json")],
                "/v3/kpi/N07499": [(404, {"message": "Not found"})],
                "/v3/data/kpi/N07403/*": [data_answer],
            }
        )
        adapters.append(adapter)
        return session

    monkeypatch.setattr(kolada, "make_session", factory)
    return adapters


def test_command_imports_kolada(violence, replay):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "import_indicators",
        "--source",
        "kolada",
        "--kpi",
        "N07403",
        "--municipality",
        "2580",
        "--municipality",
        "0000",
        "--years",
        "2019-2021",
        stdout=out,
    )
    assert "6 rader: 6 nya" in out.getvalue()
    assert Observation.objects.filter(geo_level="land").count() == 3


def test_command_reports_failure(violence, replay):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Ange år med --years"):
        call_command("import_indicators", "--source", "kolada", "--kpi", "N07403")
    with pytest.raises(CommandError, match="N07499 finns inte längre i Kolada"):
        call_command(
            "import_indicators", "--source", "kolada", "--kpi", "N07499", "--years", "2021"
        )


def test_refresh_fetches_due_kolada_indicators_once(violence, replay, demo):
    from datetime import date

    from samverkan.indicators.importers.refresh import expected_latest_year, refresh_due_sources

    violence.release_month = 4
    violence.save()
    assert expected_latest_year(violence, date(2023, 3, 31)) == 2021
    assert expected_latest_year(violence, date(2023, 4, 1)) == 2022
    runs = refresh_due_sources(date(2023, 5, 2))
    assert len(runs) == 1 and runs[0].source == "kolada"
    assert runs[0].details["municipalities"] == ["2580", "2582", "0000"]
    assert runs[0].details["years"] == [2018, 2019, 2020, 2021, 2022]
    assert runs[0].created == 3 * 5
    # nothing due any more: no further call
    assert refresh_due_sources(date(2023, 6, 1)) == []
    # a year later 2023 is due, but a successful fetch less than a week ago holds it back
    assert refresh_due_sources(date(2024, 5, 2), min_days=36500) == []


def test_refresh_task_runs_in_the_worker_backend(violence, replay, demo):
    from samverkan.indicators.tasks import refresh_indicators

    result = refresh_indicators.enqueue()  # the test settings' backend runs it at once
    assert "kolada: Klar" in result.return_value
    assert Observation.objects.filter(indicator=violence).exists()


def test_refresh_one_indicator_task(violence, replay, demo):
    from samverkan.indicators.tasks import refresh_indicator

    result = refresh_indicator.enqueue("kolada-n07403")
    assert result.return_value.startswith("kolada: Klar")
    assert Observation.objects.filter(indicator=violence, geo_code="2582").exists()
    assert (
        refresh_indicator.enqueue("finns-inte").return_value == "Indikatorn finns-inte finns inte."
    )


def test_rate_limited_answer_waits_as_long_as_retry_after_says(violence, no_sleep):
    session, _ = session_with(
        routes(**{PAGE2: [(429, {}, {"Retry-After": "30"}), fixture("data-N07403-page2.json")]})
    )
    run = run_import(session)
    assert run.created == 4 and no_sleep == [30.0]
