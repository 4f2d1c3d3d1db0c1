"""Gallring of old incident reports (docs/security.md): registered with `core.retention`.

Reports that happened more than SAMVERKAN_RETENTION_INCIDENT_YEARS years ago lose their
description, in the report and in its audit trail ("anonymise"), or are deleted with their
audit trail ("delete"). The counts and categories stay for statistics when anonymised.
"""

import datetime as dt

from django.conf import settings

from samverkan.core.retention import months_before
from samverkan.incidents.models import Incident

CHUNK = 2000


def incident_cutoff(now: dt.datetime) -> dt.datetime | None:
    years = settings.SAMVERKAN_RETENTION_INCIDENT_YEARS
    return months_before(now, 12 * years) if years > 0 else None


def incident_retention(*, dry_run: bool, now: dt.datetime) -> dict[str, int]:
    cutoff = incident_cutoff(now)
    if cutoff is None:
        return {}
    old = Incident.objects.filter(occurred_from__lt=cutoff)
    history = Incident.history.model.objects
    if settings.SAMVERKAN_RETENTION_INCIDENT_ACTION == "delete":
        if dry_run:
            return {"rapporter borttagna": old.count()}
        removed = 0
        while ids := list(old.values_list("pk", flat=True)[:CHUNK]):
            removed += len(ids)
            Incident.objects.filter(pk__in=ids).delete()
            history.filter(id__in=ids).delete()
        return {"rapporter borttagna": removed}
    described = old.exclude(description="")
    if dry_run:
        return {"rapporter avidentifierade": described.count()}
    count = described.update(description="")
    history.filter(occurred_from__lt=cutoff).exclude(description="").update(description="")
    return {"rapporter avidentifierade": count}
