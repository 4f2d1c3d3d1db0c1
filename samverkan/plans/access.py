"""Who sees which agreement, plan, section, goal and commitment: the plans chokepoints.

Everything that may belong to another party is fetched through the `get_<thing>_for_user`
/ `<thing>_list_for_user` functions below, thin calls of the one scope rule
(`samverkan.core.access.scope`): the agreements the user's organisation, or an organisation
above it, is party to.
"""

from django.db.models import QuerySet

from samverkan.core.access import get_or_404, scope
from samverkan.core.models import User
from samverkan.plans.models import (
    Agreement,
    Commitment,
    CommunicationActivity,
    Goal,
    Plan,
    Section,
)


def agreement_list_for_user(user: User) -> QuerySet[Agreement]:
    """Agreements the user's organisation (or an organisation above it) is party to."""
    return scope(Agreement.objects.all(), user, agreement="")


def plan_list_for_user(user: User) -> QuerySet[Plan]:
    return scope(Plan.objects.all(), user, agreement="agreement")


def commitment_list_for_user(user: User) -> QuerySet[Commitment]:
    return scope(Commitment.objects.all(), user, agreement="section__plan__agreement")


def communication_list_for_user(user: User) -> QuerySet[CommunicationActivity]:
    return scope(CommunicationActivity.objects.all(), user, agreement="plan__agreement")


def get_communication_for_user(user: User, pk) -> CommunicationActivity:
    return get_or_404(communication_list_for_user(user).select_related("plan__agreement"), pk)


def goal_list_for_user(user: User) -> QuerySet[Goal]:
    return scope(Goal.objects.all(), user, agreement="section__plan__agreement")


def get_section_for_user(user: User, pk) -> Section:
    return get_or_404(
        Section.objects.filter(plan__in=plan_list_for_user(user)).select_related("plan__agreement"),
        pk,
    )


def get_agreement_for_user(user: User, pk) -> Agreement:
    return get_or_404(agreement_list_for_user(user), pk)


def get_plan_for_user(user: User, pk) -> Plan:
    return get_or_404(plan_list_for_user(user).select_related("agreement"), pk)


def get_commitment_for_user(user: User, pk) -> Commitment:
    return get_or_404(commitment_list_for_user(user).select_related("section__plan__agreement"), pk)


def get_goal_for_user(user: User, pk) -> Goal:
    return get_or_404(
        goal_list_for_user(user).select_related("section__plan__agreement", "parent"), pk
    )
