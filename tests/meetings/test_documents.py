"""The agenda and the minutes as PDF: every agenda point and every decision is in the file,
from the command and from the meeting page."""

import pytest
from django.core.management.base import CommandError
from django.urls import reverse

from samverkan.meetings.services import decision_record
from samverkan.reports.kinds.meeting import agenda_points
from samverkan.reports.models import Document
from tests.reports.conftest import flat, make, pdf_text


def test_the_agenda_pdf_has_every_point(tmp_path, meeting, lulea_plan):
    output = tmp_path / "dagordning.pdf"
    make(
        "dagordning", "samordnare", output, agreement=lulea_plan.agreement.slug, meeting=meeting.pk
    )
    text = flat(pdf_text(output))
    points = agenda_points(meeting.agenda)
    assert len(points) == 4
    for point in points:
        assert flat(point) in text, point
    assert flat("Stig Styrsson") in text  # the members called


def test_the_minutes_pdf_has_every_decision_and_what_it_adopts(
    tmp_path, meeting, draft, steering, lulea_plan
):
    meeting.minutes = "Styrgruppen gick igenom uppföljningen."
    meeting.save()
    plain = decision_record(by=steering, meeting=meeting, text="Dagordningen godkänns.")
    adopting = decision_record(by=steering, meeting=meeting, target=draft)
    output = tmp_path / "protokoll.pdf"

    make("protokoll", "styrgrupp", output, agreement=lulea_plan.agreement.pk, meeting=meeting.pk)

    text = flat(pdf_text(output))
    for decision in (plain, adopting):
        assert flat(f"§ {decision.number}") in text
        assert flat(decision.text) in text
    assert flat(f"Fastställer: Verksamhetsplan – {draft.title}") in text
    assert flat("Beslutat av Styrgrupp 2021-02-18") in text
    assert flat("Styrgruppen gick igenom uppföljningen.") in text
    for point in agenda_points(meeting.agenda):
        assert flat(point) in text


def test_a_meeting_of_another_agreement_is_refused(tmp_path, meeting, boden_plan):
    with pytest.raises(CommandError, match="inget möte med id"):
        make(
            "protokoll",
            "boden",
            tmp_path / "x.pdf",
            agreement=boden_plan.agreement.pk,
            meeting=meeting.pk,
        )
    with pytest.raises(CommandError, match="Ange mötet"):
        make("protokoll", "boden", tmp_path / "x.pdf", agreement=boden_plan.agreement.pk)


def test_the_meeting_page_asks_for_the_minutes(
    client, meeting, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    page = client.get(reverse("meeting_detail", args=[meeting.pk]))
    assert reverse("meeting_document", args=[meeting.pk, "protokoll"]) in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meeting_document", args=[meeting.pk, "protokoll"]))
    assert response.status_code == 302
    document = Document.objects.get(kind="protokoll")
    assert document.parameters["meeting"] == meeting.pk
    assert document.status == Document.Status.DONE, document.message
    assert "Mötets öppnande" in pdf_text(
        client.get(reverse("document_file", args=[document.pk])).content
    )
