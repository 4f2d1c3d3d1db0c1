"""Who sees which incident report: the incidents chokepoints.

Two rules, both applied in the database by `samverkan.core.access.scope`:

1. Place: a user sees the reports of the municipalities they see
   (`places.access.municipality_list_for_user`): Boden's users see nothing of Luleå's.
2. Classification: öppen and intern reports are visible to everyone who sees the
   municipality; a begränsad report only to users in the reporting organisation's tree,
   i.e. under the same top-level party. A begränsad report of the police is invisible to
   every kommun user; one of Lulebo (owned by Luleå kommun) is visible in Luleå kommun's
   förvaltningar, but not to the police. See docs/incidents.md.
"""

from django.db.models import QuerySet

from samverkan.core.access import get_or_404, scope
from samverkan.core.models import User
from samverkan.incidents.models import Incident


def incident_list_for_user(user: User) -> QuerySet[Incident]:
    return scope(
        Incident.objects.all(), user, municipality="municipality", restricted="organisation"
    )


def get_incident_for_user(user: User, pk) -> Incident:
    return get_or_404(
        incident_list_for_user(user).select_related(
            "category", "municipality", "district", "place", "organisation"
        ),
        pk,
    )
