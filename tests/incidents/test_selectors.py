"""Who sees which report: the municipality scope and the classification rule, over the cast."""

import pytest
from django.http import Http404

from samverkan.core.models import User
from samverkan.incidents.access import get_incident_for_user, incident_list_for_user
from samverkan.incidents.services import incident_create

from .conftest import BODENS_RESECENTRUM


@pytest.fixture
def reports(demo, klotter, stadsparken, an_hour_ago) -> dict[str, int]:
    def make(username, classification, **where):
        user = User.objects.get(username=username)
        incident = incident_create(
            by=user,
            category=klotter,
            occurred_from=an_hour_ago,
            classification=classification,
            **(where or {"place": stadsparken}),
        )
        return incident.pk

    lat, lon = BODENS_RESECENTRUM
    return {
        "police_restricted": make("kommunpolis", "begransad"),
        "police_open": make("kommunpolis", "oppen"),
        "lulebo_restricted": make("rapportor", "begransad"),
        "kommun_internal": make("samordnare", "intern"),
        "boden_internal": make("boden", "intern", lat=lat, lon=lon),
        "police_boden_restricted": make("kommunpolis", "begransad", lat=lat, lon=lon),
    }


LULEA_KOMMUN_TREE = {"police_open", "lulebo_restricted", "kommun_internal"}
POLICE = {
    "police_restricted",
    "police_open",
    "kommun_internal",
    "boden_internal",
    "police_boden_restricted",
}

VISIBLE = [
    ("admin", LULEA_KOMMUN_TREE),  # Kommunstaben
    ("samordnare", LULEA_KOMMUN_TREE),  # Kommunstaben
    ("rapportor", LULEA_KOMMUN_TREE),  # Lulebo AB, owned by Luleå kommun
    ("lasare", LULEA_KOMMUN_TREE),  # Socialförvaltningen
    ("styrgrupp", POLICE),  # LPO Luleå-Boden, party to both agreements
    ("kommunpolis", POLICE),
    ("boden", {"boden_internal"}),  # nothing of Luleå's, nothing begränsad of the police
]


@pytest.mark.parametrize(("username", "expected"), VISIBLE)
def test_the_list_shows_exactly_what_the_user_may_see(reports, username, expected):
    user = User.objects.get(username=username)
    visible = set(incident_list_for_user(user).values_list("pk", flat=True))
    assert visible == {reports[name] for name in expected}


@pytest.mark.parametrize(("username", "expected"), VISIBLE)
def test_one_report_is_404_unless_visible(reports, username, expected):
    user = User.objects.get(username=username)
    for name, pk in reports.items():
        if name in expected:
            assert get_incident_for_user(user, pk).pk == pk
        else:
            with pytest.raises(Http404):
                get_incident_for_user(user, pk)


def test_a_restricted_police_report_is_hidden_from_the_municipality_coordinator(
    reports, coordinator, kommunpolis
):
    pk = reports["police_restricted"]
    assert not incident_list_for_user(coordinator).filter(pk=pk).exists()
    assert incident_list_for_user(kommunpolis).filter(pk=pk).exists()


def test_a_superuser_sees_everything(reports):
    root = User.objects.create(username="root", is_superuser=True)
    assert incident_list_for_user(root).count() == len(reports)


def test_a_user_without_organisation_sees_nothing(reports):
    loner = User.objects.create(username="ensam", role="samordnare")
    assert not incident_list_for_user(loner).exists()
