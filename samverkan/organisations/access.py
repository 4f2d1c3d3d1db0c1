"""Who sees which organisation and group: the organisations chokepoints, thin calls of the
one scope rule (`samverkan.core.access.scope`).

A group belongs to an agreement; a user sees the groups of the agreements they see, and
the organisations that are party to them, their units, and those sitting in their groups.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.access import (
    AGREEMENTS,
    can_decide_plans,
    can_edit_meetings,
    get_or_404,
    scope,
)
from samverkan.core.models import User
from samverkan.organisations.models import Group, Meeting, Membership, Organisation


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


def meeting_list_for_user(user: User) -> QuerySet[Meeting]:
    return scope(Meeting.objects.all(), user, agreement="group__agreement")


def get_meeting_for_user(user: User, pk) -> Meeting:
    return get_or_404(meeting_list_for_user(user).select_related("group__agreement"), pk)


def is_current_member(user: User, group: Group, *, day: dt.date | None = None) -> bool:
    day = day or timezone.localdate()
    return (
        Membership.objects.filter(group=group, person=user, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .exists()
    )


def can_edit_group(user: User, group: Group) -> bool:
    """Plan the group's meetings, write agenda and minutes, record decisions: an
    administratör or samordnare of a party to the group's agreement, a person with the
    styrgrupp role for the agreement's styrgrupp, or a current member of the group. The group
    must be one the user sees."""
    if not (user.is_authenticated and user.is_active):
        return False
    if not group_list_for_user(user).filter(pk=group.pk).exists():
        return False
    if can_edit_meetings(user):
        return True
    if group.kind == Group.Kind.STEERING and can_decide_plans(user):
        return True
    return is_current_member(user, group)


def can_manage_members(user: User, group: Group) -> bool:
    """Add and end memberships (and appointed officials): an administratör or samordnare of
    a party to the group's agreement."""
    return can_edit_meetings(user) and group_list_for_user(user).filter(pk=group.pk).exists()


def require_edit_group(user: User, group: Group) -> None:
    if not can_edit_group(user, group):
        raise PermissionDenied(
            _("Bara gruppens ledamöter och överenskommelsens samordnare får ändra gruppens möten.")
        )


def can_adopt(user: User, group: Group) -> bool:
    """Record a decision of ``group`` that adopts something (a plan version, a document, an
    intervention, an action plan): an administratör or a person with the styrgrupp role
    (`can_decide_plans`), or a current member of the group (its secretary, say)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if not group_list_for_user(user).filter(pk=group.pk).exists():
        return False
    return can_decide_plans(user) or is_current_member(user, group)
