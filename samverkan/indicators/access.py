"""Who sees which source, indicator and observation: the indicators chokepoints.

Indicators are public statistics (Kolada, SCB, Brå, surveys published per kommun) and the
figures a decided plan quotes; they hold no personal data and carry no classification, so
every logged-in, active user sees every indicator, whichever agreement their organisation is
party to (`samverkan.core.access.can_read_indicators`). Goal links follow their goal: they
are read only through the plans chokepoints (`samverkan.plans.access.goal_list_for_user`).
"""

from django.db.models import QuerySet
from django.http import Http404

from samverkan.core.access import can_read_indicators
from samverkan.core.models import User
from samverkan.indicators.models import Indicator, Observation, Source


def source_list_for_user(user: User) -> QuerySet[Source]:
    return Source.objects.all() if can_read_indicators(user) else Source.objects.none()


def indicator_list_for_user(user: User) -> QuerySet[Indicator]:
    """Every indicator for a logged-in user (public statistics, see the module docstring)."""
    if not can_read_indicators(user):
        return Indicator.objects.none()
    return Indicator.objects.select_related("source")


def observation_list_for_user(user: User) -> QuerySet[Observation]:
    return Observation.objects.filter(indicator__in=indicator_list_for_user(user).values("pk"))


def get_indicator_for_user(user: User, code: str) -> Indicator:
    try:
        return indicator_list_for_user(user).get(code=code)
    except Indicator.DoesNotExist:
        raise Http404 from None
