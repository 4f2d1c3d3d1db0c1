"""Who sees which municipalities, districts and places: those of the kommuner that are party
to an agreement the user's organisation is party to. Every chokepoint, every member of the
cast."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from samverkan.core.models import User
from samverkan.organisations.models import Organisation
from samverkan.places.access import (
    district_list_for_user,
    get_district_for_user,
    get_place_for_user,
    municipality_list_for_user,
    place_list_for_user,
)
from samverkan.places.models import District, Municipality, Place
from samverkan.places.selectors import district_overview

LULEA = {"2580"}
BOTH = {"2580", "2582"}
BODEN = {"2582"}

# Every user of the demo and the municipalities they see.
EXPECTED = [
    ("admin", LULEA),  # Kommunstaben, under Luleå kommun
    ("styrgrupp", BOTH),  # the police area is party to both agreements
    ("samordnare", LULEA),
    ("kommunpolis", BOTH),
    ("rapportor", LULEA),  # Lulebo AB, owned by Luleå kommun
    ("lasare", LULEA),  # Socialförvaltningen
    ("boden", BODEN),
]


def codes(queryset) -> set[str]:
    return {m.code for m in queryset}


@pytest.mark.parametrize("username, expected", EXPECTED)
def test_it_shows_each_user_the_municipalities_of_their_agreements(demo, username, expected):
    user = User.objects.get(username=username)
    assert codes(municipality_list_for_user(user)) == expected
    assert {d.municipality.code for d in district_list_for_user(user)} == expected
    assert {p.municipality.code for p in place_list_for_user(user)} == expected


def test_it_shows_boden_nothing_of_luleas_districts_or_places(boden_user):
    assert [d.name for d in district_list_for_user(boden_user)] == ["Boden centrum"]
    assert [p.name for p in place_list_for_user(boden_user)] == ["Bodens resecentrum"]
    hertson = District.objects.get(slug="hertson")
    stadsparken = Place.objects.get(name="Stadsparken")
    with pytest.raises(Http404):
        get_district_for_user(boden_user, hertson.pk)
    with pytest.raises(Http404):
        get_place_for_user(boden_user, stadsparken.pk)


def test_it_shows_the_kommunpolis_both_municipalities(kommunpolis):
    assert district_list_for_user(kommunpolis).count() == 13
    assert (
        get_district_for_user(kommunpolis, District.objects.get(slug="boden-centrum").pk).name
        == "Boden centrum"
    )
    assert (
        get_place_for_user(kommunpolis, Place.objects.get(name="Stadsparken").pk).district.slug
        == "centrum"
    )


def test_it_shows_luleas_coordinator_luleas_places(coordinator):
    place = get_place_for_user(coordinator, Place.objects.get(name="Hertsö centrum").pk)
    assert place.district.name == "Hertsön"
    with pytest.raises(Http404):
        get_place_for_user(coordinator, Place.objects.get(name="Bodens resecentrum").pk)


@pytest.mark.parametrize("pk", [999_999, "x", None])
def test_it_answers_404_for_what_does_not_exist(coordinator, pk):
    with pytest.raises(Http404):
        get_district_for_user(coordinator, pk)
    with pytest.raises(Http404):
        get_place_for_user(coordinator, pk)


def test_it_shows_nothing_to_a_user_without_organisation_or_not_logged_in(demo):
    loner = User.objects.create_user("ensam", organisation=None)
    for user in (loner, AnonymousUser()):
        assert not municipality_list_for_user(user).exists()
        assert not district_list_for_user(user).exists()
        assert not place_list_for_user(user).exists()


def test_it_shows_a_superuser_every_municipality(demo):
    superuser = User.objects.create_superuser("root", password="x", organisation=None)
    Municipality.objects.create(code="2514", name="Kalix kommun", boundary={})
    assert codes(municipality_list_for_user(superuser)) == BOTH | {"2514"}


def test_it_hides_a_municipality_whose_kommun_is_party_to_nothing(coordinator):
    Municipality.objects.filter(code="2580").update(organisation=None)
    assert not municipality_list_for_user(coordinator).exists()


def test_it_shows_a_municipality_linked_to_a_forvaltning_of_the_kommun(coordinator):
    # A municipality set up with a förvaltning as its organisation still belongs to the kommun.
    Municipality.objects.filter(code="2580").update(
        organisation=Organisation.objects.get(slug="stadsbyggnad")
    )
    assert codes(municipality_list_for_user(coordinator)) == LULEA


def test_it_builds_the_overview_of_the_users_municipalities(kommunpolis):
    overview = district_overview(municipality_list_for_user(kommunpolis))
    assert [v.municipality.code for v in overview] == ["2582", "2580"]  # by name: Bodens, Luleå
    lulea = overview[1]
    assert [r.district.name for r in lulea.districts] == [
        "Bergnäset", "Björkskatan", "Centrum", "Gammelstad", "Hertsön", "Norrbyarna",
        "Notviken", "Porsön", "Råneå", "Sunderbyn", "Sörbyarna", "Örnäset",
    ]  # fmt: skip
    assert [r.number for r in lulea.districts] == list(range(1, 13))
    counts = {r.district.slug: r.place_count for r in lulea.districts}
    assert counts["centrum"] == 4 and counts["hertson"] == 1 and counts["notviken"] == 0
    assert sum(counts.values()) == len(lulea.places) == 11
    assert sum(r.area_km2 for r in lulea.districts) == pytest.approx(lulea.area_km2, rel=1e-3)
    assert lulea.any_approximate
    assert len(lulea.sketch.shapes) == 12 and len(lulea.sketch.points) == 11
