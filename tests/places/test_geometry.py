"""Boundaries and positions are checked before they are stored, and a bad one is refused
with the reason in Swedish (in English for a person who chose English)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from samverkan.places.geometry import check_position, clean_boundary


def polygon(*rings) -> dict:
    return {"type": "Polygon", "coordinates": [list(map(list, ring)) for ring in rings]}


SQUARE = [(22.10, 65.58), (22.20, 65.58), (22.20, 65.62), (22.10, 65.62), (22.10, 65.58)]
BOW_TIE = [(22.20, 65.60), (22.25, 65.62), (22.25, 65.60), (22.20, 65.62), (22.20, 65.60)]


def refusal(value) -> str:
    with pytest.raises(ValidationError) as info:
        clean_boundary(value)
    [message] = info.value.messages
    return message


def test_it_accepts_a_polygon_and_stores_it_as_geojson():
    assert clean_boundary(polygon(SQUARE)) == polygon(SQUARE)


def test_it_accepts_a_multipolygon_and_json_text():
    multi = {"type": "MultiPolygon", "coordinates": [polygon(SQUARE)["coordinates"]]}
    assert clean_boundary(json.dumps(multi)) == multi


def test_it_drops_a_height_coordinate():
    with_height = polygon([(x, y, 12.5) for x, y in SQUARE])
    assert clean_boundary(with_height) == polygon(SQUARE)


def test_it_names_a_self_intersection_and_where_it_is():
    assert refusal(polygon(BOW_TIE)) == (
        "ogiltig gräns: gränsen korsar sig själv vid lon 22.225, lat 65.61"
    )


def test_it_names_a_hole_outside_the_shell():
    hole = [(23.0, 65.0), (23.1, 65.0), (23.1, 65.1), (23.0, 65.0)]
    assert refusal(polygon(SQUARE, hole)) == (
        "ogiltig gräns: ett hål ligger utanför ytterkanten vid lon 23, lat 65"
    )


def test_it_names_a_ring_with_too_few_points():
    assert refusal(polygon([(22.1, 65.5), (22.2, 65.5), (22.1, 65.5)])).startswith(
        "ogiltig gräns: en ring har för få olika punkter (minst tre behövs)"
    )


def test_it_names_overlapping_parts_of_a_multipolygon():
    other = [(22.15, 65.58), (22.3, 65.58), (22.3, 65.62), (22.15, 65.62), (22.15, 65.58)]
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE], [other]]}
    assert refusal(json.loads(json.dumps(multi))).startswith(
        "ogiltig gräns: gränsen korsar sig själv vid"
    )


def test_it_says_a_coordinate_is_not_a_number():
    ring = [(22.1, 65.5), (22.2, float("nan")), (22.2, 65.6), (22.1, 65.5)]
    assert refusal(polygon(ring)) == "ogiltig gräns: en koordinat är inte ett tal"


@pytest.mark.parametrize(
    "geometry, kind",
    [
        ({"type": "Point", "coordinates": [22.15, 65.58]}, "Point"),
        ({"type": "LineString", "coordinates": [[22.1, 65.5], [22.2, 65.6]]}, "LineString"),
        ({"type": "GeometryCollection", "geometries": []}, "GeometryCollection"),
    ],
)
def test_it_refuses_other_geometry_types(geometry, kind):
    assert refusal(geometry) == f"geometrin ska vara Polygon eller MultiPolygon, inte {kind}"


@pytest.mark.parametrize(
    "value, message",
    [
        ("{not json", "gränsen är inte giltig JSON"),
        ([1, 2], "gränsen ska vara ett GeoJSON-geometriobjekt med type och coordinates"),
        ({"coordinates": []}, "gränsen ska vara ett GeoJSON-geometriobjekt"),
        (
            {"type": "Polygon", "coordinates": "22,65"},
            "koordinaterna går inte att läsa som en Polygon",
        ),
        ({"type": "Polygon", "coordinates": [[22, 65]]}, "koordinaterna går inte att läsa"),
        ({"type": "Polygon"}, "koordinaterna går inte att läsa"),
        ({"type": "Polygon", "coordinates": []}, "gränsen saknar koordinater"),
    ],
)
def test_it_refuses_what_is_not_a_readable_polygon(value, message):
    assert refusal(value).startswith(message)


def test_it_refuses_a_boundary_outside_sweden_and_hints_at_swapped_coordinates():
    swapped = polygon([(y, x) for x, y in SQUARE])
    assert refusal(swapped) == (
        "gränsen ligger utanför Sverige: den sträcker sig över lon 65.58–65.62 och lat "
        "22.1–22.2, Sverige ryms inom lon 10.5–24.5 och lat 55–69.5. Koordinaterna ska vara "
        "WGS 84 i ordningen longitud, latitud."
    )


def test_it_refuses_a_boundary_that_reaches_into_finland():
    reaching = polygon([(24.0, 65.8), (25.0, 65.8), (25.0, 65.9), (24.0, 65.8)])
    assert refusal(reaching).startswith("gränsen ligger utanför Sverige")


def test_it_gives_the_reason_in_english_for_a_person_who_chose_english():
    with translation.override("en"):
        assert refusal(polygon(BOW_TIE)) == (
            "invalid boundary: the boundary crosses itself at lon 22.225, lat 65.61"
        )


# --- Positions --------------------------------------------------------------------------------


def test_it_accepts_a_position_in_sweden_as_floats():
    assert check_position(lat="65.5828", lon=22.1505) == (65.5828, 22.1505)


@pytest.mark.parametrize(
    "lat, lon, message",
    [
        (
            22.15,
            65.58,
            "Positionen lat 22.15, lon 65.58 ligger utanför Sverige. Är latitud och longitud förväxlade?",
        ),
        (60.17, 24.94, "Positionen lat 60.17, lon 24.94 ligger utanför Sverige."),
        ("norr", 22.1, "Latitud och longitud ska vara tal (WGS 84, decimalgrader)."),
        (None, 22.1, "Latitud och longitud ska vara tal"),
        (float("inf"), 22.1, "Latitud och longitud ska vara tal"),
    ],
)
def test_it_refuses_a_position_outside_sweden_or_not_a_number(lat, lon, message):
    with pytest.raises(ValidationError) as info:
        check_position(lat=lat, lon=lon)
    assert info.value.messages[0].startswith(message)
