"""The HTTP API under /api/: bearer tokens and the browser session, the same scoping and
roles as the pages, the nested plan, and follow-up reported by machines."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samverkan.core.models import APIToken, User
from samverkan.organisations.models import Group, Organisation
from samverkan.plans.models import Commitment, FollowUp, Goal, Plan


def bearer(user: User) -> dict:
    return {"Authorization": f"Bearer {APIToken.issue(user=user)}"}


def commitment(plan: Plan, number: str) -> Commitment:
    return plan.sections.get(number=number).commitments.get()


def follow_ups_url(c: Commitment) -> str:
    return f"/api/commitments/{c.pk}/follow-ups"


def post_json(client, url: str, body: dict, headers: dict | None = None):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def section_of(data: dict, number: str) -> dict:
    (found,) = [s for s in data["sections"] if s["number"] == number]
    return found


# --- Reading -------------------------------------------------------------------------------


def test_it_lists_only_the_plans_of_the_users_agreements(client, boden_user, boden_plan):
    response = client.get("/api/plans", headers=bearer(boden_user))
    assert response.status_code == 200
    assert [p["title"] for p in response.json()] == [boden_plan.title]
    assert response.json()[0]["agreement"]["id"] == boden_plan.agreement_id


def test_it_lists_both_agreements_plans_for_the_kommunpolis(
    client, kommunpolis, lulea_plan, boden_plan
):
    response = client.get("/api/plans", headers=bearer(kommunpolis))
    assert {p["id"] for p in response.json()} == {lulea_plan.pk, boden_plan.pk}


def test_it_lists_only_lulea_for_a_lulea_reader(client, reader, lulea_plan):
    response = client.get("/api/plans", headers=bearer(reader))
    assert [p["id"] for p in response.json()] == [lulea_plan.pk]


def test_it_returns_the_plan_nested(client, reader, lulea_plan):
    response = client.get(f"/api/plans/{lulea_plan.pk}", headers=bearer(reader))
    data = response.json()

    assert response.status_code == 200
    assert data["title"] == "Styrgruppens verksamhetsplan 2020–2021"
    assert data["status"] == "faststalld"
    assert (data["period_start"], data["period_end"]) == ("2020-01-01", "2021-12-31")
    assert data["follow_up_period"] == "tertial"
    assert data["overall_goal"].startswith("Målet för det trygghetsskapande")
    assert [s["number"] for s in data["sections"]] == [
        "1", "2", "3", "4", "5", "6", "6.1", "6.2", "6.3"
    ]  # fmt: skip

    lagesbild = section_of(data, "2")
    assert lagesbild["kind"] == "lagesbild"
    (goal,) = lagesbild["goals"]
    assert goal["text"].startswith("Kunskapen om lokala utmaningar")
    assert [s["number"] for s in goal["subgoals"]] == ["1", "2", "3"]
    assert goal["subgoals"][0]["due_date"] == "2020-10-31"
    assert goal["subgoals"][0]["status"] == "forsenad"
    assert goal["subgoals"][0]["overdue"] is True
    (continuous,) = lagesbild["commitments"]
    assert (continuous["continuous"], continuous["due_date"]) == (True, None)
    assert continuous["status"] == "pagar"

    (organisation,) = section_of(data, "1")["commitments"]
    assert {o["name"] for o in organisation["responsible_organisations"]} == {
        "Kommunstaben",
        "Lokalpolisområde Luleå-Boden",
    }
    assert organisation["responsible_groups"] == []
    assert organisation["status"] == "klar"
    assert organisation["schedule_text"] == "Genomfört senast oktober 2020."

    (trygghet,) = section_of(data, "6.1")["commitments"]
    assert [g["name"] for g in trygghet["responsible_groups"]] == ["Beredningsgrupp"]
    assert trygghet["responsibility_text"].startswith("Beredningsgruppen ska säkerställa")

    (delayed,) = section_of(data, "3")["commitments"]
    assert (delayed["status"], delayed["overdue"], delayed["due_soon"]) == ("forsenad", True, False)
    assert section_of(data, "6")["commitments"] == []


def test_it_returns_no_status_for_a_draft(client, coordinator, lulea_plan):
    from samverkan.plans.services import plan_revise

    draft = plan_revise(plan=lulea_plan, by=coordinator)
    data = client.get(f"/api/plans/{draft.pk}", headers=bearer(coordinator)).json()
    assert data["status"] == "utkast"
    assert {c["status"] for s in data["sections"] for c in s["commitments"]} == {None}


def test_it_hides_lulea_from_a_boden_user(client, boden_user, lulea_plan):
    headers = bearer(boden_user)
    assert client.get(f"/api/plans/{lulea_plan.pk}", headers=headers).status_code == 404
    c = commitment(lulea_plan, "3")
    assert client.get(follow_ups_url(c), headers=headers).status_code == 404


def test_it_answers_404_for_a_plan_that_does_not_exist(client, reader):
    assert client.get("/api/plans/999999", headers=bearer(reader)).status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer sv_not-a-real-token"},
        {"Authorization": "Basic c2Ftb3JkbmFyZTpzYW12ZXJrYW4="},
        {"Authorization": "Bearer "},
    ],
)
@pytest.mark.parametrize("path", ["/api/plans", "/api/plans/1"])
def test_it_refuses_a_request_without_a_valid_token(client, demo, headers, path):
    assert client.get(path, headers=headers).status_code == 401


def test_it_refuses_the_token_of_a_deactivated_user(client, reader):
    headers = bearer(reader)
    User.objects.filter(pk=reader.pk).update(is_active=False)
    assert client.get("/api/plans", headers=headers).status_code == 401


@pytest.mark.parametrize(
    "path, status, detail",
    [
        ("/api/plans", 401, "Inloggning krävs"),
        ("/api/plans/999999", 404, "Finns inte."),
    ],
)
def test_it_answers_errors_in_swedish(client, reader, path, status, detail):
    # samverkan/api.py promises Swedish errors, not Ninja's "Unauthorized" and "Not Found".
    headers = bearer(reader) if status != 401 else {}
    response = client.get(path, headers=headers)
    assert response.status_code == status
    assert response.json()["detail"].startswith(detail)


def test_it_records_when_a_token_was_last_used(client, reader):
    headers = bearer(reader)
    client.get("/api/plans", headers=headers)
    token = APIToken.objects.get(user=reader)
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < dt.timedelta(minutes=1)


def test_it_publishes_its_openapi_schema_and_docs(client, demo):
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/plans/{plan_id}" in paths
    assert "/api/commitments/{commitment_id}/follow-ups" in paths
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content


# --- Reporting follow-up -------------------------------------------------------------------


def test_it_records_a_follow_up_and_the_plan_shows_the_new_status(client, coordinator, lulea_plan):
    headers = bearer(coordinator)
    target = commitment(lulea_plan, "3")

    response = post_json(
        client,
        follow_ups_url(target),
        {"status": "klar", "progress": 100, "comment": "Rutinen är beslutad."},
        headers,
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["progress"], body["comment"]) == (
        "klar",
        100,
        "Rutinen är beslutad.",
    )
    assert body["author"] == "Sara Samordnare"
    assert body["period_kind"] == "tertial"
    # Without a date the follow-up is for today's tertial, but the 2020–2021 plan has ended,
    # so it goes to the plan's last tertial.
    assert timezone.localdate() > lulea_plan.period_end
    assert (body["period_start"], body["period_end"]) == ("2021-09-01", "2021-12-31")
    follow_up = FollowUp.objects.get(pk=body["id"])
    assert (follow_up.commitment, follow_up.author) == (target, coordinator)

    plan = client.get(f"/api/plans/{lulea_plan.pk}", headers=headers).json()
    (row,) = section_of(plan, "3")["commitments"]
    assert (row["status"], row["overdue"]) == ("klar", False)
    history = client.get(follow_ups_url(target), headers=headers).json()
    assert [f["status"] for f in history] == ["klar", "pagar"]


def test_it_records_a_follow_up_for_a_given_period(client, coordinator, lulea_plan):
    response = post_json(
        client,
        follow_ups_url(commitment(lulea_plan, "6.2")),
        {"status": "pagar", "period_date": "2020-06-15"},
        bearer(coordinator),
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["period_start"], body["period_end"], body["period_label"]) == (
        "2020-05-01",
        "2020-08-31",
        "2020 T2",
    )
    assert body["progress"] is None


def test_it_records_a_follow_up_of_a_goal(client, coordinator, lulea_plan):
    goal = Goal.objects.get(section__plan=lulea_plan, section__number="2", number="1")
    response = post_json(
        client, f"/api/goals/{goal.pk}/follow-ups", {"status": "klar"}, bearer(coordinator)
    )
    assert response.status_code == 201
    plan = client.get(f"/api/plans/{lulea_plan.pk}", headers=bearer(coordinator)).json()
    assert section_of(plan, "2")["goals"][0]["subgoals"][0]["status"] == "klar"


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"status": "nonsense"}, "status", "måste vara en av"),
        ({"status": "klar", "progress": 200}, "progress", "får vara högst 100"),
        ({"status": "klar", "progress": -1}, "progress", "måste vara minst 0"),
        ({"progress": 50}, "status", "fältet saknas"),
        ({"status": "klar", "period_date": "2020-13-45"}, "period_date", "ÅÅÅÅ-MM-DD"),
    ],
)
def test_it_refuses_a_malformed_follow_up_naming_the_field_in_swedish(
    client, coordinator, lulea_plan, body, field, message
):
    response = post_json(
        client, follow_ups_url(commitment(lulea_plan, "3")), body, bearer(coordinator)
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [e["loc"][-1] for e in detail] == [field]
    assert message in detail[0]["msg"]
    assert FollowUp.objects.count() == 5


def test_it_refuses_a_follow_up_for_a_period_outside_the_plan(client, coordinator, lulea_plan):
    response = post_json(
        client,
        follow_ups_url(commitment(lulea_plan, "3")),
        {"status": "klar", "period_date": "2024-05-01"},
        bearer(coordinator),
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "period_date"],
            "msg": "Perioden ligger utanför planens period 2020-01-01 – 2021-12-31.",
        }
    ]
    assert FollowUp.objects.count() == 5


def test_it_refuses_a_body_that_is_not_json(client, coordinator, lulea_plan):
    response = client.post(
        follow_ups_url(commitment(lulea_plan, "3")),
        "status=klar",
        content_type="application/json",
        headers=bearer(coordinator),
    )
    assert response.status_code in {400, 422}
    assert FollowUp.objects.count() == 5


def test_it_refuses_follow_up_of_a_draft_in_swedish(client, coordinator, lulea_plan):
    from samverkan.plans.services import plan_revise

    draft = plan_revise(plan=lulea_plan, by=coordinator)
    target = draft.sections.get(number="3").commitments.get()
    response = post_json(client, follow_ups_url(target), {"status": "klar"}, bearer(coordinator))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body"], "msg": "Bara en fastställd plan följs upp."}
    ]
    assert FollowUp.objects.count() == 5


def test_it_hides_another_partys_commitment(client, boden_user, lulea_plan):
    response = post_json(
        client,
        follow_ups_url(commitment(lulea_plan, "3")),
        {"status": "klar"},
        bearer(boden_user),
    )
    assert response.status_code == 404
    assert FollowUp.objects.count() == 5


@pytest.mark.parametrize("role", ["reader", "reporter", "steering"])
def test_it_refuses_follow_up_from_a_role_that_may_not_report(client, request, lulea_plan, role):
    user = request.getfixturevalue(role)
    response = post_json(
        client, follow_ups_url(commitment(lulea_plan, "3")), {"status": "klar"}, bearer(user)
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Du har inte behörighet att rapportera uppföljning."
    assert FollowUp.objects.count() == 5


# --- The browser session -------------------------------------------------------------------


def test_it_accepts_the_session_only_with_the_csrf_token(coordinator, lulea_plan):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(coordinator)
    browser.get(lulea_plan.get_absolute_url())  # sets the CSRF cookie, as the page would
    csrf = browser.cookies["csrftoken"].value
    url = follow_ups_url(commitment(lulea_plan, "3"))

    assert browser.get(f"/api/plans/{lulea_plan.pk}").status_code == 200
    refused = post_json(browser, url, {"status": "klar"})
    assert refused.status_code == 403
    assert FollowUp.objects.count() == 5

    accepted = post_json(browser, url, {"status": "klar"}, {"X-CSRFToken": csrf})
    assert accepted.status_code == 201
    assert FollowUp.objects.count() == 6


def test_it_needs_no_csrf_token_with_a_bearer_token(coordinator, lulea_plan):
    machine = Client(enforce_csrf_checks=True)
    response = post_json(
        machine,
        follow_ups_url(commitment(lulea_plan, "3")),
        {"status": "klar"},
        bearer(coordinator),
    )
    assert response.status_code == 201


# --- Query count ---------------------------------------------------------------------------


def _grow(plan: Plan, n: int) -> None:
    """Add n commitments across the sections, with owners and follow-ups, and a goal with a
    delmål in every section."""
    sections = list(plan.sections.all())
    orgs = list(Organisation.objects.filter(slug__in=["kommunstaben", "lulebo", "lpo-lulea-boden"]))
    groups = list(Group.objects.filter(agreement=plan.agreement))
    persons = list(User.objects.filter(username__in=["samordnare", "kommunpolis"]))
    for i in range(n):
        c = Commitment.objects.create(
            section=sections[i % len(sections)], position=100 + i, text=f"Extra åtagande {i}"
        )
        c.responsible_organisations.set(orgs[: 1 + i % 3])
        c.responsible_groups.set(groups[: 1 + i % 2])
        c.responsible_persons.set(persons[: i % 3])
        FollowUp.objects.create(
            commitment=c,
            period_kind="tertial",
            period_start=dt.date(2020, 5, 1),
            period_end=dt.date(2020, 8, 31),
            status="pagar",
            author=persons[0],
        )
    for i, s in enumerate(sections):
        goal = Goal.objects.create(section=s, position=100, text=f"Extra mål {i}")
        Goal.objects.create(section=s, parent=goal, number="9", position=101, text="Delmål")


def test_it_returns_a_plan_in_a_constant_number_of_queries(client, reader, lulea_plan):
    headers = bearer(reader)
    url = f"/api/plans/{lulea_plan.pk}"

    def count() -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as context:
            response = client.get(url, headers=headers)
        assert response.status_code == 200
        return len(context.captured_queries), response.json()

    count()  # the first request also records when the token was used
    small, _ = count()
    _grow(lulea_plan, 40)
    large, data = count()

    assert sum(len(s["commitments"]) for s in data["sections"]) == 48
    assert large == small
