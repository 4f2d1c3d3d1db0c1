"""Loading Polisen events: import_polisen and `samverkan import-polisen`."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from shapely import Point

from samverkan.imports.models import ImportRun
from samverkan.incidents.importers.polisen import PolisenPayloadError
from samverkan.incidents.importers.polisen_load import import_polisen, polisen_names
from samverkan.incidents.models import Category, Incident, SourceTypeMapping
from samverkan.organisations.models import Organisation
from samverkan.places.models import Municipality

FIXTURE = Path(__file__).parent.parent / "fixtures" / "polisen" / "events-sample.json"


@pytest.fixture
def police(demo) -> Organisation:
    return Organisation.objects.get(slug="lpo-lulea-boden")


@pytest.fixture
def sample() -> bytes:
    return FIXTURE.read_bytes()


def test_polisen_names_of_a_municipality(demo):
    assert polisen_names(Municipality.objects.get(code="2580")) == ["Luleå"]
    assert "Boden" in polisen_names(Municipality.objects.get(code="2582"))


def test_the_sample_is_loaded_with_every_real_data_fact(police, sample):
    run = import_polisen(sample, organisation=police, filename="events-sample.json")
    # 13 events: 8 stored, Kiruna and the county summary skipped, 2 broken, one id twice.
    assert run.source == "polisen" and run.organisation == police
    assert (run.rows_total, run.created, run.skipped, run.failed) == (13, 8, 2, 2)
    assert run.unchanged == 1  # the earlier notice of id 601008, superseded in the file
    assert run.status == ImportRun.Status.WITH_PROBLEMS
    stored = {i.external_id: i for i in Incident.objects.filter(source="polisen")}
    assert set(stored) == {
        "601001",
        "601002",
        "601003",
        "601005",
        "601006",
        "601007",
        "601008",
        "601013",
    }  # not 601004 (Kiruna), 601012 (only the county), 601010 and 601011 (broken)

    lulea = Municipality.objects.get(code="2580")
    first = stored["601001"]
    assert first.category.slug == "skadegorelse" and first.source_type == "Skadegörelse"
    assert first.municipality == lulea and first.district is None
    assert first.position_is_centre and not first.is_summary
    assert first.classification == "oppen" and first.organisation == police
    assert first.source_url.startswith("https://polisen.se/aktuellt/handelser/")
    assert first.description == "Klotter på busskur vid Smedjegatan."

    # County only: the municipality from the name, the point its own centre, not the county's.
    county = stored["601002"]
    assert county.municipality == lulea
    assert lulea.geometry().covers(Point(county.lon, county.lat))
    assert (county.lat, county.lon) != (66.830899, 20.399244)

    assert stored["601003"].municipality.code == "2582"  # Boden
    assert stored["601005"].is_summary and stored["601013"].is_summary
    assert stored["601006"].source_type == "Brand"  # trailing spaces stripped
    assert stored["601006"].category.slug == "brand"
    assert stored["601007"].occurred_from.hour == 7  # 9:48 +02:00 = 07:48 UTC
    assert stored["601008"].category.slug == "stold"  # mapped by migration 0011
    assert stored["601008"].source_type == "Stöld"

    problems = list(run.problems.order_by("row"))
    assert [p.row for p in problems] == [10, 11]
    assert "601010" in problems[0].message and "25:70" in problems[0].message
    assert "gps" in problems[1].message


def test_importing_again_changes_nothing_and_an_updated_notice_updates(police, sample):
    import_polisen(sample, organisation=police)
    before = list(Incident.objects.order_by("pk").values())
    again = import_polisen(sample, organisation=police)
    assert (again.created, again.updated) == (0, 0)
    assert list(Incident.objects.order_by("pk").values()) == before

    events = json.loads(sample)
    events[0]["summary"] = "Klotter på busskur vid Smedjegatan; sanerat."
    run = import_polisen(json.dumps(events), organisation=police)
    assert (run.created, run.updated) == (0, 1)
    assert Incident.objects.get(external_id="601001").description.endswith("sanerat.")


def test_a_mapping_is_used_and_the_type_kept(police, sample):
    SourceTypeMapping.objects.update_or_create(
        source="polisen",
        source_type="Stöld",
        defaults={"category": Category.objects.get(slug="inbrott")},
    )
    import_polisen(sample, organisation=police)
    assert Incident.objects.get(external_id="601008").category.slug == "inbrott"


def test_privacy_guard_applies_to_polisen_text(police):
    event = {
        "id": 700001,
        "datetime": "2026-08-22 09:48:12 +02:00",
        "name": "22 augusti 09.48, Trafikolycka, Luleå",
        "summary": "Bil med registreringsnummer ABC 123 körde av vägen.",
        "url": "/x/",
        "type": "Trafikolycka",
        "location": {"name": "Luleå", "gps": "65.584819,22.156703"},
    }
    run = import_polisen(json.dumps([event]), organisation=police)
    assert run.failed == 1 and not Incident.objects.exists()
    problem = run.problems.get()
    assert problem.row == 1 and problem.field == "description"
    assert "700001" in problem.message and "registreringsnummer" in problem.message
    # The run names the event and the kind of finding, never the number itself.
    assert "ABC 123" not in problem.message + problem.value


def test_a_payload_that_is_not_a_list_writes_nothing(police):
    with pytest.raises(PolisenPayloadError):
        import_polisen(b'{"error": "x"}', organisation=police)
    assert not ImportRun.objects.exists() and not Incident.objects.exists()


def test_the_command_prints_the_counts(police, tmp_path):
    out = StringIO()
    call_command("import_polisen", str(FIXTURE), stdout=out)
    text = out.getvalue()
    assert "13 händelser: 8 nya" in text and "2 från andra kommuner överhoppade" in text
    assert "2 med fel" in text and "rad 10:" in text
    assert Incident.objects.filter(source="polisen").count() == 8


def test_the_command_fails_on_an_unreadable_file_and_writes_nothing(police, tmp_path):
    bad = tmp_path / "trasig.json"
    bad.write_bytes(b'[{"id": 1,')
    with pytest.raises(CommandError, match="inte giltig JSON"):
        call_command("import_polisen", str(bad))
    with pytest.raises(CommandError, match="Kan inte läsa"):
        call_command("import_polisen", str(tmp_path / "saknas.json"))
    with pytest.raises(CommandError, match="finns inte"):
        call_command("import_polisen", str(FIXTURE), organisation="ingen-sadan")
    assert not ImportRun.objects.exists() and not Incident.objects.exists()


def test_the_cycle_collector_is_off_during_a_run_and_back_after(police, sample, monkeypatch):
    import gc

    from samverkan.incidents.importers.writer import Writer

    seen = []
    insert = Writer.insert

    def insert_and_look(self, rows, now):
        seen.append(gc.isenabled())
        insert(self, rows, now)
        raise RuntimeError("avbruten")

    monkeypatch.setattr(Writer, "insert", insert_and_look)
    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="avbruten"):
        import_polisen(sample, organisation=police)
    assert seen == [False] and gc.isenabled()
    gc.disable()  # a caller that had it off keeps it off
    try:
        with pytest.raises(RuntimeError, match="avbruten"):
            import_polisen(sample, organisation=police)
        assert not gc.isenabled()
    finally:
        gc.enable()
