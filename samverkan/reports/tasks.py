"""Background tasks of reports. Thin: each calls one service.

`django_tasks` is the backport of Django 6's `django.tasks`; on Django 6 only the import
changes.
"""

from django_tasks import task

from samverkan.reports.models import Document
from samverkan.reports.services import document_generate


@task()
def generate_document(document_id: int) -> str:
    """Make one queued document; returns its status and message (kept with the result)."""
    document = Document.objects.select_related("agreement").filter(pk=document_id).first()
    if document is None:
        return "Dokumentet finns inte längre."
    document = document_generate(document)
    return f"{document.status}: {document.message}"
