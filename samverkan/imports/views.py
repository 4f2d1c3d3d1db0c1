"""The import pages: the runs, one run with its problems, and the upload of a file.

Upload in two steps, without state in the process: (1) the file is checked and kept in the
default storage (`services.upload_store`), the page shows its columns and first rows; (2)
the user maps the columns, chooses the options, may save the mapping, and imports. The
second step carries only the file's token in a hidden field.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samverkan.core.access import can_import
from samverkan.core.forms import add_service_errors
from samverkan.imports import services, tasks
from samverkan.imports.access import (
    column_mapping_list_for_user,
    get_import_run_for_user,
    import_run_list_for_user,
)
from samverkan.imports.forms import FIELD_PREFIX, MappingForm, UploadForm
from samverkan.incidents.importers import tabular
from samverkan.incidents.importers.file_import import KIND, new_run

RUNS_PER_PAGE = 50
PROBLEMS_PER_PAGE = 100


def _require_importer(user) -> None:
    if not can_import(user):
        raise PermissionDenied(_("Bara samordnare och administratörer får importera."))


@login_required
def import_run_list(request):
    _require_importer(request.user)
    runs = import_run_list_for_user(request.user).select_related("organisation", "user")
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("sida"))
    return render(
        request,
        "imports/run_list.html",
        {"page": page, "can_upload": request.user.organisation_id is not None},
    )


@login_required
def import_run_detail(request, pk):
    run = get_import_run_for_user(request.user, pk)
    problems = Paginator(run.problems.all(), PROBLEMS_PER_PAGE).get_page(request.GET.get("sida"))
    mapping = [
        (tabular.TARGET_FIELDS.get(target, target), header)
        for target, header in (run.details.get("mapping") or {}).items()
    ]
    return render(
        request,
        "imports/run_detail.html",
        {"run": run, "problems": problems, "mapping": mapping},
    )


def _initial_mapping(headers: list[str], saved) -> tuple[dict, dict]:
    if saved is not None:
        known = {tabular.key(h): h for h in headers}
        mapping = {
            target: known.get(tabular.key(header), "") for target, header in saved.mapping.items()
        }
        return mapping, dict(saved.options)
    return tabular.guess_mapping(headers), {}


def _mapping_context(form: MappingForm, table: tabular.Table) -> dict:
    return {
        "form": form,
        "table": table,
        "headers": table.headers,
        "preview": [
            (number, list(zip(table.headers, cells, strict=True)))
            for number, cells in tabular.preview(table)
        ],
        "row_count": len(table.rows),
    }


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require_importer(request.user)
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
            table = tabular.read_table(data, sheet=sheet)
        except tabular.FileError as error:
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
            return render(request, "imports/mapping.html", _mapping_context(mapping_form, table))
    return render(
        request,
        "imports/upload.html",
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
        table = tabular.read_table(data, sheet=sheet)
    except tabular.FileError as error:
        messages.error(request, str(error))
        services.upload_delete(by=request.user, token=token)
        return redirect("import_upload")
    form = MappingForm(request.POST, headers=table.headers)
    if form.is_valid():
        mapping, options = form.mapping(), form.options()
        try:
            tabular.check_mapping(table.headers, mapping)
            if form.cleaned_data["save_as"]:
                services.column_mapping_save(
                    by=request.user,
                    name=form.cleaned_data["save_as"],
                    kind=KIND,
                    mapping=mapping,
                    options=options,
                )
        except tabular.FileError as error:
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
    return render(request, "imports/mapping.html", _mapping_context(form, table), status=400)
