"""The incident map: server aggregation into SWEREF 99 TM cells, points at street zoom."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone
from pyproj import Transformer
from pytest_django.asserts import assertContains, assertNotContains
from shapely.geometry import Point, shape

from samverkan.incidents import map as incident_map
from samverkan.incidents.models import Incident
from samverkan.incidents.services import incident_create

LULEA_BOX = "21.5,65.3,22.9,66.0"
CENTRUM_BOX = "22.14,65.578,22.17,65.59"


@pytest.fixture(autouse=True)
def _no_tiles(settings):
    settings.SAMVERKAN_MAP_TILES = ""


def bulk(n, *, place, category, organisation, **fields):
    when = timezone.now() - dt.timedelta(days=1)
    Incident.objects.bulk_create(
        Incident(
            category=category,
            occurred_from=when,
            occurred_to=when,
            municipality=place.municipality,
            district=place.district,
            place=place,
            lat=place.lat,
            lon=place.lon,
            description="[Syntetisk] Test.",
            organisation=organisation,
            **fields,
        )
        for _ in range(n)
    )


def data(client, bbox=LULEA_BOX, zoom=11, **params):
    response = client.get("/handelser/karta/data/", {"bbox": bbox, "zoom": zoom, **params})
    assert response.status_code == 200, response.content
    return response.json()


def total(payload) -> int:
    return sum(f["properties"]["count"] for f in payload["features"])


def test_cells_count_the_reports_and_contain_them(client, coordinator, klotter, stadsparken):
    hertso = stadsparken.__class__.objects.get(name="Hertsö centrum")
    bulk(7, place=stadsparken, category=klotter, organisation=coordinator.organisation)
    bulk(3, place=hertso, category=klotter, organisation=coordinator.organisation)
    client.force_login(coordinator)
    payload = data(client, zoom=11)
    assert payload["mode"] == "cells"
    assert payload["cell_size_m"] == 800
    counts = sorted(f["properties"]["count"] for f in payload["features"])
    assert counts == [3, 7]
    for feature in payload["features"]:
        polygon = shape(feature["geometry"])
        expected = stadsparken if feature["properties"]["count"] == 7 else hertso
        assert polygon.contains(Point(expected.lon, expected.lat))


def test_cells_are_squares_of_sweref_99_tm_aligned_to_the_size(
    client, coordinator, klotter, stadsparken
):
    bulk(1, place=stadsparken, category=klotter, organisation=coordinator.organisation)
    client.force_login(coordinator)
    payload = data(client, zoom=13)
    to_sweref = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    ring = np.array(payload["features"][0]["geometry"]["coordinates"][0])
    x, y = to_sweref.transform(ring[:, 0], ring[:, 1])
    assert payload["cell_size_m"] == 200
    assert max(x) - min(x) == pytest.approx(200, abs=0.1)
    assert max(y) - min(y) == pytest.approx(200, abs=0.1)
    # The cell is the one holding the place, computed independently.
    px, py = to_sweref.transform(stadsparken.lon, stadsparken.lat)
    assert min(x) == pytest.approx(np.floor(px / 200) * 200, abs=0.1)
    assert min(y) == pytest.approx(np.floor(py / 200) * 200, abs=0.1)


def test_cell_size_follows_the_zoom():
    assert incident_map.cell_size_m(5) == 2000
    assert incident_map.cell_size_m(10) == 1600
    assert incident_map.cell_size_m(12) == 400
    assert incident_map.cell_size_m(14) == 100


def test_count_cells_against_a_hand_computed_case():
    to_wgs = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    # Three points in cell (900, 7300) of 1 km and one in (901, 7300).
    xs = np.array([900_100.0, 900_900.0, 900_500.0, 901_200.0])
    ys = np.array([7_300_100.0, 7_300_900.0, 7_300_500.0, 7_300_300.0])
    lon, lat = to_wgs.transform(xs, ys)
    cell_x, cell_y, counts = incident_map.count_cells(np.array(lat), np.array(lon), 1000)
    assert sorted(zip(cell_x.tolist(), cell_y.tolist(), counts.tolist(), strict=True)) == [
        (900, 7300, 3),
        (901, 7300, 1),
    ]


def test_street_zoom_gives_points_with_links(client, coordinator, klotter, stadsparken):
    report = incident_create(
        by=coordinator,
        category=klotter,
        occurred_from=timezone.now() - dt.timedelta(hours=2),
        place=stadsparken,
    )
    client.force_login(coordinator)
    payload = data(client, bbox=CENTRUM_BOX, zoom=16)
    assert payload["mode"] == "points"
    [feature] = payload["features"]
    assert feature["properties"]["id"] == report.pk
    assert feature["properties"]["url"] == f"/handelser/{report.pk}/"
    assert feature["properties"]["category"] == "Klotter"
    assert feature["geometry"]["coordinates"] == [
        pytest.approx(stadsparken.lon),
        pytest.approx(stadsparken.lat),
    ]


def test_too_many_points_fall_back_to_cells(client, coordinator, klotter, stadsparken, monkeypatch):
    monkeypatch.setattr(incident_map, "POINT_CAP", 5)
    bulk(6, place=stadsparken, category=klotter, organisation=coordinator.organisation)
    client.force_login(coordinator)

    def second_pass(*args):
        raise AssertionError("the points already read are counted, not read again")

    monkeypatch.setattr(incident_map, "_db_cells", second_pass)
    payload = data(client, bbox=CENTRUM_BOX, zoom=17)
    assert payload["mode"] == "cells"
    assert payload["cell_size_m"] == 100
    assert total(payload) == 6


def test_outside_the_box_is_not_counted(client, coordinator, klotter, stadsparken):
    bulk(2, place=stadsparken, category=klotter, organisation=coordinator.organisation)
    client.force_login(coordinator)
    assert data(client, bbox="22.25,65.57,22.3,65.6", zoom=12)["features"] == []


def test_centre_only_and_pointless_reports_are_counted_not_drawn(
    client, coordinator, klotter, stadsparken
):
    bulk(4, place=stadsparken, category=klotter, organisation=coordinator.organisation)
    bulk(
        2,
        place=stadsparken,
        category=klotter,
        organisation=coordinator.organisation,
        position_is_centre=True,
        source="polisen",
    )
    Incident.objects.filter(pk=Incident.objects.order_by("pk").first().pk).update(
        lat=None, lon=None
    )
    client.force_login(coordinator)
    payload = data(client)
    assert total(payload) == 3
    assert payload["without_position"] == 3
    assert payload["without_position_message"] == (
        "3 rapporter utan exakt position visas inte på kartan."
    )


def test_the_same_filter_as_the_list(client, coordinator, klotter, stadsparken):
    brand = klotter.__class__.objects.get(slug="brand")
    bulk(4, place=stadsparken, category=klotter, organisation=coordinator.organisation)
    bulk(2, place=stadsparken, category=brand, organisation=coordinator.organisation)
    client.force_login(coordinator)
    assert total(data(client, kategori="skadegorelse")) == 4
    assert total(data(client, category="brand")) == 2
    assert total(data(client, status="granskad")) == 0
    bad = client.get(
        "/handelser/karta/data/", {"bbox": LULEA_BOX, "zoom": 11, "kalla": "fax", "fran": "x"}
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"source", "from"}


def test_a_restricted_police_report_is_not_even_a_count_for_the_kommun(
    client, coordinator, kommunpolis, klotter, stadsparken
):
    incident_create(
        by=kommunpolis,
        category=klotter,
        occurred_from=timezone.now() - dt.timedelta(hours=2),
        place=stadsparken,
        classification="begransad",
    )
    Incident.objects.create(
        category=klotter,
        occurred_from=timezone.now() - dt.timedelta(hours=2),
        occurred_to=timezone.now() - dt.timedelta(hours=2),
        municipality=stadsparken.municipality,
        organisation=kommunpolis.organisation,
        classification="begransad",
        position_is_centre=True,
        lat=65.58,
        lon=22.15,
    )
    client.force_login(coordinator)
    for zoom in (9, 12, 16):
        payload = data(client, zoom=zoom)
        assert payload["features"] == []
        assert payload["without_position"] == 0
    client.force_login(kommunpolis)
    payload = data(client, zoom=12)
    assert total(payload) == 1
    assert payload["without_position"] == 1


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"bbox": "1,2,3", "zoom": 11}, "bbox"),
        ({"bbox": "22,65,21,66", "zoom": 11}, "bbox"),
        ({"bbox": "a,b,c,d", "zoom": 11}, "bbox"),
        ({"bbox": LULEA_BOX, "zoom": "near"}, "zoom"),
        ({"zoom": 11}, "bbox"),
    ],
)
def test_a_bad_box_or_zoom_gets_a_swedish_400(client, coordinator, params, key):
    client.force_login(coordinator)
    response = client.get("/handelser/karta/data/", params)
    assert response.status_code == 400
    assert key in response.json()["errors"]
    assert (
        "ska" in response.json()["errors"][key][0]
        or "ingen ruta" in (response.json()["errors"][key][0])
    )


def test_the_map_page_without_tiles_has_the_districts_and_no_tile_url(
    client, coordinator, settings
):
    client.force_login(coordinator)
    response = client.get("/handelser/karta/?kategori=klotter")
    assertContains(response, "vendor/leaflet/leaflet.js")
    assertContains(response, "incidents/map.js")
    assertNotContains(response, "tile.openstreetmap.org")
    config = response.context["map_config"]
    assert config["tiles"] == ""
    assert config["query"] == "category=klotter"
    assert len(config["districts"]["features"]) == 12
    assert all(f["properties"]["approximate"] for f in config["districts"]["features"])
    settings.SAMVERKAN_MAP_TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
    assertContains(client.get("/handelser/karta/"), "tiles.example.org")


def test_the_map_needs_a_login(client):
    response = client.get("/handelser/karta/data/", {"bbox": LULEA_BOX, "zoom": 11})
    assert response.status_code == 302


def test_database_and_numpy_count_the_same_cells(client, coordinator, klotter, lulea, monkeypatch):
    # 400 random points over the town; both ways of counting must agree cell for cell.
    rng = np.random.default_rng(7)
    when = timezone.now() - dt.timedelta(days=2)
    Incident.objects.bulk_create(
        Incident(
            category=klotter,
            occurred_from=when,
            occurred_to=when,
            municipality=lulea,
            lat=float(lat),
            lon=float(lon),
            organisation=coordinator.organisation,
        )
        for lat, lon in zip(
            rng.uniform(65.55, 65.63, 400), rng.uniform(22.05, 22.3, 400), strict=True
        )
    )
    client.force_login(coordinator)

    def cells(zoom):
        payload = data(client, zoom=zoom)
        return sorted(
            (tuple(map(tuple, f["geometry"]["coordinates"][0])), f["properties"]["count"])
            for f in payload["features"]
        )

    for zoom in (10, 12, 14):
        monkeypatch.setattr(incident_map, "DATABASE_CELLS", True)
        in_database = cells(zoom)
        monkeypatch.setattr(incident_map, "DATABASE_CELLS", False)
        assert cells(zoom) == in_database
        assert sum(count for _cell, count in in_database) == 400


def test_a_view_of_all_sweden_still_counts_exactly(client, coordinator, klotter, stadsparken):
    bulk(3, place=stadsparken, category=klotter, organisation=coordinator.organisation)
    client.force_login(coordinator)
    payload = data(client, bbox="11,55,24,69", zoom=5)
    assert payload["cell_size_m"] == 2000
    [feature] = payload["features"]
    assert feature["properties"]["count"] == 3
    assert shape(feature["geometry"]).contains(Point(stadsparken.lon, stadsparken.lat))


def test_the_query_count_does_not_grow_with_the_data(client, coordinator, klotter, stadsparken):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)

    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            data(client, **params)
        return len(captured.captured_queries)

    bulk(3, place=stadsparken, category=klotter, organisation=coordinator.organisation)
    small = (queries(zoom=11), queries(bbox=CENTRUM_BOX, zoom=16))
    bulk(300, place=stadsparken, category=klotter, organisation=coordinator.organisation)
    assert (queries(zoom=11), queries(bbox=CENTRUM_BOX, zoom=16)) == small


@pytest.mark.parametrize("params", [{}, {"fran": "2020-01-01"}])
def test_a_read_of_most_of_the_table_scans_it_and_counts_the_same(
    client, coordinator, klotter, stadsparken, params
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samverkan.incidents.filters import parse_filter

    bulk(5, place=stadsparken, category=klotter, organisation=coordinator.organisation)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        payload = data(client, **params)
    assert total(payload) == 5
    hinted = [q["sql"] for q in queries.captured_queries if "NOT INDEXED" in q["sql"]]
    wide = not params
    assert parse_filter(params).reads_most() is wide
    # SQLite scans the table for a wide read (core.sql); PostgreSQL gets the SQL as it is.
    assert bool(hinted) is (wide and connection.vendor == "sqlite")
    scoped = Incident.objects.all()
    box = incident_map.parse_bbox(LULEA_BOX)
    assert incident_map.map_data(scoped, box, 11, scan=True) == incident_map.map_data(
        scoped, box, 11
    )
