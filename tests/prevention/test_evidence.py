"""Evidence is added to a problem from its page: each kind with its source, checked by the
service, counted afresh for a stored selection of reports."""

from samverkan.incidents.models import Category, Incident
from samverkan.indicators.models import Indicator
from samverkan.prevention.models import EvidenceLink


def _url(problem):
    return f"/forebyggande/problem/{problem.pk}/underlag/nytt/"


def test_a_coordinator_adds_a_selection_of_reports_and_an_indicator(
    client, coordinator, problem, lulea_districts
):
    client.force_login(coordinator)
    category = Category.objects.get(slug="skadegorelse")
    response = client.post(
        _url(problem),
        {
            "kind": "incident_query",
            "categories": [category.pk],
            "districts": [lulea_districts[0].pk],
            "date_from": "2026-01-01",
            "date_to": "2026-06-30",
            "source": "Samverkans händelserapporter",
        },
    )
    assert response.status_code == 302
    link = EvidenceLink.objects.get(problem=problem)
    assert link.kind == "incident_query" and link.source == "Samverkans händelserapporter"
    assert list(link.districts.all()) == [lulea_districts[0]]
    indicator = Indicator.objects.first()
    response = client.post(
        _url(problem), {"kind": "indicator", "indicator": indicator.pk, "source": "CAN"}
    )
    assert response.status_code == 302
    assert EvidenceLink.objects.filter(problem=problem, indicator=indicator).exists()
    page = client.get(f"/forebyggande/problem/{problem.pk}/").content.decode()
    assert "Samverkans händelserapporter" in page and "Lägg till underlag" in page
    assert Incident.objects.count() == 0  # the selection is a stored query, not a copy


def test_bad_evidence_gets_a_swedish_message_and_nothing_is_saved(client, coordinator, problem):
    client.force_login(coordinator)
    response = client.post(_url(problem), {"kind": "est_week", "iso_year": 2026, "iso_week": 60})
    assert response.status_code == 400
    assert "Ange år och vecka (1–53)." in response.content.decode()
    response = client.post(
        _url(problem),
        {"kind": "incident_query", "date_from": "2026-06-30", "date_to": "2026-01-01"},
    )
    assert "Slutdatumet ligger före startdatumet." in response.content.decode()
    response = client.post(_url(problem), {"kind": "lagesbild_snapshot"})
    assert "Välj en sparad lägesbild." in response.content.decode()
    assert not EvidenceLink.objects.filter(problem=problem).exists()


def test_only_editors_of_the_agreement_add_evidence(client, reader, boden_user, problem):
    client.force_login(reader)
    assert client.post(_url(problem), {"kind": "est_week"}).status_code == 403
    client.force_login(boden_user)
    assert client.get(_url(problem)).status_code == 404
    assert not EvidenceLink.objects.filter(problem=problem).exists()
