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


def sara_missing(problem) -> list[str]:
    """What the problem still lacks in the SARA cycle, in order; empty when a decided
    intervention has an evaluation. The analysis is read as stored (the page shows it to
    those who see the problem)."""
    from django.utils.translation import gettext as _

    from samverkan.prevention.models import CauseAnalysis, Evaluation, Intervention

    analysis = CauseAnalysis.objects.filter(problem=problem).only("status").first()
    if analysis is None:
        return [_("ingen orsaksanalys")]
    missing = []
    if analysis.status not in CauseAnalysis.REVIEWED_OR_DECIDED:
        missing.append(_("orsaksanalysen är inte granskad"))
    decided = Intervention.objects.filter(problem=problem, status__in=Intervention.NEEDS_REVIEW)
    if not decided.exists():
        missing.append(_("ingen beslutad insats"))
    elif not Evaluation.objects.filter(intervention__in=decided).exists():
        missing.append(_("ingen utvärdering"))
    return missing


def sara_overdue(problem, today: dt.date) -> list[str]:
    """What in the problem's cycle is past its date: an intervention still running after its
    end date, and a finished or ended intervention without an evaluation. Empty when nothing
    is late."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    from samverkan.prevention.models import Evaluation, Intervention

    late = []
    running = {
        Intervention.Status.PLANNED,
        Intervention.Status.DECIDED,
        Intervention.Status.IN_PROGRESS,
    }
    evaluated = set(
        Evaluation.objects.filter(intervention__problem=problem).values_list(
            "intervention_id", flat=True
        )
    )
    for intervention in Intervention.objects.filter(problem=problem).order_by("end", "pk"):
        if intervention.end is None or intervention.end >= today:
            continue
        when = date_format(intervention.end, "j F Y")
        if intervention.status in running:
            late.append(
                _("%(title)s skulle ha avslutats %(date)s men står som %(status)s")
                % {
                    "title": intervention.title,
                    "date": when,
                    "status": intervention.get_status_display().lower(),
                }
            )
        elif intervention.status == Intervention.Status.DONE and intervention.pk not in evaluated:
            late.append(
                _("%(title)s avslutades %(date)s och är inte utvärderad")
                % {"title": intervention.title, "date": when}
            )
    return late
