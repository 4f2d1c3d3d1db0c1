"""Brå's table of reported crimes per municipality (constructed fixtures, see README there)."""

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from samverkan.imports.models import ImportRun
from samverkan.indicators.importers.bra import import_bra, parse_bra_grid
from samverkan.indicators.importers.tabular import read_grid
from samverkan.indicators.models import Indicator, Observation

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bra"
XLSX = FIXTURES / "anmalda-brott-kommuner-2022.xlsx"
CSV = FIXTURES / "anmalda-brott-kommuner-2022.csv"

sys.path.insert(0, str(FIXTURES))
import make_fixtures  # noqa: E402


def test_merged_header_cells_name_every_column():
    grid = read_grid(XLSX.read_bytes(), XLSX.name)
    # the merged header cell is filled over both of its columns
    assert grid[2][4:6] == ["Misshandel inkl. grov", "Misshandel inkl. grov"]
    records, problems = parse_bra_grid(grid)
    assert not problems
    lulea = {(r["category"], r["measure"]): r["value"] for r in records if r["code"] == "2580"}
    assert lulea == {
        ("Samtliga brott", "antal"): "8 123",
        ("Samtliga brott", "per_100k"): "10 572",
        ("Misshandel inkl. grov", "antal"): "412",
        ("Misshandel inkl. grov", "per_100k"): "536",
        ("Skadegörelsebrott", "antal"): "1 204",
        ("Skadegörelsebrott", "per_100k"): "1 567",
        ("Samtliga brott", "forandring"): "10,6 %",
    }
    assert {r["year"] for r in records} == {2022}  # from the title row
    assert {r["name"] for r in records} == {"Luleå", "Boden", "Piteå", "Norrbottens län", "Riket"}


@pytest.mark.parametrize("path", [XLSX, CSV])
def test_import_excel_and_csv(db, path):
    run = import_bra(path.read_bytes(), path.name)
    # 5 rows × 7 columns = 35 values: Boden's misshandel ".." (2) and Piteå's skadegörelse
    # "x" (2) are skipped with their reason.
    assert (run.rows_total, run.created, run.skipped, run.failed) == (35, 31, 4, 0), run.message
    assert run.status == ImportRun.Status.WITH_PROBLEMS
    rate = Observation.objects.get(indicator__code="bra-samtliga-brott-per_100k", geo_code="2580")
    assert rate.value == Decimal("10572") and rate.period_label == "2022"
    assert rate.indicator.unit == Indicator.Unit.PER_100K
    change = Observation.objects.get(
        indicator__code="bra-samtliga-brott-forandring", geo_code="2580"
    )
    assert change.value == Decimal("10.6")
    assert Observation.objects.get(
        indicator__code="bra-samtliga-brott-forandring", geo_code="2582"
    ).value == Decimal("-3.2")
    country = Observation.objects.get(indicator__code="bra-samtliga-brott-antal", geo_level="land")
    assert country.value == Decimal("1420000") and country.geo_code == "SE"
    assert Observation.objects.filter(geo_level="lan", geo_code="25").count() == 7
    messages = list(run.problems.values_list("row", "message"))
    assert (
        6,
        "Värdet saknas (”..”) för Anmälda brott: Misshandel inkl. grov, antal, 2582; "
        "raden hoppades över.",
    ) in messages
    assert any(row == 7 and "sekretessmarkerat (”x”)" in m for row, m in messages)


def test_second_import_unchanged(db):
    import_bra(XLSX.read_bytes(), XLSX.name)
    again = import_bra(XLSX.read_bytes(), XLSX.name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 31)


def write(rows, tmp_path, kind="xlsx"):
    path = tmp_path / f"brå.{kind}"
    (make_fixtures.write_xlsx if kind == "xlsx" else make_fixtures.write_csv)(path, rows)
    return path


def test_unknown_municipality_code_and_out_of_range_value(db, tmp_path):
    rows = [list(r) for r in make_fixtures.ROWS]
    rows[0][1] = "2599"  # no such municipality
    rows[1][2] = "-12"  # a negative count
    path = write(rows, tmp_path)
    run = import_bra(path.read_bytes(), path.name)
    problems = [(p.row, p.field, p.message) for p in run.problems.all()]
    assert (5, "geografi", "Okänd kommunkod ”2599”.") in problems
    assert any(
        row == 6
        and field == "värde"
        and "Värdet -12 ligger utanför det giltiga intervallet 0–… för enheten Antal" in message
        for row, field, message in problems
    )
    assert run.failed == 7 + 1
    assert not Observation.objects.filter(geo_code="2599").exists()
    assert not Observation.objects.filter(
        indicator__code="bra-samtliga-brott-antal", geo_code="2582"
    ).exists()
    # the rest of Boden's row is there
    assert Observation.objects.filter(geo_code="2582").count() == 4


def test_layout_errors_fail_the_run_with_a_message(db, tmp_path):
    path = tmp_path / "fel.csv"
    path.write_text("Något helt annat;x\n1;2\n", encoding="utf-8")
    run = import_bra(path.read_bytes(), path.name)
    assert run.status == ImportRun.Status.FAILED
    assert "Hittar ingen rubrikrad med ”Kommun”" in run.message
    run = import_bra(b"PK\x03\x04 broken", "trasig.xlsx")
    assert run.status == ImportRun.Status.FAILED and "Excelfilen går inte att läsa" in run.message
    run = import_bra(b"x", "tabell.pdf")
    assert "varken .xlsx eller .csv" in run.message
    assert not Observation.objects.exists()


def test_year_from_argument_when_the_title_has_none(db):
    grid = read_grid(CSV.read_bytes(), CSV.name)
    grid[0] = ["Anmälda brott i kommunerna"]
    with pytest.raises(ValueError, match="Året framgår varken"):
        parse_bra_grid(grid)
    records, _ = parse_bra_grid(grid, default_year=2021)
    assert {r["year"] for r in records} == {2021}


def test_command_line(db):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("import_indicators", "--source", "bra", str(XLSX), stdout=out)
    assert "35 rader: 31 nya" in out.getvalue()
    assert "rad 6 [värde]: Värdet saknas" in out.getvalue()
    with pytest.raises(CommandError, match="Ange filen"):
        call_command("import_indicators", "--source", "bra")
    with pytest.raises(CommandError, match="varken .xlsx eller .csv"):
        call_command(
            "import_indicators", "--source", "bra", str(FIXTURES / "README.md"), "--years", "2022"
        )
