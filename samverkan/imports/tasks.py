"""Background tasks of imports. See samverkan/core/schedule.py for when the periodic ones run."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from samverkan.core.models import User
from samverkan.imports import services
from samverkan.imports.models import ImportRun
from samverkan.imports.services import close_abandoned_runs
from samverkan.incidents.importers.file_import import import_incident_file


@task()
def close_abandoned_import_runs() -> str:
    """Hourly: runs whose process died stop saying "pågår"."""
    return f"{close_abandoned_runs()} avbrutna körningar markerade"


@task()
def import_uploaded_file(
    run_id: int, user_id: int, token: str, mapping: dict, options: dict, all_or_nothing: bool
) -> str:
    """An uploaded file, imported into the run its page already shows: by the worker for a
    large file, at once (`.call`) for a small one. The upload is deleted afterwards."""
    run = ImportRun.objects.select_related("organisation").get(pk=run_id)
    user = User.objects.get(pk=user_id)
    try:
        data = services.upload_read(by=user, token=token)
    except ValidationError as error:
        run.status = ImportRun.Status.FAILED
        run.message = error.messages[0]
        run.finished_at = timezone.now()
        run.save()
        return run.message
    try:
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
    finally:
        services.upload_delete(by=user, token=token)
    return _("Import %(id)s: %(status)s.") % {"id": run.pk, "status": run.get_status_display()}
