"""The incident list /handelser/: every filter, htmx, paging, scoping, constant queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from samverkan.incidents.models import Category, Incident
from samverkan.incidents.services import incident_create
from samverkan.organisations.models import Organisation

from .conftest import HERTSO_CENTRUM


def bulk(n: int, *, place, category, organisation, when=None, **fields) -> None:
    """n stored reports at a place, written directly (the list only reads them)."""
    when = when or timezone.now() - dt.timedelta(days=1)
    Incident.objects.bulk_create(
        Incident(
            category=category,
            occurred_from=when - dt.timedelta(minutes=i),
            occurred_to=when - dt.timedelta(minutes=i),
            municipality=place.municipality,
            district=place.district,
            place=place,
            lat=place.lat,
            lon=place.lon,
            description="[Syntetisk] Test.",
            organisation=organisation,
            **fields,
        )
        for i in range(n)
    )


def ids(response) -> list[int]:
    return [i.pk for i in response.context["incidents"]]


@pytest.fixture
def two(coordinator, klotter, stadsparken, an_hour_ago):
    lat, lon = HERTSO_CENTRUM
    brand = Category.objects.get(slug="brand")
    first = incident_create(
        by=coordinator, category=klotter, occurred_from=an_hour_ago, place=stadsparken
    )
    second = incident_create(
        by=coordinator,
        category=brand,
        occurred_from=an_hour_ago - dt.timedelta(days=3),
        lat=lat,
        lon=lon,
    )
    return first, second


def test_each_filter_narrows_the_list(client, coordinator, two):
    first, second = two
    client.force_login(coordinator)
    day = timezone.localtime(first.occurred_from).date()
    assert set(ids(client.get("/handelser/"))) == {first.pk, second.pk}
    assert ids(client.get(f"/handelser/?fran={day}")) == [first.pk]
    assert ids(client.get(f"/handelser/?till={day - dt.timedelta(days=1)}")) == [second.pk]
    # A parent category includes its sub-categories (Klotter under Skadegörelse).
    assert ids(client.get("/handelser/?kategori=skadegorelse")) == [first.pk]
    assert ids(client.get("/handelser/?kategori=brand")) == [second.pk]
    assert ids(client.get(f"/handelser/?omrade={second.district_id}")) == [second.pk]
    assert ids(client.get(f"/handelser/?plats={first.place_id}")) == [first.pk]
    Incident.objects.filter(pk=second.pk).update(status="granskad", source="open311")
    assert ids(client.get("/handelser/?status=granskad")) == [second.pk]
    assert ids(client.get("/handelser/?kalla=open311")) == [second.pk]
    assert ids(client.get("/handelser/?kalla=form")) == [first.pk]
    lulebo = Organisation.objects.get(slug="lulebo")
    Incident.objects.filter(pk=first.pk).update(organisation=lulebo)
    assert ids(client.get("/handelser/?organisation=lulebo")) == [first.pk]
    assert ids(client.get(f"/handelser/?organisation={lulebo.pk}")) == [first.pk]


def test_polisens_summaries_only_when_asked(client, coordinator, two):
    first, second = two
    Incident.objects.filter(pk=second.pk).update(is_summary=True)
    client.force_login(coordinator)
    assert ids(client.get("/handelser/")) == [first.pk]
    assert set(ids(client.get("/handelser/?sammanfattningar=1"))) == {first.pk, second.pk}


def test_a_bad_value_gets_a_swedish_message_at_its_field(client, coordinator, two):
    client.force_login(coordinator)
    response = client.get("/handelser/?fran=31-12-2025&kalla=fax")
    assertContains(response, "31-12-2025 är inget datum; skriv ÅÅÅÅ-MM-DD.")
    assertContains(response, "Okänd källa fax")
    assert ids(response) == []
    assert set(response.context["errors"]) == {"from", "source"}


def test_the_row_shows_source_type_status_and_classification(client, kommunpolis, two):
    first, _second = two
    Incident.objects.filter(pk=first.pk).update(
        source="polisen", source_type="Skadegörelse", classification="oppen"
    )
    client.force_login(kommunpolis)
    response = client.get("/handelser/")
    assertContains(response, 'Polisen <span class="muted">(Skadegörelse)</span>', html=False)
    assertContains(response, '<span class="badge class-oppen">Öppen</span>', html=True)
    assertContains(response, "Ny")
    assertContains(response, "Centrum · Stadsparken")


def test_a_restricted_police_report_stays_out_of_a_kommun_list(
    client, coordinator, kommunpolis, klotter, stadsparken, an_hour_ago
):
    secret = incident_create(
        by=kommunpolis,
        category=klotter,
        occurred_from=an_hour_ago,
        place=stadsparken,
        classification="begransad",
    )
    client.force_login(coordinator)
    response = client.get("/handelser/")
    assert secret.pk not in ids(response)
    assert response.context["page"].paginator.count == 0
    client.force_login(kommunpolis)
    assert ids(client.get("/handelser/")) == [secret.pk]


def test_it_pages_fifty_at_a_time_with_the_total(client, coordinator, klotter, stadsparken):
    bulk(120, place=stadsparken, category=klotter, organisation=coordinator.organisation)
    client.force_login(coordinator)
    response = client.get("/handelser/?kategori=klotter")
    assert len(ids(response)) == 50
    assertContains(response, "120 händelser, visar 1–50.")
    assertContains(response, "category=klotter&amp;sida=2")
    last = client.get("/handelser/?kategori=klotter&sida=3")
    assert len(ids(last)) == 20
    assertContains(last, "Sida 3 av 3")


def test_htmx_gets_only_the_results_part(client, coordinator, two):
    client.force_login(coordinator)
    response = client.get("/handelser/?kategori=brand", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="incident-browser">')
    assert "<html" not in body
    assert ids(response) == [two[1].pk]
    full = client.get("/handelser/?kategori=brand")
    assertContains(full, "<html")
    assertContains(full, 'hx-push-url="true"')


def test_the_links_carry_the_filter(client, coordinator, two):
    client.force_login(coordinator)
    response = client.get("/handelser/?kategori=brand&fran=2026-01-01")
    assertContains(response, "/handelser/export.csv?from=2026-01-01&amp;category=brand")
    assertContains(response, "/handelser/export.xlsx?from=2026-01-01&amp;category=brand")
    assertContains(response, "/handelser/karta/?from=2026-01-01&amp;category=brand")


def test_the_query_count_does_not_grow_with_the_data(client, coordinator, klotter, stadsparken):
    client.force_login(coordinator)
    kinds = Category.objects.get(slug="brand")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/handelser/?kategori=skadegorelse").status_code == 200
        return len(captured.captured_queries)

    bulk(3, place=stadsparken, category=klotter, organisation=coordinator.organisation)
    small = queries()
    bulk(150, place=stadsparken, category=klotter, organisation=coordinator.organisation)
    bulk(40, place=stadsparken, category=kinds, organisation=coordinator.organisation)
    assert queries() == small


def test_the_detail_page_respects_classification(
    client, coordinator, kommunpolis, klotter, stadsparken, an_hour_ago
):
    secret = incident_create(
        by=kommunpolis,
        category=klotter,
        occurred_from=an_hour_ago,
        place=stadsparken,
        classification="begransad",
        description="Klotter på muren.",
    )
    client.force_login(kommunpolis)
    assertContains(client.get(f"/handelser/{secret.pk}/"), "Klotter på muren.")
    client.force_login(coordinator)
    response = client.get(f"/handelser/{secret.pk}/")
    assert response.status_code == 404
    assertNotContains(response, "Klotter på muren.", status_code=404)
