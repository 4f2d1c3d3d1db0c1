"""GET/POST /api/documents and the agreement's documents page: the worker's task makes the
document as the person who asked, the file is read back, and another party sees nothing."""

import io
import json

import pytest
from openpyxl import load_workbook

from samverkan.core.models import APIToken
from samverkan.demo.est import load_est_week
from samverkan.plans.models import Commitment
from samverkan.reports.models import Document
from samverkan.reports.services import document_generate, document_path
from tests.reports.conftest import flat, pdf_text


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {APIToken.issue(user=user)}"}


def done(client, user, response) -> dict:
    state = client.get(f"/api/documents/{response.json()['id']}", headers=bearer(user)).json()
    assert state["status"] == "klar", state["message"]
    return state


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """POST /api/documents; the worker's task runs when the request's transaction commits."""

    def post(user, **body):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/api/documents",
                json.dumps(body),
                content_type="application/json",
                headers=bearer(user),
            )
        return response

    return post


def test_the_api_makes_a_plan_pdf_in_the_worker_and_serves_it(client, ask, coordinator, lulea_plan):
    response = ask(coordinator, kind="verksamhetsplan", agreement=lulea_plan.agreement.pk)
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "i_ko"  # the answer comes before the worker runs
    document_id = response.json()["id"]
    state = client.get(f"/api/documents/{document_id}", headers=bearer(coordinator)).json()
    assert state["progress"] == 100 and state["message"] == "Klar."
    assert state["classification"] == lulea_plan.classification and len(state["data_version"]) == 16
    file = client.get(state["url"], headers=bearer(coordinator))
    assert file["Content-Type"] == "application/pdf"
    text = flat(pdf_text(file.content))
    for commitment in Commitment.objects.filter(section__plan=lulea_plan):
        assert flat(commitment.text) in text
    for section in lulea_plan.sections.all():
        assert flat(f"{section.number}. {section.title}") in text
    listed = client.get(
        f"/api/documents?agreement={lulea_plan.agreement.pk}", headers=bearer(coordinator)
    ).json()
    assert [d["id"] for d in listed] == [document_id]


def test_the_api_makes_the_follow_up_workbook_and_the_est_week(
    ask, client, coordinator, lulea_plan
):
    response = ask(
        coordinator,
        kind="uppfoljning",
        agreement=lulea_plan.agreement.pk,
        format="xlsx",
        date_from="2020-01-01",
        date_to="2020-12-31",
    )
    file = client.get(done(client, coordinator, response)["url"], headers=bearer(coordinator))
    book = load_workbook(io.BytesIO(file.content))
    assert "Luleå kommun" in book.sheetnames
    load_est_week()
    response = ask(coordinator, kind="est-vecka", agreement=lulea_plan.agreement.pk)
    url = done(client, coordinator, response)["url"]
    assert "EST-veckan" in pdf_text(client.get(url, headers=bearer(coordinator)).content)


def test_another_organisations_agreement_is_404_and_its_documents_are_not_listed(
    ask, client, coordinator, boden_user, lulea_plan
):
    assert (
        ask(boden_user, kind="verksamhetsplan", agreement=lulea_plan.agreement.pk).status_code
        == 404
    )
    made = done(
        client,
        coordinator,
        ask(coordinator, kind="verksamhetsplan", agreement=lulea_plan.agreement.pk),
    )
    assert client.get("/api/documents", headers=bearer(boden_user)).json() == []
    assert client.get(f"/api/documents/{made['id']}", headers=bearer(boden_user)).status_code == 404
    assert client.get(made["url"], headers=bearer(boden_user)).status_code == 404


def test_a_restricted_document_is_seen_only_within_its_organisation(
    ask, client, kommunpolis, coordinator, lulea_plan
):
    document = ask(kommunpolis, kind="verksamhetsplan", agreement=lulea_plan.agreement.pk).json()
    Document.objects.filter(pk=document["id"]).update(classification="begransad")
    assert (
        client.get(f"/api/documents/{document['id']}", headers=bearer(kommunpolis)).status_code
        == 200
    )
    assert (
        client.get(f"/api/documents/{document['id']}", headers=bearer(coordinator)).status_code
        == 404
    )


def test_bad_input_is_a_swedish_422_and_nothing_is_queued(ask, coordinator, lulea_plan):
    response = ask(coordinator, kind="arsrapport", agreement=lulea_plan.agreement.pk)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "kind"]
    assert "Okänd dokumenttyp 'arsrapport'" in response.json()["detail"][0]["msg"]
    response = ask(coordinator, kind="est-vecka", agreement=lulea_plan.agreement.pk, format="docx")
    assert response.status_code == 422
    assert "EST-veckan finns som pdf, inte som 'docx'" in response.json()["detail"][0]["msg"]
    assert not Document.objects.exists()


def test_a_period_without_data_fails_with_its_reason_and_leaves_no_file(
    ask, coordinator, lulea_plan
):
    response = ask(
        coordinator,
        kind="uppfoljning",
        agreement=lulea_plan.agreement.pk,
        date_from="2021-05-01",
        date_to="2021-08-31",
    )
    assert response.status_code == 202
    document = Document.objects.get(pk=response.json()["id"])
    assert document.status == "misslyckad"
    assert document.message.startswith("Inga uppföljningar och inga indikatorvärden för 2021-05-01")
    assert document.file_name == ""


def test_a_decided_document_never_changes(ask, steering, lulea_plan):
    import datetime as dt

    from django.core.exceptions import ValidationError

    from samverkan.demo.meetings import decide_at_meeting

    made = ask(steering, kind="verksamhetsplan", agreement=lulea_plan.agreement.pk).json()
    decision = decide_at_meeting(
        by=steering,
        agreement=lulea_plan.agreement,
        held_on=dt.date(2021, 2, 18),
        target=Document.objects.get(pk=made["id"]),
    )
    document = Document.objects.get(pk=made["id"])
    assert document.decided and document.decision == decision
    document.title = "Något annat"
    with pytest.raises(ValidationError, match="Ett beslutat dokument kan inte ändras"):
        document.save()
    with pytest.raises(ValidationError, match="Ett beslutat dokument kan inte tas bort"):
        document.delete()
    assert document_path(document).exists()


def test_a_queued_document_is_made_once(coordinator, lulea_plan):
    document = Document.objects.create(
        kind="verksamhetsplan",
        agreement=lulea_plan.agreement,
        format="docx",
        created_by=coordinator,
    )
    document_generate(document)
    assert (
        document.status == "klar" and document_path(document).stat().st_size == document.file_size
    )
    again = document_generate(Document.objects.get(pk=document.pk))
    assert again.finished_at == document.finished_at


# --- The page -------------------------------------------------------------------------------


def test_the_page_lists_documents_and_makes_one_from_the_form(
    client, coordinator, lulea_plan, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = f"/overenskommelser/{lulea_plan.agreement.pk}/dokument/"
    page = client.get(url)
    assert page.status_code == 200 and "Skapa dokument" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "verksamhetsplan", "format": "docx"})
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.status == "klar" and document.format == "docx"
    page = client.get(url).content.decode()
    assert f"/dokument/{document.pk}/fil/" in page
    file = client.get(f"/dokument/{document.pk}/fil/")
    assert file.status_code == 200 and file.content[:2] == b"PK"


def test_the_page_shows_the_progress_of_a_queued_document_and_polls(
    client, coordinator, lulea_plan
):
    Document.objects.create(
        kind="verksamhetsplan",
        agreement=lulea_plan.agreement,
        format="pdf",
        created_by=coordinator,
        status="pagar",
        progress=40,
    )
    client.force_login(coordinator)
    url = f"/overenskommelser/{lulea_plan.agreement.pk}/dokument/"
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'value="40"' in page
    partial = client.get(url, headers={"HX-Request": "true", "HX-Target": "documents"})
    assert partial.content.decode().lstrip().startswith('<div id="documents"')


def test_the_form_shows_a_bad_combination_next_to_the_field(client, coordinator, lulea_plan):
    client.force_login(coordinator)
    url = f"/overenskommelser/{lulea_plan.agreement.pk}/dokument/"
    response = client.post(url, {"kind": "est-vecka", "format": "xlsx"})
    assert response.status_code == 422
    assert "EST-veckan finns som pdf, inte som" in response.content.decode()
    assert not Document.objects.exists()


def test_another_organisations_documents_page_is_404(client, boden_user, lulea_plan):
    client.force_login(boden_user)
    assert client.get(f"/overenskommelser/{lulea_plan.agreement.pk}/dokument/").status_code == 404


def test_the_worker_makes_the_queued_document(
    client, coordinator, lulea_plan, settings, django_capture_on_commit_callbacks, monkeypatch
):
    """With the queue in the database: the request only queues; `samverkan worker` makes it."""
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # The worker closes stale connections between tasks; here that would be the test's own.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/documents",
            json.dumps({"kind": "verksamhetsplan", "agreement": lulea_plan.agreement.pk}),
            content_type="application/json",
            headers=bearer(coordinator),
        )
    document = Document.objects.get(pk=response.json()["id"])
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "samverkan.reports.tasks.generate_document"
    assert document.status == "i_ko" and document.progress == 0
    call_command("worker", "--batch", "--no-scheduler", "--no-startup-delay", verbosity=0)
    document.refresh_from_db()
    assert document.status == "klar" and document.progress == 100
    assert document_path(document).read_bytes()[:5] == b"%PDF-"
