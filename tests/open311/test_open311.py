"""Open311 GeoReport v2 in one file, hence over 500 lines: every resource, field and error.

At /open311/v2/, in JSON and XML, mapped onto the same incident model, checks and scoping as
every other entry path."""

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from samverkan.core.models import APIToken, User
from samverkan.incidents.models import Category, Incident
from samverkan.incidents.services import incident_create

from .conftest import A_PERSONNUMMER, BODENS_RESECENTRUM, HERTSO_CENTRUM

BASE = "/open311/v2"
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def key(username: str) -> str:
    return APIToken.issue(user=User.objects.get(username=username))


def xml(response) -> ET.Element:
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # raises unless well-formed


def errors(response) -> list[dict]:
    data = response.json()
    assert isinstance(data, list)
    for error in data:
        assert set(error) == {"code", "description"}
        assert error["code"] == response.status_code
    return data


def post(client, fmt: str = "json", **fields):
    return client.post(f"{BASE}/requests.{fmt}", fields)


def a_request(api_key: str, **change) -> dict:
    lat, lon = HERTSO_CENTRUM
    return {
        "api_key": api_key,
        "service_code": "klotter",
        "lat": str(lat),
        "long": str(lon),
        "description": "Klotter på elskåpet",
        **change,
    }


# --- Services --------------------------------------------------------------------------------


def test_services_json_lists_one_service_per_active_category(client, demo):
    Category.objects.filter(slug="ryktesspridning").update(active=False)
    response = client.get(f"{BASE}/services.json")
    services = response.json()
    by_code = {s["service_code"]: s for s in services}

    assert response.status_code == 200
    assert set(by_code) == set(Category.objects.filter(active=True).values_list("slug", flat=True))
    assert "ryktesspridning" not in by_code
    assert by_code["klotter"] == {
        "service_code": "klotter",
        "service_name": "Klotter",
        "description": "EST-kategori Klotter (under Skadegörelse).",
        "metadata": False,
        "type": "realtime",
        "keywords": "klotter,skadegorelse",
        "group": "Skadegörelse",
    }
    assert by_code["brand"]["group"] == ""


def test_services_xml_has_the_spec_elements(client, demo):
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == Category.objects.filter(active=True).count()
    (klotter,) = [s for s in services if s.findtext("service_code") == "klotter"]
    assert [child.tag for child in klotter] == [
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group"
    ]  # fmt: skip
    assert klotter.findtext("service_name") == "Klotter"
    assert klotter.findtext("metadata") == "false"
    assert klotter.findtext("type") == "realtime"
    assert klotter.findtext("group") == "Skadegörelse"


def test_the_service_definition_has_optional_attributes(client, demo):
    data = client.get(f"{BASE}/services/klotter.json").json()
    assert data["service_code"] == "klotter"
    assert [a["code"] for a in data["attributes"]] == [
        "severity",
        "creates_insecurity",
        "place_type",
    ]
    severity = data["attributes"][0]
    assert severity["variable"] is True
    assert severity["required"] is False
    assert severity["datatype"] == "singlevaluelist"
    assert severity["order"] == 1
    assert [v["key"] for v in severity["values"]] == ["1", "2", "3"]


def test_the_service_definition_in_xml(client, demo):
    root = xml(client.get(f"{BASE}/services/klotter.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "klotter"
    attributes = root.find("attributes").findall("attribute")
    assert [a.findtext("code") for a in attributes] == [
        "severity",
        "creates_insecurity",
        "place_type",
    ]
    values = attributes[1].find("values").findall("value")
    assert [(v.findtext("key"), v.findtext("name")) for v in values] == [
        ("ja", "Ja"),
        ("nej", "Nej"),
    ]
    assert attributes[0].findtext("required") == "false"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_404_in_the_error_format(client, demo, fmt):
    response = client.get(f"{BASE}/services/graffiti.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert errors(response) == [{"code": 404, "description": "Okänd tjänst graffiti."}]
    else:
        root = xml(response)
        assert root.tag == "errors"
        (error,) = root.findall("error")
        assert error.findtext("code") == "404"
        assert error.findtext("description") == "Okänd tjänst graffiti."


# --- POST requests ---------------------------------------------------------------------------


def test_a_citizen_apps_form_encoded_post_files_a_report_end_to_end(demo):
    """What an Open311 app sends, byte for byte: form-encoded, personal fields included."""
    api_key = key("rapportor")
    lat, lon = HERTSO_CENTRUM
    body = (
        f"api_key={api_key}&service_code=klotter&lat={lat}&long={lon}"
        "&address_string=&description=Stort+klotter+p%C3%A5+gavelv%C3%A4ggen"
        "&first_name=Anna&last_name=Andersson&email=anna%40example.se&phone=0701234567"
        "&device_id=ABC-123&account_id=77&media_url=https%3A%2F%2Fexample.se%2Fbild.jpg"
        "&attribute%5Bseverity%5D=2&attribute%5Bcreates_insecurity%5D=ja"
    )
    client = Client(enforce_csrf_checks=True)  # an app has no CSRF token
    response = client.post(
        f"{BASE}/requests.json", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200, response.content
    (answer,) = response.json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    assert answer["account_id"] is None
    assert "Lulebo AB" in answer["service_notice"]
    incident = Incident.objects.get(pk=int(answer["service_request_id"]))
    assert incident.source == "open311"
    assert incident.reporter.username == "rapportor"
    assert incident.organisation.name == "Lulebo AB"
    assert incident.classification == "intern"
    assert incident.category.slug == "klotter"
    assert incident.description == "Stort klotter på gavelväggen"
    assert incident.district.name == "Hertsön"
    assert (incident.severity, incident.creates_insecurity) == (2, True)
    assert abs(incident.occurred_from - timezone.now()) < dt.timedelta(minutes=1)
    stored = json.dumps(list(Incident.objects.filter(pk=incident.pk).values()), default=str).lower()
    for personal in ("anna", "andersson", "example.se", "0701234567", "abc-123", "bild.jpg"):
        assert personal not in stored


def test_a_post_in_xml_answers_in_xml(client, demo):
    response = post(client, "xml", **a_request(key("samordnare")))
    root = xml(response)
    assert response.status_code == 200
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert [child.tag for child in request] == [
        "service_request_id",
        "service_notice",
        "account_id",
    ]
    assert Incident.objects.filter(pk=int(request.findtext("service_request_id"))).exists()
    assert request.findtext("account_id") == ""


def test_a_post_by_address_id_uses_the_place(client, demo, stadsparken):
    data = a_request(key("rapportor"), address_id=str(stadsparken.pk))
    del data["lat"], data["long"]
    response = post(client, **data)
    assert response.status_code == 200, response.content
    incident = Incident.objects.get()
    assert incident.place == stadsparken
    assert (incident.lat, incident.lon) == (stadsparken.lat, stadsparken.lon)


def test_a_post_by_address_string_finds_a_named_place(client, demo, stadsparken):
    data = a_request(key("rapportor"), address_string="stadsparken")
    del data["lat"], data["long"]
    assert post(client, **data).status_code == 200
    assert Incident.objects.get().place == stadsparken


@pytest.mark.parametrize(
    ("change", "remove", "message"),
    [
        ({}, ["service_code"], "service_code saknas: ange tjänstens kod (se services.json)."),
        ({"service_code": "graffiti"}, [], "service_code: okänd tjänst graffiti."),
        (
            {},
            ["lat", "long"],
            "Platsen saknas: skicka lat och long, address_id eller address_string.",
        ),
        ({}, ["long"], "lat och long: båda behövs för en position."),
        (
            {"lat": "norr"},
            [],
            "lat/long: Latitud och longitud ska vara tal (WGS 84, decimalgrader).",
        ),
        ({"address_id": "999999"}, ["lat", "long"], "address_id: okänd plats 999999."),
        (
            {"address_string": "Storgatan 5"},
            ["lat", "long"],
            "address_string: Storgatan 5 är ingen känd plats; skicka lat och long eller en "
            "plats ur platslistan.",
        ),
        (
            {"attribute[severity]": "9"},
            [],
            "attribute[severity]: 9 är inte ett av 1, 2, 3.",
        ),
        ({"description": "x" * 4001}, [], "description: högst 4000 tecken (nu 4001)."),
    ],
)
def test_a_missing_or_bad_field_is_400_naming_it(client, demo, change, remove, message):
    data = a_request(key("rapportor"), **change)
    for name in remove:
        del data[name]
    response = post(client, **data)
    assert response.status_code == 400
    assert {"code": 400, "description": message} in errors(response)
    assert not Incident.objects.exists()


def test_an_inactive_service_is_400(client, demo):
    Category.objects.filter(slug="klotter").update(active=False)
    response = post(client, **a_request(key("rapportor")))
    assert response.status_code == 400
    assert errors(response)[0]["description"] == (
        "service_code: tjänsten klotter används inte längre."
    )


def test_personal_data_in_the_text_is_400_naming_what_was_found(client, demo):
    text = f"Pojke med personnummer {A_PERSONNUMMER}, ring 070-123 45 67"
    response = post(client, **a_request(key("rapportor"), description=text))
    found = [e["description"] for e in errors(response)]
    assert response.status_code == 400
    assert any("personnummer" in d and A_PERSONNUMMER in d for d in found), found
    assert any("telefonnummer" in d for d in found), found
    assert all(d.startswith("description: ") for d in found)
    assert not Incident.objects.exists()


def test_personal_data_is_reported_in_xml_too(client, demo):
    text = f"Personnummer {A_PERSONNUMMER}"
    root = xml(post(client, "xml", **a_request(key("rapportor"), description=text)))
    assert root.tag == "errors"
    (error,) = root.findall("error")
    assert error.findtext("code") == "400"
    assert "personnummer" in error.findtext("description")


def test_a_position_outside_sweden_is_400(client, demo):
    response = post(client, **a_request(key("rapportor"), lat="60.1699", long="24.9384"))
    assert response.status_code == 400  # Helsinki
    (error,) = errors(response)
    assert error["description"].startswith("lat/long: Positionen lat 60.1699, lon 24.9384")
    assert "utanför Sverige" in error["description"]


def test_a_position_in_sweden_outside_the_users_municipalities_is_400_of_its_own(client, demo):
    response = post(client, **a_request(key("rapportor"), lat="59.3293", long="18.0686"))
    assert response.status_code == 400  # Stockholm: in Sweden, not Luleå
    assert errors(response) == [
        {
            "code": 400,
            "description": "lat/long: Positionen ligger inte i någon kommun som din "
            "organisation samverkar i.",
        }
    ]


def test_a_key_over_its_hourly_limit_is_429_with_retry_after(client, demo, settings):
    settings.SAMVERKAN_OPEN311_POSTS_PER_HOUR = 3
    api_key = key("rapportor")
    for n in range(3):
        assert post(client, **a_request(api_key, description=f"Klotter {n}")).status_code == 200
    # The oldest of the three turns an hour old in 20 minutes: then a place frees.
    oldest = Incident.objects.order_by("created_at").first()
    Incident.objects.filter(pk=oldest.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=40)
    )
    response = post(client, **a_request(api_key, description="En fjärde"))
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert 19 * 60 <= wait <= 20 * 60
    (error,) = errors(response)
    assert error["description"].startswith("För många rapporter: högst 3 i timmen")
    assert f"om {wait} sekunder" in error["description"]
    assert Incident.objects.count() == 3
    # Another key's user has its own count; an hour later the first may file again.
    assert post(client, **a_request(key("samordnare"))).status_code == 200
    Incident.objects.filter(pk=oldest.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=61)
    )
    assert post(client, **a_request(api_key, description="En fjärde")).status_code == 200


def test_the_hourly_limit_can_be_switched_off(client, demo, settings):
    settings.SAMVERKAN_OPEN311_POSTS_PER_HOUR = 0
    api_key = key("rapportor")
    assert all(
        post(client, **a_request(api_key, description=f"Klotter {n}")).status_code == 200
        for n in range(3)
    )


def test_bodens_key_cannot_file_a_report_in_lulea(client, demo):
    response = post(client, **a_request(key("boden")))
    assert response.status_code == 400
    assert "samverkar i" in errors(response)[0]["description"]
    assert not Incident.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_key_is_403(client, demo, fmt):
    data = a_request("")
    del data["api_key"]
    response = post(client, fmt, **data)
    assert response.status_code == 403
    if fmt == "json":
        assert errors(response) == [
            {
                "code": 403,
                "description": "api_key saknas: skicka en API-nyckel för din organisation.",
            }
        ]
    else:
        root = xml(response)
        assert root.tag == "errors"
        assert root.find("error").findtext("code") == "403"
    assert not Incident.objects.exists()


def test_a_wrong_key_is_403(client, demo):
    response = post(client, **a_request("sv_inte-en-nyckel"))
    assert response.status_code == 403
    assert errors(response)[0]["description"] == "api_key är ogiltig eller återkallad."


def test_a_key_of_an_inactive_user_is_403(client, demo):
    api_key = key("rapportor")
    User.objects.filter(username="rapportor").update(is_active=False)
    assert post(client, **a_request(api_key)).status_code == 403


def test_a_key_of_a_reader_is_403(client, demo):
    response = post(client, **a_request(key("lasare")))
    assert response.status_code == 403
    assert errors(response)[0]["description"] == (
        "Nyckelns användare får inte rapportera händelser."
    )
    assert not Incident.objects.exists()


def test_the_key_is_checked_before_the_fields(client, demo):
    response = post(client, service_code="graffiti")
    assert response.status_code == 403


def test_put_is_not_allowed(client, demo):
    assert client.put(f"{BASE}/requests.json").status_code == 405


# --- GET requests ----------------------------------------------------------------------------


@pytest.fixture
def reports(demo, klotter, stadsparken, an_hour_ago) -> dict[str, Incident]:
    def make(username, classification, **where):
        return incident_create(
            by=User.objects.get(username=username),
            category=klotter,
            occurred_from=an_hour_ago,
            classification=classification,
            **(where or {"place": stadsparken}),
        )

    lat, lon = BODENS_RESECENTRUM
    return {
        "police_restricted": make("kommunpolis", "begransad"),
        "police_open": make("kommunpolis", "oppen"),
        "kommun_internal": make("samordnare", "intern"),
        "boden_internal": make("boden", "intern", lat=lat, lon=lon),
    }


def request_ids(response) -> set[int]:
    return {int(r["service_request_id"]) for r in response.json()}


def test_without_a_key_only_open_reports_are_listed(client, reports):
    response = client.get(f"{BASE}/requests.json")
    assert response.status_code == 200
    assert request_ids(response) == {reports["police_open"].pk}


def test_with_a_key_the_users_scope_is_listed(client, reports):
    def visible(username):
        return request_ids(client.get(f"{BASE}/requests.json", {"api_key": key(username)}))

    assert visible("samordnare") == {reports["police_open"].pk, reports["kommun_internal"].pk}
    assert visible("boden") == {reports["boden_internal"].pk}
    assert visible("kommunpolis") == {r.pk for r in reports.values()}


def test_a_wrong_key_on_get_is_403(client, reports):
    response = client.get(f"{BASE}/requests.json", {"api_key": "fel"})
    assert response.status_code == 403


def test_a_request_has_the_spec_fields(client, reports, stadsparken):
    incident = reports["police_open"]
    (data,) = client.get(f"{BASE}/requests/{incident.pk}.json").json()

    assert list(data) == REQUEST_FIELDS
    assert data["service_request_id"] == str(incident.pk)
    assert data["status"] == "open"
    assert data["status_notes"] == "Ny"
    assert (data["service_code"], data["service_name"]) == ("klotter", "Klotter")
    assert data["agency_responsible"] == incident.organisation.name
    assert data["address"] == "Stadsparken"
    assert data["address_id"] == str(stadsparken.pk)
    assert (data["lat"], data["long"]) == (stadsparken.lat, stadsparken.lon)
    requested = dt.datetime.fromisoformat(data["requested_datetime"])
    assert requested == incident.occurred_from.replace(microsecond=0)
    assert requested.utcoffset() == timezone.localtime(incident.occurred_from).utcoffset()
    assert data["expected_datetime"] is None
    assert data["media_url"] is None


def test_a_request_in_xml_is_a_one_element_list(client, reports):
    incident = reports["police_open"]
    root = xml(client.get(f"{BASE}/requests/{incident.pk}.xml"))
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert [child.tag for child in request] == REQUEST_FIELDS
    assert request.findtext("service_request_id") == str(incident.pk)
    assert request.findtext("status") == "open"
    assert request.findtext("zipcode") == ""


def test_the_list_in_xml(client, reports):
    root = xml(client.get(f"{BASE}/requests.xml", {"api_key": key("kommunpolis")}))
    assert root.tag == "service_requests"
    assert len(root.findall("request")) == len(reports)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_invisible_or_unknown_request_is_404(client, reports, fmt):
    restricted = reports["police_restricted"].pk
    for url, params in [
        (f"{BASE}/requests/{restricted}.{fmt}", {"api_key": key("samordnare")}),
        (f"{BASE}/requests/{reports['kommun_internal'].pk}.{fmt}", {}),  # no key: öppen only
        (f"{BASE}/requests/999999.{fmt}", {}),
        (f"{BASE}/requests/abc.{fmt}", {}),
    ]:
        response = client.get(url, params)
        assert response.status_code == 404, url
        if fmt == "json":
            assert errors(response)[0]["description"].startswith("Okänt ärende")
        else:
            assert xml(response).tag == "errors"


def test_closed_and_open_follow_our_status(client, reports):
    done = reports["kommun_internal"]
    done.status = "atgardad"
    done.save()
    api_key = key("samordnare")

    closed = client.get(f"{BASE}/requests.json", {"api_key": api_key, "status": "closed"})
    opened = client.get(f"{BASE}/requests.json", {"api_key": api_key, "status": "open"})
    both = client.get(f"{BASE}/requests.json", {"api_key": api_key, "status": "open,closed"})
    assert request_ids(closed) == {done.pk}
    assert closed.json()[0]["status"] == "closed"
    assert closed.json()[0]["status_notes"] == "Åtgärdad"
    assert request_ids(opened) == {reports["police_open"].pk}
    assert request_ids(both) == {done.pk, reports["police_open"].pk}


def test_it_filters_on_ids_and_service_codes(client, reports):
    api_key = key("kommunpolis")
    wanted = f"{reports['police_open'].pk},{reports['boden_internal'].pk}"
    by_id = client.get(f"{BASE}/requests.json", {"api_key": api_key, "service_request_id": wanted})
    by_code = client.get(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "brand"})
    assert request_ids(by_id) == {reports["police_open"].pk, reports["boden_internal"].pk}
    assert request_ids(by_code) == set()


def test_the_default_window_is_the_last_90_days(client, demo, reporter, stadsparken, klotter):
    now = timezone.now()

    def make(days_ago):
        return incident_create(
            by=reporter,
            category=klotter,
            occurred_from=now - dt.timedelta(days=days_ago),
            place=stadsparken,
            classification="oppen",
        ).pk

    recent, old = make(89), make(91)
    assert request_ids(client.get(f"{BASE}/requests.json")) == {recent}
    wide = client.get(
        f"{BASE}/requests.json", {"start_date": (now - dt.timedelta(days=100)).date()}
    )
    assert request_ids(wide) == {recent, old}
    only_old = client.get(
        f"{BASE}/requests.json",
        {
            "start_date": (now - dt.timedelta(days=95)).isoformat(),
            "end_date": (now - dt.timedelta(days=90)).isoformat(),
        },
    )
    assert request_ids(only_old) == {old}


def test_at_most_1000_requests(client, demo, reporter, stadsparken, klotter, monkeypatch):
    from samverkan.open311 import views as open311

    assert open311.MAX_REQUESTS == 1000
    monkeypatch.setattr(open311, "MAX_REQUESTS", 3)
    for hours in range(5):
        incident_create(
            by=reporter,
            category=klotter,
            occurred_from=timezone.now() - dt.timedelta(hours=hours + 1),
            place=stadsparken,
            classification="oppen",
        )
    response = client.get(f"{BASE}/requests.json")
    assert len(response.json()) == 3


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start_date": "igår"}, "start_date: igår är ingen tidpunkt"),
        ({"end_date": "2026-13-01"}, "end_date: 2026-13-01 är ingen tidpunkt"),
        (
            {"start_date": "2026-02-01", "end_date": "2026-01-01"},
            "end_date ligger före start_date.",
        ),
        ({"status": "pending"}, "status: pending är okänd; välj open eller closed."),
        ({"service_request_id": "12,x"}, "service_request_id: x är inget ärende-id"),
    ],
)
def test_a_bad_query_parameter_is_400(client, demo, params, message):
    response = client.get(f"{BASE}/requests.json", params)
    assert response.status_code == 400
    assert errors(response)[0]["description"].startswith(message)


def test_an_unknown_format_is_not_served(client, demo):
    assert client.get(f"{BASE}/services.csv").status_code == 404


def test_docs_name_every_open311_route():
    from pathlib import Path

    import samverkan
    from samverkan.open311.urls import urlpatterns

    documented = (Path(samverkan.__file__).parent.parent / "docs" / "open311.md").read_text()
    resources = {
        "services": "`GET /open311/v2/services.{json,xml}`",
        "services/(?P<code>": "`GET /open311/v2/services/{service_code}.{json,xml}`",
        "requests": "`GET /open311/v2/requests.{json,xml}`",
        "requests/(?P<request_id>": "`GET /open311/v2/requests/{service_request_id}.{json,xml}`",
    }
    assert len(urlpatterns) == len(resources)
    for pattern in urlpatterns:
        route = pattern.pattern.regex.pattern.removeprefix("^").split(r"\.")[0].split("[")[0]
        assert resources[route] in documented, route
    assert "`POST /open311/v2/requests.{json,xml}`" in documented


def test_xml_stays_well_formed_with_markup_and_control_characters(client, demo, kommunpolis):
    incident = incident_create(
        by=kommunpolis,
        category=Category.objects.get(slug="klotter"),
        occurred_from=timezone.now() - dt.timedelta(hours=1),
        lat=HERTSO_CENTRUM[0],
        lon=HERTSO_CENTRUM[1],
        description='Tagg "<b>" & klotter',
        classification="oppen",
    )
    Incident.objects.filter(pk=incident.pk).update(description='Tagg "<b>" & klotter\x0b')
    root = xml(client.get(f"{BASE}/requests/{incident.pk}.xml"))
    assert root.find("request").findtext("description") == 'Tagg "<b>" & klotter'


def test_a_multipart_post_with_a_photo_files_the_report_and_drops_the_photo(client, demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("bild.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    response = client.post(
        f"{BASE}/requests.json", {**a_request(key("rapportor")), "media": photo}
    )  # the test client sends multipart/form-data
    assert response.status_code == 200, response.content
    incident = Incident.objects.get()
    assert incident.source_url == ""
    assert "bild" not in json.dumps(list(Incident.objects.values()), default=str)
