"""The safety survey (trygghetsmätning): index 0–6 per area and breakdown, shares per answer."""

from decimal import Decimal
from pathlib import Path

from samverkan.imports.models import ImportRun
from samverkan.indicators.importers.survey import import_survey
from samverkan.indicators.models import Indicator, Observation

FIXTURE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "indicators" / "trygghetsmatning-2023.csv"
)


def test_import_survey_areas_breakdowns_and_shares(demo):
    run = import_survey(FIXTURE.read_bytes(), FIXTURE.name)
    assert run.status == ImportRun.Status.OK, list(run.problems.values_list("message", flat=True))
    assert run.created == 17
    index = Indicator.objects.get(code="tm-totalindex")
    assert index.unit == Indicator.Unit.INDEX_0_6 and index.direction == "ned"
    assert index.source.slug == "trygghetsmatning" and index.focus_area == "6.1"
    total = Observation.objects.get(indicator=index, geo_level="kommun", breakdown_key="")
    assert total.value == Decimal("1.38") and total.n == 2196 and total.period_label == "2023"
    hertson = Observation.objects.get(indicator=index, geo_code="2580:hertson")
    assert hertson.district.name == "Hertsön" and hertson.value == Decimal("1.85")
    by_housing = dict(
        Observation.objects.filter(
            indicator=index, breakdown_key__startswith="housing"
        ).values_list("breakdown_key", "value")
    )
    assert by_housing == {
        "housing=bostadsratt": Decimal("1.3"),
        "housing=hyresratt": Decimal("1.71"),
        "housing=villa": Decimal("1.12"),
    }
    assert Observation.objects.get(indicator=index, breakdown_key="sex=K").value == Decimal("1.52")
    share = Indicator.objects.get(code="tm-otrygg-ensam-ute-sent-pa-kvallen-andel")
    assert share.unit == Indicator.Unit.PERCENT
    answers = dict(
        Observation.objects.filter(indicator=share, breakdown__has_key="answer")
        .exclude(breakdown_key__contains="sex")
        .values_list("breakdown_key", "value")
    )
    assert sum(answers.values()) == Decimal(100)
    young_women = Observation.objects.get(
        indicator=share, breakdown_key="age=20-49;answer=Mycket otrygg;sex=K"
    )
    assert young_women.value == Decimal("9") and young_women.n == 410
    again = import_survey(FIXTURE.read_bytes(), FIXTURE.name)
    assert (again.created, again.unchanged) == (0, 17)


def test_survey_bad_rows(demo):
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()[:2]
    lines.append("2023;Hertsön;Totalindex;index;;;;;6,4;183")
    lines.append("2023;Atlantis;Totalindex;index;;;;;1,2;100")
    lines.append("2023;Centrum;Totalindex;medel;;;;;1,2;100")
    lines.append("2023;Centrum;Nedskräpning;andel;Stort problem;;;;112 %;100")
    run = import_survey("\n".join(lines).encode(), "fel.csv")
    problems = list(run.problems.values_list("row", "field", "message"))
    assert any(
        r == 3
        and "Värdet 6,4 ligger utanför det giltiga intervallet 0–6 för enheten Index 0–6" in m
        for r, _f, m in problems
    )
    assert (4, "geografi", "Okänt område ”Atlantis” i kommun 2580.") in problems
    assert any(r == 5 and f == "mått" and "Okänt mått ”medel”" in m for r, f, m in problems)
    assert any(r == 6 and "0–100" in m for r, _f, m in problems)
    assert (run.created, run.failed) == (1, 4)


def test_survey_missing_columns(db):
    run = import_survey("år;område;värde\n2023;Centrum;1,2\n".encode(), "x.csv")
    assert run.status == ImportRun.Status.FAILED
    assert "Kolumner saknas: fråga, mått" in run.message


def test_command_line(demo):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "import_indicators",
        "--source",
        "survey",
        str(FIXTURE),
        "--municipality",
        "2580",
        stdout=out,
    )
    assert "17 rader: 17 nya" in out.getvalue()
