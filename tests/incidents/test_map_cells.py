"""The stored 100 m map cells (Incident.cell_x, cell_y): set by every write through Python,
emptied by migration 0014's trigger when a write that bypasses Python moves a point, and
counted by the map exactly as the NumPy way counts the points (`map.count_cells`)."""

import datetime as dt
import importlib

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone
from pyproj import Transformer

from samverkan.analysis.geo import SWEDEN_BBOX, sweref_cells
from samverkan.imports.models import ImportRun
from samverkan.incidents import map as incident_map
from samverkan.incidents.importers.load import load_incidents
from samverkan.incidents.models import Incident, fill_cells, point_cells
from samverkan.incidents.services import incident_create, incident_update

from .conftest import HERTSO_CENTRUM

MIGRATION = importlib.import_module("samverkan.incidents.migrations.0014_map_cells")
TO_SWEREF = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)


def expected_cell(lat: float, lon: float) -> tuple[int, int]:
    x, y = TO_SWEREF.transform(lon, lat)
    return int(np.floor(x / 100)), int(np.floor(y / 100))


def stored(incident: Incident) -> tuple[int | None, int | None]:
    return tuple(Incident.objects.filter(pk=incident.pk).values_list("cell_x", "cell_y").get())


def report(lat, lon, *, organisation, category, municipality, **fields) -> Incident:
    when = timezone.now() - dt.timedelta(days=1)
    return Incident(
        category=category,
        occurred_from=when,
        occurred_to=when,
        municipality=municipality,
        lat=lat,
        lon=lon,
        organisation=organisation,
        **fields,
    )


@pytest.fixture
def make(coordinator, klotter, lulea):
    def make(lat=HERTSO_CENTRUM[0], lon=HERTSO_CENTRUM[1], **fields):
        incident = report(
            lat,
            lon,
            organisation=coordinator.organisation,
            category=klotter,
            municipality=lulea,
            **fields,
        )
        incident.save()
        return incident

    return make


def test_a_cell_is_the_floor_of_sweref_99_tm_over_100_m():
    lat = np.array([65.5842, 55.4, 69.0, 59.3293])
    lon = np.array([22.2641, 13.0, 20.5, 18.0686])
    ix, iy, ok = sweref_cells(lon, lat)
    assert ok.all()
    assert list(zip(ix.tolist(), iy.tolist(), strict=True)) == [
        expected_cell(a, b) for a, b in zip(lat, lon, strict=True)
    ]


def test_no_cell_without_a_point_for_a_centre_or_outside_sweden():
    assert point_cells(
        [65.5842, None, 65.5842, 48.85, 65.5842],
        [22.2641, None, 22.2641, 2.35, float("nan")],
        [False, False, True, False, False],
    ) == [expected_cell(*HERTSO_CENTRUM), (None, None), (None, None), (None, None), (None, None)]


def test_the_cells_fit_the_maps_one_integer_key_all_over_sweden():
    # map.CELL_KEY packs a cell into one integer: y below the key, the packed value within
    # PostgreSQL's integer, x and y positive (integer division is then the floor).
    min_lon, min_lat, max_lon, max_lat = SWEDEN_BBOX
    lon, lat = np.meshgrid(np.linspace(min_lon, max_lon, 50), np.linspace(min_lat, max_lat, 50))
    ix, iy, ok = sweref_cells(lon.ravel(), lat.ravel())
    assert ok.all()
    assert ix.min() > 0 and iy.min() > 0
    assert iy.max() < incident_map.CELL_KEY
    assert ix.max() * incident_map.CELL_KEY + iy.max() < 2**31


def test_save_stores_the_cell_and_follows_the_point(make, coordinator):
    incident = make()
    assert stored(incident) == expected_cell(*HERTSO_CENTRUM)
    incident_update(incident=incident, by=coordinator, lat=65.61, lon=22.13)
    assert stored(incident) == expected_cell(65.61, 22.13)
    incident.lat = 65.59
    incident.save(update_fields=["lat"])
    assert stored(incident) == expected_cell(65.59, 22.13)
    incident.position_is_centre = True
    incident.save()
    assert stored(incident) == (None, None)
    assert stored(make(lat=None, lon=None)) == (None, None)


def test_a_report_filed_through_the_form_gets_its_cell(coordinator, klotter, an_hour_ago):
    incident = incident_create(
        by=coordinator,
        category=klotter,
        occurred_from=an_hour_ago,
        lat=HERTSO_CENTRUM[0],
        lon=HERTSO_CENTRUM[1],
        description="Klotter på en vägg.",
    )
    assert stored(incident) == expected_cell(*HERTSO_CENTRUM)


def test_bulk_create_and_bulk_update_store_the_cells(coordinator, klotter, lulea):
    [a, b] = Incident.objects.bulk_create(
        report(
            lat,
            lon,
            organisation=coordinator.organisation,
            category=klotter,
            municipality=lulea,
        )
        for lat, lon in [HERTSO_CENTRUM, (65.60, 22.10)]
    )
    assert stored(a) == expected_cell(*HERTSO_CENTRUM)
    assert stored(b) == expected_cell(65.60, 22.10)
    a.lat, b.position_is_centre = 65.62, True
    Incident.objects.bulk_update([a, b], ["lat", "position_is_centre"])
    assert stored(a) == expected_cell(65.62, HERTSO_CENTRUM[1])
    assert stored(b) == (None, None)


def test_an_update_that_bypasses_python_empties_the_cells(make):
    moved, centred, described, same = make(), make(), make(), make()
    Incident.objects.filter(pk=moved.pk).update(lat=65.61)
    Incident.objects.filter(pk=centred.pk).update(position_is_centre=True)
    Incident.objects.filter(pk=described.pk).update(description="Ny text.")
    Incident.objects.filter(pk=same.pk).update(lat=same.lat, lon=same.lon)
    assert stored(moved) == (None, None)
    assert stored(centred) == (None, None)
    assert stored(described) == expected_cell(*HERTSO_CENTRUM)
    assert stored(same) == expected_cell(*HERTSO_CENTRUM)
    # A write that gives the cells with the point is kept.
    Incident.objects.filter(pk=same.pk).update(lat=65.61, cell_x=1, cell_y=2)
    assert stored(same) == (1, 2)


def test_the_map_counts_a_report_whose_cells_were_emptied(client, coordinator, make):
    for _ in range(3):
        make()
    moved = make()
    Incident.objects.filter(pk=moved.pk).update(lat=65.61, lon=22.13)
    assert stored(moved) == (None, None)
    client.force_login(coordinator)
    payload = client.get(
        "/handelser/karta/data/", {"bbox": "22.05,65.55,22.32,65.64", "zoom": 14}
    ).json()
    counts = {
        tuple(np.round(f["geometry"]["coordinates"][0][0], 6)): f["properties"]["count"]
        for f in payload["features"]
    }
    assert sorted(counts.values()) == [1, 3]
    assert payload["shown"] == 4


def test_the_loader_stores_the_cells_on_insert_and_update(lulea, an_hour_ago):
    from samverkan.organisations.models import Organisation

    organisation = Organisation.objects.get(slug="lulea-kommun")

    def load(lat, lon, **fields):
        run = ImportRun.objects.create(kind="incidents", source="csv", organisation=organisation)
        row = {
            "row": 1,
            "external_id": "x-1",
            "category": "klotter",
            "occurred_from": an_hour_ago,
            "lat": lat,
            "lon": lon,
            "description": "Klotter på en vägg.",
            **fields,
        }
        run = load_incidents([row], run=run, source="file", organisation=organisation)
        assert run.failed == 0, list(run.problems.values_list("message", flat=True))
        return Incident.objects.get(external_id="x-1")

    incident = load(*HERTSO_CENTRUM)
    assert stored(incident) == expected_cell(*HERTSO_CENTRUM)
    load(65.60, 22.10)
    assert stored(incident) == expected_cell(65.60, 22.10)
    load(65.61, 22.12, position_is_centre=True, municipality=lulea)
    assert stored(incident) == (None, None)
    # A row that does not say keeps the stored centre, and so no cell.
    load(65.62, 22.13)
    assert stored(incident) == (None, None)
    assert Incident.objects.get(pk=incident.pk).position_is_centre


def test_the_migration_fills_the_cells_of_the_stored_reports(make):
    reports = [make(lat=65.55 + i * 0.01, lon=22.05 + i * 0.02) for i in range(7)]
    centre, nowhere = make(position_is_centre=True), make(lat=None, lon=None)
    Incident.objects.update(cell_x=None, cell_y=None)
    assert MIGRATION.fill_cells(connection, chunk=3) == 7
    for incident in reports:
        assert stored(incident) == expected_cell(incident.lat, incident.lon)
    assert stored(centre) == stored(nowhere) == (None, None)


def test_fill_cells_sets_the_cells_of_unsaved_objects(coordinator, klotter, lulea):
    incident = report(
        *HERTSO_CENTRUM, organisation=coordinator.organisation, category=klotter, municipality=lulea
    )
    fill_cells([incident])
    assert (incident.cell_x, incident.cell_y) == expected_cell(*HERTSO_CENTRUM)


BOXES = [
    ("22.05,65.55,22.25,65.63", (10, 12, 13, 14)),
    ("21.5,65.3,22.9,66.0", (5, 8, 11)),
    ("22.14,65.578,22.17,65.59", (14,)),
    ("11,55,24,69", (3, 5)),
    ("-30,30,40,75", (2,)),
]


def test_the_map_counts_as_numpy_does_on_varied_boxes_and_zooms(
    coordinator, klotter, lulea, monkeypatch
):
    # Points over the town and the municipality, some only the centre, some without cells
    # (emptied by an update that bypassed Python), some outside Sweden.
    rng = np.random.default_rng(11)
    lat = np.concatenate([rng.uniform(65.55, 65.63, 600), rng.uniform(65.3, 66.0, 200)])
    lon = np.concatenate([rng.uniform(22.05, 22.3, 600), rng.uniform(21.5, 22.9, 200)])
    centre = rng.random(800) < 0.05
    made = Incident.objects.bulk_create(
        report(
            float(a),
            float(b),
            organisation=coordinator.organisation,
            category=klotter,
            municipality=lulea,
            position_is_centre=bool(c),
        )
        for a, b, c in zip(lat, lon, centre, strict=True)
    )
    Incident.objects.bulk_create(
        report(
            a,
            b,
            organisation=coordinator.organisation,
            category=klotter,
            municipality=lulea,
        )
        for a, b in [(60.0, 25.5), (59.9, 10.7)]  # Helsingfors' sea, Oslo
    )
    stale = [i.pk for i in made[::17]]
    Incident.objects.filter(pk__in=stale).update(lat=Incident.objects.get(pk=stale[0]).lat + 1e-4)
    assert Incident.objects.filter(cell_x__isnull=True, position_is_centre=False).count() >= 40
    scoped = Incident.objects.all()
    for bbox, zooms in BOXES:
        box = incident_map.parse_bbox(bbox)
        for zoom in zooms:
            monkeypatch.setattr(incident_map, "DATABASE_CELLS", True)
            in_database = incident_map.map_data(scoped, box, zoom)
            monkeypatch.setattr(incident_map, "DATABASE_CELLS", False)
            assert incident_map.map_data(scoped, box, zoom) == in_database, (bbox, zoom)
            assert in_database["mode"] == "cells"
    world = incident_map.map_data(scoped, incident_map.parse_bbox(BOXES[-1][0]), 2)
    assert world["shown"] == int((~centre).sum()) + 2
    assert world["without_position"] == int(centre.sum())


def test_a_cell_size_not_a_multiple_of_100_m_is_refused(coordinator):
    with pytest.raises(ValueError, match="no multiple of 100 m"):
        incident_map._db_cells(
            Incident.objects.all(), incident_map.parse_bbox("22.05,65.55,22.25,65.63"), 150.0
        )
