"""Backup and restore: a round trip on the demo finds every table as it was, on both databases."""

import datetime as dt
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from samverkan.core.backup import BackupError, backup, prune, restore
from samverkan.incidents.models import Category, Incident
from samverkan.incidents.services import incident_create
from samverkan.plans.models import Commitment

SAMPLED = ["incidents_incident", "plans_commitment", "core_user", "organisations_organisation"]


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts


def sample_rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1 LIMIT 50')
        return cursor.fetchall()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "imports").mkdir(parents=True)
    (settings.MEDIA_ROOT / "imports" / "fil.csv").write_text("område;antal\nCentrum;3\n")
    return settings.MEDIA_ROOT


def file_a_report(by):
    return incident_create(
        by=by,
        category=Category.objects.get(slug="klotter"),
        occurred_from=timezone.now() - dt.timedelta(hours=2),
        lat=65.5848,
        lon=22.1547,
        description="Klotter på elskåpet.",
        classification="oppen",
    )


@pytest.mark.django_db(transaction=True)
def test_a_restore_brings_back_every_table_and_file(demo, coordinator, media, tmp_path):
    file_a_report(coordinator)
    before = table_counts()
    rows = {table: sample_rows(table) for table in SAMPLED}
    manifest = backup(tmp_path / "kopia.tar")
    assert manifest["tables"] == before
    assert manifest["engine"] == connection.vendor

    # Everything changes after the backup: reports gone and new, a commitment renamed, files.
    Incident.objects.filter(pk__in=Incident.objects.values("pk")[:3]).delete()
    file_a_report(coordinator)
    Commitment.objects.filter(pk=Commitment.objects.order_by("pk").first().pk).update(text="Ändrad")
    (media / "imports" / "fil.csv").unlink()
    (media / "ny.txt").write_text("efter kopian")
    assert table_counts() != before

    restore(tmp_path / "kopia.tar")
    assert table_counts() == before
    assert {table: sample_rows(table) for table in SAMPLED} == rows
    assert (media / "imports" / "fil.csv").read_text() == "område;antal\nCentrum;3\n"
    assert not (media / "ny.txt").exists()
    file_a_report(coordinator)  # the restored database takes new reports (sequences restored)


@pytest.mark.django_db(transaction=True)
def test_the_commands_back_up_and_restore(demo, media, tmp_path, monkeypatch, capsys):
    call_command("backup", "--output", str(tmp_path / "k.tar"))
    assert "Säkerhetskopia skriven till" in capsys.readouterr().out
    monkeypatch.setattr("builtins.input", lambda prompt: "nej")
    with pytest.raises(CommandError, match="Avbrutet: inget ändrades"):
        call_command("restore", str(tmp_path / "k.tar"))
    call_command("restore", str(tmp_path / "k.tar"), "--yes")
    assert "antalet rader stämmer i alla" in capsys.readouterr().out


def make_archive(path, manifest: dict | None, extra: dict[str, bytes] | None = None):
    import io

    with tarfile.open(path, "w") as archive:
        for name, data in {
            **({"manifest.json": json.dumps(manifest).encode()} if manifest else {}),
            **(extra or {}),
        }.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_a_file_that_is_no_backup_is_refused_and_nothing_changes(db, tmp_path):
    users = table_counts()
    (tmp_path / "x.tar").write_bytes(b"inte en tar-fil alls")
    with pytest.raises(BackupError, match="inte en tar-fil"):
        restore(tmp_path / "x.tar")
    make_archive(tmp_path / "y.tar", None, {"database.sqlite3": b"x"})
    with pytest.raises(BackupError, match="manifest.json saknas"):
        restore(tmp_path / "y.tar")
    with pytest.raises(BackupError, match="Filen .* finns inte"):
        restore(tmp_path / "saknas.tar")
    assert table_counts() == users


def test_a_backup_of_another_engine_or_a_newer_version_is_refused(db, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    base = {
        "format": "samverkan-backup",
        "version": 1,
        "database": "database.sqlite3",
        "tables": {},
    }
    make_archive(tmp_path / "a.tar", {**base, "engine": other, "migrations": []})
    with pytest.raises(BackupError, match=f"gjord från {other}"):
        restore(tmp_path / "a.tar")
    newer = {**base, "engine": connection.vendor, "migrations": [["incidents", "9999_framtid"]]}
    make_archive(tmp_path / "b.tar", newer)
    with pytest.raises(BackupError, match="nyare version av Samverkan.*incidents.9999_framtid"):
        restore(tmp_path / "b.tar")


def test_a_backup_to_a_folder_is_refused(db, tmp_path):
    with pytest.raises(BackupError, match="är en mapp; ange ett filnamn"):
        backup(tmp_path)


def test_prune_keeps_the_newest(tmp_path):
    for day in range(1, 6):
        (tmp_path / f"samverkan-2026-12-0{day}-033000.tar").write_bytes(b"")
    removed = prune(tmp_path, keep=2)
    assert [p.name[10:20] for p in removed] == ["2026-12-01", "2026-12-02", "2026-12-03"]
    assert sorted(p.name for p in tmp_path.iterdir())[0].startswith("samverkan-2026-12-04")


def test_the_nightly_backup_is_scheduled():
    from samverkan.core.schedule import SCHEDULE

    assert ("30 3 * * *", "samverkan.core.tasks.backup_nightly") in SCHEDULE
