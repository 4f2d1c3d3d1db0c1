"""Writes of the imports app: who may import, saved column mappings, and uploaded files
kept between the steps of an upload page, with the upload's size limit.

An uploaded file waits in Django's default storage (MEDIA_ROOT under the data directory
by default, or whatever STORAGES configures) under ``imports/uploads/<user id>/<token>``
until the user has chosen the mapping: nothing is kept in a process's memory, so any web
process may serve the next step. The token is random; the user id in the path means one
user can never reach another's upload. Uploads are deleted after the import, and any left
behind (an abandoned mapping step) after a day.

The life cycle of a run (start, counts, fail, abandoned runs) is in `imports.runs`.
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
from samverkan.imports.kinds import get_kind
from samverkan.imports.models import ColumnMapping

UPLOAD_DIR = "imports/uploads"
UPLOAD_MAX_AGE = dt.timedelta(days=1)
_TOKEN = re.compile(r"[0-9a-f]{32}\.(csv|xlsx|txt|json)")


def require_importer(user: User) -> None:
    if not can_import(user):
        raise PermissionDenied(_("Bara samordnare och administratörer får importera."))


def column_mapping_save(
    *, by: User, name: str, kind: str, mapping: dict, options: dict
) -> ColumnMapping:
    """Save (or replace) the organisation's mapping of this name; the target fields are
    checked against those the kind registered (`imports.kinds`)."""
    if not can_import(by) or by.organisation_id is None:
        raise PermissionDenied(_("Du får inte spara kolumnmappningar."))
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"save_as": [_("Ge mappningen ett namn.")]})
    unknown = set(mapping) - set(get_kind(kind).fields)
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
    if filename.lower().endswith(".json") or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (
        b"[",
        b"{",
    ):
        extension = "json"
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
    size = default_storage.size(path)
    if size > settings.SAMVERKAN_IMPORT_MAX_BYTES:
        raise ValidationError(
            _("Filen är %(size)s byte; en import tar emot högst %(max)s byte.")
            % {"size": size, "max": settings.SAMVERKAN_IMPORT_MAX_BYTES}
        )
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
