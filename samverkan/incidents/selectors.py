"""Reads of incident reports, of what the user may see (`samverkan.incidents.access`)."""

from django.db.models import QuerySet

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
