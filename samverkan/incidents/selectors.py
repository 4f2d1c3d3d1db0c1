"""Reads of incident reports, of what the user may see (`samverkan.incidents.access`)."""

from django.db.models import Count, QuerySet

from samverkan.core.models import Classification, User
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
