"""The incident API under /api/: the same scoping, classification, filter and checks as the
pages, paginated with the total count, in a constant number of queries."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samverkan.core.models import APIToken, User
from samverkan.incidents.models import Category, Incident
from samverkan.incidents.services import incident_create
from samverkan.places.models import District, Place

from .conftest import A_PERSONNUMMER, BODENS_RESECENTRUM, HERTSO_CENTRUM

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def bearer(user: User) -> dict:
    return {"Authorization": f"Bearer {APIToken.issue(user=user)}"}


def post_json(client, url: str, body: dict, headers: dict, method: str = "post"):
    send = getattr(client, method)
    return send(url, json.dumps(body), content_type="application/json", headers=headers)


def user(username: str) -> User:
    return User.objects.select_related("organisation").get(username=username)


@pytest.fixture
def reports(demo, klotter, stadsparken, an_hour_ago) -> dict[str, int]:
    """The cast of test_selectors: who reported what, with which classification."""

    def make(username, classification, **where):
        incident = incident_create(
            by=user(username),
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
    ("samordnare", LULEA_KOMMUN_TREE),
    ("rapportor", LULEA_KOMMUN_TREE),
    ("lasare", LULEA_KOMMUN_TREE),
    ("kommunpolis", POLICE),
    ("boden", {"boden_internal"}),
]


# --- Authentication --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/reports",
        "/api/reports/1",
        "/api/categories",
        "/api/places",
        "/api/places/1",
        "/api/districts",
    ],
)
def test_it_answers_401_without_a_token(client, demo, url):
    response = client.get(url)
    assert response.status_code == 401
    assert "Inloggning krävs" in response.json()["detail"]


def test_it_answers_401_to_a_post_without_a_token(client, demo):
    response = post_json(client, "/api/reports", {"category": "klotter"}, headers={})
    assert response.status_code == 401
    assert not Incident.objects.exists()


def test_it_answers_401_with_a_wrong_token(client, demo):
    response = client.get("/api/reports", headers={"Authorization": "Bearer sv_fel"})
    assert response.status_code == 401


# --- Scoping and classification --------------------------------------------------------------


@pytest.mark.parametrize(("username", "expected"), VISIBLE)
def test_the_list_and_its_count_show_exactly_what_the_user_may_see(
    client, reports, username, expected
):
    response = client.get("/api/reports", headers=bearer(user(username)))
    data = response.json()
    assert response.status_code == 200
    assert {item["id"] for item in data["items"]} == {reports[name] for name in expected}
    assert data["count"] == len(expected)


@pytest.mark.parametrize(("username", "expected"), VISIBLE)
def test_one_report_is_404_unless_visible(client, reports, username, expected):
    headers = bearer(user(username))
    for name, pk in reports.items():
        response = client.get(f"/api/reports/{pk}", headers=headers)
        if name in expected:
            assert response.status_code == 200, name
            assert response.json()["id"] == pk
        else:
            assert response.status_code == 404, name
            assert response.json() == {"detail": "Finns inte."}


def test_a_restricted_police_report_is_not_even_counted_for_the_kommun(
    client, reports, coordinator
):
    headers = bearer(coordinator)
    everything = client.get("/api/reports", headers=headers).json()
    police = User.objects.get(username="kommunpolis").organisation
    by_id = client.get(f"/api/reports?organisation={police.pk}", headers=headers).json()
    by_slug = client.get(f"/api/reports?organisation={police.slug}", headers=headers).json()

    assert reports["police_restricted"] not in {i["id"] for i in everything["items"]}
    assert by_id["count"] == by_slug["count"] == 1  # only the öppen one
    assert [i["id"] for i in by_id["items"]] == [reports["police_open"]]
    assert [i["id"] for i in by_slug["items"]] == [reports["police_open"]]


def test_the_boden_user_sees_nothing_of_lulea_even_by_filtering(
    client, reports, boden_user, stadsparken
):
    response = client.get(f"/api/reports?place={stadsparken.pk}", headers=bearer(boden_user))
    assert response.json() == {"items": [], "count": 0}


# --- The item --------------------------------------------------------------------------------


def test_an_item_has_every_field_and_never_the_reporter(client, demo, reporter, stadsparken):
    occurred = dt.datetime(2026, 7, 1, 22, 30, tzinfo=STOCKHOLM)
    incident = incident_create(
        by=reporter,
        category=Category.objects.get(slug="klotter"),
        occurred_from=occurred,
        occurred_to=occurred + dt.timedelta(minutes=45),
        place=stadsparken,
        description="Klotter på lekstugan",
        severity=2,
        creates_insecurity=True,
        place_type="halvoffentlig",
        cost_sek="1250.50",
    )
    data = client.get(f"/api/reports/{incident.pk}", headers=bearer(reporter)).json()

    assert data == {
        "id": incident.pk,
        "category": {"slug": "klotter", "name": "Klotter"},
        "occurred_from": "2026-07-01T22:30:00+02:00",
        "occurred_to": "2026-07-01T23:15:00+02:00",
        "time_precision": "exakt",
        "municipality": {"code": "2580", "name": "Luleå kommun"},
        "district": {"id": stadsparken.district_id, "name": stadsparken.district.name},
        "place": {"id": stadsparken.pk, "name": "Stadsparken"},
        "lat": stadsparken.lat,
        "lon": stadsparken.lon,
        "position_is_centre": False,
        "description": "Klotter på lekstugan",
        "severity": 2,
        "creates_insecurity": True,
        "place_type": "halvoffentlig",
        "organisation": {
            "id": reporter.organisation_id,
            "slug": reporter.organisation.slug,
            "name": "Lulebo AB",
        },
        "source": "form",
        "external_id": "",
        "source_type": "",
        "status": "ny",
        "classification": "intern",
        "cost_sek": "1250.50",
        "is_summary": False,
        "created_at": data["created_at"],
    }
    created = dt.datetime.fromisoformat(data["created_at"])
    assert created.utcoffset() == dt.timedelta(hours=1)  # November: CET
    assert abs(created - timezone.now()) < dt.timedelta(minutes=1)
    text = json.dumps(data)
    assert "reporter" not in text and "Rut" not in text and "rapportor" not in text


# --- Filters and pagination ------------------------------------------------------------------


@pytest.fixture
def spread(demo, reporter, kommunpolis, stadsparken) -> list[Incident]:
    """Seven reports on seven days of June 2026, oldest first, from two organisations."""
    hertso = Place.objects.get(name="Hertsö centrum")
    made = []
    for day in range(1, 8):
        by = reporter if day % 2 else kommunpolis
        made.append(
            incident_create(
                by=by,
                category=Category.objects.get(slug="klotter" if day <= 4 else "nedskrapning"),
                occurred_from=dt.datetime(2026, 6, day, 23, 30, tzinfo=STOCKHOLM),
                place=stadsparken if day <= 5 else hertso,
                classification="oppen",
            )
        )
    made[6].status = "atgardad"
    made[6].save()
    return made


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def test_it_pages_newest_first_with_the_total_count(client, spread, reader):
    headers = bearer(reader)
    first = client.get("/api/reports?limit=3", headers=headers)
    second = client.get("/api/reports?limit=3&offset=3", headers=headers)
    last = client.get("/api/reports?limit=3&offset=6", headers=headers)
    newest_first = [i.pk for i in reversed(spread)]

    assert ids(first) == newest_first[:3]
    assert ids(second) == newest_first[3:6]
    assert ids(last) == newest_first[6:]
    assert {r.json()["count"] for r in (first, second, last)} == {7}


def test_the_dates_are_whole_swedish_days(client, spread, reader):
    # 23:30 Swedish summer time on 2 June is 21:30 UTC: still 2 June here.
    response = client.get("/api/reports?from=2026-06-02&to=2026-06-03", headers=bearer(reader))
    assert ids(response) == [spread[2].pk, spread[1].pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=klotter", [3, 2, 1, 0]),
        ("category=skadegorelse", [3, 2, 1, 0]),  # the parent includes Klotter
        ("category=nedskrapning", [6, 5, 4]),
        ("status=atgardad", [6]),
        ("source=form", [6, 5, 4, 3, 2, 1, 0]),
        ("source=api", []),
        ("organisation=lulebo", [6, 4, 2, 0]),
        ("from=2026-06-07", [6]),
        ("to=2026-06-01", [0]),
    ],
)
def test_it_filters_like_the_list(client, spread, reader, query, expected):
    response = client.get(f"/api/reports?{query}", headers=bearer(reader))
    assert response.status_code == 200
    assert ids(response) == [spread[i].pk for i in expected]
    assert response.json()["count"] == len(expected)


def test_it_filters_on_place_and_district(client, spread, reader, stadsparken):
    headers = bearer(reader)
    by_place = client.get(f"/api/reports?place={stadsparken.pk}", headers=headers)
    district = Place.objects.get(name="Hertsö centrum").district
    by_district = client.get(f"/api/reports?district={district.pk}", headers=headers)
    assert ids(by_place) == [spread[i].pk for i in (4, 3, 2, 1, 0)]
    assert ids(by_district) == [spread[6].pk, spread[5].pk]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=1%20juni", "from", "1 juni är inget datum; skriv ÅÅÅÅ-MM-DD."),
        ("from=2026-06-05&to=2026-06-01", "to", "Slutdatum ligger före startdatum."),
        ("source=sms", "source", "Okänd källa sms; välj en av form, file, polisen, open311, api."),
        (
            "status=klar",
            "status",
            "Okänd status klar; välj en av ny, granskad, atgardad, arkiverad.",
        ),
        ("category=graffiti", "category", "Okänd kategori graffiti."),
        ("district=norr", "district", "Området ska anges med sitt id (ett heltal)."),
        ("place=x", "place", "Platsen ska anges med sitt id (ett heltal)."),
        ("limit=1001", "limit", "får vara högst 1000"),
        ("limit=0", "limit", "måste vara minst 1"),
        ("offset=-1", "offset", "måste vara minst 0"),
    ],
)
def test_a_bad_filter_value_is_422_with_a_swedish_message_at_the_parameter(
    client, demo, reader, query, field, message
):
    response = client.get(f"/api/reports?{query}", headers=bearer(reader))
    assert response.status_code == 422
    assert {"loc": ["query", field], "msg": message} in response.json()["detail"]


def test_the_number_of_queries_does_not_grow_with_the_page(
    client, demo, reporter, stadsparken, django_assert_num_queries
):
    klotter = Category.objects.get(slug="klotter")
    hertso = Place.objects.get(name="Hertsö centrum")
    now = timezone.now()
    for n in range(30):
        incident_create(
            by=reporter,
            category=klotter,
            occurred_from=now - dt.timedelta(hours=n + 1),
            place=stadsparken if n % 2 else hertso,
        )
    headers = bearer(reporter)
    client.get("/api/reports?limit=1", headers=headers)  # token's last_used_at settles

    for query in ("", "&category=skadegorelse&from=2020-01-01&organisation=lulebo"):
        with CaptureQueriesContext(connection) as small:
            response = client.get(f"/api/reports?limit=2{query}", headers=headers)
            assert len(response.json()["items"]) == 2
        with django_assert_num_queries(len(small)):
            response = client.get(f"/api/reports?limit=30{query}", headers=headers)
            assert len(response.json()["items"]) == 30
    assert len(small) <= 10


# --- Filing and correcting -------------------------------------------------------------------


def test_a_reporter_files_a_report_through_the_api(client, demo, reporter):
    lat, lon = HERTSO_CENTRUM
    body = {
        "category": "klotter",
        "occurred_from": "2026-11-01T21:15:00",
        "lat": lat,
        "lon": lon,
        "description": "Klotter på elskåpet vid busshållplatsen",
        "severity": 2,
        "creates_insecurity": True,
        "external_id": "app-17",
    }
    response = post_json(client, "/api/reports", body, headers=bearer(reporter))
    assert response.status_code == 201, response.content
    data = response.json()
    incident = Incident.objects.get(pk=data["id"])

    assert incident.source == "api"
    assert incident.external_id == "app-17"
    assert incident.reporter == reporter  # kept, never shown
    assert incident.organisation == reporter.organisation
    assert incident.district.name == "Hertsön"  # follows from the point
    assert timezone.localtime(incident.occurred_from).isoformat() == "2026-11-01T21:15:00+01:00"
    assert data["district"] == {"id": incident.district_id, "name": "Hertsön"}
    assert data["occurred_from"] == "2026-11-01T21:15:00+01:00"
    assert data["classification"] == "intern"


def test_a_report_without_a_time_happened_now(client, demo, reporter, stadsparken):
    body = {"category": "nedskrapning", "place": stadsparken.pk}
    response = post_json(client, "/api/reports", body, headers=bearer(reporter))
    assert response.status_code == 201
    occurred = dt.datetime.fromisoformat(response.json()["occurred_from"])
    assert abs(occurred - timezone.now()) < dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"description": f"Ungdom med personnummer {A_PERSONNUMMER} klottrade"},
            "description",
            "personnummer",
        ),
        ({"occurred_from": "2099-01-01T12:00:00+01:00"}, "occurred_from", "framtiden"),
        ({"lat": 59.3293, "lon": 18.0686}, "lat", "samverkar i"),  # Stockholm
        ({"category": "graffiti"}, "category", "Okänd kategori graffiti."),
        ({"place": 999999}, "place", "Okänd plats 999999."),
        ({"district": 999999}, "district", "Okänt område 999999."),
    ],
)
def test_a_post_runs_the_same_checks_as_the_form(client, demo, reporter, change, field, message):
    lat, lon = HERTSO_CENTRUM
    body = {"category": "klotter", "lat": lat, "lon": lon, **change}
    response = post_json(client, "/api/reports", body, headers=bearer(reporter))
    assert response.status_code == 422, response.content
    messages = [e["msg"] for e in response.json()["detail"] if e["loc"] == ["body", field]]
    assert any(message in m for m in messages), response.json()
    assert not Incident.objects.exists()


def test_a_post_outside_the_municipality_is_422(client, demo, boden_user):
    lat, lon = HERTSO_CENTRUM  # Luleå; Boden's coordinator works only in Boden
    body = {"category": "klotter", "lat": lat, "lon": lon}
    response = post_json(client, "/api/reports", body, headers=bearer(boden_user))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "lat"]
    assert not Incident.objects.exists()


def test_a_place_of_another_municipality_is_unknown(client, demo, boden_user, stadsparken):
    body = {"category": "klotter", "place": stadsparken.pk}
    response = post_json(client, "/api/reports", body, headers=bearer(boden_user))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "place"], "msg": f"Okänd plats {stadsparken.pk}."}
    ]


def test_a_bad_body_is_422_in_swedish(client, demo, reporter):
    body = {"category": "klotter", "severity": 7, "place_type": "hemma"}
    response = post_json(client, "/api/reports", body, headers=bearer(reporter))
    assert response.status_code == 422
    detail = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert detail[("body", "payload", "severity")] == "får vara högst 3"
    assert detail[("body", "payload", "place_type")].startswith("måste vara en av")


@pytest.mark.parametrize("username", ["lasare", "styrgrupp"])
def test_only_reporting_roles_may_post(client, demo, username, stadsparken):
    body = {"category": "klotter", "place": stadsparken.pk}
    response = post_json(client, "/api/reports", body, headers=bearer(user(username)))
    assert response.status_code == 403
    assert response.json() == {"detail": "Din roll får inte rapportera händelser."}
    assert not Incident.objects.exists()


def test_a_duplicate_external_id_is_422(client, demo, reporter, stadsparken):
    body = {"category": "klotter", "place": stadsparken.pk, "external_id": "app-1"}
    headers = bearer(reporter)
    assert post_json(client, "/api/reports", body, headers=headers).status_code == 201
    again = post_json(client, "/api/reports", body, headers=headers)
    assert again.status_code == 422
    assert again.json()["detail"][0]["loc"] == ["body", "external_id"]
    assert Incident.objects.count() == 1


def test_patch_changes_only_the_fields_given(client, demo, reporter, stadsparken, an_hour_ago):
    incident = incident_create(
        by=reporter,
        category=Category.objects.get(slug="klotter"),
        occurred_from=an_hour_ago,
        place=stadsparken,
        description="Klotter",
        severity=2,
    )
    response = post_json(
        client,
        f"/api/reports/{incident.pk}",
        {"description": "Klotter på bänken", "category": "skadegorelse"},
        headers=bearer(reporter),
        method="patch",
    )
    assert response.status_code == 200, response.content
    incident.refresh_from_db()
    assert incident.description == "Klotter på bänken"
    assert incident.category.slug == "skadegorelse"
    assert incident.severity == 2  # untouched
    assert incident.place == stadsparken
    assert response.json()["description"] == "Klotter på bänken"


def test_patch_moves_a_report_to_a_point_and_its_district_follows(
    client, demo, reporter, stadsparken, an_hour_ago
):
    incident = incident_create(
        by=reporter, category=Category.objects.get(slug="klotter"), occurred_from=an_hour_ago,
        place=stadsparken,
    )  # fmt: skip
    lat, lon = HERTSO_CENTRUM
    response = post_json(
        client,
        f"/api/reports/{incident.pk}",
        {"lat": lat, "lon": lon, "place": None},
        headers=bearer(reporter),
        method="patch",
    )
    assert response.status_code == 200, response.content
    assert response.json()["district"]["name"] == "Hertsön"
    assert response.json()["place"] is None


def test_patch_runs_the_privacy_guard(client, demo, reporter, stadsparken, an_hour_ago):
    incident = incident_create(
        by=reporter, category=Category.objects.get(slug="klotter"), occurred_from=an_hour_ago,
        place=stadsparken, description="Klotter",
    )  # fmt: skip
    response = post_json(
        client,
        f"/api/reports/{incident.pk}",
        {"description": "Ring 070-123 45 67"},
        headers=bearer(reporter),
        method="patch",
    )
    assert response.status_code == 422
    assert "telefonnummer" in response.json()["detail"][0]["msg"]
    incident.refresh_from_db()
    assert incident.description == "Klotter"


def test_patch_of_someone_elses_report_is_403_and_of_an_invisible_one_404(
    client, reports, reader, boden_user
):
    body = {"description": "Ändrat"}
    as_reader = post_json(
        client,
        f"/api/reports/{reports['kommun_internal']}",
        body,
        headers=bearer(reader),
        method="patch",
    )
    as_boden = post_json(
        client,
        f"/api/reports/{reports['kommun_internal']}",
        body,
        headers=bearer(boden_user),
        method="patch",
    )
    assert as_reader.status_code == 403
    assert as_boden.status_code == 404
    assert Incident.objects.get(pk=reports["kommun_internal"]).description == ""


# --- Categories ------------------------------------------------------------------------------


def test_categories_come_as_a_tree(client, demo, reader):
    Category.objects.filter(slug="ryktesspridning").update(active=False)
    response = client.get("/api/categories", headers=bearer(reader))
    by_slug = {c["slug"]: c for c in response.json()}

    assert response.status_code == 200
    assert by_slug["klotter"] == {
        "slug": "klotter",
        "name": "Klotter",
        "parent": "skadegorelse",
        "active": True,
        "children": [],
    }
    assert by_slug["skadegorelse"]["children"] == ["klotter"]
    assert by_slug["skadegorelse"]["parent"] is None
    assert by_slug["ryktesspridning"]["active"] is False
    assert set(by_slug) == set(Category.objects.values_list("slug", flat=True))


def test_district_ids_in_the_filter_are_not_a_way_around_the_scope(client, reports, boden_user):
    lulea_district = District.objects.filter(municipality__code="2580").first()
    response = client.get(f"/api/reports?district={lulea_district.pk}", headers=bearer(boden_user))
    assert response.json()["count"] == 0
