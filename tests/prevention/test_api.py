"""The prevention API: shapes, the decide rule at `status`, scoping and classification."""

import datetime as dt
import json

import pytest

from samverkan.core.models import APIToken, Classification, User
from samverkan.incidents.models import Category, Incident
from samverkan.prevention import services
from samverkan.prevention.models import EvidenceLink, Intervention, Method, Promise

RULE = "En insats kan inte beslutas förrän problemets orsaksanalys är granskad."


def bearer(username: str) -> dict:
    user = User.objects.get(username=username)
    return {"Authorization": f"Bearer {APIToken.issue(user=user)}"}


def send(client, method: str, url: str, body: dict, username: str):
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", headers=bearer(username)
    )


def get(client, url: str, username: str):
    return client.get(url, headers=bearer(username))


def test_the_problem_list_carries_the_analysis_state(client, problem, analysis):
    response = get(client, "/api/problems", "lasare")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    item = data["items"][0]
    assert (item["id"], item["title"], item["agreement"]) == (
        problem.pk,
        "Skadegörelse vid centrumtorget",
        problem.agreement_id,
    )
    assert (item["cause_analysis"], item["cause_analysis_status"]) == (analysis.pk, "utkast")


def test_a_problem_without_analysis_has_nulls(client, problem):
    item = get(client, f"/api/problems/{problem.pk}", "samordnare").json()
    assert (item["cause_analysis"], item["cause_analysis_status"]) == (None, None)


def test_a_boden_user_sees_nothing_of_lulea(client, problem, analysis):
    services.intervention_create(
        by=User.objects.get(username="samordnare"),
        problem=problem,
        title="Belysning",
        type="situationell",
        level="universell",
    )
    assert get(client, "/api/problems", "boden").json() == {"items": [], "count": 0}
    assert get(client, "/api/cause-analyses", "boden").json()["count"] == 0
    assert get(client, "/api/interventions", "boden").json()["count"] == 0
    for url in (
        f"/api/problems/{problem.pk}",
        f"/api/cause-analyses/{analysis.pk}",
        f"/api/interventions/{Intervention.objects.get().pk}",
    ):
        response = get(client, url, "boden")
        assert response.status_code == 404
        assert response.json() == {"detail": "Finns inte."}
    response = send(client, "patch", f"/api/problems/{problem.pk}", {"title": "x"}, "boden")
    assert response.status_code == 404
    problem.refresh_from_db()
    assert problem.title == "Skadegörelse vid centrumtorget"


def test_a_restricted_analysis_is_seen_only_in_its_organisation(client, problem, analysis):
    analysis.classification = Classification.RESTRICTED
    analysis.save()
    # Kommunstaben owns it: Luleå kommun's förvaltning sees it, the police does not.
    assert get(client, f"/api/cause-analyses/{analysis.pk}", "lasare").status_code == 200
    assert get(client, f"/api/cause-analyses/{analysis.pk}", "kommunpolis").status_code == 404
    item = get(client, f"/api/problems/{problem.pk}", "kommunpolis").json()
    assert item["cause_analysis"] is None
    problem.classification = Classification.RESTRICTED
    problem.save()
    assert get(client, f"/api/problems/{problem.pk}", "kommunpolis").status_code == 404
    assert get(client, "/api/problems", "kommunpolis").json()["count"] == 0


def test_post_a_problem_and_personal_data_is_a_422_at_its_field(client, lulea):
    body = {"agreement": lulea.pk, "title": "Otrygghet i parken", "when": "Kvällar"}
    response = send(client, "post", "/api/problems", body, "samordnare")
    assert response.status_code == 201
    assert response.json()["title"] == "Otrygghet i parken"
    bad = {**body, "affected_groups": "Ring 070-123 45 67"}
    response = send(client, "post", "/api/problems", bad, "samordnare")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "affected_groups"]


def test_a_reader_may_not_write(client, lulea):
    body = {"agreement": lulea.pk, "title": "x"}
    response = send(client, "post", "/api/problems", body, "lasare")
    assert response.status_code == 403


def test_an_agreement_of_another_party_is_404(client, boden):
    body = {"agreement": boden.pk, "title": "x"}
    assert send(client, "post", "/api/problems", body, "samordnare").status_code == 404


def test_post_an_intervention_refused_by_the_rule_at_status(client, problem, analysis):
    body = {
        "problem": problem.pk,
        "title": "Belysning",
        "type": "situationell",
        "level": "universell",
        "horizon": "kort",
        "status": "pagar",
    }
    response = send(client, "post", "/api/interventions", body, "samordnare")
    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["body", "status"], "msg": RULE}]}
    assert not Intervention.objects.exists()
    response = send(
        client, "patch", f"/api/cause-analyses/{analysis.pk}", {"status": "granskad"}, "samordnare"
    )
    assert response.status_code == 200 and response.json()["status"] == "granskad"
    response = send(client, "post", "/api/interventions", body, "samordnare")
    assert response.status_code == 201
    assert response.json()["status"] == "pagar"


def test_patch_an_intervention_under_the_same_rule(client, problem, analysis):
    body = {
        "problem": problem.pk,
        "title": "Belysning",
        "type": "situationell",
        "level": "selektiv",
    }
    created = send(client, "post", "/api/interventions", body, "samordnare").json()
    url = f"/api/interventions/{created['id']}"
    response = send(client, "patch", url, {"status": "pagar"}, "samordnare")
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "status"], "msg": RULE}]
    response = send(client, "patch", url, {"outcome": "Ingen ändring än"}, "samordnare")
    assert response.status_code == 200
    assert (response.json()["outcome"], response.json()["status"]) == (
        "Ingen ändring än",
        "planerad",
    )


def test_a_method_by_slug_fills_type_and_level_and_warns(client, problem):
    Method.objects.create(
        slug="studiebesok", name="Studiebesök", type="social", level="selektiv", evidence="skadlig"
    )
    body = {"problem": problem.pk, "title": "Studiebesök", "method": "studiebesok"}
    response = send(client, "post", "/api/interventions", body, "samordnare")
    assert response.status_code == 201
    data = response.json()
    assert (data["type"], data["level"], data["method"]) == ("social", "selektiv", "studiebesok")
    assert len(data["warnings"]) == 1 and "skadlig" in data["warnings"][0]
    unknown = send(client, "post", "/api/interventions", {**body, "method": "nej"}, "samordnare")
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == [{"loc": ["body", "method"], "msg": "Okänd metod nej."}]


def test_a_cause_of_another_problem_is_422_at_causes(client, coordinator, lulea, problem):
    other = services.problem_create(by=coordinator, agreement=lulea, title="Annat")
    foreign = services.cause_analysis_create(
        by=coordinator, problem=other, causes=[{"bone": "objekt_plats", "text": "Mörker"}]
    ).causes.get()
    body = {
        "problem": problem.pk,
        "title": "x",
        "type": "social",
        "level": "selektiv",
        "causes": [foreign.pk],
    }
    response = send(client, "post", "/api/interventions", body, "samordnare")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "causes"],
            "msg": "Orsaken ”Mörker” hör till ett annat problems orsaksanalys.",
        }
    ]


def test_the_cause_analysis_api_shapes(client, problem):
    body = {
        "problem": problem.pk,
        "offender": "Unga som samlas",
        "guardian_weak": True,
        "causes": [{"bone": "brottsutsatt", "text": "Butiker utan larm", "direct": False}],
        "steps": [{"text": "Samling vid hållplatsen"}, {"text": "Rutan krossas"}],
        "factors": [{"kind": "skydd", "level": "skola", "text": "Fritidsgård"}],
        "hypotheses": [{"text": "Mörkret", "evidence_for": "Mest på vintern"}],
    }
    response = send(client, "post", "/api/cause-analyses", body, "samordnare")
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "utkast" and data["guardian_weak"] is True
    assert [c["text"] for c in data["causes"]] == ["Butiker utan larm"]
    assert [s["text"] for s in data["steps"]] == ["Samling vid hållplatsen", "Rutan krossas"]
    listed = get(client, f"/api/cause-analyses?problem={problem.pk}", "lasare").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == data["id"]
    bad = send(
        client, "patch", f"/api/cause-analyses/{data['id']}", {"status": "beslutad"}, "samordnare"
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "status"]


def test_methods_and_promises(client, lulea, boden):
    Method.objects.create(
        slug="belysning",
        name="Belysning",
        type="situationell",
        level="universell",
        evidence="effektiv",
        source="Brå",
    )
    data = get(client, "/api/methods", "lasare").json()
    assert data["count"] == 1
    assert {k: data["items"][0][k] for k in ("name", "type", "level", "evidence", "source")} == {
        "name": "Belysning",
        "type": "situationell",
        "level": "universell",
        "evidence": "effektiv",
        "source": "Brå",
    }
    promise = Promise.objects.create(agreement=lulea, year=2025, text="Tryggare centrum")
    promise.follow_ups.create(period_label="T1", comment="Fler vuxna ute")
    Promise.objects.create(agreement=boden, year=2025, text="Bodens löfte")
    data = get(client, "/api/promises", "lasare").json()
    assert data["count"] == 1
    assert data["items"][0]["follow_ups"] == [
        {"period_label": "T1", "value": None, "comment": "Fler vuxna ute"}
    ]


def test_an_incident_query_counts_live_and_by_access(client, coordinator, problem, lulea_districts):
    category = Category.objects.get(slug="klotter")
    link = services.evidence_add(
        by=coordinator,
        problem=problem,
        kind=EvidenceLink.Kind.INCIDENT_QUERY,
        source="Rapporter om klotter, 2025",
        categories=[category],
        districts=lulea_districts[:1],
        date_from=dt.date(2025, 1, 1),
        date_to=dt.date(2025, 12, 31),
    )
    assert link.count(coordinator) == 0
    district = lulea_districts[0]
    municipality = district.municipality
    for classification in (Classification.INTERNAL, Classification.RESTRICTED):
        Incident.objects.create(
            category=category,
            municipality=municipality,
            district=district,
            occurred_from=dt.datetime(2025, 5, 1, 12, tzinfo=dt.UTC),
            occurred_to=dt.datetime(2025, 5, 1, 12, tzinfo=dt.UTC),
            organisation=coordinator.organisation,
            classification=classification,
            description="Klotter",
        )
    assert link.count(coordinator) == 2
    police = User.objects.get(username="kommunpolis")
    assert link.count(police) == 1
    item = get(client, f"/api/problems/{problem.pk}", "kommunpolis").json()
    assert item["evidence"] == [
        {
            "id": link.pk,
            "kind": "incident_query",
            "source": "Rapporter om klotter, 2025",
            "count": 1,
        }
    ]


@pytest.mark.parametrize("url", ["/api/problems", "/api/interventions", "/api/methods"])
def test_lists_page(client, url, problem):
    data = get(client, f"{url}?limit=1&offset=0", "lasare").json()
    assert set(data) == {"items", "count"}


def test_a_user_of_another_agreement_cannot_post_into_it(client, problem, analysis):
    body = {"problem": problem.pk, "title": "x", "type": "social", "level": "selektiv"}
    assert send(client, "post", "/api/interventions", body, "boden").status_code == 404
    body = {"problem": problem.pk}
    assert send(client, "post", "/api/cause-analyses", body, "boden").status_code == 404
    url = f"/api/cause-analyses/{analysis.pk}"
    assert send(client, "patch", url, {"status": "granskad"}, "boden").status_code == 404
    assert not Intervention.objects.exists()
    analysis.refresh_from_db()
    assert analysis.status == "utkast"
