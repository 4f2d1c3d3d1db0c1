"""Reads of organisations and groups, scoped to the agreements the user may see."""

from django.db.models import Prefetch, Q, QuerySet

from samverkan.core.access import get_or_404
from samverkan.core.models import User
from samverkan.organisations.models import Group, Membership, Organisation
from samverkan.plans.selectors import agreement_list_for_user


def group_list_for_user(user: User) -> QuerySet[Group]:
    return Group.objects.filter(agreement__in=agreement_list_for_user(user).values("pk"))


def organisation_list_for_user(user: User) -> QuerySet[Organisation]:
    """Parties to the user's agreements, their units, and organisations sitting in their groups."""
    party_ids = Organisation.objects.filter(
        agreements__in=agreement_list_for_user(user).values("pk")
    ).values("pk")
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


def organisation_memberships(organisation: Organisation, user: User) -> list[Membership]:
    """Who from this organisation (and its units) sits in which of the user's groups."""
    return list(
        Membership.objects.filter(
            Q(organisation=organisation) | Q(organisation__parent=organisation),
            group__in=group_list_for_user(user),
        )
        .select_related("group__agreement", "person", "organisation")
        .order_by("group__agreement__title", "group__kind", "person__last_name")
    )


def groups_with_members(user: User, agreement) -> list[Group]:
    return list(
        group_list_for_user(user)
        .filter(agreement=agreement)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("person", "organisation"),
            )
        )
    )


def get_group_for_user(user: User, pk) -> Group:
    return get_or_404(group_list_for_user(user).select_related("agreement"), pk)


def group_meetings(group: Group) -> list:
    """Meetings of the group, newest first, with their decisions and any plan they adopted."""
    from samverkan.organisations.models import Decision, Meeting

    return list(
        Meeting.objects.filter(group=group).prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.select_related("adopted_plan"))
        )
    )
