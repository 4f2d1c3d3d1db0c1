"""Reads of the prevention work: live counts of the evidence and each problem's SARA state."""

import datetime as dt

from samverkan.core.models import User
from samverkan.incidents.access import incident_list_for_user
from samverkan.incidents.filters import local_day_start


def evidence_count(link, user: User) -> int:
    """The reports of a stored query that ``user`` sees, counted now: the query's categories
    (with their subcategories), districts and dates, inclusive, in Swedish time."""
    reports = incident_list_for_user(user).exclude(is_summary=True)
    categories = list(link.categories.values_list("pk", flat=True))
    if categories:
        children = link.categories.model.objects.filter(parent__in=categories).values_list(
            "pk", flat=True
        )
        reports = reports.filter(category__in=set(categories) | set(children))
    districts = list(link.districts.values_list("pk", flat=True))
    if districts:
        reports = reports.filter(district__in=districts)
    if link.date_from:
        reports = reports.filter(occurred_from__gte=local_day_start(link.date_from))
    if link.date_to:
        end = local_day_start(link.date_to + dt.timedelta(days=1))
        reports = reports.filter(occurred_from__lt=end)
    return reports.count()
