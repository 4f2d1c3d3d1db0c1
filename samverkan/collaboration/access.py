"""Who sees and who changes the collaboration inventory: thin calls of the one scope rule
(`samverkan.core.access.scope`).

A collaboration and an inventory review belong to their agreement: everyone whose
organisation (or one above it) is party to the agreement reads them; samordnare and
administratörer change them (the same roles that change the prevention work).
"""

from django.db.models import QuerySet

from samverkan.collaboration.models import Collaboration, InventoryReview
from samverkan.core.access import can_edit_prevention, get_or_404, scope
from samverkan.core.models import User


def can_edit_collaborations(user: User) -> bool:
    """Record, change and review the inventory."""
    return can_edit_prevention(user)


def collaboration_list_for_user(user: User) -> QuerySet[Collaboration]:
    return scope(Collaboration.objects.all(), user, agreement="agreement")


def get_collaboration_for_user(user: User, pk) -> Collaboration:
    return get_or_404(collaboration_list_for_user(user).select_related("agreement"), pk)


def review_list_for_user(user: User) -> QuerySet[InventoryReview]:
    return scope(InventoryReview.objects.all(), user, agreement="agreement")
