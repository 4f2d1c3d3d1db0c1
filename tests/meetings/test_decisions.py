"""A decision says what it adopts, who decided and when, and is the only way a plan version,
a document, an intervention or an ANDT(S) action plan becomes fastställd or beslutad."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains

from samverkan.meetings.services import decision_record, meeting_create
from samverkan.organisations.models import Decision, Meeting
from samverkan.plans import services as plan_services
from samverkan.plans.models import Plan
from samverkan.prevention import services as prevention_services
from samverkan.prevention.models import CauseAnalysis, Intervention
from samverkan.reports import services as report_services
from samverkan.reports.models import Document


def test_a_decision_adopts_a_plan_version_and_says_who_and_when(meeting, draft, steering):
    decision = decision_record(by=steering, meeting=meeting, target=draft)

    draft.refresh_from_db()
    assert draft.status == Plan.Status.DECIDED and draft.decision == decision
    assert decision.adopts == Decision.Adopts.PLAN
    assert decision.meeting.group.name == "Styrgrupp"  # who decided
    assert decision.meeting.held_on == dt.date(2021, 2, 18)  # when
    assert decision.recorded_by == steering
    assert decision.number == 1
    assert "fastställer verksamhetsplan" in decision.text


def test_decisions_are_numbered_and_a_plain_decision_adopts_nothing(meeting, steering):
    first = decision_record(by=steering, meeting=meeting, text="Mötet godkänner dagordningen.")
    second = decision_record(by=steering, meeting=meeting, text="Nästa möte hålls i maj.")
    assert (first.number, second.number) == (1, 2)
    assert first.adopts == second.adopts == Decision.Adopts.NOTHING


def test_a_decision_adopts_one_thing_only(meeting, draft, steering, coordinator, lulea_plan):
    decision = decision_record(by=steering, meeting=meeting, target=draft)
    other = Plan.objects.create(
        agreement=lulea_plan.agreement,
        title="En annan plan",
        period_start=dt.date(2022, 1, 1),
        period_end=dt.date(2022, 12, 31),
    )
    with pytest.raises(ValidationError, match="har redan fastställt något"):
        plan_services.plan_decide(plan=other, by=steering, decision=decision)
    other.refresh_from_db()
    assert other.status == Plan.Status.DRAFT


def test_only_the_steering_group_adopts(preparation_group, draft, coordinator):
    meeting = meeting_create(
        by=coordinator, group=preparation_group, held_on=dt.date(2021, 2, 1), title="Beredning"
    )
    with pytest.raises(ValidationError, match="Bara överenskommelsens styrgrupp fastställer"):
        decision_record(by=coordinator, meeting=meeting, target=draft)
    assert not meeting.decisions.exists()
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT
    # A plain decision of the beredningsgrupp is fine.
    assert decision_record(by=coordinator, meeting=meeting, text="Ärendet bereds.").number == 1


@pytest.mark.parametrize("cast_member", ["coordinator", "reporter", "reader"])
def test_who_may_not_adopt(request, meeting, draft, cast_member):
    user = request.getfixturevalue(cast_member)
    with pytest.raises(PermissionDenied):
        decision_record(by=user, meeting=meeting, target=draft)
    assert not meeting.decisions.exists()
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT


def test_a_boden_user_records_nothing_in_lulea(meeting, boden_user):
    with pytest.raises(PermissionDenied):
        decision_record(by=boden_user, meeting=meeting, text="x")


def test_no_decision_before_the_meeting_is_held(steering_group, draft, steering):
    future = Meeting.objects.create(
        group=steering_group, held_on=dt.date(2099, 1, 1), title="Framtida möte"
    )
    with pytest.raises(ValidationError, match="när mötet har hållits"):
        decision_record(by=steering, meeting=future, target=draft)


# --- The old paths ----------------------------------------------------------------------------


def test_the_plan_service_alone_adopts_nothing(draft, steering, meeting):
    with pytest.raises(ValidationError, match="bara genom ett beslut som protokollförs"):
        plan_services.plan_decide(plan=draft, by=steering, decision=None)
    plain = decision_record(by=steering, meeting=meeting, text="Ett beslut utan föremål.")
    with pytest.raises(ValidationError, match="fastställer inte en verksamhetsplan"):
        plan_services.plan_decide(plan=draft, by=steering, decision=plain)
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT


def _document(user, agreement) -> Document:
    document = report_services.document_request(
        by=user, agreement=agreement, kind="verksamhetsplan", fmt="pdf"
    )
    return report_services.document_generate(document)


def test_a_document_is_decided_by_a_decision_only(client, meeting, steering, lulea_plan):
    document = _document(steering, lulea_plan.agreement)
    assert document.status == Document.Status.DONE
    with pytest.raises(ValidationError, match="bara genom ett beslut som protokollförs"):
        report_services.document_decide(document=document, by=steering, decision=None)
    client.force_login(steering)
    response = client.post(reverse("document_decide", args=[document.pk]), follow=True)
    assertContains(response, "Ett dokument blir beslutat bara genom ett beslut")
    assert not Document.objects.get(pk=document.pk).decided

    decision = decision_record(by=steering, meeting=meeting, target=document)

    document = Document.objects.get(pk=document.pk)
    assert document.decided and document.decision == decision
    assert decision.adopts == Decision.Adopts.DOCUMENT


@pytest.fixture
def planned_intervention(coordinator, lulea_plan):
    problem = prevention_services.problem_create(
        by=coordinator, agreement=lulea_plan.agreement, title="Skadegörelse vid torget"
    )
    analysis = prevention_services.cause_analysis_create(by=coordinator, problem=problem)
    prevention_services.cause_analysis_set_status(
        analysis=analysis, by=coordinator, status=CauseAnalysis.Status.REVIEWED
    )
    intervention, _warnings = prevention_services.intervention_create(
        by=coordinator, problem=problem, title="Bättre belysning", type="situationell",
        level="universell",
    )  # fmt: skip
    return intervention


def test_an_intervention_is_decided_by_a_decision_only(
    client, meeting, steering, coordinator, planned_intervention
):
    with pytest.raises(ValidationError, match="bara genom ett beslut som protokollförs"):
        prevention_services.intervention_update(
            intervention=planned_intervention, by=coordinator, status="beslutad"
        )
    client.force_login(coordinator)
    response = client.patch(
        f"/api/interventions/{planned_intervention.pk}",
        {"status": "beslutad"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "bara genom ett beslut som protokollförs" in response.json()["detail"][0]["msg"]
    planned_intervention.refresh_from_db()
    assert planned_intervention.status == Intervention.Status.PLANNED

    decision = decision_record(by=steering, meeting=meeting, target=planned_intervention)

    planned_intervention.refresh_from_db()
    assert planned_intervention.status == Intervention.Status.DECIDED
    assert planned_intervention.decision == decision
    assert decision.adopts == Decision.Adopts.INTERVENTION


def test_the_admin_shows_a_plans_status_read_only(client, admin_user, lulea_plan):
    from django.contrib.admin.sites import site

    plan_admin = site._registry[Plan]
    assert {"status", "decision"} <= set(plan_admin.get_readonly_fields(None))


# --- The pages --------------------------------------------------------------------------------


def test_plan_a_meeting_with_the_proposed_agenda_and_adopt_the_draft(
    client, steering_group, draft, steering
):
    client.force_login(steering)
    page = client.get(reverse("meeting_create", args=[steering_group.pk]) + "?datum=2021-02-18")
    assertContains(page, f"Verksamhetsplan: {draft.title}")
    agenda = page.context["form"].initial["agenda"]
    assert agenda.startswith("Mötets öppnande") and "Beslut att fatta" in agenda

    response = client.post(
        reverse("meeting_create", args=[steering_group.pk]),
        {"held_on": "2021-02-18", "title": "Styrgruppsmöte", "agenda": agenda},
    )
    meeting = Meeting.objects.get(group=steering_group, held_on=dt.date(2021, 2, 18))
    assert response.status_code == 302 and meeting.agenda == agenda.strip()
    detail = client.get(reverse("meeting_detail", args=[meeting.pk]))
    assertContains(detail, f"verksamhetsplan:{draft.pk}")

    response = client.post(
        reverse("decision_create", args=[meeting.pk]),
        {"target": f"verksamhetsplan:{draft.pk}", "text": ""},
        follow=True,
    )

    assertContains(response, "§ 1 är protokollförd.")
    assertContains(response, draft.title)
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DECIDED and draft.decision.meeting == meeting


def test_a_reader_plans_no_meeting(client, steering_group, reader):
    client.force_login(reader)
    assert client.get(reverse("meeting_create", args=[steering_group.pk])).status_code == 403
    response = client.post(
        reverse("meeting_create", args=[steering_group.pk]),
        {"held_on": "2021-02-18", "title": "x"},
    )
    assert response.status_code == 403
    assert not Meeting.objects.filter(title="x").exists()


def test_a_boden_user_sees_no_lulea_meeting(client, meeting, boden_user):
    client.force_login(boden_user)
    assert client.get(reverse("meeting_detail", args=[meeting.pk])).status_code == 404
    response = client.post(reverse("decision_create", args=[meeting.pk]), {"text": "x"})
    assert response.status_code == 404
    assert not meeting.decisions.exists()


def test_the_api_lists_meetings_with_their_decisions(client, meeting, draft, steering, boden_user):
    from samverkan.core.models import APIToken

    decision_record(by=steering, meeting=meeting, target=draft)
    token = APIToken.issue(user=steering)
    response = client.get("/api/meetings", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    item = next(m for m in response.json()["items"] if m["id"] == meeting.pk)
    assert item["agenda"][0] == "1. Mötets öppnande"
    assert item["decisions"] == [
        {
            "number": 1,
            "text": Decision.objects.get(meeting=meeting).text,
            "adopts": "verksamhetsplan",
            "adopted_title": draft.title,
            "decided_by": "Styrgrupp",
            "decided_on": "2021-02-18",
        }
    ]
    token = APIToken.issue(user=boden_user)
    response = client.get("/api/meetings", headers={"Authorization": f"Bearer {token}"})
    assert meeting.pk not in [m["id"] for m in response.json()["items"]]
