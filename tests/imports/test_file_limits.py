"""Files that cannot hurt the server: the size of a file, an XLSX file's uncompressed size,
compression ratio and cells, the problems kept per run, and the memory cap of a background
import. Each ends with a Swedish message and a failed run."""

import pytest

from samverkan.core import limits
from samverkan.imports import runs, tabular
from samverkan.imports.models import ImportProblem, ImportRun
from samverkan.imports.tabular import FileError, read_table
from samverkan.incidents.importers.file_import import import_incident_file
from tests.imports.bombs import dimension_bomb, many_cells, zip_bomb

MAPPING = {"occurred_from": "Datum", "category": "Kategori"}


def run_import(data: bytes, by) -> ImportRun:
    return import_incident_file(
        data=data, filename="bomb.xlsx", organisation=by.organisation, user=by, mapping=MAPPING
    )


def test_a_zip_bomb_sheet_fails_its_run_with_the_ratio_it_has(coordinator):
    run = run_import(zip_bomb(60), coordinator)
    assert run.status == ImportRun.Status.FAILED
    assert "Delen xl/worksheets/sheet1.xml av XLSX-filen packas upp" in run.message
    assert "filen liknar en zip-bomb och läses inte" in run.message
    assert run.finished_at is not None


def test_an_xlsx_file_that_unpacks_beyond_the_limit_is_refused(settings):
    settings.SAMVERKAN_IMPORT_XLSX_MAX_RATIO = 100_000
    settings.SAMVERKAN_IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES = 10 * 1024 * 1024
    with pytest.raises(FileError, match=r"XLSX-filen packas upp till 20,0 MB, mer än de 10,0 MB"):
        read_table(zip_bomb(20))


def test_a_sheet_declaring_a_million_rows_fails_its_run_before_it_is_read(coordinator):
    run = run_import(dimension_bomb(), coordinator)
    assert run.status == ImportRun.Status.FAILED
    assert (
        "anger storleken A1:XFD1048576, det vill säga 17179869184 celler; en import läser "
        "högst 2000000 celler"
    ) in run.message


def test_a_small_declared_dimension_is_read_without_empty_cells(settings):
    # A sheet that says it is A1:Z100000 but holds two cells is read as those two cells.
    settings.SAMVERKAN_IMPORT_XLSX_MAX_CELLS = 3_000_000
    table = read_table(dimension_bomb("A1:Z100000"))
    assert table.headers == ["Datum", "Kategori"]
    assert list(table.rows) == []


def test_a_sheet_with_more_cells_than_it_declares_is_refused_before_it_is_read(
    settings, coordinator
):
    settings.SAMVERKAN_IMPORT_XLSX_MAX_CELLS = 1000
    with pytest.raises(FileError, match=r"\(xl/worksheets/sheet1.xml\) har mer än 1000 celler"):
        read_table(many_cells(200))
    run = run_import(many_cells(200), coordinator)
    assert run.status == ImportRun.Status.FAILED
    assert "har mer än 1000 celler" in run.message


def test_the_cells_are_counted_again_while_the_sheet_is_streamed(settings, monkeypatch):
    settings.SAMVERKAN_IMPORT_XLSX_MAX_CELLS = 1000
    monkeypatch.setattr(tabular, "_count_cells", lambda archive, part: 0)
    with pytest.raises(FileError, match=r"Bladet Blad1 har fler än 1000 celler"):
        read_table(many_cells(200))


def test_cells_are_counted_across_the_chunks_of_a_sheet(settings):
    settings.SAMVERKAN_IMPORT_XLSX_MAX_CELLS = 10**9
    import io
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(many_cells(150_000, 3)))
    part = archive.getinfo("xl/worksheets/sheet1.xml")
    assert tabular._count_cells(archive, part) == 2 + 150_000 * 3


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(settings, coordinator):
    settings.SAMVERKAN_IMPORT_MAX_BYTES = 1000
    data = b"Datum;Kategori\n" + b"2026-01-01;Klotter\n" * 100
    with pytest.raises(FileError, match=r"Filen är 0,0 MB; en import tar emot högst 0,0 MB"):
        read_table(data)
    run = run_import(data, coordinator)
    assert run.status == ImportRun.Status.FAILED
    assert "en import tar emot högst" in run.message


def test_the_import_command_checks_the_size_before_reading(settings, tmp_path, coordinator):
    from django.core.management import CommandError, call_command

    settings.SAMVERKAN_IMPORT_MAX_BYTES = 10
    path = tmp_path / "stor.csv"
    path.write_bytes(b"Datum;Kategori\n2026-01-01;Klotter\n")
    with pytest.raises(CommandError, match="en import tar emot högst"):
        call_command("import_incidents", str(path), "--organisation", coordinator.organisation.slug)


def test_a_run_keeps_at_most_the_problem_limit_and_says_how_many_more(settings, coordinator):
    settings.SAMVERKAN_IMPORT_MAX_PROBLEMS = 5
    run = runs.start_run("incidents", "csv", user=coordinator)
    runs.add_problems(runs.problem(run, f"Fel {i}", row=i) for i in range(8))
    runs.add_problems([runs.problem(run, "Ett till", row=99)])
    runs.finish_run(run)
    assert ImportProblem.objects.filter(run=run).count() == 5
    run.refresh_from_db()
    assert run.details["problems_not_kept"] == 4
    assert "Ytterligare 4 problem sparades inte (en körning sparar högst 5)" in run.message


def test_the_memory_cap_turns_a_huge_allocation_into_a_memory_error():
    limits.mark_worker_process()
    try:
        with limits.memory_cap(200) as capped:
            assert capped
            with pytest.raises(MemoryError):
                bytearray(1024 * 1024 * 1024)
        bytearray(300 * 1024 * 1024)  # the cap is gone afterwards
    finally:
        limits.mark_worker_process(False)


def test_outside_the_worker_no_cap_is_set():
    with limits.memory_cap(200) as capped:
        assert not capped


def test_a_background_import_that_meets_the_memory_cap_fails_its_run(
    monkeypatch, settings, coordinator
):
    from samverkan.imports import services
    from samverkan.incidents import tasks

    def greedy(**kwargs):
        raise MemoryError

    monkeypatch.setattr(tasks, "import_incident_file", greedy)
    token = services.upload_store(by=coordinator, data=b"Datum;Kategori\n", filename="a.csv")
    run = runs.start_run(
        "incidents", "csv", organisation=coordinator.organisation, user=coordinator
    )
    tasks.import_uploaded_file.call(run.pk, coordinator.pk, token, MAPPING, {}, False)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "behövde mer minne än de 1024 MB" in run.message
