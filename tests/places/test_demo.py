"""The demo's places: Luleå's twelve survey areas cover the (approximate) municipality
without gaps or overlaps, every boundary says it is approximate, the committed GeoJSON is
what the generating script makes, and loading twice changes nothing."""

import itertools
import json

import pytest
import shapely
from shapely.geometry import shape

from samverkan.analysis.geo import area_km2
from samverkan.demo.load import load_demo
from samverkan.places.data import make_approximate_districts as script
from samverkan.places.models import District, Municipality, Place

SURVEY_AREAS = {
    "Bergnäset", "Björkskatan", "Centrum", "Gammelstad", "Hertsön", "Norrbyarna",
    "Notviken", "Porsön", "Råneå", "Sunderbyn", "Sörbyarna", "Örnäset",
}  # fmt: skip


@pytest.fixture
def lulea(demo) -> Municipality:
    return Municipality.objects.get(code="2580")


def test_it_loads_the_twelve_survey_areas_of_lulea(lulea):
    districts = District.objects.filter(municipality=lulea)
    assert {d.name for d in districts} == SURVEY_AREAS
    assert all(d.approximate and "UNGEFÄRLIG" in d.source for d in districts)


def test_it_links_the_municipalities_to_the_kommuner(lulea):
    assert lulea.organisation.slug == "lulea-kommun"
    assert lulea.approximate and "UNGEFÄRLIG" in lulea.source
    boden = Municipality.objects.get(code="2582")
    assert boden.organisation.slug == "boden-kommun"
    assert [d.name for d in boden.districts.all()] == ["Boden centrum"]


def test_the_survey_areas_cover_lulea_without_gaps_or_overlaps(lulea):
    # Compared in degrees: the stored edges are straight lines in WGS 84, as the district of a
    # point is decided (a straight edge in degrees bends slightly in metres).
    areas = [d.geometry() for d in lulea.districts.all()]
    outline = lulea.geometry()
    assert sum(a.area for a in areas) == pytest.approx(outline.area, rel=1e-6)
    for a, b in itertools.combinations(areas, 2):
        assert a.intersection(b).area < 1e-10  # square degrees: under a square metre
    assert shapely.union_all(areas).symmetric_difference(outline).area < 1e-6 * outline.area


def test_the_areas_of_lulea_add_up_in_km2(lulea):
    total = sum(area_km2(d.geometry()) for d in lulea.districts.all())
    assert total == pytest.approx(area_km2(lulea.geometry()), rel=1e-3)
    assert 3000 < total < 5000  # Luleå kommun is about 4 300 km² with its sea


def test_lulea_and_boden_do_not_overlap(lulea):
    boden = Municipality.objects.get(code="2582")
    assert lulea.geometry().intersection(boden.geometry()).area == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize(
    "place, district",
    [
        ("Stadsparken", "Centrum"),
        ("Smedjegatan/Storgatan busshållplats", "Centrum"),
        ("Kulturens hus", "Centrum"),
        ("Gültzauudden", "Centrum"),
        ("Hertsö centrum", "Hertsön"),
        ("Porsö centrum", "Porsön"),
        ("Björkskatans centrum", "Björkskatan"),
        ("Bergnäsets centrum", "Bergnäset"),
        ("Gammelstads kyrkstad", "Gammelstad"),
        ("Sunderby sjukhus busshållplats", "Sunderbyn"),
        ("Råneå centrum", "Råneå"),
        ("Bodens resecentrum", "Boden centrum"),
    ],
)
def test_it_puts_each_demo_place_in_its_district(demo, place, district):
    assert Place.objects.get(name=place).district.name == district


def test_it_loads_the_places_twice_without_duplicating_anything(demo):
    def counts():
        return [m.objects.count() for m in (Municipality, District, Place)]

    first = counts()
    load_demo()
    assert counts() == first == [2, 13, 12]


def test_it_keeps_a_changed_place_when_loaded_again(demo):
    Place.objects.filter(name="Stadsparken").update(description="Belysningen byttes 2024.")
    load_demo()
    assert Place.objects.get(name="Stadsparken").description == "Belysningen byttes 2024."


def test_the_committed_files_are_what_the_script_makes():
    for path, collection in script.build().items():
        committed = json.loads(path.read_text(encoding="utf-8"))
        assert len(committed["features"]) == len(collection["features"]), path.name
        for made, stored in zip(collection["features"], committed["features"], strict=True):
            assert made["properties"] == stored["properties"]
            a, b = shape(made["geometry"]), shape(stored["geometry"])
            # Compared by area, not vertex by vertex: another GEOS may order vertices otherwise.
            assert a.symmetric_difference(b).area <= 1e-9 * a.area, made["properties"]["name"]


def test_the_script_puts_every_seed_in_its_own_area():
    features = {f["properties"]["name"]: shape(f["geometry"]) for f in script.lulea_districts()}
    for name, _slug, lat, lon in script.SEEDS:
        assert features[name].contains(shapely.Point(lon, lat)), name
    boden = shapely.Point(21.689, 65.825)
    assert not script.lulea_outline().contains(boden)
    assert script.boden_outline().contains(boden)
