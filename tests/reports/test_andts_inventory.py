"""The ANDT(S) action plan and the collaboration inventory as documents, from the demo
through `samverkan document`: read back, every prioritised goal, rationale, local goal and
activity of the plan; every collaboration, its parties and the overlap matrix's marks; the
decision on the cover only once the plan is decided; bad input refused in Swedish."""

import pytest
from django.core.management.base import CommandError
from docx import Document as WordDocument

from samverkan.andts.models import ActionPlan, Activity, LocalGoal, PrioritisedGoal
from samverkan.collaboration.models import Collaboration
from samverkan.collaboration.selectors import overview
from samverkan.core.models import User
from samverkan.plans.models import Agreement
from tests.reports.conftest import docx_text, flat, make, pdf_text


@pytest.fixture
def action_plan(demo) -> ActionPlan:
    return ActionPlan.objects.select_related("agreement", "strategy").latest("year")


def test_the_andts_plan_pdf_holds_every_goal_rationale_local_goal_and_activity(
    action_plan, tmp_path
):
    output = tmp_path / "andts.pdf"
    make("andts-handlingsplan", "samordnare", output, agreement=action_plan.agreement_id)
    text = pdf_text(output)
    found = flat(text)
    prioritised = list(PrioritisedGoal.objects.filter(plan=action_plan).select_related("goal"))
    activities = list(Activity.objects.filter(plan=action_plan))
    local_goals = list(LocalGoal.objects.filter(prioritised_goal__plan=action_plan))
    assert prioritised and activities and local_goals
    for goal in prioritised:
        assert flat(goal.goal.text) in found
        assert flat(goal.rationale) in found
    for local in local_goals:
        assert flat(local.text) in found
    for activity in activities:
        assert flat(activity.title) in found
        assert flat(activity.owner_organisation.name) in found
    assert flat(action_plan.strategy.title) in found
    assert "Klassning: INTERN" in text
    assert ("utkast" in text.lower()) is (not action_plan.is_decided)


def test_a_decided_andts_plan_says_who_decided_and_when(action_plan, tmp_path):
    ActionPlan.objects.filter(pk=action_plan.pk).update(
        status=ActionPlan.Status.DECIDED,
        decided_by="Styrgruppen för samverkan",
        decided_on="2026-03-12",
        decision="Handlingsplanen fastställs.",
    )
    output = tmp_path / "andts.docx"
    make(
        "andts-handlingsplan",
        "samordnare",
        output,
        agreement=action_plan.agreement_id,
        format="docx",
        **{"from": action_plan.period_start.isoformat()},
    )
    text = docx_text(output)
    assert "Beslutad av" in text and "Styrgruppen för samverkan" in text
    assert "2026-03-12" in text and "utkast" not in text.lower()
    document = WordDocument(output)
    assert "INTERN" in document.sections[0].header.paragraphs[0].text


def test_an_andts_plan_is_chosen_by_its_year_never_by_a_plan_id(action_plan, lulea_plan, tmp_path):
    output = tmp_path / "fel.pdf"
    with pytest.raises(CommandError, match="väljs med ett datum i planens år"):
        make(
            "andts-handlingsplan",
            "samordnare",
            output,
            agreement=action_plan.agreement_id,
            plan=lulea_plan.pk,
        )
    with pytest.raises(CommandError, match=r"ingen ANDT\(S\)-handlingsplan för 1999-06-01"):
        make(
            "andts-handlingsplan",
            "samordnare",
            output,
            agreement=action_plan.agreement_id,
            **{"from": "1999-06-01"},
        )
    other = Agreement.objects.exclude(pk=action_plan.agreement_id).first()
    with pytest.raises(CommandError, match="ingen ANDT\\(S\\)-handlingsplan att göra"):
        make("andts-handlingsplan", "samordnare", output, agreement=other.pk)
    assert not output.exists()


def test_the_inventory_pdf_holds_every_collaboration_party_and_the_matrix_marks(demo, tmp_path):
    agreement = Collaboration.objects.first().agreement
    output = tmp_path / "inventering.pdf"
    make("samverkansinventering", "samordnare", output, agreement=agreement.pk)
    text = pdf_text(output)
    found = flat(text)
    collaborations = list(Collaboration.objects.filter(agreement=agreement))
    assert len(collaborations) >= 3
    for c in collaborations:
        assert flat(c.name) in found
        assert flat(c.purpose) in found
        for party in c.parties.all():
            assert flat(party.organisation.name) in found
    picture = overview(User.objects.get(username="samordnare"), agreement)
    assert picture.overlaps + picture.gaps > 0
    # The matrix marks its cells in capitals; narrow cells hyphenate and break lines.
    cells = " ".join(text.replace("-\n", "").split())
    assert cells.count("MÖJLIGT DUBBELARBETE") == picture.overlaps
    assert cells.count("MÖJLIG LUCKA") == picture.gaps
    assert "Klassning: INTERN" in text


def test_an_agreement_without_collaborations_gets_a_swedish_message(demo, tmp_path):
    agreement = Agreement.objects.exclude(pk__in=Collaboration.objects.values("agreement")).first()
    output = tmp_path / "tom.pdf"
    with pytest.raises(CommandError, match="inga samverkansformer i inventeringen"):
        make("samverkansinventering", "samordnare", output, agreement=agreement.pk)
    assert not output.exists()
