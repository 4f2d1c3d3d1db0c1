"""Every write of reports: asking for a document, generating it (in the worker, or at once
for the command), marking it decided.

Generation builds the kind's content once as the person who asked (so it holds only what
they may see), renders it to the chosen format and writes the file to a temporary name in
the documents directory, moving it into place only when it is whole: a failed document
leaves no file, and its Swedish message says why.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.models import User
from samverkan.organisations.models import Decision
from samverkan.organisations.services import check_adopting_decision
from samverkan.plans.models import Agreement
from samverkan.reports.access import can_create_documents, document_list_for_user
from samverkan.reports.charts import render_figures
from samverkan.reports.content import Content
from samverkan.reports.kinds import check_format, get_kind, parse_parameters
from samverkan.reports.models import Document
from samverkan.reports.render_docx import render_docx
from samverkan.reports.render_typst import RenderError, render_pdf
from samverkan.reports.render_xlsx import render_xlsx

logger = logging.getLogger(__name__)

RENDERERS = {"pdf": render_pdf, "docx": render_docx, "xlsx": render_xlsx}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Built:
    content: Content
    data: bytes


def build(
    *, user: User, agreement: Agreement, kind: str, fmt: str, parameters: dict, progress=None
) -> Built:
    """The document's bytes and the content they were made from. Raises ValidationError
    (Swedish, per parameter) for bad input; nothing is written."""
    spec = get_kind(kind)
    check_format(spec, fmt)
    params = parse_parameters(parameters)
    content = spec.build(user, agreement, params)
    content.clean()
    if progress:
        progress(40)
    render_figures(content)
    if progress:
        progress(70)
    try:
        data = RENDERERS[fmt](content)
    except RenderError as error:
        raise ValidationError(str(error)) from error
    return Built(content=content, data=data)


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and move it into place: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def document_path(document: Document) -> Path:
    return Path(settings.SAMVERKAN_DOCUMENTS_DIR) / document.file_name


def document_request(
    *, by: User, agreement: Agreement, kind: str, fmt: str, parameters: dict | None = None
) -> Document:
    """Queue a document for the worker. The agreement comes from the caller's
    `get_agreement_for_user`, so it is one the user sees. Bad input is refused here, with
    the same messages the generation would give."""
    if not can_create_documents(by):
        raise PermissionDenied(_("Din roll får inte skapa dokument."))
    spec = get_kind(kind)
    check_format(spec, fmt)
    params = parse_parameters(parameters or {})
    document = Document.objects.create(
        kind=kind,
        agreement=agreement,
        parameters=params.as_json(),
        format=fmt,
        title=str(spec.label),
        created_by=by,
        message=_("I kö: dokumentet skapas av bakgrundsjobbet."),
    )
    from samverkan.reports import tasks

    transaction.on_commit(lambda: tasks.generate_document.enqueue(document.pk))
    return document


def _set(document: Document, **fields) -> None:
    for name, value in fields.items():
        setattr(document, name, value)
    Document.objects.filter(pk=document.pk).update(**fields)


def document_generate(document: Document) -> Document:
    """Make a queued document: built as its creator, written whole or not at all."""
    if document.status != Document.Status.QUEUED:
        return document
    _set(document, status=Document.Status.RUNNING, progress=10, message=_("Skapas."))
    user = User.objects.select_related("organisation").get(pk=document.created_by_id)
    try:
        built = build(
            user=user,
            agreement=document.agreement,
            kind=document.kind,
            fmt=document.format,
            parameters=document.parameters,
            progress=lambda value: _set(document, progress=value),
        )
    except ValidationError as error:
        _set(
            document,
            status=Document.Status.FAILED,
            message=" ".join(error.messages),
            finished_at=timezone.now(),
        )
        return document
    except Exception:  # an unexpected fault is logged; the reader gets a Swedish message
        logger.exception("Dokument %s kunde inte skapas", document.pk)
        _set(
            document,
            status=Document.Status.FAILED,
            message=_("Dokumentet kunde inte skapas på grund av ett internt fel. Försök igen."),
            finished_at=timezone.now(),
        )
        return document
    name = f"{document.agreement_id}/{document.pk}-{document.kind}.{document.format}"
    document.file_name = name
    try:
        write_atomically(document_path(document), built.data)
    except OSError as error:
        logger.exception("Dokument %s kunde inte sparas", document.pk)
        _set(
            document,
            status=Document.Status.FAILED,
            file_name="",
            message=_("Dokumentet kunde inte sparas i datakatalogen: %(reason)s")
            % {"reason": error.strerror or error},
            finished_at=timezone.now(),
        )
        return document
    _set(
        document,
        status=Document.Status.DONE,
        progress=100,
        message=_("Klar."),
        title=built.content.title[:300],
        file_name=name,
        file_size=len(built.data),
        data_version=built.content.fingerprint(),
        classification=built.content.classification,
        finished_at=timezone.now(),
    )
    return document


def document_read(document: Document) -> bytes:
    if document.status != Document.Status.DONE:
        raise ValidationError(_("Dokumentet är inte klart än."))
    try:
        return document_path(document).read_bytes()
    except FileNotFoundError:
        raise ValidationError(_("Dokumentets fil saknas i datakatalogen.")) from None


def document_decide(*, document: Document, by: User, decision: Decision) -> Document:
    """Mark a finished document as the one ``decision`` adopted; it never changes afterwards.
    The one way a document becomes beslutat: `meetings.services.decision_record` calls this."""
    if not document_list_for_user(by).filter(pk=document.pk).exists():
        raise PermissionDenied(
            _("Dokumentet finns inte eller hör inte till dina överenskommelser.")
        )
    check_adopting_decision(
        decision, adopts=Decision.Adopts.DOCUMENT, agreement=document.agreement, by=by
    )
    if document.decided:
        raise ValidationError(_("Dokumentet är redan beslutat."))
    if document.status != Document.Status.DONE:
        raise ValidationError(_("Bara ett färdigt dokument kan beslutas."))
    document.decided = True
    document.decided_at = timezone.now()
    document.decision = decision
    document.save(update_fields=["decided", "decided_at", "decision"])
    return document
