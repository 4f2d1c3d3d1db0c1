"""The reports' version counter: database triggers raise it on every way a report can be
added, changed or removed, also the bulk paths that bypass ``save()`` and ``updated_at``."""

from pathlib import Path

import pytest
from django.db import connection

from samverkan.core.models import Classification
from samverkan.incidents.importers.polisen_load import import_polisen
from samverkan.incidents.importers.writer import Writer, version_raised_once
from samverkan.incidents.models import Incident, ReportsVersion
from samverkan.organisations.models import Organisation
from tests.lagesbild.reports import new_report


def test_every_write_path_raises_the_version(handset):
    seen = [ReportsVersion.current()]
    assert seen[0] is not None

    def raised() -> bool:
        seen.append(ReportsVersion.current())
        return seen[-1] > seen[-2]

    report = new_report()
    report.save()
    assert raised()
    report.description = "Ändrad"
    report.save()
    assert raised()
    Incident.objects.bulk_create([new_report(), new_report()])
    assert raised()
    # QuerySet.update without updated_at: the old count/max version did not see it.
    Incident.objects.filter(pk=report.pk).update(classification=Classification.RESTRICTED)
    assert raised()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE incidents_incident SET description = 'rå' WHERE id = %s", [report.pk]
        )
    assert raised()
    Incident.objects.filter(description="Ny rapport").delete()
    assert raised()
    report.delete()
    assert raised()


def test_a_reclassification_by_queryset_update_is_counted_afresh(handset, agreement, coordinator):
    from unittest import mock

    from samverkan.lagesbild import focus, stored

    with mock.patch.object(focus, "annual", wraps=focus.annual) as computed:
        stored.annual(agreement, coordinator)
        stored.annual(agreement, coordinator)
        assert computed.call_count == 1
        Incident.objects.filter(pk=Incident.objects.order_by("pk").first().pk).update(
            classification=Classification.RESTRICTED
        )
        stored.annual(agreement, coordinator)
        assert computed.call_count == 2


# The loader raises the version once per written batch, not once per row (on SQLite it takes
# the row triggers away inside its write transaction: incidents/importers/writer.py).

SAMPLE = Path(__file__).parent.parent / "fixtures" / "polisen" / "events-sample.json"


def _triggers() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
            )
        else:
            cursor.execute(
                "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal "
                "ORDER BY tgname"
            )
        return cursor.fetchall()


@pytest.fixture
def police(demo) -> Organisation:
    return Organisation.objects.get(slug="lpo-lulea-boden")


def test_an_import_raises_the_version_once_and_other_writes_still_do(police):
    triggers = _triggers()
    assert {name for name, _sql in triggers} >= (
        {"incidents_version_insert", "incidents_version_update", "incidents_version_delete"}
        if connection.vendor == "sqlite"
        else {"incidents_version", "incidents_version_truncate"}
    )
    before = ReportsVersion.current()
    run = import_polisen(SAMPLE.read_bytes(), organisation=police)
    assert run.created == 8
    assert ReportsVersion.current() == before + 1  # eight new rows in one batch: one raise
    assert _triggers() == triggers

    # The same payload again changes nothing and leaves the version.
    assert import_polisen(SAMPLE.read_bytes(), organisation=police).unchanged == 9
    assert ReportsVersion.current() == before + 1
    # Changed descriptions: an update in one batch, one raise.
    changed = SAMPLE.read_text().replace("Klotter på busskur", "Klotter på en busskur")
    assert import_polisen(changed, organisation=police).updated == 1
    assert ReportsVersion.current() == before + 2

    # Every other write raises it as before, through the triggers that are back.
    report = Incident.objects.get(source="polisen", external_id="601001")
    report.description = "Ändrad"
    report.save()
    assert ReportsVersion.current() == before + 3
    Incident.objects.filter(pk=report.pk).update(classification=Classification.RESTRICTED)
    assert ReportsVersion.current() == before + 4
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE incidents_incident SET description = 'rå' WHERE id = %s", [report.pk]
        )
    assert ReportsVersion.current() == before + 5
    new_report().save()
    assert ReportsVersion.current() == before + 6
    report.delete()
    assert ReportsVersion.current() > before + 6


def test_an_import_that_fails_while_writing_leaves_the_triggers(police, monkeypatch):
    triggers = _triggers()
    before = ReportsVersion.current()
    insert = Writer.insert

    def insert_then_fail(self, rows, now):
        insert(self, rows, now)
        raise RuntimeError("disken är full")

    monkeypatch.setattr(Writer, "insert", insert_then_fail)
    with pytest.raises(RuntimeError, match="disken är full"):
        import_polisen(SAMPLE.read_bytes(), organisation=police)
    assert not Incident.objects.filter(source="polisen", external_id="601001").exists()
    assert ReportsVersion.current() == before
    assert _triggers() == triggers
    new_report().save()
    assert ReportsVersion.current() == before + 1


def _once_setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('samverkan.version_once', true)")
        return cursor.fetchone()[0] or ""


def test_the_pause_holds_only_inside_a_transaction_of_its_own(police):
    # The pause opens its own transaction (here a savepoint in the test's), so even asked for
    # outside one it never commits a table without the triggers (SQLite) or with the skip
    # setting on (PostgreSQL, whose triggers stay and skip while it is on).
    sqlite = connection.vendor == "sqlite"
    savepoints = len(connection.savepoint_ids)
    triggers = _triggers()
    with version_raised_once():
        assert len(connection.savepoint_ids) == savepoints + 1
        assert (_triggers() == triggers) is not sqlite
        if not sqlite:
            assert _once_setting() == "on"
    assert len(connection.savepoint_ids) == savepoints
    assert _triggers() == triggers
    if not sqlite:
        assert _once_setting() == ""


def test_many_statements_inside_the_pause_raise_the_version_once(police):
    # executemany sends one statement per row; PostgreSQL's per-statement trigger would
    # otherwise raise the version once per row.
    report = new_report()
    report.save()
    before = ReportsVersion.current()
    with version_raised_once():
        for n in range(5):
            Incident.objects.filter(pk=report.pk).update(description=f"ändrad {n}")
    assert ReportsVersion.current() == before + 1
    Incident.objects.filter(pk=report.pk).update(description="ändrad igen")
    assert ReportsVersion.current() == before + 2
