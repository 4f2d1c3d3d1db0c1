"""Who may do what. Every permission check in views, API and services goes through here."""

from django.db.models import QuerySet
from django.http import Http404

from samverkan.core.models import Role, User

PLAN_EDITORS = {Role.ADMIN, Role.COORDINATOR}
PLAN_DECIDERS = {Role.ADMIN, Role.STEERING}


def can_edit_plans(user: User) -> bool:
    """Edit goals and commitments, report follow-ups, revise a plan into a new draft."""
    return user.is_active and (user.is_superuser or user.role in PLAN_EDITORS)


def can_decide_plans(user: User) -> bool:
    """Adopt a plan on behalf of the styrgrupp."""
    return user.is_active and (user.is_superuser or user.role in PLAN_DECIDERS)


def organisation_scope_ids(user: User) -> set[int]:
    """The user's organisation and every organisation above it.

    A förvaltning sees what its kommun is party to; the kommun does not see what only a
    company it owns is party to. A user without an organisation sees nothing.
    """
    if not user.is_authenticated or user.organisation_id is None:
        return set()
    cached = getattr(user, "_organisation_scope_ids", None)
    if cached is not None:
        return cached
    ids: set[int] = set()
    organisation = user.organisation
    while organisation is not None and organisation.pk not in ids:
        ids.add(organisation.pk)
        organisation = organisation.parent
    user._organisation_scope_ids = ids
    return ids


def organisation_tree_ids(user: User) -> set[int]:
    """Every organisation under the user's top-level party (the party itself included)."""
    if not user.is_authenticated or user.organisation_id is None:
        return set()
    cached = getattr(user, "_organisation_tree_ids", None)
    if cached is not None:
        return cached
    organisations = User._meta.get_field("organisation").related_model.objects
    parents = dict(organisations.values_list("pk", "parent_id"))
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


def get_or_404(queryset: QuerySet, pk):
    """One object from an already scoped queryset. Another party's object is
    indistinguishable from one that does not exist: both are 404."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
