"""Reads of incident reports. Everything goes through the chokepoints below.

Two rules, both applied in the database:

1. Place: a user sees the reports of the municipalities they see
   (`places.selectors.municipality_list_for_user`): Boden's users see nothing of Luleå's.
2. Classification: öppen and intern reports are visible to everyone who sees the
   municipality; a begränsad report only to users in the reporting organisation's tree,
   i.e. under the same top-level party. A begränsad report of the police is invisible to
   every kommun user; one of Lulebo (owned by Luleå kommun) is visible in Luleå kommun's
   förvaltningar, but not to the police. See docs/incidents.md.
"""

from django.db.models import Q, QuerySet

from samverkan.core.access import get_or_404
from samverkan.core.models import Classification, User
from samverkan.incidents.models import Category, Incident
from samverkan.organisations.models import Organisation
from samverkan.places.selectors import municipality_list_for_user


def organisation_tree_ids(user: User) -> set[int]:
    """Every organisation under the user's top-level party (the party itself included)."""
    if not user.is_authenticated or user.organisation_id is None:
        return set()
    cached = getattr(user, "_organisation_tree_ids", None)
    if cached is not None:
        return cached
    parents = dict(Organisation.objects.values_list("pk", "parent_id"))
    root, seen = user.organisation_id, set()
    while parents.get(root) is not None and root not in seen:
        seen.add(root)
        root = parents[root]
    children: dict[int, list[int]] = {}
    for pk, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    tree, stack = set(), [root]
    while stack:
        pk = stack.pop()
        if pk in tree:
            continue
        tree.add(pk)
        stack.extend(children.get(pk, []))
    user._organisation_tree_ids = tree
    return tree


def incident_list_for_user(user: User) -> QuerySet[Incident]:
    if user.is_authenticated and user.is_superuser:
        return Incident.objects.all()
    if not user.is_authenticated:
        return Incident.objects.none()
    return Incident.objects.filter(
        municipality__in=municipality_list_for_user(user).values("pk")
    ).filter(
        ~Q(classification=Classification.RESTRICTED)
        | Q(organisation__in=organisation_tree_ids(user))
    )


def get_incident_for_user(user: User, pk) -> Incident:
    return get_or_404(
        incident_list_for_user(user).select_related(
            "category", "municipality", "district", "place", "organisation"
        ),
        pk,
    )


def category_choices() -> QuerySet[Category]:
    return Category.objects.filter(active=True).select_related("parent")


def recent_incidents_of(user: User, limit: int = 10) -> list[Incident]:
    """The user's own latest reports (still filtered by visibility, to be safe)."""
    return list(
        incident_list_for_user(user)
        .filter(reporter=user)
        .select_related("category", "district", "place")
        .order_by("-created_at", "-pk")[:limit]
    )


def open_incident_list() -> QuerySet[Incident]:
    """The reports classified öppen: what may be shown to a caller who is not logged in."""
    return Incident.objects.filter(classification=Classification.OPEN)
