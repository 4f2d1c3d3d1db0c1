"""The upload of a file of incident reports (the runs' pages are in `imports.views`).

Upload in two steps, without state in the process: (1) the file is checked and kept in the
default storage (`services.upload_store`), the page shows its columns and first rows; (2)
the user maps the columns, chooses the options, may save the mapping, and imports. The
second step carries only the file's token in a hidden field.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samverkan.core.forms import add_service_errors
from samverkan.imports import services
from samverkan.imports.access import column_mapping_list_for_user
from samverkan.imports.tabular import FileError, Table, preview, read_table
from samverkan.imports.values import key
from samverkan.incidents import tasks
from samverkan.incidents.importers.file_import import KIND, new_run
from samverkan.incidents.importers.mapping import check_mapping, guess_mapping
from samverkan.incidents.upload_forms import FIELD_PREFIX, MappingForm, UploadForm


def _initial_mapping(headers: list[str], saved) -> tuple[dict, dict]:
    if saved is not None:
        known = {key(h): h for h in headers}
        mapping = {target: known.get(key(header), "") for target, header in saved.mapping.items()}
        return mapping, dict(saved.options)
    return guess_mapping(headers), {}


def _mapping_context(form: MappingForm, table: Table) -> dict:
    return {
        "form": form,
        "table": table,
        "headers": table.headers,
        "preview": [
            (number, list(zip(table.headers, cells, strict=True)))
            for number, cells in preview(table)
        ],
        "row_count": len(table.rows),
    }


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    services.require_importer(request.user)
    if request.user.organisation_id is None:
        raise PermissionDenied(_("Du hör inte till någon organisation och kan inte importera."))
    mappings = column_mapping_list_for_user(request.user, KIND)
    if request.method == "POST" and request.POST.get("step") == "map":
        return _import(request)

    form = UploadForm(request.POST or None, request.FILES or None, mappings=mappings)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        sheet = form.cleaned_data["sheet"] or ""
        saved = form.cleaned_data["saved_mapping"]
        if saved is not None and not sheet:
            sheet = saved.options.get("sheet", "")
        try:
            table = read_table(data, sheet=sheet)
        except FileError as error:
            form.add_error("file", str(error))
        else:
            token = services.upload_store(by=request.user, data=data, filename=upload.name)
            mapping, options = _initial_mapping(table.headers, saved)
            initial = {
                "token": token,
                "filename": upload.name,
                "sheet": table.sheet if table.kind == "xlsx" else "",
                "date_format": options.get("date_format", "auto"),
                "crs": options.get("crs", "wgs84"),
                "save_as": saved.name if saved is not None else "",
            }
            initial.update({FIELD_PREFIX + target: h for target, h in mapping.items()})
            mapping_form = MappingForm(headers=table.headers, initial=initial)
            return render(
                request, "incidents/import_mapping.html", _mapping_context(mapping_form, table)
            )
    return render(
        request,
        "incidents/import_upload.html",
        {"form": form, "mappings": mappings},
        status=400 if form.errors else 200,
    )


def _import(request):
    token = request.POST.get("token", "")
    try:
        data = services.upload_read(by=request.user, token=token)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("import_upload")
    sheet = request.POST.get("sheet", "")
    try:
        table = read_table(data, sheet=sheet)
    except FileError as error:
        messages.error(request, str(error))
        services.upload_delete(by=request.user, token=token)
        return redirect("import_upload")
    form = MappingForm(request.POST, headers=table.headers)
    if form.is_valid():
        mapping, options = form.mapping(), form.options()
        try:
            check_mapping(table.headers, mapping)
            if form.cleaned_data["save_as"]:
                services.column_mapping_save(
                    by=request.user,
                    name=form.cleaned_data["save_as"],
                    kind=KIND,
                    mapping=mapping,
                    options=options,
                )
        except FileError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            all_or_nothing = form.cleaned_data["all_or_nothing"]
            run = new_run(
                filename=form.cleaned_data["filename"],
                organisation=request.user.organisation,
                user=request.user,
                mapping=mapping,
                options=options,
                all_or_nothing=all_or_nothing,
            )
            job = (run.pk, request.user.pk, token, mapping, options, all_or_nothing)
            if len(table.rows) > settings.SAMVERKAN_IMPORT_BACKGROUND_ROWS:
                # A large file loads in the worker: no request waits (and times out) on it,
                # and the run's page shows how far it has come.
                tasks.import_uploaded_file.enqueue(*job)
            else:
                tasks.import_uploaded_file.call(*job)  # now, while the user waits
            return redirect("import_run_detail", pk=run.pk)
    return render(
        request, "incidents/import_mapping.html", _mapping_context(form, table), status=400
    )
