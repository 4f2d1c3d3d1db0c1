"""The OpenAPI document lists every status code an operation answers, each with a schema, and
the API answers each declared error code with the shared Swedish error schema (core.schemas)."""

import json
import re

import pytest
from django.test import Client

from samverkan.api import api
from samverkan.core.limits import DB_INT_MAX
from samverkan.core.models import APIToken, User
from samverkan.core.schemas import ErrorOut

HUGE = 2**70
ERROR = "#/components/schemas/ErrorOut"


def operations():
    document = api.get_openapi_schema()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


OPERATIONS = list(operations())


def label(item) -> str:
    path, method, _operation = item
    return f"{method.upper()} {path}"


def bearer(username: str) -> dict:
    return {"Authorization": f"Bearer {APIToken.issue(user=User.objects.get(username=username))}"}


def error_detail(response) -> str:
    """The body is the shared error schema; its detail as text (checked for Swedish)."""
    assert response["Content-Type"].startswith("application/json"), response.content
    body = ErrorOut.model_validate(response.json())
    return json.dumps(body.model_dump()["detail"], ensure_ascii=False)


# --- The document ----------------------------------------------------------------------------


def expected_errors(path: str, operation: dict) -> set[int]:
    codes = set()
    if operation.get("security"):
        codes |= {401, 403}
    if operation.get("parameters") or operation.get("requestBody"):
        codes.add(422)
    if operation.get("requestBody"):
        codes.add(400)
    if "{" in path:
        codes.add(404)
    return codes


def test_every_operation_is_authenticated():
    assert OPERATIONS
    assert [label(o) for o in OPERATIONS if not o[2].get("security")] == []


@pytest.mark.parametrize("item", OPERATIONS, ids=[label(o) for o in OPERATIONS])
def test_every_operation_declares_its_error_responses(item):
    path, _method, operation = item
    declared = {int(code) for code in operation["responses"]}
    assert expected_errors(path, operation) - declared == set()
    assert len([code for code in declared if code < 400]) == 1, "one success code"
    for code, response in operation["responses"].items():
        assert response["description"], code
        if int(code) >= 400:
            assert response["content"]["application/json"]["schema"] == {"$ref": ERROR}, code
        else:  # JSON, or a file's types (a document)
            assert all(content["schema"] for content in response["content"].values()), code


def test_the_error_schema_is_one_schema_with_a_detail():
    document = api.get_openapi_schema()
    schemas = document["components"]["schemas"]
    assert schemas["ErrorOut"]["required"] == ["detail"]
    assert set(schemas["FieldError"]["properties"]) == {"loc", "msg"}
    # The descriptions are Swedish, not django-ninja's English reason phrases.
    responses = [r for _p, _m, o in OPERATIONS for r in o["responses"].values()]
    descriptions = {r["description"] for r in responses}
    assert "Not Found" not in descriptions and "Unauthorized" not in descriptions
    assert "Finns inte, eller tillhör en annan part" in descriptions


# --- The answers -----------------------------------------------------------------------------


def concrete(path: str, value) -> str:
    """The path with each of its parameters filled in with `value` (a week: a valid week)."""
    path = path.replace("{year}", "2026").replace("{week}", "10")
    return re.sub(r"\{[^}]+\}", str(value), path)


def call(client, method: str, url: str, headers: dict | None = None, body: str | None = None):
    kwargs = {"headers": headers or {}}
    if method in {"post", "patch", "put"}:
        kwargs |= {"data": body if body is not None else "{}", "content_type": "application/json"}
    return getattr(client, method)(url, **kwargs)


@pytest.mark.parametrize("item", OPERATIONS, ids=[label(o) for o in OPERATIONS])
def test_without_a_key_every_operation_answers_401(db, item):
    path, method, _operation = item
    response = call(Client(), method, concrete(path, 1))
    assert response.status_code == 401, response.content
    assert "Inloggning krävs" in error_detail(response)


WITH_PATH = [o for o in OPERATIONS if "{" in o[0]]


@pytest.mark.parametrize("item", WITH_PATH, ids=[label(o) for o in WITH_PATH])
def test_an_id_that_is_not_there_answers_404(client, demo, item):
    path, method, operation = item
    value = "finns-inte" if "{code}" in path else DB_INT_MAX
    body = None
    if operation.get("requestBody") and method == "post" and "follow-ups" in path:
        body = json.dumps({"status": "klar"})
    response = call(client, method, concrete(path, value), bearer("samordnare"), body)
    assert response.status_code == 404, response.content
    assert error_detail(response) == '"Finns inte."'


def test_another_partys_plan_answers_404(client, lulea_plan):
    response = client.get(f"/api/plans/{lulea_plan.pk}", headers=bearer("boden"))
    assert response.status_code == 404
    assert error_detail(response) == '"Finns inte."'


def test_an_agreement_in_a_body_that_is_not_there_answers_404(client, demo):
    body = json.dumps({"agreement": DB_INT_MAX, "what": "Städa", "owner_organisation": 1})
    response = call(client, "post", "/api/actions", bearer("samordnare"), body)
    assert response.status_code == 404
    assert error_detail(response) == '"Finns inte."'


def integer_parameter(operation: dict) -> str | None:
    for parameter in operation.get("parameters", []):
        schema = parameter["schema"]
        kinds = [schema.get("type")] + [s.get("type") for s in schema.get("anyOf", [])]
        if "integer" in kinds and parameter["in"] in {"query", "path"}:
            return parameter["name"], parameter["in"]
    return None


WITH_INTEGER = [o for o in OPERATIONS if integer_parameter(o[2])]


@pytest.mark.parametrize("item", WITH_INTEGER, ids=[label(o) for o in WITH_INTEGER])
def test_an_integer_beyond_64_bits_answers_422(client, demo, item):
    path, method, operation = item
    name, where = integer_parameter(operation)
    if where == "path":
        url = concrete(path.replace(f"{{{name}}}", str(HUGE)), 1)
    else:
        url = f"{concrete(path, 1)}?{name}={HUGE}"
    response = call(client, method, url, bearer("samordnare"))
    assert response.status_code == 422, response.content
    assert "får vara högst" in error_detail(response)


WITH_BODY = [o for o in OPERATIONS if o[2].get("requestBody")]


@pytest.mark.parametrize("item", WITH_BODY, ids=[label(o) for o in WITH_BODY])
def test_a_body_that_is_not_json_answers_400(client, demo, item):
    path, method, _operation = item
    response = call(client, method, concrete(path, 1), bearer("samordnare"), "{inte json")
    assert response.status_code == 400, response.content
    assert error_detail(response) == '"Kroppen kan inte läsas: skicka giltig JSON."'


@pytest.mark.parametrize("item", WITH_BODY, ids=[label(o) for o in WITH_BODY])
def test_a_body_with_a_wrong_field_answers_422_at_the_field(client, demo, item):
    path, method, _operation = item
    response = call(client, method, concrete(path, 1), bearer("samordnare"), "[]")
    assert response.status_code == 422, response.content
    assert '"body"' in error_detail(response)


def test_a_role_that_may_not_write_answers_403(client, demo):
    body = json.dumps({"category": "klotter", "description": "Klotter."})
    response = call(client, "post", "/api/reports", bearer("lasare"), body)
    assert response.status_code == 403
    assert error_detail(response) == '"Din roll får inte rapportera händelser."'


def test_a_session_write_without_its_csrf_token_answers_403(demo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="samordnare"))
    body = json.dumps({"category": "klotter", "description": "Klotter."})
    response = call(client, "post", "/api/reports", body=body)
    assert response.status_code == 403, response.content
    assert "CSRF-kontrollen misslyckades" in error_detail(response)


# --- What the fuzzing found (tests/api/test_fuzz.py) ------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/collaborations?agreement=" + str(HUGE),
        "/api/collaborations/" + str(HUGE),
        "/api/collaborations?offset=" + str(HUGE),
        "/api/andts-plans?agreement=" + str(HUGE),
        "/api/andts-plans/" + str(HUGE),
        "/api/strategies?offset=" + str(HUGE),
        "/api/promises?year=" + str(HUGE),
        "/api/agreements/1/weeks/" + str(HUGE) + "/1",
    ],
)
def test_an_unbounded_integer_is_bounded_in_the_document_and_answers_422(client, demo, url):
    response = client.get(url, headers=bearer("samordnare"))
    assert response.status_code == 422, response.content
    assert "får vara högst" in error_detail(response)


@pytest.mark.parametrize(
    "url",
    [
        "/api/reports?district=²",
        "/api/reports?organisation=²",
        "/api/observations?district=²",
        "/api/lagesbild?agreement=²",
        "/api/lagesbild?agreement=1&category=²",
    ],
)
def test_a_digit_that_is_not_ascii_is_no_server_error(client, demo, url):
    # "²".isdigit() is true, int("²") raises: such a value is a name (a slug), not an id.
    response = client.get(url, headers=bearer("samordnare"))
    assert response.status_code in {200, 422}, response.content


@pytest.mark.parametrize("body", ["[]", "5", '"text"', "null"])
def test_a_change_that_is_not_an_object_answers_422(client, demo, body):
    from samverkan.prevention.models import Problem

    problem = Problem.objects.filter(agreement__slug__startswith="lulea").first() or (
        Problem.objects.first()
    )
    response = call(client, "patch", f"/api/problems/{problem.pk}", bearer("samordnare"), body)
    assert response.status_code == 422, response.content
    assert "ska vara en samling fält" in error_detail(response) or "fältet saknas" in (
        error_detail(response)
    )


@pytest.mark.parametrize(
    ("model", "path", "field"),
    [
        ("Problem", "/api/problems/{}", "when"),
        ("Intervention", "/api/interventions/{}", "target_group"),
    ],
)
def test_a_null_for_a_field_that_cannot_be_empty_answers_422_at_the_field(
    client, demo, model, path, field
):
    from samverkan.prevention import models

    row = getattr(models, model).objects.order_by("pk").first()
    before = getattr(row, field)
    body = json.dumps({field: None})
    response = call(client, "patch", path.format(row.pk), bearer("samordnare"), body)
    assert response.status_code == 422, response.content
    assert json.loads(error_detail(response)) == [
        {
            "loc": ["body", field],
            "msg": "Kan inte vara null: skicka ett värde eller utelämna fältet.",
        }
    ]
    row.refresh_from_db()
    assert getattr(row, field) == before
