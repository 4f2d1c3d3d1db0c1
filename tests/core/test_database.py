import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_runs_on_the_database_that_database_url_names():
    # .ci/run runs the suite twice; this proves the second run really is on PostgreSQL.
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db
def test_it_opens_the_embedded_sqlite_database_in_wal_mode(settings, tmp_path):
    # The settings' SQLite options applied to a file database (tests themselves run in memory).
    from django.db.backends.sqlite3.base import DatabaseWrapper

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the PostgreSQL run has no embedded database")
    config = {**settings.DATABASES["default"], "NAME": str(tmp_path / "wal.sqlite3")}
    wrapper = DatabaseWrapper(config, alias="wal-check")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    finally:
        wrapper.close()
