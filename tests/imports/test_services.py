"""Who may import, saved mappings, and the uploads kept between the steps."""

import datetime as dt
import os
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from samverkan.core.access import can_import
from samverkan.core.schedule import SCHEDULE
from samverkan.imports import runs, services
from samverkan.imports.models import ColumnMapping, ImportRun
from samverkan.imports.tasks import close_abandoned_import_runs


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin_user", True),
        ("coordinator", True),
        ("kommunpolis", True),
        ("boden_user", True),
        ("steering", False),
        ("reporter", False),
        ("reader", False),
    ],
)
def test_who_may_import(request, who, allowed):
    assert can_import(request.getfixturevalue(who)) is allowed


def test_a_saved_mapping_is_replaced_by_name_within_the_organisation(coordinator, boden_user):
    services.column_mapping_save(
        by=coordinator,
        name=" Felanmälan ",
        kind="incidents",
        mapping={"category": "Typ"},
        options={},
    )
    services.column_mapping_save(
        by=coordinator, name="Felanmälan", kind="incidents", mapping={"category": "Vad"}, options={}
    )
    services.column_mapping_save(
        by=boden_user, name="Felanmälan", kind="incidents", mapping={"category": "X"}, options={}
    )
    assert ColumnMapping.objects.get(organisation=coordinator.organisation).mapping == {
        "category": "Vad"
    }
    assert ColumnMapping.objects.count() == 2


def test_a_mapping_needs_a_name_known_fields_and_an_importer(coordinator, reporter):
    with pytest.raises(ValidationError, match="Ge mappningen ett namn"):
        services.column_mapping_save(
            by=coordinator, name=" ", kind="incidents", mapping={}, options={}
        )
    with pytest.raises(ValidationError, match="Okända fält: vem"):
        services.column_mapping_save(
            by=coordinator, name="x", kind="incidents", mapping={"vem": "Namn"}, options={}
        )
    with pytest.raises(PermissionDenied):
        services.column_mapping_save(
            by=reporter, name="x", kind="incidents", mapping={}, options={}
        )


def test_an_upload_is_kept_per_user_and_read_back(coordinator, admin_user):
    token = services.upload_store(by=coordinator, data=b"Datum;Typ\n", filename="a.csv")
    assert token.endswith(".csv")
    assert services.upload_read(by=coordinator, token=token) == b"Datum;Typ\n"
    with pytest.raises(ValidationError, match="hittas inte"):
        services.upload_read(by=admin_user, token=token)
    with pytest.raises(ValidationError, match="hittas inte"):
        services.upload_read(by=coordinator, token="../../secret_key")
    services.upload_delete(by=coordinator, token=token)
    with pytest.raises(ValidationError):
        services.upload_read(by=coordinator, token=token)


def test_uploads_older_than_a_day_are_removed(coordinator):
    old = services.upload_store(by=coordinator, data=b"PK\x03\x04old", filename="a.xlsx")
    new = services.upload_store(by=coordinator, data=b"new", filename="b.csv")
    path = default_storage.path(f"imports/uploads/{coordinator.pk}/{old}")
    two_days_ago = time.time() - dt.timedelta(days=2).total_seconds()
    os.utime(path, (two_days_ago, two_days_ago))
    assert services.upload_cleanup(by=coordinator) == 1
    assert not default_storage.exists(f"imports/uploads/{coordinator.pk}/{old}")
    assert services.upload_read(by=coordinator, token=new) == b"new"


def _run_started(minutes_ago: int, status=ImportRun.Status.RUNNING) -> ImportRun:
    run = ImportRun.objects.create(kind="incidents", source="csv", status=status)
    ImportRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    return run


def test_a_run_whose_process_died_is_marked_failed_after_the_limit(db, settings):
    settings.SAMVERKAN_IMPORT_ABANDONED_AFTER_MINUTES = 120
    dead = _run_started(121)
    busy = _run_started(119)
    done = _run_started(500, status=ImportRun.Status.OK)
    assert runs.close_abandoned_runs() == 1
    dead.refresh_from_db()
    assert dead.status == ImportRun.Status.FAILED and dead.finished_at is not None
    assert "blev aldrig klar" in dead.message and "kör samma import igen" in dead.message
    busy.refresh_from_db()
    done.refresh_from_db()
    assert busy.status == ImportRun.Status.RUNNING and busy.finished_at is None
    assert done.status == ImportRun.Status.OK and done.message == ""
    assert runs.close_abandoned_runs() == 0


def test_the_worker_closes_abandoned_runs_every_hour(db):
    dead = _run_started(24 * 60)
    assert ("5 * * * *", "samverkan.imports.tasks.close_abandoned_import_runs") in SCHEDULE
    assert close_abandoned_import_runs.call() == "1 avbrutna körningar markerade"
    dead.refresh_from_db()
    assert dead.status == ImportRun.Status.FAILED
