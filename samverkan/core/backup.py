"""Backup and restore of a whole installation: the database and the files in MEDIA_ROOT.

A backup is one tar file:

- ``manifest.json``: what made it (format, time, database engine, the migrations applied) and
  every table's row count, counted on the same snapshot the copy was taken from;
- ``database.sqlite3`` (SQLite's online backup, a consistent copy while the web server and
  the worker go on writing) or ``database.pgdump`` (``pg_dump --format=custom`` on a snapshot
  exported from the transaction that counted the rows);
- ``files/``: the uploaded and generated files (MEDIA_ROOT).

The secret key is not in the backup: a restored installation keeps its own (sessions signed
with another key simply end). A restore checks the archive before it changes anything (the
manifest, the engine, that this version of Samverkan knows every migration of the backup,
SQLite's integrity check), replaces the database in one transaction and the files by a rename,
and then compares every table's count with the manifest. docs/operations.md says how and when.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

FORMAT = "samverkan-backup"
VERSION = 1


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says why, in Swedish."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations() -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [list(row) for row in cursor.fetchall()]


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    for key, value in {
        "PGHOST": db.get("HOST"),
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
    }.items():
        if value:
            env[key] = value
    return env


def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True, timeout=3600)
    except FileNotFoundError as exc:
        raise BackupError(
            _(
                "%(program)s finns inte på den här datorn; installera PostgreSQL:s klientprogram "
                "(samma huvudversion som servern) för att %(what)s."
            )
            % {"program": command[0], "what": what}
        ) from exc
    if done.returncode != 0:
        raise BackupError(
            _("%(program)s misslyckades: %(error)s")
            % {"program": command[0], "error": done.stderr.strip()[:2000]}
        )


def _copy_sqlite(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    out = sqlite3.connect(target)
    try:
        connection.connection.backup(out)
        tables = [
            row[0]
            for row in out.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return _counts(out.cursor(), tables)
    finally:
        out.close()


def _dump_postgres(target: Path) -> dict[str, int]:
    # Count and dump the same snapshot: the counting transaction exports it and stays open
    # while pg_dump reads it.
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.autocommit
    raw.autocommit = False
    try:
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            tables = connection.introspection.table_names(cursor)
            counts = _counts(cursor, tables)
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                 f"--snapshot={snapshot}", f"--file={target}"],
                _("göra en säkerhetskopia"),
            )  # fmt: skip
        raw.rollback()
    finally:
        raw.autocommit = previous
    return counts


def backup(output: Path) -> dict:
    """Write a backup of the database and MEDIA_ROOT to `output`; returns the manifest."""
    output = Path(output)
    if output.exists() and output.is_dir():
        raise BackupError(
            _("%(path)s är en mapp; ange ett filnamn, till exempel %(path)s/samverkan.tar")
            % {"path": output}
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(
            _("Säkerhetskopiering stöds för SQLite och PostgreSQL, inte %(vendor)s.")
            % {"vendor": vendor}
        )
    with tempfile.TemporaryDirectory(dir=output.parent) as work:
        work = Path(work)
        name = "database.sqlite3" if vendor == "sqlite" else "database.pgdump"
        database = work / name
        counts = _copy_sqlite(database) if vendor == "sqlite" else _dump_postgres(database)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": vendor,
            "database": name,
            "migrations": _applied_migrations(),
            "tables": counts,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        partial = work / "backup.tar"
        with tarfile.open(partial, "w") as archive:
            archive.add(work / "manifest.json", arcname="manifest.json")
            archive.add(database, arcname=name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                archive.add(media, arcname="files")
        os.replace(partial, output)  # never a half-written backup under the name asked for
    return manifest


def _read_manifest(archive: tarfile.TarFile, path: Path) -> dict:
    try:
        member = archive.getmember("manifest.json")
        manifest = json.loads(archive.extractfile(member).read(1_000_000))
    except (KeyError, AttributeError, ValueError) as exc:
        raise BackupError(
            _(
                "%(path)s är ingen säkerhetskopia från Samverkan (manifest.json saknas eller är trasig)."
            )
            % {"path": path}
        ) from exc
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(
            _("%(path)s är ingen säkerhetskopia i Samverkans format %(version)s.")
            % {"path": path, "version": VERSION}
        )
    return manifest


def _check_migrations(manifest: dict) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]
    if unknown:
        raise BackupError(
            _(
                "Säkerhetskopian kommer från en nyare version av Samverkan: den här versionen "
                "känner inte till migrationerna %(names)s. Uppgradera först."
            )
            % {"names": ", ".join(unknown[:5])}
        )


def _restore_sqlite(database: Path) -> None:
    source = sqlite3.connect(database)
    try:
        result = source.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(
                _("Databasen i säkerhetskopian är skadad: %(result)s") % {"result": result}
            )
        connection.ensure_connection()
        source.backup(connection.connection)  # one transaction on the live database
    finally:
        source.close()


def _restore_postgres(database: Path) -> None:
    connection.close()
    _run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", f"--dbname={connection.settings_dict['NAME']}", str(database)],
        _("läsa tillbaka en säkerhetskopia"),
    )  # fmt: skip


def _restore_files(archive: tarfile.TarFile) -> None:
    members = [m for m in archive.getmembers() if m.name == "files" or m.name.startswith("files/")]
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=".media-restore-", dir=media.parent))
    try:
        archive.extractall(staged, members=members, filter="data")
        restored = staged / "files"
        restored.mkdir(exist_ok=True)
        old = media.with_name(media.name + ".before-restore")
        if old.exists():
            shutil.rmtree(old)
        if media.exists():
            media.rename(old)
        restored.rename(media)
        if old.exists():
            shutil.rmtree(old)
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def restore(path: Path) -> dict:
    """Replace the database and MEDIA_ROOT by the backup at `path`; returns its manifest
    after checking every table's count against it."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("Filen %(path)s finns inte.") % {"path": path})
    try:
        archive = tarfile.open(path, "r")
    except tarfile.TarError as exc:
        raise BackupError(
            _("%(path)s är ingen säkerhetskopia från Samverkan (inte en tar-fil).") % {"path": path}
        ) from exc
    with archive, tempfile.TemporaryDirectory() as work:
        work = Path(work)
        manifest = _read_manifest(archive, path)
        if manifest["engine"] != connection.vendor:
            raise BackupError(
                _(
                    "Säkerhetskopian är gjord från %(engine)s, men den här installationen använder "
                    "%(vendor)s. Läs tillbaka den i en installation med samma databas."
                )
                % {"engine": manifest["engine"], "vendor": connection.vendor}
            )
        _check_migrations(manifest)
        try:
            archive.extract(manifest["database"], work, filter="data")
        except KeyError as exc:
            raise BackupError(
                _("%(path)s saknar databasen (%(name)s).")
                % {"path": path, "name": manifest["database"]}
            ) from exc
        database = work / manifest["database"]
        if manifest["engine"] == "sqlite":
            _restore_sqlite(database)
        else:
            _restore_postgres(database)
        _restore_files(archive)
    with connection.cursor() as cursor:
        counts = _counts(cursor, list(manifest["tables"]))
    differ = {t: (n, counts[t]) for t, n in manifest["tables"].items() if counts[t] != n}
    if differ:
        raise BackupError(
            _("Efter återläsningen stämmer antalet rader inte i %(tables)s.")
            % {"tables": ", ".join(sorted(differ)[:5])}
        )
    return manifest


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the `keep` newest backups (samverkan-*.tar) in `folder`."""
    backups = sorted(folder.glob("samverkan-*.tar"))
    removed = backups[:-keep] if keep > 0 else []
    for old in removed:
        old.unlink()
    return removed
