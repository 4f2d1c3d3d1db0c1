"""Writes to places: a place's district follows from its point and moves with it, a point
outside the municipality is refused, and the database refuses what the services would."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from samverkan.places.models import District, Municipality, Place
from samverkan.places.services import (
    district_upsert,
    municipality_upsert,
    place_create,
    place_update,
    places_assign_districts,
    places_create_many,
)

HERTSO_CENTRUM = (65.5842, 22.2641)
STADSPARKEN = (65.5828, 22.1505)


@pytest.fixture
def lulea(demo) -> Municipality:
    return Municipality.objects.get(code="2580")


@pytest.fixture
def boden(demo) -> Municipality:
    return Municipality.objects.get(code="2582")


def district(municipality: Municipality, slug: str) -> District:
    return District.objects.get(municipality=municipality, slug=slug)


def test_it_puts_a_point_in_hertso_in_hertson(lulea):
    lat, lon = HERTSO_CENTRUM
    place = place_create(
        municipality=lulea, name="Lekplatsen", lat=lat + 0.001, lon=lon, kind="park"
    )
    assert place.district == district(lulea, "hertson")
    assert Place.objects.get(pk=place.pk).district.name == "Hertsön"


def test_it_moves_a_place_to_the_district_of_its_new_point(lulea):
    place = place_create(
        municipality=lulea, name="Kiosken", lat=HERTSO_CENTRUM[0], lon=HERTSO_CENTRUM[1]
    )
    lat, lon = STADSPARKEN
    place_update(place=place, lat=lat, lon=lon)
    assert Place.objects.get(pk=place.pk).district == district(lulea, "centrum")


def test_it_keeps_the_district_when_only_the_name_changes(lulea):
    place = place_create(municipality=lulea, name="Kiosken", lat=STADSPARKEN[0], lon=STADSPARKEN[1])
    place_update(place=place, name="Kiosken vid parken", kind="butik")
    stored = Place.objects.get(pk=place.pk)
    assert (stored.name, stored.kind, stored.district.slug) == (
        "Kiosken vid parken",
        "butik",
        "centrum",
    )


def test_it_refuses_a_point_outside_the_municipality_in_swedish(lulea):
    with pytest.raises(ValidationError) as info:
        place_create(municipality=lulea, name="Bodens torg", lat=65.8252, lon=21.6886)
    assert info.value.messages == [
        "Positionen lat 65.8252, lon 21.6886 ligger utanför kommungränsen för Luleå kommun "
        "(gränsen är ungefärlig)."
    ]
    assert not Place.objects.filter(name="Bodens torg").exists()


def test_it_refuses_to_move_a_place_out_of_its_municipality(lulea):
    place = place_create(municipality=lulea, name="Kiosken", lat=STADSPARKEN[0], lon=STADSPARKEN[1])
    with pytest.raises(ValidationError, match="utanför kommungränsen för Luleå kommun"):
        place_update(place=place, lat=65.8252, lon=21.6886)
    assert Place.objects.get(pk=place.pk).lat == STADSPARKEN[0]


def test_it_does_not_say_approximate_for_a_real_boundary(lulea):
    Municipality.objects.filter(pk=lulea.pk).update(approximate=False)
    lulea.refresh_from_db()
    with pytest.raises(ValidationError) as info:
        place_create(municipality=lulea, name="Bodens torg", lat=65.8252, lon=21.6886)
    assert info.value.messages == [
        "Positionen lat 65.8252, lon 21.6886 ligger utanför kommungränsen för Luleå kommun."
    ]


def test_it_refuses_a_position_outside_sweden(lulea):
    with pytest.raises(ValidationError, match="ligger utanför Sverige"):
        place_create(municipality=lulea, name="Fel ordning", lat=22.15, lon=65.58)


def test_it_refuses_an_unknown_kind(lulea):
    with pytest.raises(ValidationError, match="kind"):
        place_create(
            municipality=lulea, name="Något", lat=STADSPARKEN[0], lon=STADSPARKEN[1], kind="slott"
        )


def test_it_only_changes_what_a_place_has(lulea):
    place = Place.objects.get(name="Stadsparken")
    with pytest.raises(TypeError, match="district"):
        place_update(place=place, district=None)


def test_it_leaves_a_point_between_districts_without_district(lulea):
    District.objects.filter(municipality=lulea).exclude(slug="centrum").delete()
    lat, lon = HERTSO_CENTRUM
    place = place_create(municipality=lulea, name="Ute på ön", lat=lat, lon=lon)
    assert place.district is None


def test_it_reassigns_places_when_a_district_border_moves(lulea):
    stadsparken = Place.objects.get(name="Stadsparken")
    assert stadsparken.district.slug == "centrum"
    around_the_park = {
        "type": "Polygon",
        "coordinates": [
            [[22.14, 65.57], [22.16, 65.57], [22.16, 65.59], [22.14, 65.59], [22.14, 65.57]]
        ],
    }
    # A new district listed before Centrum ("Anderstorp" < "Centrum") takes the park.
    district_upsert(
        municipality=lulea, slug="anderstorp", name="Anderstorp", boundary=around_the_park
    )
    assert Place.objects.get(pk=stadsparken.pk).district.slug == "anderstorp"


def test_it_assigns_all_places_in_one_pass_and_counts_the_moves(lulea):
    Place.objects.filter(municipality=lulea).update(district=None)
    moved = places_assign_districts(municipality=lulea)
    assert moved == Place.objects.filter(municipality=lulea).count() == 11
    assert places_assign_districts(municipality=lulea) == 0


def test_it_checks_a_municipality_boundary_on_save(demo):
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[22.20, 65.60], [22.25, 65.62], [22.25, 65.60], [22.20, 65.62], [22.20, 65.60]]
        ],
    }
    with pytest.raises(ValidationError, match="gränsen korsar sig själv"):
        municipality_upsert(code="2514", name="Kalix kommun", boundary=bow_tie)
    assert not Municipality.objects.filter(code="2514").exists()


def test_it_refuses_a_municipality_code_that_is_not_four_digits(lulea):
    with pytest.raises(ValidationError, match="Kommunkoden är fyra siffror."):
        municipality_upsert(code="258", name="Luleå kommun", boundary=lulea.boundary)


def test_it_checks_a_district_boundary_on_save(lulea):
    with pytest.raises(ValidationError, match="inte Point"):
        district_upsert(
            municipality=lulea,
            slug="torget",
            name="Torget",
            boundary={"type": "Point", "coordinates": [22.15, 65.58]},
        )
    assert not District.objects.filter(slug="torget").exists()


# --- What the database itself refuses -------------------------------------------------------


@pytest.mark.parametrize("lat, lon", [(80.0, 22.0), (65.5, 30.0), (54.0, 13.0), (65.5, 10.0)])
def test_the_database_refuses_a_point_outside_sweden(lulea, lat, lon):
    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.create(municipality=lulea, name="Utanför", lat=lat, lon=lon)


def test_the_database_refuses_two_districts_with_one_slug_in_a_municipality(lulea, boden):
    centrum = district(lulea, "centrum")
    with pytest.raises(IntegrityError), transaction.atomic():
        District.objects.create(
            municipality=lulea, name="Centrum 2", slug="centrum", boundary=centrum.boundary
        )
    # …but another municipality may have its own "centrum".
    District.objects.create(
        municipality=boden, name="Centrum", slug="centrum", boundary=centrum.boundary
    )


def test_it_creates_many_places_at_once_with_their_districts(lulea):
    created = places_create_many(
        municipality=lulea,
        places=[
            {"name": "Lekplats A", "kind": "park", "lat": 65.5842, "lon": 22.2641},
            {"name": "Lekplats B", "lat": 65.5828, "lon": 22.1505},
        ],
    )
    assert [(p.name, p.district.slug, p.kind) for p in created] == [
        ("Lekplats A", "hertson", "park"),
        ("Lekplats B", "centrum", "ovrigt"),
    ]
    assert Place.objects.filter(name__startswith="Lekplats").count() == 2


def test_it_creates_none_of_many_places_when_one_is_outside(lulea):
    with pytest.raises(ValidationError) as info:
        places_create_many(
            municipality=lulea,
            places=[
                {"name": "Lekplats A", "lat": 65.5842, "lon": 22.2641},
                {"name": "Bodens torg", "lat": 65.8252, "lon": 21.6886},
            ],
        )
    assert info.value.messages[0].startswith(
        "Bodens torg: Positionen lat 65.8252, lon 21.6886 ligger utanför kommungränsen"
    )
    assert not Place.objects.filter(name="Lekplats A").exists()
