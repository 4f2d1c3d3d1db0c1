from django.db import connection

from samverkan.core.schedule import SCHEDULE
from samverkan.core.tasks import database_optimize, optimize_database


def test_it_refreshes_sqlite_statistics_and_leaves_postgresql_to_autovacuum(demo):
    from samverkan.demo.year import load_year

    load_year()
    done = database_optimize()
    if connection.vendor == "sqlite":
        assert done == "PRAGMA optimize"
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'incidents_incident'")
            assert cursor.fetchone()[0] > 0
    else:
        assert done == "inget att göra"


def test_it_runs_nightly_in_the_worker(db):
    assert ("45 2 * * *", "samverkan.core.tasks.optimize_database") in SCHEDULE
    assert optimize_database.call() in {"PRAGMA optimize", "inget att göra"}
