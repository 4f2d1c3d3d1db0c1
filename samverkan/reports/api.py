"""Documents in the API: list them, ask for one (the worker makes it), read its state and
fetch the file. An agreement or a document of another party is 404; a begränsad document
is seen only within the asking organisation's tree (reports.access)."""

import datetime as dt

from django.http import HttpResponse
from ninja import Router, Schema, Status

from samverkan.core.limits import DbId
from samverkan.core.schemas import errors
from samverkan.plans.access import get_agreement_for_user
from samverkan.reports import services
from samverkan.reports.access import document_list_for_user, get_document_for_user
from samverkan.reports.models import Document

router = Router(tags=["dokument"])


class DocumentOut(Schema):
    id: int
    kind: str
    agreement: int
    parameters: dict
    format: str
    title: str
    data_version: str
    classification: str
    status: str
    message: str
    progress: int
    file_size: int
    created_by: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    decided: bool
    url: str | None


class DocumentIn(Schema):
    kind: str
    agreement: DbId
    format: str = "pdf"
    plan: DbId | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    meeting: DbId | None = None  # dagordning, protokoll


def _out(document: Document) -> dict:
    done = document.status == Document.Status.DONE
    return {
        "id": document.pk,
        "kind": document.kind,
        "agreement": document.agreement_id,
        "parameters": document.parameters,
        "format": document.format,
        "title": document.title,
        "data_version": document.data_version,
        "classification": document.classification,
        "status": document.status,
        "message": document.message,
        "progress": document.progress,
        "file_size": document.file_size,
        "created_by": document.created_by_id,
        "created_at": document.created_at,
        "finished_at": document.finished_at,
        "decided": document.decided,
        "url": f"/api/documents/{document.pk}/file" if done else None,
    }


@router.get(
    "/documents",
    response={200: list[DocumentOut], **errors(401, 403, 404, 422)},
    summary="Dokument",
)
def list_documents(request, agreement: DbId | None = None):
    documents = document_list_for_user(request.user)
    if agreement is not None:
        documents = documents.filter(agreement=get_agreement_for_user(request.user, agreement))
    return [_out(d) for d in documents[:500]]


@router.post(
    "/documents",
    response={202: DocumentOut, **errors(400, 401, 403, 404, 422)},
    summary="Beställ ett dokument",
)
def create_document(request, payload: DocumentIn):
    agreement = get_agreement_for_user(request.user, payload.agreement)
    document = services.document_request(
        by=request.user,
        agreement=agreement,
        kind=payload.kind,
        fmt=payload.format,
        parameters={
            "plan": payload.plan,
            "from": payload.date_from.isoformat() if payload.date_from else None,
            "to": payload.date_to.isoformat() if payload.date_to else None,
            "meeting": payload.meeting,
        },
    )
    document.refresh_from_db()
    return Status(202, _out(document))


@router.get(
    "/documents/{document_id}",
    response={200: DocumentOut, **errors(401, 403, 404, 422)},
    summary="Ett dokument",
)
def get_document(request, document_id: DbId):
    return _out(get_document_for_user(request.user, document_id))


@router.get(
    "/documents/{document_id}/file",
    response=errors(401, 403, 404, 422),
    summary="Dokumentets fil",
    openapi_extra={
        "responses": {
            200: {
                "description": "Filen: PDF, DOCX eller XLSX",
                "content": {
                    content_type: {"schema": {"type": "string", "format": "binary"}}
                    for content_type in services.CONTENT_TYPES.values()
                },
            }
        }
    },
)
def get_document_file(request, document_id: DbId):
    document = get_document_for_user(request.user, document_id)
    data = services.document_read(document)  # not done yet, or the file gone: 422
    response = HttpResponse(data, content_type=services.CONTENT_TYPES[document.format])
    name = f"{document.kind}-{document.pk}.{document.format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
