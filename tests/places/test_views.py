"""The pages: the districts of the user's municipalities with a sketch, a district with its
places, a place; another party's district or place is a 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from samverkan.places.models import District, Municipality, Place
from samverkan.places.services import place_create


def district(slug: str) -> District:
    return District.objects.get(slug=slug)


def place(name: str) -> Place:
    return Place.objects.get(name=name)


def test_it_asks_for_login_first(client, demo):
    assertRedirects(client.get("/omraden/"), "/login/?next=/omraden/")
    url = district("hertson").get_absolute_url()
    assertRedirects(client.get(url), f"/login/?next={url}")


def test_it_links_the_districts_page_from_the_menu(client, coordinator):
    client.force_login(coordinator)
    assertContains(client.get("/organisationer/"), '<a href="/omraden/">Områden</a>')


def test_it_lists_luleas_districts_with_area_places_and_the_approximate_label(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/omraden/")
    assertContains(response, "<h1>Områden</h1>")
    assertContains(response, "Luleå kommun")
    hertson = district("hertson")
    assertContains(response, f'<a href="{hertson.get_absolute_url()}">Hertsön</a>', count=2)
    assertContains(response, '<span class="badge">ungefärlig gräns</span>', count=13)
    assertContains(response, '<td data-label="Platser">4</td>')  # Centrum
    assertContains(response, "km²")
    assertContains(response, "Ungefärliga gränser är skisser för demo och test")
    assertContains(response, f'<a href="{place("Stadsparken").get_absolute_url()}">Stadsparken</a>')
    assertNotContains(response, "Bodens kommun")
    assertNotContains(response, "Bodens resecentrum")


def test_it_shows_areas_in_swedish_number_format(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/omraden/")
    assertContains(response, " km²</td>")
    page = response.content.decode()
    cell = page.split(f'<a href="{district("centrum").get_absolute_url()}">Centrum</a></td>')[1]
    area = cell.split('class="nowrap">')[1].split(" km²")[0]
    assert "," in area and "." not in area  # e.g. "8,4"


def test_it_draws_a_sketch_with_one_numbered_shape_per_district(client, coordinator):
    client.force_login(coordinator)
    page = client.get("/omraden/").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'viewBox="0 0 ' in svg
    assert svg.count("<path") == 13  # the municipality's outline and twelve districts
    assert svg.count("<circle") == 11
    assert "<title>Hertsön</title>" in svg
    assert "," not in svg.split('viewBox="')[1].split('"')[0]  # numbers stay unlocalised in SVG


def test_it_shows_the_kommunpolis_both_municipalities(client, kommunpolis):
    client.force_login(kommunpolis)
    response = client.get("/omraden/")
    assertContains(response, "Luleå kommun")
    assertContains(response, "Bodens kommun")
    assertContains(response, "Boden centrum")


def test_it_shows_boden_only_bodens_district(client, boden_user):
    client.force_login(boden_user)
    response = client.get("/omraden/")
    assertContains(response, "Boden centrum")
    assertNotContains(response, "Hertsön")
    assertNotContains(response, "Luleå")


def test_it_says_so_when_the_user_sees_no_municipality(client, coordinator):
    Municipality.objects.filter(code="2580").update(organisation=None)
    client.force_login(coordinator)
    assertContains(
        client.get("/omraden/"),
        "Din organisation är inte part i någon överenskommelse med en kommun",
    )


def test_it_makes_the_same_number_of_queries_whatever_the_number_of_places(client, kommunpolis):
    client.force_login(kommunpolis)
    client.get("/omraden/")  # warm up the session and the user
    with CaptureQueriesContext(connection) as few:
        client.get("/omraden/")
    lulea = Municipality.objects.get(code="2580")
    for i in range(30):
        place_create(municipality=lulea, name=f"Plats {i}", lat=65.58 + i * 0.001, lon=22.15)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/omraden/")
    assertContains(response, "Plats 29")
    assert len(many) == len(few)


def test_it_shows_a_district_with_its_places(client, coordinator):
    client.force_login(coordinator)
    response = client.get(district("centrum").get_absolute_url())
    assertContains(response, "<h1>Centrum</h1>")
    assertContains(response, '<span class="badge">ungefärlig gräns</span>')
    assertContains(response, "Voronoi-indelning")  # the source says how it was made
    for name in (
        "Stadsparken",
        "Kulturens hus",
        "Gültzauudden",
        "Smedjegatan/Storgatan busshållplats",
    ):
        assertContains(response, f'<a href="{place(name).get_absolute_url()}">{name}</a>')
    assertNotContains(response, ">Hertsö centrum</a>")
    assertContains(response, "<svg")


def test_it_says_when_a_district_has_no_places(client, coordinator):
    client.force_login(coordinator)
    assertContains(
        client.get(district("notviken").get_absolute_url()), "Inga platser i området ännu."
    )


def test_it_shows_a_place(client, coordinator):
    client.force_login(coordinator)
    response = client.get(place("Hertsö centrum").get_absolute_url())
    assertContains(response, "<h1>Hertsö centrum</h1>")
    assertContains(response, "Typ: Centrum")
    assertContains(response, f'<a href="{district("hertson").get_absolute_url()}">Hertsön</a>')
    assertContains(response, "65.58420 N, 22.26410 E")


@pytest.mark.parametrize("username", ["boden"])
def test_it_answers_404_for_another_partys_district_and_place(client, demo, username):
    from samverkan.core.models import User

    client.force_login(User.objects.get(username=username))
    assert client.get(district("hertson").get_absolute_url()).status_code == 404
    assert client.get(place("Stadsparken").get_absolute_url()).status_code == 404
    assert client.get(district("boden-centrum").get_absolute_url()).status_code == 200


def test_it_answers_404_for_what_does_not_exist(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/omraden/999999/").status_code == 404
    assert client.get("/platser/999999/").status_code == 404


def test_it_shows_the_districts_page_in_english(client, coordinator):
    client.cookies["django_language"] = "en"
    client.force_login(coordinator)
    response = client.get("/omraden/")
    assertContains(response, "<h1>Areas</h1>")
    assertContains(response, '<span class="badge">approximate boundary</span>')
    assertContains(response, "<th>Places</th>")
    response = client.get(place("Stadsparken").get_absolute_url())
    assertContains(response, "Type: Park")
