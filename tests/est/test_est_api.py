"""EST in the API: the weekly picture, actions and snapshots, with the pages' scoping."""

# The shared fixtures of tests/est/test_weekly.py are imported by name, which ruff
# reads as redefinitions when tests take them as arguments.
# ruff: noqa: F811

import json

import pytest

from samverkan.core.models import APIToken, User
from samverkan.est import services
from samverkan.est.models import Action
from samverkan.organisations.models import Organisation

from .test_weekly import agreement, hand_case, local, make_report, two_districts  # noqa: F401


def bearer(username: str) -> dict:
    user = User.objects.get(username=username)
    return {"Authorization": f"Bearer {APIToken.issue(user=user)}"}


def send(client, method: str, url: str, body: dict, username: str):
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", headers=bearer(username)
    )


@pytest.fixture
def police(demo) -> Organisation:
    return Organisation.objects.get(slug="lpo-lulea-boden")


def test_it_returns_the_weekly_picture(client, agreement, hand_case):
    response = client.get(f"/api/agreements/{agreement.pk}/weeks/2025/10", headers=bearer("lasare"))
    assert response.status_code == 200
    data = response.json()
    assert (data["total"], data["restricted_count"], data["closed"]) == (7, 1, False)
    assert [c["category"] for c in data["cells"] if c["increase"]] == ["Klotter"]
    assert "8 föregående veckorna" in data["test"] and "per cell" in data["test"]
    klotter = next(c for c in data["cells"] if c["increase"])
    assert (klotter["method"], klotter["threshold"], klotter["q"]) == ("recent", 4, None)
    assert data["expected_false_per_year"] > 0 and data["alpha"] == pytest.approx(1 / 208)


def test_another_partys_week_and_an_impossible_week_are_refused(client, agreement):
    url = f"/api/agreements/{agreement.pk}/weeks/2025/10"
    assert client.get(url, headers=bearer("boden")).status_code == 404
    # 2025 has 52 ISO weeks: week 53 does not exist; a week beyond 53 is out of range.
    url = f"/api/agreements/{agreement.pk}/weeks/2025/53"
    assert client.get(url, headers=bearer("samordnare")).status_code == 404
    url = f"/api/agreements/{agreement.pk}/weeks/2025/54"
    response = client.get(url, headers=bearer("samordnare"))
    assert response.status_code == 422
    assert "högst 53" in str(response.json()["detail"])
    assert client.get(f"/api/agreements/{agreement.pk}/weeks/2025/10").status_code == 401


def test_a_coordinator_creates_and_changes_an_action(client, agreement, hand_case, police):
    linked = hand_case["a"].incidents.filter(classification="intern").first()
    body = {
        "agreement": agreement.pk,
        "iso_year": 2025,
        "iso_week": 10,
        "what": "Sanera klottret",
        "district": hand_case["a"].pk,
        "incidents": [linked.pk],
        "owner_organisation": police.pk,
        "due_date": "2025-03-14",
    }
    response = send(client, "post", "/api/actions", body, "samordnare")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["incidents"] == [linked.pk] and created["status"] == "planerad"

    url = f"/api/actions/{created['id']}"
    response = send(client, "patch", url, {"status": "klar", "outcome": "Sanerat"}, "samordnare")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["outcome"]) == ("klar", "Sanerat")
    assert Action.objects.get().incidents.get() == linked  # untouched by the patch


def test_bad_action_input_is_a_swedish_422(client, agreement, police):
    body = {
        "agreement": agreement.pk,
        "what": "Ring 070-123 45 67",
        "owner_organisation": police.pk,
    }
    response = send(client, "post", "/api/actions", body, "samordnare")
    assert response.status_code == 422
    assert "telefonnummer" in response.json()["detail"][0]["msg"]
    body = {"agreement": agreement.pk, "what": "x", "owner_organisation": 999999}
    response = send(client, "post", "/api/actions", body, "samordnare")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "owner_organisation"]


@pytest.mark.parametrize(
    ("username", "status"), [("lasare", 403), ("styrgrupp", 403), ("boden", 404)]
)
def test_others_may_not_write_actions(client, agreement, police, coordinator, username, status):
    body = {"agreement": agreement.pk, "what": "x", "owner_organisation": police.pk}
    assert send(client, "post", "/api/actions", body, username).status_code == status
    action = services.action_create(
        by=coordinator,
        agreement=agreement,
        iso_year=2025,
        iso_week=10,
        what="x",
        owner_organisation=police,
    )
    response = send(client, "patch", f"/api/actions/{action.pk}", {"status": "klar"}, username)
    assert response.status_code == status
    assert Action.objects.get().status == "planerad"


def test_actions_are_listed_within_the_users_agreements(client, agreement, police, coordinator):
    action = services.action_create(
        by=coordinator,
        agreement=agreement,
        iso_year=2025,
        iso_week=10,
        what="x",
        owner_organisation=police,
        due_date=local(2025, 10).date(),
    )
    listed = client.get("/api/actions", headers=bearer("lasare")).json()
    assert [row["id"] for row in listed] == [action.pk] and listed[0]["overdue"] is True
    assert client.get("/api/actions?overdue=false", headers=bearer("lasare")).json() == []
    assert client.get("/api/actions", headers=bearer("boden")).json() == []


def test_snapshots_of_closed_meetings(client, agreement, hand_case, coordinator):
    assert client.get("/api/snapshots", headers=bearer("lasare")).json() == []
    meeting = services.meeting_close(
        by=coordinator, agreement=agreement, iso_year=2025, iso_week=10
    )
    listed = client.get("/api/snapshots", headers=bearer("lasare")).json()
    assert [(s["id"], s["iso_week"]) for s in listed] == [(meeting.pk, 10)]
    one = client.get(f"/api/snapshots/{meeting.pk}", headers=bearer("lasare")).json()
    assert one["snapshot"]["picture"]["total"] == 7
    week = client.get(
        f"/api/agreements/{agreement.pk}/weeks/2025/10", headers=bearer("lasare")
    ).json()
    assert (week["closed"], week["snapshot_id"]) == (True, meeting.pk)
    assert client.get(f"/api/snapshots/{meeting.pk}", headers=bearer("boden")).status_code == 404
    assert client.get("/api/snapshots", headers=bearer("boden")).json() == []
