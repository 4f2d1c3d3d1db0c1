"""The report form (/handelser/ny/), corrections and the list page."""

import datetime as dt

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from samverkan.incidents.models import Incident
from samverkan.incidents.services import incident_create

from .conftest import A_PERSONNUMMER, HERTSO_CENTRUM

HINT = "Beskriv plats och situation – inga namn, personnummer, telefonnummer eller"


def form_data(category, **overrides):
    data = {
        "category": category.pk,
        "occurred": (timezone.localtime() - dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
        "place": "",
        "district": "",
        "lat": "",
        "lon": "",
        "description": "Krossad ruta i väntkuren.",
        "severity": "2",
        "creates_insecurity": "on",
        "place_type": "offentlig",
    }
    data.update(overrides)
    return data


def test_it_asks_for_login_first(client, demo):
    assertRedirects(client.get("/handelser/ny/"), "/login/?next=/handelser/ny/")


def test_the_menu_links_the_incidents(client, reporter):
    client.force_login(reporter)
    assertContains(client.get("/handelser/"), '<a href="/handelser/">Händelser</a>')


def test_the_form_shows_categories_hint_places_and_now(client, reporter, stadsparken):
    client.force_login(reporter)
    response = client.get("/handelser/ny/")
    assertContains(response, 'class="chip"', count=20)  # 16 EST categories and 4 for Polisen types
    assertContains(response, "Tillhåll/\u200botrygghetsskapande samling")
    assertContains(response, HINT)
    assertContains(response, "Använd min position")
    assertContains(response, f'<option value="{stadsparken.pk}">Stadsparken</option>', html=True)
    now = timezone.localtime().strftime("%Y-%m-%dT")
    assertContains(response, f'value="{now}')
    assertContains(response, 'type="datetime-local"')


def test_a_reader_may_not_open_the_form(client, reader):
    client.force_login(reader)
    assert client.get("/handelser/ny/").status_code == 403


def test_filing_at_a_place_saves_and_thanks(client, reporter, klotter, stadsparken):
    client.force_login(reporter)
    response = client.post("/handelser/ny/", form_data(klotter, place=stadsparken.pk), follow=True)
    assertContains(response, "Tack! Rapporten är sparad.")
    incident = Incident.objects.get()
    assert incident.place == stadsparken and incident.severity == 2
    assert incident.creates_insecurity and incident.reporter == reporter
    assertContains(response, "Mina senaste rapporter")
    assertContains(response, f"/handelser/{incident.pk}/andra/")


def test_filing_with_the_phone_position_assigns_the_district(client, reporter, klotter):
    client.force_login(reporter)
    lat, lon = HERTSO_CENTRUM
    client.post("/handelser/ny/", form_data(klotter, lat=str(lat), lon=str(lon)))
    assert Incident.objects.get().district.slug == "hertson"


def test_a_privacy_finding_keeps_the_input_and_saves_nothing(
    client, reporter, klotter, stadsparken
):
    client.force_login(reporter)
    text = f"Mannen med personnummer {A_PERSONNUMMER} klottrade."
    response = client.post(
        "/handelser/ny/",
        form_data(klotter, place=stadsparken.pk, description=text, severity="3"),
    )
    assert response.status_code == 400
    assertContains(response, "Texten innehåller ett personnummer", status_code=400)
    assertContains(response, text, status_code=400)  # the text is kept to edit
    assertContains(
        response,
        f'<option value="{stadsparken.pk}" selected>Stadsparken</option>',
        html=True,
        status_code=400,
    )
    assertContains(response, 'value="3" id="id_severity_2" required checked', status_code=400)
    assert not Incident.objects.exists()


def test_no_location_is_refused(client, reporter, klotter):
    client.force_login(reporter)
    response = client.post("/handelser/ny/", form_data(klotter))
    assertContains(response, "Ange var det hände", status_code=400)
    assert not Incident.objects.exists()


def test_a_future_time_is_refused_in_the_form(client, reporter, klotter, stadsparken):
    client.force_login(reporter)
    later = (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/handelser/ny/", form_data(klotter, place=stadsparken.pk, occurred=later)
    )
    assertContains(response, "Tiden ligger i framtiden.", status_code=400)


def test_the_reporter_corrects_a_recent_report(client, reporter, klotter, stadsparken):
    client.force_login(reporter)
    client.post("/handelser/ny/", form_data(klotter, place=stadsparken.pk))
    incident = Incident.objects.get()
    url = f"/handelser/{incident.pk}/andra/"
    assertContains(client.get(url), "Krossad ruta i väntkuren.")
    response = client.post(
        url, form_data(klotter, place=stadsparken.pk, description="Två krossade rutor.")
    )
    assertRedirects(response, "/handelser/ny/")
    incident.refresh_from_db()
    assert incident.description == "Två krossade rutor."


def test_another_partys_report_cannot_be_opened_for_editing(
    client, kommunpolis, coordinator, klotter, stadsparken
):
    incident = incident_create(
        by=kommunpolis,
        category=klotter,
        occurred_from=timezone.now(),
        place=stadsparken,
        classification="begransad",
    )
    client.force_login(coordinator)
    assert client.get(f"/handelser/{incident.pk}/andra/").status_code == 404


def test_the_list_filters_and_hides_restricted_reports(
    client, kommunpolis, coordinator, klotter, stadsparken
):
    when = timezone.now() - dt.timedelta(hours=2)
    incident_create(
        by=kommunpolis,
        category=klotter,
        occurred_from=when,
        place=stadsparken,
        classification="begransad",
        description="Hemligt spaningsärende",
    )
    incident_create(by=coordinator, category=klotter, occurred_from=when, place=stadsparken)
    client.force_login(coordinator)
    response = client.get("/handelser/")
    assertContains(response, "Stadsparken")
    assertContains(response, "Kommunstaben")
    assertNotContains(response, "Lokalpolisområde")
    response = client.get(f"/handelser/?kategori={klotter.pk + 1000}")
    assertContains(response, "Inga händelser.")
    client.force_login(kommunpolis)
    assertContains(client.get("/handelser/"), "Lokalpolisområde Luleå-Boden")


@pytest.mark.parametrize("path", ["/handelser/", "/handelser/ny/"])
def test_the_pages_work_in_english(client, reporter, path):
    client.force_login(reporter)
    client.cookies["django_language"] = "en"
    assert client.get(path).status_code == 200


def test_the_police_area_tells_the_municipalities_apart(client, kommunpolis, reporter):
    client.force_login(kommunpolis)
    assertContains(client.get("/handelser/ny/"), "Bodens resecentrum (Bodens kommun)")
    client.force_login(reporter)
    assertNotContains(client.get("/handelser/ny/"), "(Luleå kommun)")


def test_the_list_filters_by_district(client, coordinator, klotter, stadsparken):
    lat, lon = HERTSO_CENTRUM
    when = timezone.now() - dt.timedelta(hours=1)
    incident_create(by=coordinator, category=klotter, occurred_from=when, place=stadsparken)
    hertso = incident_create(by=coordinator, category=klotter, occurred_from=when, lat=lat, lon=lon)
    client.force_login(coordinator)
    response = client.get(f"/handelser/?omrade={hertso.district_id}")
    assert [i.pk for i in response.context["incidents"]] == [hertso.pk]
