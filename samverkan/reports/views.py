"""The documents page of an agreement: the list, the progress of queued ones (htmx polls the
list while one is unfinished), the "Skapa dokument" form and the files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.plans.access import get_agreement_for_user, plan_list_for_user
from samverkan.reports import services
from samverkan.reports.access import (
    can_create_documents,
    document_list_for_user,
    get_document_for_user,
)
from samverkan.reports.forms import DocumentForm
from samverkan.reports.kinds import all_kinds

FIELDS = {"kind": "kind", "format": "format", "plan": "plan", "from": "date_from", "to": "date_to"}


@login_required
def document_list(request, agreement_pk: int):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    plans = plan_list_for_user(request.user).filter(agreement=agreement)
    form = DocumentForm(request.POST or None, plans=plans)
    if request.method == "POST":
        if not can_create_documents(request.user):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.document_request(
                    by=request.user,
                    agreement=agreement,
                    kind=form.cleaned_data["kind"],
                    fmt=form.cleaned_data["format"],
                    parameters=form.parameters(),
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for key, errors in error.message_dict.items():
                        for message in errors:
                            form.add_error(FIELDS.get(key), message)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("Dokumentet är beställt och skapas i bakgrunden."))
                return redirect("document_list", agreement_pk=agreement.pk)
    documents = list(
        document_list_for_user(request.user)
        .filter(agreement=agreement)
        .select_related("created_by", "decision__meeting__group")[:200]
    )
    context = {
        "agreement": agreement,
        "documents": documents,
        "unfinished": any(not d.is_finished for d in documents),
        "form": form,
        "kinds": all_kinds(),
    }
    if request.htmx and request.htmx.target == "documents":
        return render(request, "reports/_documents.html", context)
    return render(
        request, "reports/document_list.html", context, status=422 if form.errors else 200
    )


@login_required
def document_file(request, pk: int):
    document = get_document_for_user(request.user, pk)
    try:
        data = services.document_read(document)
    except ValidationError:
        raise Http404 from None
    response = HttpResponse(data, content_type=services.CONTENT_TYPES[document.format])
    response["Content-Disposition"] = (
        f'attachment; filename="{document.kind}-{document.pk}.{document.format}"'
    )
    return response


@login_required
@require_POST
def document_decide(request, pk: int):
    """The old button: a document is beslutat only by a decision recorded at a meeting."""
    document = get_document_for_user(request.user, pk)
    messages.error(
        request,
        _(
            "Ett dokument blir beslutat bara genom ett beslut som protokollförs vid "
            "styrgruppens möte (Möten och beslut på gruppens sida)."
        ),
    )
    return redirect("document_list", agreement_pk=document.agreement_id)
