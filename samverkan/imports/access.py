"""Reads of import runs and saved mappings, through the chokepoints below.

A samordnare or administratör sees the runs of their organisation's tree (the top-level
party and everything under it: Luleå kommun's förvaltningar and Lulebo see each other's
runs, Boden's users never see Luleå's and the police never the kommun's). Only a superuser
sees every run, including runs without an organisation. A run's problems may quote the rows
of the file, which is why the scope is the organisation, not the agreement.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from samverkan.core.access import can_import, get_or_404, scope
from samverkan.core.models import User
from samverkan.imports.models import ColumnMapping, ImportRun


def import_run_list_for_user(user: User) -> QuerySet[ImportRun]:
    if not can_import(user):
        return ImportRun.objects.none()
    return scope(ImportRun.objects.all(), user, owner="organisation")


def get_import_run_for_user(user: User, pk) -> ImportRun:
    if not can_import(user):
        raise PermissionDenied(_("Din roll får inte se importer."))
    return get_or_404(import_run_list_for_user(user).select_related("organisation", "user"), pk)


def column_mapping_list_for_user(user: User, kind: str) -> QuerySet[ColumnMapping]:
    """The mappings the user's organisation saved (a superuser without one sees all)."""
    if not can_import(user):
        return ColumnMapping.objects.none()
    if user.organisation_id is None:
        return (
            ColumnMapping.objects.filter(kind=kind)
            if user.is_superuser
            else ColumnMapping.objects.none()
        )
    return ColumnMapping.objects.filter(kind=kind, organisation_id=user.organisation_id)
