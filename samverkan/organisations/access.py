"""Who sees which organisation and group: the organisations chokepoints, thin calls of the
one scope rule (`samverkan.core.access.scope`).

A group belongs to an agreement; a user sees the groups of the agreements they see, and
the organisations that are party to them, their units, and those sitting in their groups.
"""

from django.db.models import Q, QuerySet

from samverkan.core.access import AGREEMENTS, get_or_404, scope
from samverkan.core.models import User
from samverkan.organisations.models import Group, Membership, Organisation


def group_list_for_user(user: User) -> QuerySet[Group]:
    return scope(Group.objects.all(), user, agreement="agreement")


def organisation_list_for_user(user: User) -> QuerySet[Organisation]:
    """Parties to the user's agreements, their units, and organisations sitting in their groups."""
    party_ids = scope(Organisation.objects.all(), user, agreement=AGREEMENTS).values("pk")
    member_org_ids = Membership.objects.filter(group__in=group_list_for_user(user)).values(
        "organisation"
    )
    return Organisation.objects.filter(
        Q(pk__in=party_ids)
        | Q(parent__in=party_ids)
        | Q(parent__parent__in=party_ids)
        | Q(pk__in=member_org_ids)
    ).distinct()


def get_organisation_for_user(user: User, pk) -> Organisation:
    return get_or_404(organisation_list_for_user(user).select_related("parent"), pk)


def get_group_for_user(user: User, pk) -> Group:
    return get_or_404(group_list_for_user(user).select_related("agreement"), pk)
