"""The import page with files that are hard to read: the encoding guess and its choice, a
broken row, Polisen's JSON, and times shown in Swedish local time."""

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samverkan.imports.models import ImportRun
from samverkan.incidents import tasks
from samverkan.incidents.models import Incident
from tests.imports.conftest import LAT, LON, est_csv, yesterday
from tests.imports.test_views import UPLOAD, map_and_import, upload

POLISEN_SAMPLE = Path(__file__).parent.parent / "fixtures" / "polisen" / "events-sample.json"
HEADER = "Datum;Typ;Område;Beskrivning;Lat;Lon"


def mac_roman_csv() -> bytes:
    text = f"{HEADER}\n{yesterday()};Klotter;Hertsön;Klotter på ån-bron;{LAT};{LON}\n"
    return text.encode("mac_roman")


# --- The encoding -----------------------------------------------------------------------------


def test_a_doubtful_encoding_is_shown_with_a_choice_that_reads_the_file_again(client, coordinator):
    client.force_login(coordinator)
    first = upload(client, mac_roman_csv())
    assert first.status_code == 200
    html = first.content.decode()
    assert "Teckenkodningen är osäker: filen läses nu som Mac Roman." in html
    assert "Mac Roman: Område, Hertsön, på, ån-bron" in html
    assert "Windows-1252: OmrŒde, Hertsšn, pŒ, Œn-bron" in html
    assert '<td data-label="Område">Hertsön</td>' in html

    # The user chooses Windows-1252: the file is read again, and the page says so.
    form = first.context["form"]
    again = client.post(
        UPLOAD,
        {
            "step": "encoding",
            "encoding": "cp1252",
            "token": form.initial["token"],
            "filename": "est.csv",
            "col_category": "Typ",
        },
    )
    assert again.status_code == 200
    html = again.content.decode()
    assert '<td data-label="OmrŒde">Hertsšn</td>' in html
    assert "Teckenkodning Windows-1252 (cp1252) – vald av dig" in html
    assert again.context["form"].initial["col_category"] == "Typ"

    # …and back to Mac Roman, then imported: the run keeps the chosen encoding.
    form = again.context["form"]
    third = client.post(
        UPLOAD,
        {
            "step": "encoding",
            "encoding": "mac_roman",
            "token": form.initial["token"],
            "filename": "est.csv",
        },
    )
    assert third.context["form"].initial["encoding"] == "mac_roman"
    done = map_and_import(client, third)
    assert done.status_code == 302, done.context["form"].errors
    run = ImportRun.objects.get()
    assert done.status_code == 302, done.content.decode()[:2000]
    assert run.details["encoding"] == "mac_roman" and run.details["encoding_chosen"] is True
    assert run.details["options"]["encoding"] == "mac_roman"
    assert Incident.objects.get().description == "Klotter på ån-bron"
    assert "Teckenkodning mac_roman (vald av användaren)" in client.get(done.url).content.decode()


def test_a_windows_1252_file_shows_its_guess_without_a_warning(client, coordinator):
    client.force_login(coordinator)
    html = upload(client, est_csv("Klotter på elskåpet")).content.decode()
    assert "Teckenkodning Windows-1252 (cp1252) – gissad." in html
    assert "Teckenkodningen är osäker" not in html
    assert 'id="import-encoding"' in html  # the choice is still there


# --- A broken row -----------------------------------------------------------------------------


def test_an_unclosed_quote_is_shown_before_the_import_and_the_run_fails(client, coordinator):
    rows = [f'{yesterday()};Klotter;"Trasig ruta;{LAT};{LON}']
    rows += [f"{yesterday()};Klotter;Ring 070-123 45 67;{LAT};{LON}"]
    rows += [f"{yesterday()};Klotter;Sista raden;{LAT};{LON}"]
    data = ("Datum;Typ;Beskrivning;Lat;Lon\n" + "\n".join(rows) + "\n").encode()
    client.force_login(coordinator)
    first = upload(client, data)
    html = first.content.decode()
    assert "citattecknet som öppnas på rad 2 i filen stängs aldrig" in html
    assert "3 rader med data" in html
    done = map_and_import(client, first)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and run.rows_total == 3
    assert not Incident.objects.exists()
    page = client.get(done.url).content.decode()
    assert "Filen importeras inte: citattecknet som öppnas på rad 2 i filen" in page
    assert "telefonnummer" in page.lower() and "070-123 45 67" not in page


# --- Polisen's JSON ---------------------------------------------------------------------------


def stored_events() -> set[tuple]:
    return set(
        Incident.objects.filter(source="polisen").values_list(
            "external_id",
            "category__slug",
            "occurred_from",
            "municipality__code",
            "organisation__slug",
            "description",
            "time_precision",
        )
    )


@pytest.mark.parametrize("who", ["kommunpolis", "coordinator"])
def test_polisen_json_uploaded_on_the_page_gives_the_same_events_as_the_command(
    client, request, who
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    first = upload(client, POLISEN_SAMPLE.read_bytes(), name="handelser.json")
    assert first.status_code == 200
    html = first.content.decode()
    assert "Filen har 13 händelser." in html
    assert "8 gäller kommunerna" in html and "1 är en äldre version av en händelse" in html
    assert "2 gäller andra kommuner och hoppas över." in html
    assert "2 kan inte läsas." in html
    assert not Incident.objects.exists()

    done = client.post(
        UPLOAD,
        {"step": "polisen", "token": first.context["token"], "filename": "handelser.json"},
    )
    run = ImportRun.objects.get()
    assert done.status_code == 302 and done.url == reverse("import_run_detail", args=[run.pk])
    assert (run.source, run.user, run.organisation) == ("polisen", user, user.organisation)
    assert (run.rows_total, run.created, run.skipped, run.failed) == (13, 8, 2, 2)
    assert client.get(done.url).status_code == 200  # the uploader sees their run
    by_page = stored_events()
    assert {e[4] for e in by_page} == {"lpo-lulea-boden"}

    Incident.objects.all().delete()
    call_command("import_polisen", str(POLISEN_SAMPLE), stdout=open("/dev/null", "w"))
    assert stored_events() == by_page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"error": "x"}', "ska innehålla en JSON-lista med händelser, men innehåller ett objekt"),
        (b'[{"titel": "x", "tid": 1}]', "inte Polisens händelser: ingen av de 1 posterna"),
        (b"[[1, 2], [3]]", "den första posten är en lista"),
        (b"[" * 100_000 + b"]" * 100_000, "för djupt nästlad"),
        (b'[{"id": 1,', "inte giltig JSON (rad 1, kolumn"),
        ('[{"id": "å"}]'.encode("cp1252"), "inte UTF-8"),
    ],
)
def test_a_wrong_json_file_gets_a_precise_message_and_a_failed_run(
    client, kommunpolis, data, message
):
    client.force_login(kommunpolis)
    response = upload(client, data, name="fel.json")
    assert response.status_code == 400
    assert message in response.content.decode()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and message in run.message
    assert run.filename == "fel.json" and not Incident.objects.exists()


# --- Times ------------------------------------------------------------------------------------


def test_run_pages_show_swedish_local_time(client, coordinator):
    run = ImportRun.objects.create(
        kind="incidents", source="file", organisation=coordinator.organisation
    )
    started = dt.datetime(2026, 12, 2, 4, 22, tzinfo=dt.UTC)  # 05:22 in Stockholm
    ImportRun.objects.filter(pk=run.pk).update(started_at=started, finished_at=started)
    client.force_login(coordinator)
    detail = client.get(reverse("import_run_detail", args=[run.pk])).content.decode()
    assert "Startad 2 dec 2026 05:22" in detail and "klar 2 dec 2026 05:22:00" in detail
    assert "2 dec 2026 05:22" in client.get(reverse("import_run_list")).content.decode()
    assert "04:22" not in detail and "2026-12-02" not in detail


def test_a_time_in_a_problem_is_swedish_local_time(client, coordinator):
    future = timezone.localtime() + dt.timedelta(days=2)
    data = (
        f"Datum;Typ;Beskrivning;Lat;Lon\n{future:%Y-%m-%d %H:%M};Klotter;Framtid;{LAT};{LON}\n"
    ).encode()
    client.force_login(coordinator)
    map_and_import(client, upload(client, data))
    problem = ImportRun.objects.get().problems.get(message="Tiden ligger i framtiden.")
    months = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    expected = f"{future.day} {months[future.month - 1]} {future.year} {future:%H:%M}"
    assert problem.value == expected


def test_a_large_polisen_file_is_imported_by_the_worker(client, kommunpolis, settings, monkeypatch):
    settings.SAMVERKAN_IMPORT_BACKGROUND_ROWS = 1  # the sample is more than 500 bytes
    queued = []
    task = tasks.import_uploaded_polisen
    monkeypatch.setattr(
        tasks, "import_uploaded_polisen", SimpleNamespace(enqueue=lambda *a: queued.append(a))
    )
    client.force_login(kommunpolis)
    first = upload(client, POLISEN_SAMPLE.read_bytes(), name="handelser.json")
    done = client.post(
        UPLOAD, {"step": "polisen", "token": first.context["token"], "filename": "h.json"}
    )
    run = ImportRun.objects.get()
    assert done.url == reverse("import_run_detail", args=[run.pk])
    assert run.status == ImportRun.Status.RUNNING and not Incident.objects.exists()
    [args] = queued
    assert task.call(*args).startswith(f"Import {run.pk}: Klar med problem")
    run.refresh_from_db()
    assert (run.created, run.failed) == (8, 2)
    assert not default_storage.exists(f"imports/uploads/{kommunpolis.pk}/{args[2]}")
