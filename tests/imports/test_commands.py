"""`samverkan import-incidents FILE --organisation SLUG …`."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from samverkan.imports.models import ColumnMapping, ImportRun
from samverkan.incidents.models import Incident
from tests.imports.conftest import est_csv

COLUMNS = "occurred_from=Datum,category=Typ,description=Beskrivning,lat=Lat,lon=Lon"


def run_command(*args, **options) -> str:
    out = StringIO()
    call_command("import_incidents", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def est_file(tmp_path):
    path = tmp_path / "est.csv"
    path.write_bytes(est_csv("Klotter på elskåpet", "Ring 070-123 45 67", "Krossad ruta"))
    return path


def test_it_imports_with_columns_and_prints_counts_and_problems(coordinator, est_file):
    out = run_command(
        str(est_file), organisation="kommunstaben", columns=COLUMNS, user="samordnare"
    )
    run = ImportRun.objects.get()
    assert f"Importkörning {run.pk} (Klar med problem): 3 rader, 2 nya" in out
    assert "1 felaktiga" in out
    assert "rad 3, Beskrivning = Ring […]" in out
    assert "070-123" not in out
    assert Incident.objects.filter(reporter=coordinator, source="file").count() == 2


def test_running_it_again_changes_nothing(demo, est_file):
    run_command(str(est_file), organisation="kommunstaben", columns=COLUMNS)
    out = run_command(str(est_file), organisation="kommunstaben", columns=COLUMNS)
    assert "0 nya, 0 ändrade, 2 oförändrade" in out
    assert Incident.objects.filter(source="file").count() == 2


def test_without_a_mapping_it_guesses_from_the_headers(demo, est_file):
    out = run_command(str(est_file), organisation="kommunstaben")
    assert "occurred_from=Datum, category=Typ, description=Beskrivning, lat=Lat, lon=Lon" in out
    assert ImportRun.objects.get().created == 2


def test_a_saved_mapping_by_name(coordinator, tmp_path):
    ColumnMapping.objects.create(
        kind="incidents",
        name="Felanmälan",
        organisation=coordinator.organisation,
        mapping={"occurred_from": "När", "category": "Vad", "lat": "N", "lon": "E"},
        options={"crs": "wgs84"},
    )
    path = tmp_path / "f.csv"
    path.write_bytes(est_csv("x", header="När;Vad;Text;N;E"))
    run_command(str(path), organisation="kommunstaben", mapping="Felanmälan")
    assert ImportRun.objects.get().created == 1
    with pytest.raises(CommandError, match="ingen sparad kolumnmappning Saknas .*Felanmälan"):
        run_command(str(path), organisation="kommunstaben", mapping="Saknas")


def test_all_or_nothing_fails_the_command_and_writes_nothing(demo, est_file):
    with pytest.raises(CommandError, match="Inget sparades: 1 rader hade fel"):
        run_command(
            str(est_file), organisation="kommunstaben", columns=COLUMNS, all_or_nothing=True
        )
    assert Incident.objects.filter(source="file").count() == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"organisation": "finns-inte"}, "ingen organisation med kortnamnet finns-inte"),
        ({"organisation": "kommunstaben", "user": "boden"}, "hör inte till Kommunstaben"),
        ({"organisation": "kommunstaben", "columns": "Datum"}, "saknar ="),
        ({"organisation": "kommunstaben", "columns": "occurred_from=Datum"}, "saknar Kategori"),
    ],
)
def test_wrong_arguments_are_clear_errors(demo, est_file, options, message):
    with pytest.raises(CommandError, match=message):
        run_command(str(est_file), **options)
    assert Incident.objects.filter(source="file").count() == 0


def test_a_missing_file_is_a_clear_error(demo, tmp_path):
    with pytest.raises(CommandError, match="Kan inte läsa"):
        run_command(str(tmp_path / "saknas.csv"), organisation="kommunstaben", columns=COLUMNS)


FIXTURE = Path(__file__).parent.parent / "fixtures" / "imports" / "est-lulebo-constructed.csv"


def test_the_constructed_partner_file_from_the_docs(reporter):
    out = run_command(str(FIXTURE), organisation="lulebo", user="rapportor", crs="sweref99tm")
    assert "external_id=Id" in out and "creates_insecurity=Otrygghet" in out
    run = ImportRun.objects.get()
    assert (run.rows_total, run.created, run.failed) == (7, 4, 3)
    assert run.details["encoding"] == "cp1252"
    reports = {i.external_id: i for i in Incident.objects.filter(import_run=run)}
    first = reports["lulebo:L-1001"]
    assert first.district.name == "Hertsön"
    assert (first.severity, first.creates_insecurity, str(first.cost_sek)) == (1, False, "1250.00")
    assert timezone.localtime(first.occurred_from).strftime("%Y-%m-%d %H:%M") == "2026-08-22 21:30"
    assert reports["lulebo:L-1002"].place.name == "Stadsparken"
    whole_day = reports["lulebo:L-1003"]
    assert (whole_day.time_precision, whole_day.district.name) == ("dag", "Hertsön")
    assert reports["lulebo:L-1004"].severity == 3
    rows = {p.row: (p.field, p.message) for p in run.problems.all()}
    assert rows[6][0] == "Kategori"
    assert rows[7][0] == "Beskrivning" and "070-123" not in rows[7][1]
    assert rows[8][0] == "N" and "verkar omkastade" in rows[8][1]
