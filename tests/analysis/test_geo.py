"""SWEREF 99 TM conversion, districts for points and areas, each checked against a
computation that does not go through the code under test: the published projection formulas
worked in NumPy, pyproj's geodesic (Geod, a different algorithm from PROJ's projection
pipeline), and a brute-force shapely loop."""

import math

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Point, Polygon, box

from samverkan.analysis.geo import (
    area_km2,
    crs_name,
    district_for_points,
    geometry_to_sweref,
    geometry_to_wgs84,
    to_sweref,
    to_wgs84,
)

# GRS 80 and SWEREF 99 TM as Lantmäteriet defines them.
A = 6_378_137.0
F = 1 / 298.257222101
E2 = F * (2 - F)
K0 = 0.9996
FALSE_EASTING = 500_000.0
CENTRAL_MERIDIAN = 15.0

GEOD = Geod(ellps="GRS80")


def meridian_arc(lat_deg: float) -> float:
    """Distance from the equator along a meridian, by numerical integration of M(φ)."""
    phi = np.linspace(0.0, math.radians(lat_deg), 200_001)
    m = A * (1 - E2) / (1 - E2 * np.sin(phi) ** 2) ** 1.5
    return float(np.sum((m[1:] + m[:-1]) / 2 * np.diff(phi)))


def gauss_kruger(lon_deg: float, lat_deg: float) -> tuple[float, float]:
    """Lantmäteriet's "Gauss Conformal Projection (Transverse Mercator), Krüger's formulas",
    geodetic to grid, written out from the published series (to the fourth order)."""
    n = F / (2 - F)
    a_hat = A / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    a_ = E2
    b_ = (5 * E2**2 - E2**3) / 6
    c_ = (104 * E2**3 - 45 * E2**4) / 120
    d_ = 1237 * E2**4 / 1260
    beta = [
        n / 2 - 2 * n**2 / 3 + 5 * n**3 / 16 + 41 * n**4 / 180,
        13 * n**2 / 48 - 3 * n**3 / 5 + 557 * n**4 / 1440,
        61 * n**3 / 240 - 103 * n**4 / 140,
        49561 * n**4 / 161280,
    ]
    phi = math.radians(lat_deg)
    dlam = math.radians(lon_deg - CENTRAL_MERIDIAN)
    s = math.sin(phi)
    phi_star = phi - s * math.cos(phi) * (a_ + b_ * s**2 + c_ * s**4 + d_ * s**6)
    xi = math.atan(math.tan(phi_star) / math.cos(dlam))
    eta = math.atanh(math.cos(phi_star) * math.sin(dlam))
    north = (
        K0
        * a_hat
        * (
            xi
            + sum(b * math.sin(2 * j * xi) * math.cosh(2 * j * eta) for j, b in enumerate(beta, 1))
        )
    )
    east = (
        K0
        * a_hat
        * (
            eta
            + sum(b * math.cos(2 * j * xi) * math.sinh(2 * j * eta) for j, b in enumerate(beta, 1))
        )
    )
    return east + FALSE_EASTING, north


def scale_factor(lat_deg: float, easting: float) -> float:
    """Point scale of a transverse Mercator grid, k ≈ k0 (1 + x²/2R² + x⁴/24R⁴), with R the
    mean radius of curvature at the latitude and x the distance from the central meridian."""
    s2 = math.sin(math.radians(lat_deg)) ** 2
    m = A * (1 - E2) / (1 - E2 * s2) ** 1.5
    nu = A / math.sqrt(1 - E2 * s2)
    x = (easting - FALSE_EASTING) / K0
    r2 = m * nu
    return K0 * (1 + x**2 / (2 * r2) + x**4 / (24 * r2**2))


# --- SWEREF 99 TM ---------------------------------------------------------------------------


@pytest.mark.parametrize("lat", [55.5, 59.3, 63.0, 65.5844, 69.0])
def test_it_puts_the_central_meridian_at_500_km_east_and_the_scaled_meridian_arc_north(lat):
    e, n = to_sweref(15.0, lat)
    assert e == pytest.approx(500_000.0, abs=1e-6)
    assert n == pytest.approx(K0 * meridian_arc(lat), abs=0.001)


@pytest.mark.parametrize(
    "lon, lat",
    [
        (22.1539, 65.5844),  # Luleå, docs/places.md
        (21.6890, 65.8250),  # Boden
        (18.0686, 59.3293),  # Stockholm
        (13.0038, 55.6050),  # Malmö
        (24.1500, 65.8400),  # Haparanda, far from the central meridian
        (11.0000, 58.9000),  # Koster, far to the west
    ],
)
def test_it_agrees_with_lantmateriets_formulas_to_a_millimetre(lon, lat):
    e, n = to_sweref(lon, lat)
    expected_e, expected_n = gauss_kruger(lon, lat)
    assert e == pytest.approx(expected_e, abs=0.001)
    assert n == pytest.approx(expected_n, abs=0.001)


def test_it_places_lulea_about_829_km_east_and_7292_km_north():
    # Luleå's coordinate from docs/places.md (65.5844 N, 22.1539 E). A rougher
    # "E 834 000, N 7 280 000" is off by some kilometres; the formulas above give this.
    e, n = to_sweref(22.1539, 65.5844)
    assert round(e) == 829_401
    assert round(n) == 7_292_345


def test_it_converts_arrays_and_back_to_the_same_degrees():
    rng = np.random.default_rng(2580)
    lons = rng.uniform(11.0, 24.0, 1000)
    lats = rng.uniform(55.4, 69.0, 1000)
    e, n = to_sweref(lons, lats)
    assert e.shape == n.shape == (1000,)
    back_lon, back_lat = to_wgs84(e, n)
    assert np.abs(back_lon - lons).max() < 1e-9
    assert np.abs(back_lat - lats).max() < 1e-9


def test_it_returns_plain_floats_for_one_point():
    e, n = to_sweref(22.1539, 65.5844)
    assert type(e) is float and type(n) is float
    lon, lat = to_wgs84(e, n)
    assert (lon, lat) == pytest.approx((22.1539, 65.5844), abs=1e-10)


@pytest.mark.parametrize(
    "lon, lat",
    [(15.0, 62.0), (22.1539, 65.5844), (24.15, 65.84), (11.2, 58.9)],
)
def test_it_makes_a_grid_kilometre_a_kilometre_on_the_ground_times_the_scale_factor(lon, lat):
    e, n = to_sweref(lon, lat)
    k = scale_factor(lat, e)
    for de, dn in [(1000.0, 0.0), (0.0, 1000.0), (600.0, 800.0)]:
        lon2, lat2 = to_wgs84(e + de, n + dn)
        _, _, ground = GEOD.inv(lon, lat, lon2, lat2)
        assert ground * k == pytest.approx(1000.0, abs=0.01)  # a centimetre per kilometre


# --- Area --------------------------------------------------------------------------------


def test_it_measures_a_grid_square_of_10_by_10_km_as_100_km2():
    e, n = to_sweref(22.1539, 65.5844)
    square = box(e, n, e + 10_000, n + 10_000)
    assert area_km2(geometry_to_wgs84(square, "EPSG:3006")) == pytest.approx(100.0, rel=1e-9)


@pytest.mark.parametrize("lon, lat", [(15.0, 62.0), (22.15, 65.58)])
def test_it_measures_grid_area_which_is_ground_area_times_the_scale_factor_squared(lon, lat):
    # Densified so that straight edges in degrees and in metres are the same line.
    polygon = shapely.segmentize(box(lon, lat, lon + 0.2, lat + 0.1), 0.001)
    ground_km2 = abs(GEOD.geometry_area_perimeter(polygon)[0]) / 1e6
    e, _ = to_sweref(lon + 0.1, lat + 0.05)
    k = scale_factor(lat + 0.05, e)
    assert area_km2(polygon) == pytest.approx(ground_km2 * k**2, rel=1e-4)


def test_it_measures_holes_and_multipolygons():
    e, n = to_sweref(22.0, 65.6)
    outer = box(e, n, e + 3000, n + 3000)
    hole = box(e + 1000, n + 1000, e + 2000, n + 2000)
    other = box(e + 5000, n, e + 6000, n + 1000)
    shape = MultiPolygon([Polygon(outer.exterior, [hole.exterior]), other])
    assert area_km2(geometry_to_wgs84(shape, "EPSG:3006")) == pytest.approx(9 - 1 + 1, rel=1e-9)


def test_it_projects_every_vertex_of_a_geometry():
    polygon = box(22.0, 65.5, 22.1, 65.6)
    projected = geometry_to_sweref(polygon)
    e, n = to_sweref(*shapely.get_coordinates(polygon).T)
    assert np.allclose(shapely.get_coordinates(projected), np.column_stack([e, n]))


# --- Names of coordinate systems -----------------------------------------------------------


@pytest.mark.parametrize(
    "given, expected",
    [
        ("EPSG:3006", "EPSG:3006"),
        ("urn:ogc:def:crs:EPSG::3006", "EPSG:3006"),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326"),
        ("EPSG:4326", "EPSG:4326"),
        ("EPSG:3021", "EPSG:3021"),  # RT 90 2.5 gon V, found in older municipal data
    ],
)
def test_it_reads_the_names_gis_files_give_coordinate_systems(given, expected):
    assert crs_name(given) == expected


def test_it_refuses_an_unknown_coordinate_system():
    with pytest.raises(ValueError):
        crs_name("EPSG:99999999")


# --- District for points ------------------------------------------------------------------


def brute_force(lons, lats, districts):
    """The first district, in the given order, whose geometry meets the point."""
    found = []
    for lon, lat in zip(lons, lats, strict=True):
        point = Point(lon, lat)
        found.append(next((key for key, g in districts if g.intersects(point)), None))
    return found


def grid_districts() -> list[tuple[str, object]]:
    """Squares edge to edge, one with a hole, one in two parts, one overlapping another,
    and a gap where no district is."""
    districts = []
    for i in range(4):
        for j in range(3):
            if (i, j) == (3, 2):
                continue  # the gap
            districts.append(
                (f"d{i}{j}", box(22.0 + 0.1 * i, 65.5 + 0.05 * j, 22.1 + 0.1 * i, 65.55 + 0.05 * j))
            )
    districts[0] = ("d00", box(22.0, 65.5, 22.1, 65.55).difference(box(22.03, 65.51, 22.06, 65.53)))
    districts.append(
        ("two-parts", MultiPolygon([box(21.8, 65.5, 21.9, 65.55), box(21.8, 65.6, 21.9, 65.65)]))
    )
    districts.append(("overlap", box(22.05, 65.52, 22.15, 65.58)))
    return districts


def test_it_finds_the_same_districts_as_a_brute_force_loop_on_random_points():
    rng = np.random.default_rng(4)
    districts = grid_districts()
    lons = rng.uniform(21.75, 22.45, 5000)
    lats = rng.uniform(65.45, 65.7, 5000)
    found = district_for_points(lons, lats, districts)
    assert found == brute_force(lons, lats, districts)
    assert None in found and "two-parts" in found and "overlap" in found


def test_it_gives_a_point_on_a_shared_border_to_the_district_listed_first():
    districts = grid_districts()
    # Corners and edges of the grid, where two or four squares meet.
    lons = [22.1, 22.1, 22.2, 22.15, 22.0]
    lats = [65.55, 65.52, 65.6, 65.55, 65.5]
    found = district_for_points(lons, lats, districts)
    assert found == brute_force(lons, lats, districts)
    assert found[0] == "d00"  # d00, d01, d10, d11 meet there; d00 comes first
    reordered = list(reversed(districts))
    assert district_for_points(lons, lats, reordered) == brute_force(lons, lats, reordered)


def test_it_puts_points_in_a_hole_or_without_position_in_no_district():
    found = district_for_points([22.045, np.nan, 30.0], [65.52, np.nan, 65.5], grid_districts())
    assert found == [None, None, None]


def test_it_answers_empty_input_with_an_empty_list():
    assert district_for_points([], [], grid_districts()) == []
    assert district_for_points([22.05], [65.52], []) == [None]


def test_it_refuses_longitudes_and_latitudes_of_different_lengths():
    with pytest.raises(ValueError, match="differ in length"):
        district_for_points([22.0, 22.1], [65.5], grid_districts())


def test_it_handles_100_000_points_and_agrees_with_brute_force_on_a_sample():
    rng = np.random.default_rng(100_000)
    districts = grid_districts()
    lons = rng.uniform(21.75, 22.45, 100_000)
    lats = rng.uniform(65.45, 65.7, 100_000)
    found = district_for_points(lons, lats, districts)
    assert len(found) == 100_000
    sample = rng.choice(100_000, 2000, replace=False)
    assert [found[i] for i in sample] == brute_force(lons[sample], lats[sample], districts)
