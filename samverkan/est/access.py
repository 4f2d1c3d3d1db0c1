"""What a user sees of the EST work: the actions and the closed meetings' snapshots of the
agreements the user's organisation is party to, by the one rule in core.access."""

from django.db.models import QuerySet

from samverkan.core.access import get_or_404, scope
from samverkan.core.models import User
from samverkan.est.models import Action, WeekMeeting


def action_list_for_user(user: User) -> QuerySet[Action]:
    return scope(Action.objects.all(), user, agreement="agreement")


def get_action_for_user(user: User, pk) -> Action:
    return get_or_404(
        action_list_for_user(user).select_related(
            "agreement", "district", "place", "owner_organisation", "owner"
        ),
        pk,
    )


def snapshot_list_for_user(user: User) -> QuerySet[WeekMeeting]:
    return scope(
        WeekMeeting.objects.filter(status=WeekMeeting.Status.CLOSED), user, agreement="agreement"
    )


def get_snapshot_for_user(user: User, pk) -> WeekMeeting:
    return get_or_404(snapshot_list_for_user(user).select_related("agreement"), pk)
