"""Background tasks of incidents. Thin: each calls one service. See docs/polisen.md."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_tasks import task

from samverkan.core.limits import memory_cap
from samverkan.core.models import User
from samverkan.imports.models import ImportRun
from samverkan.imports.runs import fail_run, memory_message
from samverkan.imports.services import upload_delete, upload_read
from samverkan.incidents.importers import polisen_fetch, polisen_upload
from samverkan.incidents.importers.file_import import import_incident_file
from samverkan.incidents.importers.polisen_load import PolisenSetupError, run_summary

logger = logging.getLogger(__name__)


@task()
def fetch_polisen() -> str:
    """Every 15 minutes: fetch Polisen's latest events, when SAMVERKAN_POLISEN_FETCH is on.

    Returns what happened, in Swedish (kept with the task's result). A refusal (rate rules,
    stopped after a 404, switched off) is not an error: the next run tries again.
    """
    if not settings.SAMVERKAN_POLISEN_FETCH:
        return "Hämtning från Polisen är avstängd (SAMVERKAN_POLISEN_FETCH)."
    try:
        result = polisen_fetch.fetch()
    except (polisen_fetch.FetchRefused, PolisenSetupError) as exc:
        logger.warning("Polisen: %s", exc)
        return str(exc)
    run = result.run
    if run.status == run.Status.FAILED:
        logger.warning("Polisen: %s", run.message)
        return run.message
    return run_summary(run)


@task()
def import_uploaded_file(
    run_id: int, user_id: int, token: str, mapping: dict, options: dict, all_or_nothing: bool
) -> str:
    """An uploaded file, imported into the run its page already shows: by the worker for a
    large file, at once (`.call`) for a small one. The upload is deleted afterwards."""
    run = ImportRun.objects.select_related("organisation").get(pk=run_id)
    user = User.objects.get(pk=user_id)
    try:
        data = upload_read(by=user, token=token)
    except ValidationError as error:
        fail_run(run, error.messages[0])
        return run.message
    try:
        with memory_cap(settings.SAMVERKAN_IMPORT_MAX_MEMORY_MB):
            run = import_incident_file(
                data=data,
                filename=run.filename,
                organisation=run.organisation,
                user=user,
                mapping=mapping,
                options=options,
                all_or_nothing=all_or_nothing,
                run=run,
            )
    except MemoryError:
        data = None
        fail_run(run, memory_message())
    finally:
        upload_delete(by=user, token=token)
    return _("Import %(id)s: %(status)s.") % {"id": run.pk, "status": run.get_status_display()}


@task()
def import_uploaded_polisen(run_id: int, user_id: int, token: str) -> str:
    """An uploaded file of Polisen's events, imported into the run its page already shows
    (by the worker for a large file, at once for a small one); the upload is deleted
    afterwards."""
    run = ImportRun.objects.get(pk=run_id)
    user = User.objects.select_related("organisation").get(pk=user_id)
    try:
        data = upload_read(by=user, token=token)
    except ValidationError as error:
        fail_run(run, error.messages[0])
        return run.message
    try:
        run = polisen_upload.import_upload(data, user=user, run=run)
    finally:
        upload_delete(by=user, token=token)
    return _("Import %(id)s: %(status)s.") % {"id": run.pk, "status": run.get_status_display()}
