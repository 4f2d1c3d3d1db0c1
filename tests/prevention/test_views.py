"""The prevention pages: the rule in the intervention form, scoping, the SARA state."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from samverkan.core.models import Classification
from samverkan.prevention import services
from samverkan.prevention.models import CauseAnalysis, Intervention, Problem

RULE = "En insats kan inte beslutas förrän problemets orsaksanalys är granskad."


def _login(client, user):
    client.force_login(user)
    return client


def _intervention_data(problem, status: str) -> dict:
    return {
        "title": "Belysning vid torget",
        "type": "situationell",
        "level": "universell",
        "horizon": "kort",
        "owner_organisation": problem.owner_organisation_id,
        "status": status,
    }


def test_the_form_shows_the_rule_at_status_and_saves_nothing(client, coordinator, problem):
    _login(client, coordinator)
    url = f"/forebyggande/problem/{problem.pk}/insats/ny/"
    response = client.post(url, _intervention_data(problem, "pagar"))
    assert response.status_code == 400
    assert response.context["form"].errors["status"] == [RULE]
    assert not Intervention.objects.exists()


def test_the_form_saves_after_review_and_shows_the_method_warning(
    client, coordinator, problem, reviewed
):
    from samverkan.prevention.models import Method

    method = Method.objects.create(
        slug="studiebesok", name="Studiebesök", type="social", level="selektiv", evidence="skadlig"
    )
    _login(client, coordinator)
    data = {**_intervention_data(problem, "pagar"), "type": "", "level": "", "method": method.pk}
    response = client.post(f"/forebyggande/problem/{problem.pk}/insats/ny/", data, follow=True)
    assertContains(response, "visat sig skadlig")
    intervention = Intervention.objects.get()
    assert (intervention.status, intervention.type, intervention.level) == (
        "pagar",
        "social",
        "selektiv",
    )


def test_the_edit_form_follows_the_rule(client, coordinator, problem, analysis):
    intervention, _ = services.intervention_create(
        by=coordinator, problem=problem, title="x", type="social", level="selektiv"
    )
    _login(client, coordinator)
    data = {**_intervention_data(problem, "pagar"), "title": "x"}
    response = client.post(f"/forebyggande/insats/{intervention.pk}/andra/", data)
    assert response.status_code == 400
    assertContains(response, RULE, status_code=400)
    intervention.refresh_from_db()
    assert intervention.status == "planerad"


def test_the_problem_list_shows_what_is_missing(client, reader, lulea, problem, coordinator):
    _login(client, reader)
    url = f"/forebyggande/{lulea.pk}/"
    assertContains(client.get(url), "ingen orsaksanalys")
    analysis = services.cause_analysis_create(by=coordinator, problem=problem)
    assertContains(client.get(url), "orsaksanalysen är inte granskad")
    services.cause_analysis_set_status(analysis=analysis, by=coordinator, status="granskad")
    response = client.get(url)
    assertNotContains(response, "inte granskad")
    assertContains(response, "ingen beslutad insats")
    services.intervention_create(
        by=coordinator,
        problem=problem,
        title="x",
        type="social",
        level="selektiv",
        status="pagar",
    )
    assertContains(client.get(url), "ingen utvärdering")


def test_a_boden_user_sees_nothing_of_lulea(client, boden_user, lulea, problem, analysis):
    _login(client, boden_user)
    assert client.get(f"/forebyggande/{lulea.pk}/").status_code == 404
    for url in (
        f"/forebyggande/problem/{problem.pk}/",
        f"/forebyggande/problem/{problem.pk}/andra/",
        f"/forebyggande/orsaksanalys/{analysis.pk}/utskrift/",
        f"/forebyggande/problem/{problem.pk}/insats/ny/",
    ):
        assert client.get(url).status_code == 404, url
    assertNotContains(client.get("/forebyggande/"), lulea.title)


def test_a_restricted_problem_is_seen_only_in_its_organisation(
    client, kommunpolis, reader, lulea, problem
):
    problem.classification = Classification.RESTRICTED
    problem.save()
    _login(client, kommunpolis)
    assert client.get(f"/forebyggande/problem/{problem.pk}/").status_code == 404
    assertNotContains(client.get(f"/forebyggande/{lulea.pk}/"), problem.title)
    _login(client, reader)
    assertContains(client.get(f"/forebyggande/problem/{problem.pk}/"), problem.title)


def test_a_reader_gets_403_on_the_forms(client, reader, lulea, problem):
    _login(client, reader)
    assert client.get(f"/forebyggande/{lulea.pk}/nytt/").status_code == 403
    assert client.get(f"/forebyggande/problem/{problem.pk}/orsaksanalys/").status_code == 403


def test_create_a_problem_and_refuse_personal_data(client, coordinator, lulea):
    _login(client, coordinator)
    url = f"/forebyggande/{lulea.pk}/nytt/"
    data = {
        "title": "Otrygghet i parken",
        "classification": "intern",
        "affected_groups": "070-123 45 67",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["affected_groups"]
    assert not Problem.objects.exists()
    response = client.post(url, {**data, "affected_groups": "Äldre som går hem"})
    problem = Problem.objects.get()
    assert response.status_code == 302 and problem.affected_groups == "Äldre som går hem"


def test_the_analysis_form_writes_triangle_causes_steps_factors_and_hypotheses(
    client, coordinator, problem
):
    _login(client, coordinator)
    url = f"/forebyggande/problem/{problem.pk}/orsaksanalys/"
    data = {
        "classification": "intern",
        "offender": "Unga som samlas",
        "place_manager": "Fastighetsägaren",
        "place_manager_weak": "on",
        "causes_object_place": "Dålig belysning\nindirekt: Inga öppna lokaler",
        "causes_victim": "Butiker utan larm",
        "steps": "Samling vid hållplatsen\nRutan krossas",
        "factors": "risk; skola; Låg närvaro\nskydd; familj; Stöd hemma",
        "hypotheses": "Mörkret | Mest på vintern | Även i juni",
    }
    assert client.post(url, {**data, "factors": "risk; planet; x"}).status_code == 400
    assert not CauseAnalysis.objects.exists()
    assert client.post(url, data).status_code == 302
    analysis = CauseAnalysis.objects.get()
    assert analysis.place_manager_weak is True
    assert sorted((c.bone, c.text, c.direct) for c in analysis.causes.all()) == [
        ("brottsutsatt", "Butiker utan larm", True),
        ("objekt_plats", "Dålig belysning", True),
        ("objekt_plats", "Inga öppna lokaler", False),
    ]
    assert [s.text for s in analysis.steps.all()] == ["Samling vid hållplatsen", "Rutan krossas"]
    assert analysis.factors.count() == 2
    hypothesis = analysis.hypotheses.get()
    assert (hypothesis.evidence_for, hypothesis.evidence_against) == (
        "Mest på vintern",
        "Även i juni",
    )
    printed = client.get(f"/forebyggande/orsaksanalys/{analysis.pk}/utskrift/")
    assertContains(printed, "@media print")
    assertContains(printed, "Inga öppna lokaler")
    # The status buttons: review, then back on the problem page.
    response = client.post(
        f"/forebyggande/orsaksanalys/{analysis.pk}/status/", {"status": "granskad"}, follow=True
    )
    assertContains(response, "Orsaksanalysen är nu Granskad.")


@pytest.mark.parametrize("username", ["lasare", "samordnare"])
def test_the_menu_links_the_prevention_pages(client, demo, username):
    from samverkan.core.models import User

    _login(client, User.objects.get(username=username))
    assertContains(client.get("/forebyggande/"), 'href="/forebyggande/"')
