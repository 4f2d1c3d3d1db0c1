"""A samordnare goes from the plan page to the agreement's documents page, orders the
follow-up as Excel there, sees it
queued, and the list turns to Klar with a download link when the worker has made it,
without reloading the page (htmx polls while a document is unfinished)."""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from samverkan.plans.models import Agreement
from samverkan.reports import tasks
from samverkan.reports.models import Document
from samverkan.reports.services import document_generate

from .conftest import fits_the_screen, log_in


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_a_document_is_ordered_and_the_list_follows_the_worker(
    page, live_server, settings, tmp_path, monkeypatch
):
    settings.SAMVERKAN_DOCUMENTS_DIR = tmp_path
    queued = []
    # The worker is this test: the request only queues, the test makes the document later.
    monkeypatch.setattr(tasks, "generate_document", SimpleNamespace(enqueue=queued.append))
    agreement = Agreement.objects.get(slug="lulea-polisen-2020-2023")
    log_in(page, live_server.url, "samordnare")
    plan = agreement.plans.order_by("-period_start").first()
    page.goto(live_server.url + plan.get_absolute_url())  # from the plan page, by its link
    page.get_by_role("link", name="Dokument (PDF, Word, Excel)").click()
    expect(page).to_have_url(f"{live_server.url}/overenskommelser/{agreement.pk}/dokument/")
    expect(page.get_by_role("heading", name="Skapa dokument")).to_be_visible()
    page.get_by_label("Dokument:", exact=True).select_option("uppfoljning")
    page.get_by_label("Format:").select_option("xlsx")
    page.get_by_label("Från (ÅÅÅÅ-MM-DD):").fill("2020-01-01")
    page.get_by_label("Till (ÅÅÅÅ-MM-DD):").fill("2020-12-31")
    page.get_by_role("button", name="Skapa dokument").click()
    expect(page.get_by_text("Dokumentet är beställt")).to_be_visible()
    expect(page.locator("#documents")).to_contain_text("I kö")
    assert fits_the_screen(page)
    assert len(queued) == 1
    document_generate(Document.objects.get(pk=queued[0]))
    expect(page.locator("#documents")).to_contain_text("Klar", timeout=15_000)
    link = page.get_by_role("link", name="Ladda ner")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"uppfoljning-{queued[0]}.xlsx"
    assert page.errors == []
