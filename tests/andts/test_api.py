"""/api/strategies and /api/andts-plans: shapes, pagination, scoping to the user's agreements."""

from django.utils import timezone

from samverkan.core.models import APIToken, User


def get(client, url: str, username: str):
    user = User.objects.get(username=username)
    return client.get(url, headers={"Authorization": f"Bearer {APIToken.issue(user=user)}"})


def test_the_strategies(client, demo):
    response = get(client, "/api/strategies", "lasare")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    first = data["items"][0]
    assert first["title"] == "ANDTS-strategin 2022–2025"
    assert (first["period_start"], first["period_end"]) == ("2022-01-01", "2025-12-31")
    assert "spel om pengar" in first["overall_goal"]
    assert [g["number"] for g in first["goals"]] == [1, 2, 3, 4, 5, 6, 7]
    assert set(first["goals"][0]) == {"number", "text", "priority_areas"}
    assert first["goals"][5]["priority_areas"] == [
        "Nollvision för dödsfall till följd av narkotikaförgiftning"
    ]
    page = get(client, "/api/strategies?limit=1&offset=1", "lasare").json()
    assert page["count"] == 2 and [s["title"] for s in page["items"]] == [
        "ANDT-strategin 2016–2020"
    ]


def test_the_action_plans(client, demo):
    response = get(client, "/api/andts-plans", "lasare")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    plan = data["items"][0]
    assert plan["year"] == timezone.localdate().year and plan["status"] == "beslutad"
    assert {
        "agreement",
        "period_start",
        "period_end",
        "status",
        "prioritised_goals",
        "activities",
    } <= set(plan)
    goal = plan["prioritised_goals"][0]
    assert set(goal) >= {"strategy", "goal", "rationale", "evidence"}
    assert goal["strategy"] == "ANDTS-strategin 2022–2025" and goal["goal"] == 1
    evidence = goal["evidence"]
    indicator = evidence["indicators"][0]
    assert indicator["code"] == "can-mojlighet-narkotika"
    assert {f["value"] for f in indicator["latest"]} == {"17 %", "33 %"}
    assert evidence["incident_categories"] == ["narkotika"]
    smadit = next(a for a in plan["activities"] if a["kind"] == "samverkan")
    assert smadit["collaboration"].startswith("SMADIT –") and smadit["owner_organisation"]
    one = get(client, f"/api/andts-plans/{plan['id']}", "lasare").json()
    assert one["id"] == plan["id"]


def test_another_agreements_user_sees_no_plan(client, demo):
    data = get(client, "/api/andts-plans", "boden").json()
    assert data == {"items": [], "count": 0}
    plan_id = get(client, "/api/andts-plans", "lasare").json()["items"][0]["id"]
    assert get(client, f"/api/andts-plans/{plan_id}", "boden").status_code == 404
    assert get(client, "/api/strategies", "boden").json()["count"] == 2
