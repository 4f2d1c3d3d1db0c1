"""The data catalogue (Delmål 1): what is held, when the next figures are due, what is late."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samverkan.imports.models import ColumnMapping, ImportProblem, ImportRun
from samverkan.indicators.access import indicator_list_for_user
from samverkan.indicators.catalogue import catalogue, is_overdue, next_update_due
from samverkan.indicators.models import Indicator, Observation, Source

YEARLY = Indicator.Cadence.YEARLY


@pytest.mark.parametrize(
    ("cadence", "release_month", "latest_end", "due"),
    [
        # Kolada's 2022 figures held: 2023 comes in March 2024.
        (YEARLY, 3, dt.date(2022, 12, 31), dt.date(2024, 3, 1)),
        # Skolbarns hälsa 2018/2019 held: 2019/2020 comes in October 2020.
        (YEARLY, 10, dt.date(2019, 6, 30), dt.date(2020, 10, 1)),
        # No release month: the month after the next period ends.
        (YEARLY, None, dt.date(2022, 12, 31), dt.date(2024, 1, 1)),
        (Indicator.Cadence.QUARTERLY, None, dt.date(2023, 3, 31), dt.date(2023, 7, 1)),
        (Indicator.Cadence.MONTHLY, 1, dt.date(2023, 1, 31), dt.date(2024, 1, 1)),
        (Indicator.Cadence.HALF_YEARLY, 9, dt.date(2023, 6, 30), dt.date(2024, 9, 1)),
        # Irregular (the safety survey) and nothing held: no due date.
        (Indicator.Cadence.IRREGULAR, 11, dt.date(2019, 12, 31), None),
        (YEARLY, 3, None, None),
    ],
)
def test_it_knows_when_the_next_figures_are_due(cadence, release_month, latest_end, due):
    assert (
        next_update_due(cadence=cadence, release_month=release_month, latest_end=latest_end) == due
    )


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (dt.date(2024, 2, 29), False),
        (dt.date(2024, 3, 1), False),  # due this month
        (dt.date(2024, 3, 31), False),
        (dt.date(2024, 4, 1), True),  # the whole month passed
    ],
)
def test_it_is_overdue_once_the_due_month_has_passed(today, overdue):
    assert is_overdue(dt.date(2024, 3, 1), today) is overdue


def test_no_due_date_is_never_overdue():
    assert is_overdue(None, dt.date(2030, 1, 1)) is False


def _kolada(year: int) -> Indicator:
    source = Source.objects.create(slug="kolada-test", name="Kolada", kind=Source.Kind.API)
    indicator = Indicator.objects.create(
        code="kolada-n07403",
        name="Anmälda våldsbrott, antal/100 000 inv",
        unit=Indicator.Unit.PER_100K,
        source=source,
        focus_area="6.1",
        release_month=3,
    )
    Observation.objects.create(
        indicator=indicator,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        period_label=str(year),
        geo_level="kommun",
        geo_code="2580",
        value=Decimal("1043.2"),
        retrieved_at=dt.datetime(year + 1, 4, 1, tzinfo=dt.UTC),
    )
    return indicator


def _entry(groups, code):
    return next(e for g in groups for e in g.entries if e.indicator.code == code)


def test_the_catalogue_groups_base_data_by_focus_area_with_a_fixed_today(reader):
    _kolada(2022)

    on_time = catalogue(indicator_list_for_user(reader), today=dt.date(2024, 3, 15))
    late = catalogue(indicator_list_for_user(reader), today=dt.date(2024, 4, 1))

    assert [g.code for g in on_time] == ["6.1", "6.2", "6.3"]
    entry = _entry(on_time, "kolada-n07403")
    assert (entry.latest_label, entry.next_due, entry.overdue) == (
        "2022",
        dt.date(2024, 3, 1),
        False,
    )
    assert entry.can_fetch
    assert _entry(late, "kolada-n07403").overdue
    # The plan's school-health figures (2018/2019) were due in October 2020.
    shlv = _entry(on_time, "shlv-ledsen")
    assert (shlv.observations, shlv.latest_label) == (4, "2018/2019")
    assert shlv.next_due == dt.date(2020, 10, 1) and shlv.overdue
    assert not shlv.can_fetch  # a document: uploaded, not fetched
    missing = _entry(on_time, "unga-misstankta")
    assert missing.missing and missing.next_due is None and not missing.overdue


def test_the_catalogue_reads_in_a_fixed_number_of_queries(reader, django_assert_num_queries):
    with django_assert_num_queries(1):
        catalogue(indicator_list_for_user(reader), today=dt.date(2024, 1, 1))


def test_the_catalogue_page_shows_sources_due_dates_and_runs(client, coordinator):
    _kolada(2020)
    run = ImportRun.objects.create(
        kind="indicators", source="kolada", status=ImportRun.Status.WITH_PROBLEMS, created=3
    )
    ImportProblem.objects.create(run=run, row=4, field="value", message="värdet saknas")
    ImportRun.objects.create(kind="incidents", source="polisen")  # not an indicator run
    client.force_login(coordinator)

    html = client.get(reverse("indicator_catalogue")).content.decode()

    assert "Anmälda våldsbrott, antal/100 000 inv" in html
    assert "Verksamhetsplanen 2020–2021 (styrgruppens beslut)" in html
    assert "Försenad" in html
    assert "Hämta nu" in html
    assert "kolada" in html and "3 nya" in html and "1 problem" in html
    assert "polisen" not in html
    for area in ("6.1", "6.2", "6.3"):
        assert reverse("focus_area", args=[area]) in html


def test_only_the_plan_keepers_get_the_fetch_button(client, reader):
    _kolada(2020)
    client.force_login(reader)

    html = client.get(reverse("indicator_catalogue")).content.decode()

    assert "Anmälda våldsbrott" in html
    assert "Hämta nu" not in html


@pytest.mark.parametrize("who", ["reader", "reporter"])
def test_a_reader_or_reporter_may_not_fetch(client, demo, request, who):
    _kolada(2020)
    client.force_login(request.getfixturevalue(who))

    response = client.post(reverse("indicator_fetch", args=["kolada-n07403"]))

    assert response.status_code == 403


def test_a_document_source_is_not_fetched(client, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("indicator_fetch", args=["shlv-ledsen"]), follow=True)

    assert "hämtas inte; ladda upp den" in response.content.decode()


def test_hämta_nu_queues_the_fetch_for_the_worker(client, coordinator, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _kolada(2020)
    client.force_login(coordinator)

    response = client.post(reverse("indicator_fetch", args=["kolada-n07403"]), follow=True)

    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "samverkan.indicators.tasks.refresh_indicator"
    assert queued.args_kwargs["args"] == ["kolada-n07403"]
    assert "är köad" in response.content.decode()


def test_the_nightly_refresh_is_scheduled():
    from samverkan.core.schedule import SCHEDULE

    assert ("15 3 * * *", "samverkan.indicators.tasks.refresh_indicators") in SCHEDULE


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "indicators"


def test_a_coordinator_uploads_a_long_format_file_and_sees_the_run(client, coordinator):
    client.force_login(coordinator)
    path = FIXTURES / "generic-long.csv"

    with path.open("rb") as handle:
        response = client.post(
            reverse("indicator_upload"), {"layout": "generic", "file": handle}, follow=True
        )

    run = ImportRun.objects.get(kind="indicators", filename="generic-long.csv")
    assert run.user == coordinator
    assert run.created > 0
    html = response.content.decode()
    assert "generic-long.csv" in html and f"{run.created} nya" in html
    held = Observation.objects.filter(indicator__code="can-aldrig-druckit", period_label="2021")
    total = held.get(geo_code="2580", breakdown_key="grade=ak9")
    assert (total.value, total.n, total.ci_low) == (Decimal("62"), 455, Decimal("57.5"))


@pytest.mark.parametrize("who", ["reader", "reporter"])
def test_a_reader_or_reporter_may_not_upload(client, demo, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("indicator_upload")).status_code == 403
    with (FIXTURES / "generic-long.csv").open("rb") as handle:
        response = client.post(reverse("indicator_upload"), {"layout": "generic", "file": handle})
    assert response.status_code == 403
    assert not ImportRun.objects.filter(kind="indicators").exists()


def test_an_upload_that_is_not_a_table_is_refused_at_the_field(client, coordinator):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("rapport.pdf", b"%PDF-1.4", content_type="application/pdf")

    response = client.post(reverse("indicator_upload"), {"layout": "generic", "file": upload})

    assert response.status_code == 400
    assert "”rapport.pdf” är varken CSV eller XLSX." in response.context["form"].errors["file"]


@pytest.mark.parametrize(
    ("layout", "path", "source"),
    [
        ("survey", FIXTURES / "trygghetsmatning-2023.csv", "trygghetsmatning"),
        ("bra", FIXTURES.parent / "bra" / "anmalda-brott-kommuner-2022.xlsx", "bra"),
    ],
)
def test_each_layout_runs_its_own_importer(client, coordinator, layout, path, source):
    client.force_login(coordinator)

    with path.open("rb") as handle:
        client.post(reverse("indicator_upload"), {"layout": layout, "file": handle})

    run = ImportRun.objects.get(kind="indicators", filename=path.name)
    assert run.source == source
    assert run.created > 0, run.message


def test_a_saved_mapping_of_the_own_organisation_reads_the_providers_headers(client, coordinator):
    spec = json.loads((FIXTURES / "skolbarns-halsa-mapping.json").read_text(encoding="utf-8"))
    mapping = ColumnMapping.objects.create(
        kind="indicators",
        name="Skolbarns hälsa",
        organisation=coordinator.organisation,
        mapping=spec.pop("columns"),
        options=spec,
    )
    client.force_login(coordinator)

    with (FIXTURES / "skolbarns-halsa.csv").open("rb") as handle:
        client.post(
            reverse("indicator_upload"),
            {"layout": "generic", "file": handle, "mapping": mapping.pk},
        )

    run = ImportRun.objects.get(kind="indicators", filename="skolbarns-halsa.csv")
    assert run.created > 0, run.message
    assert run.problems.count() == 0
