"""`samverkan import-districts`: real boundaries from GeoJSON, all or nothing, the same file
twice changes nothing, every bad feature reported with its position and name, SWEREF 99 TM
recognised, and the places follow the new borders."""

import io
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samverkan.demo.load import load_demo
from samverkan.places.districtfile import DistrictFileInvalid, parse_district_file
from samverkan.places.models import District, Municipality, Place

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "places"


def run(file: str, *args: str, **options) -> str:
    out = io.StringIO()
    call_command("import_districts", str(FIXTURES / file), *args, stdout=out, **options)
    return out.getvalue()


def failure(file: str, *args: str, **options) -> str:
    with pytest.raises(CommandError) as info:
        run(file, *args, **options)
    return str(info.value)


def lulea_districts() -> dict[str, District]:
    return {d.slug: d for d in District.objects.filter(municipality__code="2580")}


def snapshot() -> list[tuple]:
    return list(
        District.objects.order_by("pk").values_list(
            "pk", "municipality", "slug", "name", "code", "boundary", "approximate", "source"
        )
    ) + list(Place.objects.order_by("pk").values_list("pk", "district"))


# --- A good file ----------------------------------------------------------------------------


def test_it_imports_a_good_file_and_updates_districts_of_the_same_name(demo):
    before = lulea_districts()
    out = run("good.geojson", municipality="2580")

    assert "Luleå kommun (2580): 1 nya, 2 ändrade, 0 oförändrade och 0 borttagna områden" in out
    after = lulea_districts()
    assert set(after) == set(before) | {"innerstaden"}
    assert after["hertson"].pk == before["hertson"].pk  # upserted by slug, not replaced
    assert after["hertson"].code == "NYKO-02"
    assert after["hertson"].approximate is False
    assert after["hertson"].source == "Inläst från good.geojson"
    assert after["innerstaden"].boundary == {
        "type": "Polygon",
        "coordinates": [
            [[22.13, 65.575], [22.18, 65.575], [22.18, 65.595], [22.13, 65.595], [22.13, 65.575]]
        ],
    }


def test_it_warns_about_districts_not_in_the_file(demo):
    out = run("good.geojson", municipality="2580")
    assert "Dessa områden finns kvar men inte i filen: Bergnäset, Björkskatan, Centrum," in out
    assert "Kör med --replace för att ta bort dem." in out


def test_it_changes_nothing_when_the_same_file_is_imported_again(demo):
    run("good.geojson", municipality="2580")
    before = snapshot()

    out = run("good.geojson", municipality="2580")

    assert "0 nya, 0 ändrade, 3 oförändrade och 0 borttagna områden; 0 platser bytte område." in out
    assert snapshot() == before


def test_it_replaces_the_districts_and_moves_the_places_with_replace(demo):
    out = run("good.geojson", "--replace", municipality="2580", source="Luleå kommun, Nyko 4, 2024")

    assert "0 oförändrade och 10 borttagna områden" in out
    assert set(lulea_districts()) == {"innerstaden", "hertson", "porson"}
    assert lulea_districts()["porson"].source == "Luleå kommun, Nyko 4, 2024"
    districts = dict(
        Place.objects.filter(municipality__code="2580").values_list("name", "district__slug")
    )
    assert districts["Stadsparken"] == "innerstaden"
    assert districts["Hertsö centrum"] == "hertson"
    assert districts["Porsö centrum"] == "porson"
    assert districts["Råneå centrum"] is None  # outside every imported district
    # Boden's districts are another municipality's and stay.
    assert District.objects.filter(municipality__code="2582").count() == 1


def test_the_demo_does_not_bring_approximate_districts_back_over_real_ones(demo):
    run("good.geojson", "--replace", municipality="2580")
    load_demo()
    assert set(lulea_districts()) == {"innerstaden", "hertson", "porson"}
    assert not District.objects.filter(municipality__code="2580", approximate=True).exists()


def test_it_reads_the_name_from_the_property_given(demo):
    out = run("nyko.geojson", "--name-property", "NYKONAMN", municipality="2580")
    assert "1 nya, 1 ändrade" in out
    assert lulea_districts()["innerstaden"].name == "Innerstaden"


# --- SWEREF 99 TM -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file, note",
    [
        ("sweref.geojson", "Koordinaterna lästes som EPSG:3006 och räknades om till WGS 84."),
        (
            "sweref-without-crs.geojson",
            "Filen anger inget koordinatsystem och koordinaterna är inte grader: de lästes som "
            "SWEREF 99 TM (EPSG:3006) och räknades om till WGS 84.",
        ),
    ],
)
def test_it_reads_sweref_99_tm_and_stores_wgs_84(demo, file, note):
    out = run(file, municipality="2580")
    assert note in out
    [(x0, y0), (x1, y1), *_] = lulea_districts()["innerstaden"].boundary["coordinates"][0]
    # The fixture's metres, rounded to a centimetre, are good's degrees to 1e-6.
    assert (x0, y0) == pytest.approx((22.13, 65.575), abs=1e-6)
    assert (x1, y1) == pytest.approx((22.18, 65.575), abs=1e-6)


def test_it_gives_the_same_districts_from_sweref_as_from_degrees(demo):
    run("good.geojson", municipality="2580")
    in_degrees = {slug: d.boundary for slug, d in lulea_districts().items()}
    out = run("sweref.geojson", municipality="2580")
    # Centimetres in the file are a few 1e-8 degrees: "changed", but by nothing that matters.
    assert "0 nya, 3 ändrade" in out
    for slug in ("innerstaden", "hertson", "porson"):
        ring = np.array(lulea_districts()[slug].boundary["coordinates"][0])
        assert np.abs(ring - np.array(in_degrees[slug]["coordinates"][0])).max() < 1e-6


# --- Bad files: every problem reported, nothing written -----------------------------------


def test_it_reports_a_bow_tie_with_its_position_and_name_and_writes_nothing(demo):
    before = snapshot()
    message = failure("bowtie.geojson", municipality="2580")
    assert message.startswith("Områdena lästes inte in, inget sparades:")
    assert (
        f"{FIXTURES / 'bowtie.geojson'}: features[1] (Björkskatan): ogiltig gräns: gränsen "
        "korsar sig själv vid lon 22.225, lat 65.61"
    ) in message
    assert "features[0]" not in message
    assert snapshot() == before


def test_it_reports_every_feature_of_the_wrong_type(demo):
    message = failure("wrong-type.geojson", municipality="2580")
    assert (
        "features[1] (Stadsparken): geometrin ska vara Polygon eller MultiPolygon, inte Point"
        in message
    )
    assert (
        "features[2] (Storgatan): geometrin ska vara Polygon eller MultiPolygon, inte LineString"
        in message
    )
    assert "Innerstaden" not in lulea_districts()


def test_it_reports_boundaries_outside_sweden(demo):
    message = failure("outside-sweden.geojson", municipality="2580")
    assert "features[0] (Innerstaden): gränsen ligger utanför Sverige" in message
    assert "i ordningen longitud, latitud" in message
    assert (
        "features[1] (Uleåborg): gränsen ligger utanför Sverige: den sträcker sig över lon 25.4–25.55"
        in message
    )
    assert "features[2]" not in message
    assert lulea_districts()["hertson"].approximate is True  # the good one was not written either


def test_it_reports_missing_and_blank_names(demo):
    message = failure("missing-name.geojson", municipality="2580")
    assert (
        "features[1]: namn saknas: ingen av egenskaperna name, namn, Name, Namn, NAME, NAMN finns "
        "(objektets egenskaper: kod); välj egenskap med --name-property"
    ) in message
    assert "features[2]: namn saknas" in message


def test_it_reports_a_name_property_that_the_features_lack(demo):
    message = failure("good.geojson", "--name-property", "NYKONAMN", municipality="2580")
    assert (
        "features[0]: egenskapen NYKONAMN saknas eller är tom (objektets egenskaper: kod, name)"
        in message
    )


def test_it_refuses_an_unknown_municipality(demo):
    message = failure("good.geojson", municipality="9999")
    assert (
        message
        == "Det finns ingen kommun med kommunkod 9999 (kända: 2582 Bodens kommun, 2580 Luleå kommun)."
    )


def test_it_refuses_a_file_it_cannot_read(demo):
    message = failure("does-not-exist.geojson", municipality="2580")
    assert message.startswith("Kan inte läsa ")


def test_it_rolls_back_everything_when_writing_fails_halfway(demo, monkeypatch):
    from samverkan.places import services

    before = snapshot()

    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "places_assign_districts", fail)
    with pytest.raises(RuntimeError):
        run("good.geojson", "--replace", municipality="2580")
    assert snapshot() == before


# --- The file format, without the command ----------------------------------------------------


def problems_of(text: str) -> list[str]:
    with pytest.raises(DistrictFileInvalid) as info:
        parse_district_file(text)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    "text, problem",
    [
        ("{", "filen är inte giltig JSON: rad 1, kolumn 2"),
        (
            '{"type": "Feature"}',
            'filen ska vara en GeoJSON FeatureCollection ("type": "FeatureCollection")',
        ),
        ('{"type": "FeatureCollection", "features": []}', "filen innehåller inga objekt"),
        (
            '{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:99999999"}}, "features": [{}]}',
            "okänt koordinatsystem i crs: EPSG:99999999",
        ),
        (
            '{"type": "FeatureCollection", "crs": "EPSG:3006", "features": [{}]}',
            "crs ska ha formen",
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Point"}]}',
            'features[0]: ska vara ett objekt med "type": "Feature"',
        ),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "A"}, "geometry": null}]}',
            "features[0] (A): geometri saknas",
        ),
    ],
)
def test_it_names_what_is_wrong_with_the_file(text, problem):
    assert any(p.startswith(problem) for p in problems_of(text)), problems_of(text)


def test_it_refuses_two_features_with_the_same_slug():
    square = '{"type": "Polygon", "coordinates": [[[22.1, 65.5], [22.2, 65.5], [22.2, 65.6], [22.1, 65.5]]]}'
    feature = '{"type": "Feature", "properties": {"name": "%s"}, "geometry": ' + square + "}"
    text = (
        '{"type": "FeatureCollection", "features": ['
        + (feature % "Råneå")
        + ", "
        + (feature % "Raneå")
        + "]}"
    )
    assert problems_of(text) == ["features[1] (Raneå): samma kortnamn (ranea) som features[0]"]


def test_it_reads_utf8_with_a_byte_order_mark_and_refuses_other_encodings():
    text = (FIXTURES / "good.geojson").read_text(encoding="utf-8")
    assert len(parse_district_file(("\ufeff" + text).encode("utf-8")).districts) == 3
    with pytest.raises(DistrictFileInvalid, match="filen är inte UTF-8"):
        parse_district_file(text.encode("utf-16"))


def test_it_makes_slugs_from_names_and_keeps_a_given_slug():
    text = (FIXTURES / "good.geojson").read_text(encoding="utf-8")
    assert [d.slug for d in parse_district_file(text).districts] == [
        "innerstaden",
        "hertson",
        "porson",
    ]
    with_slug = text.replace('"name": "Porsön"', '"name": "Porsön", "slug": "nyko-0103"')
    assert parse_district_file(with_slug).districts[2].slug == "nyko-0103"


def test_lulea_has_a_municipality_to_import_into(demo):
    assert Municipality.objects.get(code="2580").name == "Luleå kommun"
