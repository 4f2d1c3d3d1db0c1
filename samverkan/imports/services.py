"""Writes of the imports app: who may import, saved column mappings, and uploaded files
kept between the steps of the upload page.

An uploaded file waits in Django's default storage (MEDIA_ROOT under the data directory
by default, or whatever STORAGES configures) under ``imports/uploads/<user id>/<token>``
until the user has chosen the mapping: nothing is kept in a process's memory, so any web
process may serve the next step. The token is random; the user id in the path means one
user can never reach another's upload. Uploads are deleted after the import, and any left
behind (an abandoned mapping step) after a day.

A run whose process died (killed, out of memory, the machine restarted) would say "pågår"
for ever: ``close_abandoned_runs`` marks such runs failed once they are older than
SAMVERKAN_IMPORT_ABANDONED_AFTER_MINUTES (hourly, from the worker, and before each fetch
from Polisen).
"""

import datetime as dt
import re
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.access import can_import
from samverkan.core.models import User
from samverkan.imports.models import ColumnMapping, ImportRun
from samverkan.incidents.importers.tabular import TARGET_FIELDS

UPLOAD_DIR = "imports/uploads"
UPLOAD_MAX_AGE = dt.timedelta(days=1)
_TOKEN = re.compile(r"[0-9a-f]{32}\.(csv|xlsx|txt)")


def column_mapping_save(
    *, by: User, name: str, kind: str, mapping: dict, options: dict
) -> ColumnMapping:
    """Save (or replace) the organisation's mapping of this name."""
    if not can_import(by) or by.organisation_id is None:
        raise PermissionDenied(_("Du får inte spara kolumnmappningar."))
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"save_as": [_("Ge mappningen ett namn.")]})
    unknown = set(mapping) - set(TARGET_FIELDS)
    if unknown:
        raise ValidationError(
            {"save_as": [_("Okända fält: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}]}
        )
    saved, _created = ColumnMapping.objects.update_or_create(
        kind=kind,
        organisation_id=by.organisation_id,
        name=name[:100],
        defaults={"mapping": mapping, "options": options},
    )
    return saved


def _upload_dir(user: User) -> str:
    return f"{UPLOAD_DIR}/{user.pk}"


def upload_store(*, by: User, data: bytes, filename: str) -> str:
    """Keep an uploaded file for the next step; returns its token."""
    upload_cleanup(by=by)
    extension = "xlsx" if data.startswith(b"PK\x03\x04") else "csv"
    if filename.lower().endswith(".txt"):
        extension = "txt"
    token = f"{secrets.token_hex(16)}.{extension}"
    default_storage.save(f"{_upload_dir(by)}/{token}", ContentFile(data))
    return token


def upload_read(*, by: User, token: str) -> bytes:
    """The kept file, or ValidationError when the token is unknown or has expired."""
    if not _TOKEN.fullmatch(token or ""):
        raise ValidationError(_("Den uppladdade filen hittas inte; ladda upp den igen."))
    path = f"{_upload_dir(by)}/{token}"
    if not default_storage.exists(path):
        raise ValidationError(_("Den uppladdade filen hittas inte; ladda upp den igen."))
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def upload_delete(*, by: User, token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        default_storage.delete(f"{_upload_dir(by)}/{token}")


def upload_cleanup(*, by: User, now: dt.datetime | None = None) -> int:
    """Delete the user's uploads older than a day; returns how many."""
    now = now or timezone.now()
    directory = _upload_dir(by)
    try:
        _dirs, files = default_storage.listdir(directory)
    except (FileNotFoundError, NotImplementedError):
        return 0
    removed = 0
    for name in files:
        path = f"{directory}/{name}"
        try:
            modified = default_storage.get_modified_time(path)
        except (FileNotFoundError, NotImplementedError):
            continue
        if now - modified > UPLOAD_MAX_AGE:
            default_storage.delete(path)
            removed += 1
    return removed


def close_abandoned_runs(*, now: dt.datetime | None = None) -> int:
    """Mark runs still "pågår" long after they started as failed; returns how many.

    The batches a run wrote before its process died are kept (each was its own
    transaction); running the same import again adds what is missing and leaves the rest
    unchanged, since every import is idempotent.
    """
    now = now or timezone.now()
    limit = now - dt.timedelta(minutes=settings.SAMVERKAN_IMPORT_ABANDONED_AFTER_MINUTES)
    abandoned = ImportRun.objects.filter(status=ImportRun.Status.RUNNING, started_at__lt=limit)
    return abandoned.update(
        status=ImportRun.Status.FAILED,
        finished_at=now,
        message=_(
            "Avbruten: körningen blev aldrig klar (processen avslutades innan importen var "
            "färdig). Omgångar som hann sparas finns kvar; kör samma import igen för resten – "
            "redan sparade rader lämnas oförändrade."
        ),
    )
