"""Who sees which generated document: the reports chokepoints.

A document is seen by everyone who sees its agreement (the one scope rule,
`samverkan.core.access.scope`), except that a begränsad one (built from what only the
asking organisation may see) is seen only within that organisation's tree. What goes into
a document is read through the data apps' own `*_for_user` functions as the person who
asked for it.
"""

from django.db.models import QuerySet

from samverkan.core.access import can_decide_plans, get_or_404, scope
from samverkan.core.models import User
from samverkan.reports.models import Document


def document_list_for_user(user: User) -> QuerySet[Document]:
    return scope(
        Document.objects.all(),
        user,
        agreement="agreement",
        restricted="created_by__organisation",
    )


def get_document_for_user(user: User, pk) -> Document:
    return get_or_404(document_list_for_user(user).select_related("agreement", "created_by"), pk)


def can_create_documents(user: User) -> bool:
    """Every active, logged-in user may ask for a document of an agreement they see."""
    return bool(user.is_authenticated and user.is_active)


def can_decide_documents(user: User) -> bool:
    """Mark a document as the one the styrgrupp adopted (it never changes afterwards)."""
    return can_decide_plans(user)
