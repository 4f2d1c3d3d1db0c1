from django.db import connection

from samverkan.core.schedule import SCHEDULE
from samverkan.core.tasks import database_optimize, optimize_database, table_rows_estimate
from samverkan.incidents.models import Incident


def test_the_statistics_follow_a_bulk_insert_on_sqlite(demo):
    from samverkan.demo.year import load_year

    done = database_optimize()
    before = table_rows_estimate("incidents_incident")
    load_year()
    count = Incident.objects.count()
    assert database_optimize() == done
    if connection.vendor == "sqlite":
        assert done == "ANALYZE"
        after = table_rows_estimate("incidents_incident")
        # Sampled, so close to the count, not equal; before, the statistics said far fewer.
        assert (before or 0) < count / 2
        assert 0.5 * count <= after <= 2 * count
    else:
        assert done == "inget att göra"


def test_it_runs_nightly_in_the_worker(db):
    assert ("45 2 * * *", "samverkan.core.tasks.optimize_database") in SCHEDULE
    assert optimize_database.call() in {"ANALYZE", "inget att göra"}


def test_a_bulk_import_refreshes_the_statistics_by_itself(demo, settings):
    """No nightly job needed: the loader runs ANALYZE after an import of many reports
    (``PRAGMA optimize=0x10002`` did nothing before SQLite 3.46)."""
    import datetime as dt

    from django.utils import timezone

    from samverkan.imports.models import ImportRun
    from samverkan.incidents.importers.load import load_incidents
    from samverkan.organisations.models import Organisation

    settings.SAMVERKAN_ANALYZE_AFTER_ROWS = 1000
    database_optimize()
    before = table_rows_estimate("incidents_incident")
    kommun = Organisation.objects.get(slug="lulea-kommun")
    when = timezone.now() - dt.timedelta(days=2)
    rows = [
        {"row": i, "external_id": f"bulk-{i}", "category": "klotter", "occurred_from": when,
         "lat": 65.58 + i * 1e-6, "lon": 22.15}
        for i in range(1, 3001)
    ]  # fmt: skip
    run = ImportRun.objects.create(kind="incidents", source="csv", organisation=kommun)
    load_incidents(rows, run=run, source="file", organisation=kommun)
    assert run.created == 3000
    after = table_rows_estimate("incidents_incident")
    if connection.vendor == "sqlite":
        assert after != before
        assert 0.5 * Incident.objects.count() <= after <= 2 * Incident.objects.count()
    else:
        assert after is None  # PostgreSQL's autovacuum analyses by itself
