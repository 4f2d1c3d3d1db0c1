"""Importing a CSV/XLSX file of incident reports into the database (file_import + load)."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from samverkan.imports.models import ImportRun
from samverkan.incidents.importers import load
from samverkan.incidents.importers import rows as incident_rows
from samverkan.incidents.importers.file_import import import_incident_file
from samverkan.incidents.models import Incident, SourceTypeMapping
from samverkan.organisations.models import Organisation
from tests.incidents.conftest import A_PERSONNUMMER, BODENS_RESECENTRUM, HERTSO_CENTRUM
from tests.incidents.test_tabular import gauss_kruger

MAPPING = {
    "occurred_from": "Datum",
    "category": "Kategori",
    "description": "Beskrivning",
    "lat": "Lat",
    "lon": "Lon",
}
HEADER = "Datum;Kategori;Beskrivning;Lat;Lon"
LAT, LON = (str(v).replace(".", ",") for v in HERTSO_CENTRUM)


def yesterday(hour: int = 21) -> str:
    day = timezone.localdate() - dt.timedelta(days=1)
    return f"{day:%Y-%m-%d} {hour:02d}:30"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def good_row(text: str = "Klotter på elskåpet", hour: int = 21) -> str:
    return f"{yesterday(hour)};Klotter;{text};{LAT};{LON}"


def run_import(data, by, mapping=MAPPING, **kwargs) -> ImportRun:
    return import_incident_file(
        data=data,
        filename="est.csv",
        organisation=by.organisation,
        user=by,
        mapping=mapping,
        **kwargs,
    )


def problems(run: ImportRun) -> list[tuple]:
    return list(run.problems.values_list("row", "field", "value", "message"))


@pytest.fixture
def lulebo(demo) -> Organisation:
    return Organisation.objects.get(slug="lulebo")


def test_a_csv_file_becomes_reports_of_the_organisation(coordinator):
    run = run_import(csv_bytes(good_row(), good_row("Sönderslagen ruta", 22)), coordinator)
    assert run.status == ImportRun.Status.OK
    assert (run.rows_total, run.created, run.failed) == (2, 2, 0)
    assert (run.kind, run.source, run.filename, run.user) == (
        "incidents",
        "file",
        "est.csv",
        coordinator,
    )
    assert run.details["encoding"] == "utf-8" and run.details["delimiter"] == ";"
    incidents = Incident.objects.filter(import_run=run).order_by("occurred_from")
    assert [i.description for i in incidents] == ["Klotter på elskåpet", "Sönderslagen ruta"]
    first = incidents[0]
    assert first.organisation == coordinator.organisation
    assert first.source == "file"
    assert first.external_id.startswith("kommunstaben:h-")
    assert first.district.name == "Hertsön"
    assert first.municipality.code == "2580"
    assert timezone.localtime(first.occurred_from).hour == 21


@pytest.mark.parametrize(
    ("encoding", "prefix"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")]
)
def test_every_encoding_keeps_the_swedish_letters(coordinator, encoding, prefix):
    data = prefix + csv_bytes(good_row("Nedskräpat vid ån, öl och glas"), encoding=encoding)
    run = run_import(data, coordinator)
    assert run.created == 1, problems(run)
    assert Incident.objects.get(import_run=run).description == "Nedskräpat vid ån, öl och glas"


def test_reimporting_the_same_file_changes_nothing(coordinator):
    data = csv_bytes(good_row(), good_row("Sönderslagen ruta", 22))
    first = run_import(data, coordinator)
    second = run_import(data, coordinator)
    assert (first.created, first.unchanged) == (2, 0)
    assert (second.created, second.updated, second.unchanged, second.failed) == (0, 0, 2, 0)
    assert Incident.objects.filter(source="file").count() == 2


def test_a_changed_row_with_an_id_column_is_updated(coordinator):
    mapping = MAPPING | {"external_id": "Id"}
    header = "Id;" + HEADER
    run_import(csv_bytes("17;" + good_row("Klotter"), header=header), coordinator, mapping)
    second = run_import(
        csv_bytes("17;" + good_row("Klotter, sanerat"), header=header), coordinator, mapping
    )
    assert (second.created, second.updated) == (0, 1)
    assert Incident.objects.get(external_id="kommunstaben:17").description == "Klotter, sanerat"


def test_two_organisations_may_use_the_same_ids(coordinator, reporter):
    mapping = MAPPING | {"external_id": "Id"}
    data = csv_bytes("1;" + good_row(), header="Id;" + HEADER)
    assert run_import(data, coordinator, mapping).created == 1
    assert run_import(data, reporter, mapping).created == 1
    assert set(Incident.objects.values_list("external_id", flat=True)) == {
        "kommunstaben:1",
        "lulebo:1",
    }


def test_bad_rows_are_kept_as_problems_and_the_good_rows_are_written(coordinator):
    boden_lat, boden_lon = (str(v) for v in BODENS_RESECENTRUM)
    future = timezone.localtime() + dt.timedelta(days=2)
    data = csv_bytes(
        good_row(),
        f"{yesterday()};Klotter;Ring mig, {A_PERSONNUMMER};{LAT};{LON}",
        f"{yesterday()};Snöbollskrig;Okänt;{LAT};{LON}",
        f"{yesterday()};Klotter;Boden;{boden_lat};{boden_lon}",
        f"{yesterday()};Klotter;Berlin;52,52;13,40",
        f"{future:%Y-%m-%d %H:%M};Klotter;Framtid;{LAT};{LON}",
        f"{yesterday()};Klotter;Omkastat;{LON};{LAT}",
    )
    run = run_import(data, coordinator)
    assert run.status == ImportRun.Status.WITH_PROBLEMS
    assert (run.rows_total, run.created, run.failed) == (7, 1, 6)
    found = {}
    for row, field, value, message in problems(run):
        found.setdefault(row, (field, value, message))
    assert found[3][0] == "Beskrivning" and "personnummer" in found[3][2].lower()
    # What the guard refused is not kept on the run either.
    assert found[3][1] == "Ring mig, […]"
    assert A_PERSONNUMMER not in found[3][2]
    assert found[4][:2] == ("Kategori", "Snöbollskrig")
    assert "kategorin Snöbollskrig finns inte" in found[4][2]
    assert found[5][0] == "Lat"
    assert found[5][2] == "Positionen ligger inte i någon kommun som din organisation samverkar i."
    assert found[6][2] == "lat 52,52, lon 13,40 ligger utanför Sverige."
    assert found[7][0] == "Datum" and found[7][2] == "Tiden ligger i framtiden."
    assert "verkar omkastade" in found[8][2]
    assert Incident.objects.count() == 1


def test_a_point_outside_the_municipality_of_the_named_place_is_refused(coordinator):
    boden_lat, boden_lon = (str(v) for v in BODENS_RESECENTRUM)
    mapping = MAPPING | {"place": "Plats"}
    data = csv_bytes(
        f"{yesterday()};Klotter;x;{boden_lat};{boden_lon};Stadsparken", header=HEADER + ";Plats"
    )
    run = run_import(data, coordinator, mapping)
    [(row, field, _value, message)] = problems(run)
    assert (row, field) == (2, "Lat")
    assert "ligger utanför kommungränsen för Luleå" in message


def test_a_place_or_district_by_name_and_a_category_through_a_type_mapping(coordinator, klotter):
    SourceTypeMapping.objects.create(source="file", source_type="Graffiti", category=klotter)
    mapping = {"occurred_from": "Datum", "category": "Typ", "place": "Plats", "district": "Område"}
    data = csv_bytes(
        f"{yesterday()};graffiti;stadsparken;",
        f"{yesterday(20)};GRAFFITI;;Hertsön",
        f"{yesterday(19)};Graffiti;Bodens resecentrum;",
        header="Datum;Typ;Plats;Område",
    )
    run = run_import(data, coordinator, mapping)
    assert run.created == 2, problems(run)
    by_place = Incident.objects.get(place__name="Stadsparken")
    assert (by_place.category, by_place.source_type) == (klotter, "graffiti")
    assert Incident.objects.get(place=None).district.name == "Hertsön"
    [(row, field, value, message)] = problems(run)
    assert (row, field, value) == (4, "Plats", "Bodens resecentrum")
    assert message == "platsen Bodens resecentrum finns inte i någon kommun du samverkar i"


def test_a_row_without_a_location_is_named_in_swedish_when_no_column_is_mapped(coordinator):
    run = run_import(
        csv_bytes(f"{yesterday()};Klotter;x", header="Datum;Kategori;Beskrivning"),
        coordinator,
        {"occurred_from": "Datum", "category": "Kategori", "description": "Beskrivning"},
    )
    assert problems(run) == [
        (2, "Plats", "", "Ange var det hände: en plats, ett område eller en position.")
    ]


def test_a_duplicate_external_id_in_one_file_is_a_problem(coordinator):
    mapping = MAPPING | {"external_id": "Id"}
    data = csv_bytes("5;" + good_row(), "5;" + good_row("annat"), header="Id;" + HEADER)
    run = run_import(data, coordinator, mapping)
    assert run.created == 1
    assert problems(run) == [
        (3, "Id", "5", "samma externa id som rad 2; varje rapport behöver ett eget id")
    ]


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(coordinator):
    data = csv_bytes(good_row(), f"{yesterday()};Snöbollskrig;x;{LAT};{LON}")
    run = run_import(data, coordinator, all_or_nothing=True)
    assert run.status == ImportRun.Status.FAILED
    assert run.created == 0 and run.failed == 1
    assert "Inget sparades" in run.message
    assert Incident.objects.count() == 0
    assert run_import(csv_bytes(good_row()), coordinator, all_or_nothing=True).created == 1


def test_all_or_nothing_keeps_the_problems_of_the_rows_it_could_not_read(coordinator):
    data = csv_bytes(good_row(), f"igår;Klotter;x;{LAT};{LON}", good_row("Annat"))
    run = run_import(data, coordinator, all_or_nothing=True)
    assert (run.status, run.rows_total, run.created, run.failed) == (
        ImportRun.Status.FAILED,
        3,
        0,
        1,
    )
    [(row, field, value, message)] = problems(run)
    assert (row, field, value) == (3, "Datum", "igår")
    assert message.startswith("kan inte läsas som datum")
    assert Incident.objects.count() == 0


def test_the_rows_stream_to_the_loader_a_batch_at_a_time(coordinator, monkeypatch):
    """The file is never held as row dicts all at once: when the loader takes its first batch,
    only that batch and the parse's current chunk have been read."""
    monkeypatch.setattr(incident_rows, "CHUNK", 3)
    read, seen_at_batches = [], []
    original = incident_rows.iter_rows

    def counting(*args, **kwargs):
        for row in original(*args, **kwargs):
            read.append(row["row"])
            yield row

    monkeypatch.setattr(incident_rows, "iter_rows", counting)
    batch = load._Loader.batch

    def spying(self, raws):
        seen_at_batches.append(len(read))
        return batch(self, raws)

    monkeypatch.setattr(load._Loader, "batch", spying)
    rows = [good_row(f"Klotter {n}") for n in range(20)]
    rows[7] = f"igår;Klotter;x;{LAT};{LON}"
    run = run_import(csv_bytes(*rows), coordinator, batch_size=4)
    assert (run.rows_total, run.created, run.failed) == (20, 19, 1)
    assert seen_at_batches[0] <= 6 < 20  # 4 for the batch, the rest of a chunk of 3
    assert seen_at_batches == sorted(seen_at_batches) and len(seen_at_batches) == 5
    [(row, field, _value, _message)] = problems(run)
    assert (row, field) == (9, "Datum")


def test_the_stored_run_shows_the_counts_so_far_after_each_batch(coordinator, monkeypatch):
    stored_at_batches = []
    batch = load._Loader.batch

    def spying(self, raws):
        stored_at_batches.append(ImportRun.objects.get(pk=self.run.pk).rows_total)
        return batch(self, raws)

    monkeypatch.setattr(load._Loader, "batch", spying)
    rows = [good_row(f"Klotter {n}") for n in range(10)]
    run = run_import(csv_bytes(*rows), coordinator, batch_size=4)
    assert stored_at_batches == [0, 4, 8]
    assert (run.rows_total, run.created) == (10, 10)


@pytest.mark.parametrize(
    ("data", "mapping", "message"),
    [
        (b"", MAPPING, "Filen är tom."),
        (b"\x00\x01\x02binary", MAPPING, "varken en CSV-fil"),
        (HEADER.encode() + b"\n", MAPPING, "inga rader med data"),
        (csv_bytes("x;y;z;1;2"), MAPPING | {"place": "Plats"}, "Kolumnen Plats (för Plats)"),
        (csv_bytes("x;y;z;1;2"), {"occurred_from": "Datum"}, "saknar Kategori"),
    ],
)
def test_a_wrong_file_is_a_failed_run_with_one_message_and_nothing_written(
    coordinator, data, mapping, message
):
    run = run_import(data, coordinator, mapping)
    assert run.status == ImportRun.Status.FAILED
    assert message in run.message
    assert run.finished_at is not None
    assert run.problems.count() == 0
    assert Incident.objects.count() == 0


def test_an_xlsx_file_with_excel_dates_and_sweref_coordinates(coordinator):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Datum", "Kategori", "N", "E", "Kostnad"])
    when = timezone.localtime().replace(tzinfo=None, microsecond=0, second=0) - dt.timedelta(days=1)
    sheet.append([when, "Klotter", *gauss_kruger(*HERTSO_CENTRUM), 4500.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    mapping = {"occurred_from": "Datum", "category": "Kategori", "lat": "N", "lon": "E",
               "cost_sek": "Kostnad"}  # fmt: skip
    run = run_import(buffer.getvalue(), coordinator, mapping, options={"crs": "sweref99tm"})
    assert run.created == 1, problems(run)
    incident = Incident.objects.get()
    assert timezone.localtime(incident.occurred_from).replace(tzinfo=None) == when
    assert incident.lat == pytest.approx(HERTSO_CENTRUM[0], abs=1e-6)
    assert incident.lon == pytest.approx(HERTSO_CENTRUM[1], abs=1e-6)
    assert incident.district.name == "Hertsön"
    assert str(incident.cost_sek) == "4500.50"
    assert run.details["format"] == "xlsx"
