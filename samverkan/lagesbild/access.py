"""Who sees which stored lägesbild: the lägesbild chokepoints.

A "delad" snapshot is shown to everyone who sees the agreement (the one scope rule,
`samverkan.core.access.scope`); an "organisation" snapshot, computed over begränsad
reports, only to users in that organisation's tree (under the same top-level party); an
"alla" snapshot (a superuser's) only to superusers.
"""

from django.db.models import Q, QuerySet

from samverkan.core.access import get_or_404, root_organisation, scope
from samverkan.core.models import User
from samverkan.lagesbild.models import Snapshot


def snapshot_list_for_user(user: User) -> QuerySet[Snapshot]:
    visible = scope(Snapshot.objects.all(), user, agreement="agreement")
    if not user.is_authenticated or user.is_superuser:
        return visible
    root = root_organisation(user.organisation_id)
    return visible.filter(
        Q(scope=Snapshot.Scope.SHARED)
        | Q(scope=Snapshot.Scope.ORGANISATION, scope_organisation=root)
    )


def get_snapshot_for_user(user: User, pk) -> Snapshot:
    return get_or_404(
        snapshot_list_for_user(user).select_related(
            "agreement", "created_by", "scope_organisation"
        ),
        pk,
    )
