"""The admin checks boundaries and positions by the same rules, and sets a place's district."""

import json

import pytest
from pytest_django.asserts import assertContains

from samverkan.core.models import User
from samverkan.places.models import District, Municipality, Place


@pytest.fixture
def admin_client(client, demo):
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


def test_it_lists_municipalities_districts_and_places(admin_client):
    assertContains(admin_client.get("/admin/places/municipality/"), "Luleå kommun")
    assertContains(admin_client.get("/admin/places/district/"), "Hertsön")
    assertContains(admin_client.get("/admin/places/place/"), "Stadsparken")


def test_it_sets_the_district_of_a_place_added_in_the_admin(admin_client):
    lulea = Municipality.objects.get(code="2580")
    response = admin_client.post(
        "/admin/places/place/add/",
        {
            "municipality": lulea.pk,
            "name": "Hertsö skola",
            "kind": "skolgard",
            "lat": "65.5850",
            "lon": "22.2650",
        },
    )
    assert response.status_code == 302
    assert Place.objects.get(name="Hertsö skola").district.slug == "hertson"


def test_it_moves_the_district_with_the_point_in_the_admin(admin_client):
    place = Place.objects.get(name="Stadsparken")
    response = admin_client.post(
        f"/admin/places/place/{place.pk}/change/",
        {
            "name": "Stadsparken",
            "kind": "park",
            "lat": "65.5842",
            "lon": "22.2641",
            "description": "",
        },
    )
    assert response.status_code == 302
    assert Place.objects.get(pk=place.pk).district.slug == "hertson"


def test_it_shows_a_point_outside_the_municipality_as_a_form_error(admin_client):
    lulea = Municipality.objects.get(code="2580")
    response = admin_client.post(
        "/admin/places/place/add/",
        {
            "municipality": lulea.pk,
            "name": "Bodens torg",
            "kind": "torg",
            "lat": "65.8252",
            "lon": "21.6886",
        },
    )
    assertContains(response, "ligger utanför kommungränsen för Luleå kommun")
    assert not Place.objects.filter(name="Bodens torg").exists()


def test_it_shows_an_invalid_boundary_as_a_form_error(admin_client):
    hertson = District.objects.get(slug="hertson")
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[22.20, 65.60], [22.25, 65.62], [22.25, 65.60], [22.20, 65.62], [22.20, 65.60]]
        ],
    }
    response = admin_client.post(
        f"/admin/places/district/{hertson.pk}/change/",
        {
            "municipality": hertson.municipality_id,
            "name": "Hertsön",
            "slug": "hertson",
            "code": "",
            "boundary": json.dumps(bow_tie),
            "approximate": "on",
            "source": "",
        },
    )
    assertContains(response, "ogiltig gräns: gränsen korsar sig själv vid lon 22.225, lat 65.61")
    assert District.objects.get(pk=hertson.pk).boundary != bow_tie
