"""Generic long-format CSV/XLSX with a column mapping (CAN, Skolbarns hälsa, Lupp, NTU)."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from samverkan.imports.models import ColumnMapping, ImportRun
from samverkan.indicators.importers.generic import import_generic, normalise_breakdown
from samverkan.indicators.importers.sources import ensure_source
from samverkan.indicators.models import Indicator, Observation

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "indicators"


@pytest.fixture
def never_drank(db) -> Indicator:
    return Indicator.objects.create(
        code="can-aldrig-druckit",
        name="Aldrig druckit alkohol",
        unit=Indicator.Unit.PERCENT,
        source=ensure_source("fil"),
        focus_area="6.3",
    )


def test_breakdown_values_are_normalised():
    assert normalise_breakdown("sex", "Flickor") == "K"
    assert normalise_breakdown("sex", "Pojkar") == "M"
    assert normalise_breakdown("grade", "Åk 7") == "ak7"
    assert normalise_breakdown("grade", "Gymnasiet år 1") == "gy1"
    assert normalise_breakdown("housing", "Hyresrätt") == "hyresratt"
    assert normalise_breakdown("age", "15–17 år") == "15-17"


def test_default_layout(never_drank):
    path = FIXTURES / "generic-long.csv"
    run = import_generic(path.read_bytes(), path.name)
    assert run.status == ImportRun.Status.OK, list(run.problems.values_list("message", flat=True))
    assert run.created == 4
    total = Observation.objects.get(geo_code="2580", breakdown_key="grade=ak9")
    assert (total.value, total.n, total.ci_low, total.ci_high) == (
        Decimal("62"),
        455,
        Decimal("57.5"),
        Decimal("66.4"),
    )
    girls = Observation.objects.get(breakdown_key="grade=ak9;sex=K")
    assert girls.value == Decimal("60")
    country = Observation.objects.get(geo_level="land")
    assert country.status == "preliminar" and country.geo_code == "SE"


def test_mapping_file_with_provider_headers_creates_indicator(db):
    path = FIXTURES / "skolbarns-halsa.csv"
    run = import_generic(
        path.read_bytes(), path.name, mapping=str(FIXTURES / "skolbarns-halsa-mapping.json")
    )
    assert run.status == ImportRun.Status.OK, list(run.problems.values_list("message", flat=True))
    assert run.source == "skolbarns-halsa" and run.created == 4
    ind = Indicator.objects.get(code="shl-ledsen")
    assert (
        ind.unit == "procent" and ind.focus_area == "6.2" and ind.source.slug == "skolbarns-halsa"
    )
    values = dict(Observation.objects.values_list("breakdown_key", "value"))
    # the seed's figures: 10.6 % of girls and 1.2 % of boys in åk 7, 21 % and 6 % in gy 1
    assert values == {
        "grade=ak7;sex=K": Decimal("10.6"),
        "grade=ak7;sex=M": Decimal("1.2"),
        "grade=gy1;sex=K": Decimal("21"),
        "grade=gy1;sex=M": Decimal("6"),
    }
    obs = Observation.objects.get(breakdown_key="grade=ak7;sex=K")
    assert obs.period_label == "2020/21" and obs.geo_code == "2580" and obs.n == 412
    again = import_generic(
        path.read_bytes(), path.name, mapping=str(FIXTURES / "skolbarns-halsa-mapping.json")
    )
    assert again.unchanged == 4 and again.created == 0


def test_saved_column_mapping_and_xlsx(db, tmp_path, coordinator):
    spec = json.loads((FIXTURES / "skolbarns-halsa-mapping.json").read_text())
    ColumnMapping.objects.create(
        kind="indicators",
        name="Skolbarns hälsa",
        organisation=coordinator.organisation,
        mapping=spec.pop("columns"),
        options=spec,
    )
    wb = Workbook()
    ws = wb.active
    for line in (FIXTURES / "skolbarns-halsa.csv").read_text(encoding="utf-8").splitlines():
        ws.append(line.split(";"))
    path = tmp_path / "shl.xlsx"
    wb.save(path)
    run = import_generic(path.read_bytes(), path.name, mapping="Skolbarns hälsa", user=coordinator)
    assert run.created == 4 and run.user == coordinator
    assert run.organisation == coordinator.organisation


def test_bad_rows_get_precise_messages(never_drank):
    text = (FIXTURES / "generic-long.csv").read_text(encoding="utf-8").splitlines()
    text.append("can-aldrig-druckit;2021;kommun;2599;;åk 9;40 %;100;;;")
    text.append("can-aldrig-druckit;2021;kommun;2580;;åk 8;140 %;100;;;")
    text.append("okand-indikator;2021;kommun;2580;;åk 9;40;100;;;")
    text.append("can-aldrig-druckit;2021;kommun;2580;;åk 7;40;100;50;45;")
    run = import_generic("\n".join(text).encode(), "fel.csv")
    problems = list(run.problems.values_list("row", "field", "message"))
    assert (6, "geografi", "Okänd kommunkod ”2599”.") in problems
    assert any(
        r == 7 and "Värdet 140 % ligger utanför det giltiga intervallet 0–100" in m
        for r, _f, m in problems
    )
    assert any(r == 8 and "Okänd indikator ”okand-indikator”" in m for r, _f, m in problems)
    assert any(r == 9 and "nedre gräns är större" in m for r, _f, m in problems)
    assert (run.created, run.failed) == (4, 4)
    assert Observation.objects.count() == 4


def test_missing_column_and_bad_mapping_fail_the_run(never_drank, tmp_path):
    run = import_generic(b"indikator;period;geografi\nx;2021;2580\n", "kort.csv")
    assert run.status == ImportRun.Status.FAILED
    assert "Kolumner saknas: värde (”värde”)" in run.message
    assert "Filens rubriker: indikator, period, geografi" in run.message
    bad = tmp_path / "m.json"
    bad.write_text("{not json")
    run = import_generic(b"", "x.csv", mapping=str(bad))
    assert run.status == ImportRun.Status.FAILED and "inte giltig JSON" in run.message
    run = import_generic(b"", "x.csv", mapping="Finns inte")
    assert "ingen sparad kolumnmappning ”Finns inte”" in run.message


def test_all_or_nothing(never_drank):
    text = (FIXTURES / "generic-long.csv").read_text(encoding="utf-8").splitlines()
    text.append("can-aldrig-druckit;2021;kommun;2599;;åk 9;40 %;100;;;")
    run = import_generic("\n".join(text).encode(), "x.csv", all_or_nothing=True)
    assert run.status == ImportRun.Status.FAILED and "allt eller inget" in run.message
    assert not Observation.objects.exists()


def test_command_line_with_mapping(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "import_indicators",
        "--source",
        "generic",
        str(FIXTURES / "skolbarns-halsa.csv"),
        "--mapping",
        str(FIXTURES / "skolbarns-halsa-mapping.json"),
        stdout=out,
    )
    assert "4 rader: 4 nya" in out.getvalue()
