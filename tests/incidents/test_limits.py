"""One set of input limits (core.limits) on every path: out-of-range values answer 422 with a
Swedish message, never 500, and nothing is saved."""

import json

import pytest

from samverkan.core.limits import DB_INT_MAX, DESCRIPTION_MAX_LENGTH
from samverkan.core.models import APIToken, User
from samverkan.incidents.models import Incident

from .conftest import HERTSO_CENTRUM

HUGE = 2**70


def bearer(username: str) -> dict:
    return {"Authorization": f"Bearer {APIToken.issue(user=User.objects.get(username=username))}"}


def messages(response) -> str:
    return json.dumps(response.json()["detail"], ensure_ascii=False)


@pytest.mark.parametrize(
    "url",
    [
        f"/api/places?district={HUGE}",
        f"/api/places/{HUGE}",
        f"/api/districts/{HUGE}",
        f"/api/reports/{HUGE}",
        f"/api/reports?offset={HUGE}",
        f"/api/plans/{HUGE}",
        f"/api/actions?agreement={HUGE}",
        f"/api/snapshots?agreement={HUGE}",
        f"/api/indicators?offset={HUGE}",
    ],
)
def test_an_integer_beyond_64_bits_answers_422(client, demo, url):
    response = client.get(url, headers=bearer("samordnare"))
    assert response.status_code == 422, response.content
    assert "får vara högst 9223372036854775807" in messages(response)


def report(**change) -> dict:
    lat, lon = HERTSO_CENTRUM
    return {"category": "klotter", "lat": lat, "lon": lon, "description": "Klotter.", **change}


def post(client, body: dict):
    return client.post(
        "/api/reports",
        json.dumps(body),
        content_type="application/json",
        headers=bearer("samordnare"),
    )


def test_a_description_beyond_the_limit_is_refused_and_nothing_saved(client, demo):
    before = Incident.objects.count()
    response = post(client, report(description="x" * 2_000_000))
    assert response.status_code == 422
    assert f"högst {DESCRIPTION_MAX_LENGTH} får plats" in messages(response)
    assert Incident.objects.count() == before
    assert post(client, report(description="x" * DESCRIPTION_MAX_LENGTH)).status_code == 201


def test_a_time_before_1900_is_refused(client, demo):
    response = post(client, report(occurred_from="0001-01-01T12:00:00+01:00"))
    assert response.status_code == 422
    assert "före år 1900" in messages(response)


def test_nul_and_control_characters_are_removed_on_entry(client, demo):
    response = post(client, report(description="Klotter\u0000 på\u0007 muren"))
    assert response.status_code == 201
    assert Incident.objects.get(pk=response.json()["id"]).description == "Klotter på muren"


def test_an_id_in_a_body_beyond_64_bits_answers_422(client, demo):
    response = post(client, report(place=HUGE))
    assert response.status_code == 422
    assert "får vara högst" in messages(response)


def test_the_openapi_document_carries_the_limits(client, demo):
    schema = client.get("/api/openapi.json").json()
    places = schema["paths"]["/api/places"]["get"]["parameters"]
    district = next(p for p in places if p["name"] == "district")
    assert district["schema"]["anyOf"][0]["maximum"] == DB_INT_MAX or (
        district["schema"].get("maximum") == DB_INT_MAX
    )


def test_open311_ids_beyond_64_bits(client, demo):
    response = client.get(f"/open311/v2/requests.json?service_request_id={HUGE}")
    assert response.status_code == 400
    assert "är inget ärende-id" in response.json()[0]["description"]
    assert client.get(f"/open311/v2/requests/{HUGE}.json").status_code == 404


def test_each_schema_name_in_the_openapi_document_is_one_schema():
    from collections import defaultdict

    from ninja import Schema

    import samverkan.api  # noqa: F401  (every router and its schemas)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    modules = defaultdict(set)
    for schema in subclasses(Schema):
        if schema.__module__.startswith("samverkan"):
            modules[schema.__name__].add(schema.__module__)
    assert {name: found for name, found in modules.items() if len(found) > 1} == {}


def test_the_est_snapshots_are_documented_with_the_meeting_schema(client, demo):
    schema = client.get("/api/openapi.json").json()
    ok = schema["paths"]["/api/snapshots"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["items"]["$ref"].endswith("/MeetingSummary")
