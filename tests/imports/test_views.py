"""The import pages: who sees which runs, a run's problems, and the upload flow."""

from types import SimpleNamespace

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samverkan.imports.models import ColumnMapping, ImportProblem, ImportRun
from samverkan.incidents import tasks
from samverkan.incidents.models import Incident
from samverkan.organisations.models import Organisation
from tests.imports.conftest import est_csv

UPLOAD = reverse("import_upload")
LIST = reverse("import_run_list")


def run_of(slug: str, **fields) -> ImportRun:
    return ImportRun.objects.create(
        kind="incidents",
        source="file",
        filename=f"{slug}.csv",
        organisation=Organisation.objects.get(slug=slug),
        **fields,
    )


def upload(client, data: bytes, name: str = "est.csv", **fields):
    return client.post(UPLOAD, {"step": "upload", "file": SimpleUploadedFile(name, data), **fields})


def map_and_import(client, first_step, **overrides):
    form = first_step.context["form"]
    data = {"step": "map"}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value not in (None, False):
            data[name] = value
    data.update(overrides)
    return client.post(UPLOAD, data)


# --- Who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["reporter", "reader", "steering"])
def test_reporters_readers_and_the_steering_group_get_403(client, request, who):
    user = request.getfixturevalue(who)
    run = run_of(user.organisation.slug)
    client.force_login(user)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("import_run_detail", args=[run.pk])).status_code == 403
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, est_csv("x")).status_code == 403


def test_the_nav_links_to_imports_only_for_those_who_may_import(client, coordinator, reporter):
    client.force_login(coordinator)
    assert LIST in client.get(reverse("incident_list")).content.decode()
    client.force_login(reporter)
    assert LIST not in client.get(reverse("incident_list")).content.decode()


def test_a_coordinator_sees_the_runs_of_their_organisation_tree_only(
    client, coordinator, boden_user, kommunpolis
):
    own = run_of("kommunstaben")
    lulebo = run_of("lulebo")
    boden = run_of("boden-kommun")
    police = run_of("lpo-lulea-boden")
    client.force_login(coordinator)
    page = client.get(LIST)
    shown = {r.pk for r in page.context["page"].object_list}
    assert shown == {own.pk, lulebo.pk}
    assert client.get(reverse("import_run_detail", args=[boden.pk])).status_code == 404
    assert client.get(reverse("import_run_detail", args=[police.pk])).status_code == 404

    client.force_login(boden_user)
    assert {r.pk for r in client.get(LIST).context["page"].object_list} == {boden.pk}
    for run in (own, lulebo, police):
        assert client.get(reverse("import_run_detail", args=[run.pk])).status_code == 404

    client.force_login(kommunpolis)
    assert {r.pk for r in client.get(LIST).context["page"].object_list} == {police.pk}


def test_a_superuser_sees_every_run(client, demo, django_user_model):
    runs = {run_of("kommunstaben").pk, run_of("boden-kommun").pk}
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    assert {r.pk for r in client.get(LIST).context["page"].object_list} == runs


# --- A run and its problems -------------------------------------------------------------------


def test_a_run_shows_its_counts_and_every_problem_page_by_page(client, coordinator):
    run = run_of("kommunstaben", rows_total=160, created=10, failed=150, status="problem")
    ImportProblem.objects.bulk_create(
        ImportProblem(run=run, row=n + 2, field="Datum", value=f"v{n}", message=f"fel {n}")
        for n in range(150)
    )
    client.force_login(coordinator)
    first = client.get(reverse("import_run_detail", args=[run.pk]))
    html = first.content.decode()
    assert "Klar med problem" in html
    assert "Problem (150)" in html
    assert "Fel 0<" in html and "Fel 99<" in html and "Fel 100<" not in html
    second = client.get(reverse("import_run_detail", args=[run.pk]), {"sida": 2}).content.decode()
    assert "Fel 100<" in second and "Fel 149<" in second and "Sida 2 av 2" in second


# --- Upload, map, import ----------------------------------------------------------------------


def test_the_upload_flow_end_to_end(client, coordinator):
    client.force_login(coordinator)
    assert client.get(UPLOAD).status_code == 200
    first = upload(client, est_csv("Klotter på elskåpet", "Krossad ruta", "Tänd papperskorg"))
    assert first.status_code == 200
    html = first.content.decode()
    assert "Krossad ruta" in html  # the preview, read from Windows-1252
    assert "cp1252" in html
    form = first.context["form"]
    # Guessed from the headers: Typ is a category, Lat/Lon the position.
    assert form.initial["col_occurred_from"] == "Datum"
    assert form.initial["col_category"] == "Typ"
    assert (form.initial["col_lat"], form.initial["col_lon"]) == ("Lat", "Lon")
    token = form.initial["token"]
    assert default_storage.exists(f"imports/uploads/{coordinator.pk}/{token}")

    done = map_and_import(client, first)
    run = ImportRun.objects.get()
    assert done.status_code == 302 and done.url == reverse("import_run_detail", args=[run.pk])
    assert (run.created, run.failed, run.user, run.filename) == (3, 0, coordinator, "est.csv")
    assert (
        Incident.objects.filter(import_run=run, organisation=coordinator.organisation).count() == 3
    )
    assert not default_storage.exists(f"imports/uploads/{coordinator.pk}/{token}")
    assert "Klar" in client.get(done.url).content.decode()


def test_a_large_file_is_imported_by_the_worker_and_its_page_follows_it(
    client, coordinator, settings, monkeypatch
):
    settings.SAMVERKAN_IMPORT_BACKGROUND_ROWS = 2
    queued = []
    task = tasks.import_uploaded_file
    fake = SimpleNamespace(enqueue=lambda *args: queued.append(args))
    monkeypatch.setattr(tasks, "import_uploaded_file", fake)
    client.force_login(coordinator)
    first = upload(client, est_csv("Klotter på elskåpet", "Krossad ruta", "Tänd papperskorg"))
    token = first.context["form"].initial["token"]
    done = map_and_import(client, first)
    run = ImportRun.objects.get()
    assert done.url == reverse("import_run_detail", args=[run.pk])
    [args] = queued
    assert args[:3] == (run.pk, coordinator.pk, token)
    assert run.status == ImportRun.Status.RUNNING and Incident.objects.count() == 0
    waiting = client.get(done.url).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in waiting
    assert "Importen pågår i bakgrunden: 0 rader hittills" in waiting

    assert task.call(*args).startswith(f"Import {run.pk}: Klar")
    run.refresh_from_db()
    assert (run.status, run.created, run.details["mapping"]["category"]) == (
        ImportRun.Status.OK,
        3,
        "Typ",
    )
    assert not default_storage.exists(f"imports/uploads/{coordinator.pk}/{token}")
    finished = client.get(done.url).content.decode()
    assert 'http-equiv="refresh"' not in finished and "pågår i bakgrunden" not in finished


def test_a_small_file_is_imported_while_the_user_waits(client, coordinator, settings, monkeypatch):
    settings.SAMVERKAN_IMPORT_BACKGROUND_ROWS = 3
    real = tasks.import_uploaded_file
    fake = SimpleNamespace(enqueue=lambda *args: pytest.fail("not for 3 rows"), call=real.call)
    monkeypatch.setattr(tasks, "import_uploaded_file", fake)
    client.force_login(coordinator)
    map_and_import(client, upload(client, est_csv("Ett", "Två", "Tre")))
    assert ImportRun.objects.get().created == 3


def test_a_queued_import_whose_upload_is_gone_fails_with_a_message(coordinator):
    run = run_of("kommunstaben")
    result = tasks.import_uploaded_file.call(
        run.pk, coordinator.pk, "0" * 32 + ".csv", {}, {}, False
    )
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and run.finished_at is not None
    assert result == run.message == "Den uppladdade filen hittas inte; ladda upp den igen."


def test_rows_with_problems_are_shown_on_the_run(client, coordinator):
    client.force_login(coordinator)
    first = upload(client, est_csv("Bra rad", "Ring 070-123 45 67"))
    run_page = client.get(map_and_import(client, first).url).content.decode()
    assert "Beskrivning" in run_page and "telefonnummer" in run_page.lower()
    assert "070-123 45 67" not in run_page
    assert ImportRun.objects.get().failed == 1


def test_a_file_that_cannot_be_read_is_refused_on_the_first_step(client, coordinator):
    client.force_login(coordinator)
    response = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00", name="bild.png")
    assert response.status_code == 400
    assert "varken en CSV-fil" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_a_mapping_without_a_category_is_refused_next_to_the_field(client, coordinator):
    client.force_login(coordinator)
    first = upload(client, est_csv("x"))
    response = map_and_import(client, first, col_category="")
    assert response.status_code == 400
    assert response.context["form"].errors["col_category"]
    assert Incident.objects.count() == 0


def test_another_users_upload_cannot_be_imported(client, coordinator, admin_user):
    client.force_login(coordinator)
    first = upload(client, est_csv("x"))
    client.force_login(admin_user)
    response = map_and_import(client, first)
    assert response.status_code == 302 and response.url == UPLOAD
    assert Incident.objects.count() == 0


def test_a_saved_mapping_is_reused_for_the_next_file(client, coordinator):
    client.force_login(coordinator)
    header = "När;Vad;Text;Nord;Öst"
    first = upload(client, est_csv("Första", header=header))
    assert "col_category" not in first.context["form"].initial  # nothing to guess from "Vad"
    map_and_import(
        client,
        first,
        col_occurred_from="När",
        col_category="Vad",
        col_description="Text",
        col_lat="Nord",
        col_lon="Öst",
        save_as="Lulebos felanmälan",
    )
    saved = ColumnMapping.objects.get(organisation=coordinator.organisation)
    assert saved.name == "Lulebos felanmälan"
    assert saved.mapping["category"] == "Vad"
    assert saved.options == {"date_format": "auto", "crs": "wgs84"}

    second = upload(client, est_csv("Andra", header=header), saved_mapping=saved.pk)
    form = second.context["form"]
    assert form.initial["col_category"] == "Vad" and form.initial["col_lat"] == "Nord"
    assert form.initial["save_as"] == "Lulebos felanmälan"
    map_and_import(client, second)
    assert Incident.objects.filter(source="file").count() == 2
    assert ImportRun.objects.filter(created=1).count() == 2


def test_a_boden_user_cannot_choose_luleås_saved_mapping(client, coordinator, boden_user):
    saved = ColumnMapping.objects.create(
        kind="incidents", name="Luleå", organisation=coordinator.organisation, mapping={}
    )
    client.force_login(boden_user)
    response = upload(client, est_csv("x"), saved_mapping=saved.pk)
    assert response.status_code == 400
    assert response.context["form"].errors["saved_mapping"]
