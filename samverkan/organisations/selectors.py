"""Reads of organisations and groups for their pages, of what the user may see (fetched
through `samverkan.organisations.access`)."""

from django.db.models import Prefetch, Q

from samverkan.core.models import User
from samverkan.organisations.access import group_list_for_user
from samverkan.organisations.models import Decision, Group, Meeting, Membership, Organisation


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


def group_meetings(group: Group) -> list:
    """Meetings of the group, newest first, with their decisions and any plan they adopted."""
    return list(
        Meeting.objects.filter(group=group).prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.select_related("adopted_plan"))
        )
    )
