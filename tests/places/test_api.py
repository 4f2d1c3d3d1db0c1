"""Places and districts under /api/: scoped like the pages, with the GeoJSON boundary and the
flag that says a boundary is only approximate."""

import pytest
from shapely.geometry import shape

from samverkan.core.models import APIToken, User
from samverkan.places.models import District, Place


def bearer(user: User) -> dict:
    return {"Authorization": f"Bearer {APIToken.issue(user=user)}"}


def test_a_lulea_user_sees_lulea_places_only(client, reader):
    response = client.get("/api/places", headers=bearer(reader))
    names = {p["name"] for p in response.json()}
    assert response.status_code == 200
    assert "Stadsparken" in names
    assert "Bodens resecentrum" not in names
    assert names == set(
        Place.objects.filter(municipality__code="2580").values_list("name", flat=True)
    )


def test_the_boden_user_sees_nothing_of_lulea(client, boden_user):
    places = client.get("/api/places", headers=bearer(boden_user)).json()
    districts = client.get("/api/districts", headers=bearer(boden_user)).json()
    assert {p["municipality"]["code"] for p in places} == {"2582"}
    assert [p["name"] for p in places] == ["Bodens resecentrum"]
    assert all(d["municipality"]["code"] == "2582" for d in districts)


def test_a_place_has_its_point_and_district(client, reader):
    stadsparken = Place.objects.select_related("district").get(name="Stadsparken")
    response = client.get(f"/api/places/{stadsparken.pk}", headers=bearer(reader))
    assert response.json() == {
        "id": stadsparken.pk,
        "name": "Stadsparken",
        "kind": "park",
        "lat": stadsparken.lat,
        "lon": stadsparken.lon,
        "description": stadsparken.description,
        "municipality": {"code": "2580", "name": "Luleå kommun"},
        "district": {"id": stadsparken.district_id, "name": stadsparken.district.name},
    }


def test_another_municipalitys_place_is_404(client, boden_user):
    stadsparken = Place.objects.get(name="Stadsparken")
    response = client.get(f"/api/places/{stadsparken.pk}", headers=bearer(boden_user))
    assert response.status_code == 404
    assert response.json() == {"detail": "Finns inte."}


def test_places_filter_on_district(client, reader):
    hertson = Place.objects.get(name="Hertsö centrum").district
    response = client.get(f"/api/places?district={hertson.pk}", headers=bearer(reader))
    expected = set(Place.objects.filter(district=hertson).values_list("pk", flat=True))
    assert {p["id"] for p in response.json()} == expected
    assert expected


def test_districts_carry_their_geojson_and_the_approximate_flag(client, reader):
    response = client.get("/api/districts", headers=bearer(reader))
    districts = response.json()
    lulea = District.objects.filter(municipality__code="2580")

    assert response.status_code == 200
    assert {d["id"] for d in districts} == set(lulea.values_list("pk", flat=True))
    assert len(districts) == 12  # the safety survey's areas
    first = districts[0]
    stored = District.objects.get(pk=first["id"])
    assert first["geometry"] == stored.boundary
    assert first["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert shape(first["geometry"]).is_valid
    assert first["approximate"] is stored.approximate is True  # the demo's are sketches
    assert "UNGEFÄRLIG" in first["source"]


def test_a_real_boundary_is_not_flagged(client, reader):
    district = District.objects.filter(municipality__code="2580").first()
    District.objects.filter(pk=district.pk).update(approximate=False)
    by_id = {d["id"]: d for d in client.get("/api/districts", headers=bearer(reader)).json()}
    assert by_id[district.pk]["approximate"] is False


def test_one_district_is_the_same_as_in_the_list_and_out_of_scope_is_404(
    client, reader, boden_user
):
    lulea = District.objects.filter(municipality__code="2580").order_by("pk").first()
    listed = {d["id"]: d for d in client.get("/api/districts", headers=bearer(reader)).json()}
    response = client.get(f"/api/districts/{lulea.pk}", headers=bearer(reader))
    assert response.status_code == 200 and response.json() == listed[lulea.pk]
    assert shape(response.json()["geometry"]).is_valid
    assert client.get(f"/api/districts/{lulea.pk}", headers=bearer(boden_user)).status_code == 404
    assert client.get("/api/districts/999999", headers=bearer(reader)).status_code == 404


@pytest.mark.parametrize("url", ["/api/places", "/api/districts", "/api/districts/1"])
def test_it_answers_401_without_a_token(client, demo, url):
    assert client.get(url).status_code == 401
