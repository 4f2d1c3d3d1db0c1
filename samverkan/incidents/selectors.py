"""Reads of incident reports, of what the user may see (`samverkan.incidents.access`)."""

from django.db.models import Count, QuerySet

from samverkan.core.access import organisation_tree_ids
from samverkan.core.audit import log_access
from samverkan.core.history import history_page
from samverkan.core.models import AccessLog, Classification, User
from samverkan.incidents.access import incident_list_for_user
from samverkan.incidents.models import Category, Incident


def category_choices() -> QuerySet[Category]:
    return Category.objects.filter(active=True).select_related("parent")


def recent_incidents_of(user: User, limit: int = 10) -> list[Incident]:
    """The user's own latest reports (still filtered by visibility, to be safe)."""
    return list(
        incident_list_for_user(user)
        .filter(reporter=user)
        .select_related("category", "district", "place")
        .order_by("-created_at", "-pk")[:limit]
    )


def open_incident_list() -> QuerySet[Incident]:
    """The reports classified öppen: what may be shown to a caller who is not logged in."""
    return Incident.objects.filter(classification=Classification.OPEN)


def usual_categories_of(user: User, limit: int = 200) -> list[int]:
    """Category ids, most used first, in the user's organisation's latest `limit` reports
    (the user's own when the user has no organisation)."""
    reports = incident_list_for_user(user)
    reports = (
        reports.filter(organisation_id=user.organisation_id)
        if user.organisation_id
        else reports.filter(reporter=user)
    )
    latest = reports.order_by("-created_at", "-pk").values("pk")[:limit]
    counts = (
        Incident.objects.filter(pk__in=list(latest.values_list("pk", flat=True)))
        .values("category_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "category_id")
    )
    return [row["category_id"] for row in counts]


def usual_centre_of(user: User, limit: int = 50) -> tuple[float, float] | None:
    """The centre (mean latitude, longitude) of the user's organisation's latest `limit`
    reports with a position, or None when there are none."""
    reports = incident_list_for_user(user).filter(lat__isnull=False, lon__isnull=False)
    if user.organisation_id:
        reports = reports.filter(organisation_id=user.organisation_id)
    points = list(reports.order_by("-created_at", "-pk").values_list("lat", "lon")[:limit])
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _restricted_hidden(user: User):
    """A version of a report that was begränsad while it belonged outside the user's tree is
    not shown, even if the report is öppen or intern now."""
    if user.is_superuser:
        return None
    tree = organisation_tree_ids(user)

    def hidden(record) -> bool:
        return (
            record.classification == Classification.RESTRICTED
            and record.organisation_id not in tree
        )

    return hidden


def incident_history(user: User, incident: Incident, *, offset: int = 0, limit: int = 50):
    """The audit trail of a report the user sees (`access.get_incident_for_user` first):
    (entries newest first, how many in all)."""
    return history_page(
        incident, offset=offset, limit=limit, hidden=_restricted_hidden(user), labels=True
    )


def log_restricted_view(user: User, incident: Incident, action: str = AccessLog.Action.VIEW):
    """Opening a begränsad report is written to the access log."""
    if incident.classification == Classification.RESTRICTED:
        log_access(user, action, "incidents.incident", object_id=incident.pk)


def log_restricted_export(user: User, queryset: QuerySet[Incident], kind: str) -> int:
    """An export that holds begränsad reports is written to the access log, with how many."""
    count = queryset.filter(classification=Classification.RESTRICTED).count()
    if count:
        log_access(user, AccessLog.Action.EXPORT, "incidents.incident", count=count, detail=kind)
    return count
