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
