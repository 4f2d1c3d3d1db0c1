"""A file of Polisen's events (JSON, the format of `samverkan import-polisen`) uploaded on
the import page: recognised, previewed, and imported with the same importer as the command
(`polisen_load.import_polisen`), so the same file gives the same events either way.

- The events are the police organisation's, as from the command and the scheduled fetch:
  the uploader's own organisation when it is a police organisation, else the only police
  organisation party to an agreement. The run is the uploader's (their organisation), so
  they can open it.
- A file that cannot be read as Polisen's events (not JSON, not a list, no item with
  Polisen's fields, nested too deep) gets a failed run with the precise reason, and the
  page shows the same message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from samverkan.core.models import User
from samverkan.imports.models import ImportRun
from samverkan.imports.runs import fail_run, start_run
from samverkan.incidents.importers import polisen
from samverkan.incidents.importers.polisen_load import (
    SOURCE,
    PolisenSetupError,
    import_polisen,
    parse_for,
    police_organisation,
)
from samverkan.organisations.models import Organisation

PREVIEW_EVENTS = 5
Refused = (polisen.PolisenPayloadError, PolisenSetupError)


def is_json(data: bytes, filename: str) -> bool:
    """A .json file, or one whose text starts as JSON does ([ or {)."""
    head = data[:256].lstrip(b"\xef\xbb\xbf \t\r\n")
    return filename.lower().endswith(".json") or head[:1] in (b"[", b"{")


def organisation_for(user: User) -> Organisation:
    """Whose events the file's are (PolisenSetupError when there is no such organisation)."""
    own = user.organisation
    if own is not None and own.kind == Organisation.Kind.POLICE:
        return own
    return police_organisation()


@dataclass(frozen=True)
class Preview:
    organisation: Organisation
    items: int  # items in the file
    kept: int  # events of the organisation's municipalities (each id once)
    repeated: int  # notices of an id that comes again later in the file (the later counts)
    skipped: int  # events of other municipalities
    failed: int  # items that cannot be read
    first: list[polisen.PolisenEvent]
    problems: list[polisen.Problem]


def preview(data: bytes, user: User) -> Preview:
    """What the file holds, before anything is written; raises PolisenPayloadError or
    PolisenSetupError (Swedish messages) when it cannot be imported at all."""
    organisation = organisation_for(user)
    result = parse_for(data, organisation)
    failed = len({p.index for p in result.problems})
    kept = len({event.external_id for event in result.rows})
    return Preview(
        organisation=organisation,
        items=len(result.rows) + result.skipped + failed,
        kept=kept,
        repeated=len(result.rows) - kept,
        skipped=result.skipped,
        failed=failed,
        first=result.rows[:PREVIEW_EVENTS],
        problems=result.problems[:PREVIEW_EVENTS],
    )


def new_run(*, filename: str, user: User) -> ImportRun:
    return start_run(
        "incidents", SOURCE, filename=filename, organisation=user.organisation, user=user
    )


def refuse(*, filename: str, user: User, message: str) -> ImportRun:
    """The failed run of a file that is not Polisen's events."""
    return fail_run(new_run(filename=filename, user=user), message)


def import_upload(data: bytes, *, user: User, run: ImportRun) -> ImportRun:
    """Import the uploaded file into `run` (made beforehand, so its page exists); a file
    that cannot be read fails the run with the reason."""
    try:
        return import_polisen(
            data, organisation=organisation_for(user), run=run, filename=run.filename, by=user
        )
    except Refused as error:
        return fail_run(run, _("Filen importerades inte: %(error)s") % {"error": error})
