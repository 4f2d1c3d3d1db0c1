"""The type mapping page /handelser/typer/: Polisen's event types → categories."""

from pathlib import Path

import pytest
from django.urls import reverse

from samverkan.incidents.importers.polisen_load import import_polisen
from samverkan.incidents.models import Category, Incident, SourceTypeMapping
from samverkan.organisations.models import Organisation

SAMPLE = Path(__file__).parent.parent / "fixtures" / "polisen" / "events-sample.json"
URL = "/handelser/typer/"


@pytest.fixture
def events(demo) -> None:
    # "Stöld" stands for a type nobody has mapped yet (migration 0011 maps it).
    SourceTypeMapping.objects.filter(source="polisen", source_type="Stöld").delete()
    import_polisen(
        SAMPLE.read_bytes(), organisation=Organisation.objects.get(slug="lpo-lulea-boden")
    )


def test_the_url():
    assert reverse("incident_type_mapping") == URL


def test_a_coordinator_sees_every_type_seen_and_every_mapping(client, coordinator, events):
    client.force_login(coordinator)
    response = client.get(URL)
    assert response.status_code == 200
    rows = {row.source_type: row for row in response.context["rows"]}
    assert rows["Stöld"].count == 1 and rows["Stöld"].mapping is None
    assert rows["Brand"].count == 2 and rows["Brand"].mapping.category.slug == "brand"
    assert rows["Sammanfattning natt"].count == 1
    # A seeded mapping of a type not seen yet is listed too, with no events.
    assert rows["Narkotikabrott"].count == 0 and rows["Narkotikabrott"].mapping is not None
    # Unmapped types first.
    assert next(iter(rows.values())).mapping is None
    html = response.content.decode()
    assert "ingen mappning" in html and "Stöld" in html


@pytest.mark.parametrize("user", ["reporter", "reader", "steering"])
def test_others_get_403(client, request, user, events):
    client.force_login(request.getfixturevalue(user))
    assert client.get(URL).status_code == 403
    stold = Category.objects.get(slug="inbrott")
    response = client.post(URL, {"source_type": "Stöld", "category": stold.pk})
    assert response.status_code == 403
    assert not SourceTypeMapping.objects.filter(source_type="Stöld").exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response.url


def test_mapping_a_type_re_categorises_its_events(client, coordinator, events):
    inbrott = Category.objects.get(slug="inbrott")
    assert Incident.objects.get(external_id="601008").category.slug == "ovrigt"
    client.force_login(coordinator)
    response = client.post(URL, {"source_type": "Stöld", "category": inbrott.pk}, follow=True)
    assert response.status_code == 200
    assert "Stöld går nu till kategorin Inbrott; 1 lagrade händelser" in response.content.decode()
    assert SourceTypeMapping.objects.get(source="polisen", source_type="Stöld").category == inbrott
    assert Incident.objects.get(external_id="601008").category == inbrott


def test_changing_a_mapping_moves_the_events_of_that_type_only(client, admin_user, events):
    ovrigt = Category.objects.get(slug="ovrigt")
    client.force_login(admin_user)
    response = client.post(URL, {"source_type": "Brand", "category": ovrigt.pk})
    assert response.status_code == 302
    assert set(
        Incident.objects.filter(source_type="Brand").values_list("category__slug", flat=True)
    ) == {"ovrigt"}
    assert Incident.objects.get(external_id="601001").category.slug == "skadegorelse"


def test_an_inactive_or_missing_category_is_refused_with_a_message(client, coordinator, events):
    klotter = Category.objects.get(slug="klotter")
    klotter.active = False
    klotter.save()
    client.force_login(coordinator)
    response = client.post(URL, {"source_type": "Stöld", "category": klotter.pk})
    assert response.status_code == 400
    assert "Kategorin Klotter används inte längre." in response.content.decode()
    response = client.post(URL, {"source_type": "Stöld", "category": ""})
    assert response.status_code == 400 and "Välj en kategori." in response.content.decode()
    response = client.post(URL, {"source_type": "  ", "category": klotter.pk})
    assert response.status_code == 400
    assert not SourceTypeMapping.objects.filter(source_type="Stöld").exists()
    assert Incident.objects.get(external_id="601008").category.slug == "ovrigt"


def test_a_new_type_can_be_mapped_before_it_is_seen(client, coordinator, events):
    client.force_login(coordinator)
    vald = Category.objects.get(slug="vald")
    client.post(URL, {"source_type": " Knivlagen ", "category": vald.pk})
    assert SourceTypeMapping.objects.get(source_type="Knivlagen").category == vald
