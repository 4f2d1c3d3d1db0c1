"""The upload of a file of incident reports (the runs' pages are in `imports.views`).

Upload in two steps, without state in the process: (1) the file is checked and kept in the
default storage (`services.upload_store`), the page shows its columns and first rows; (2)
the user maps the columns, chooses the options, may save the mapping, and imports. The
second step carries only the file's token in a hidden field. A CSV file's encoding is
guessed (`imports.encodings`); the mapping page shows the guess, and a doubtful one with
how each candidate reads the words that differ, and the user may read the file again in
another (step "encoding"). A JSON file is Polisen's events (`importers.polisen_upload`): the
page shows what it holds and imports it with the same importer as `import-polisen`.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samverkan.core.forms import add_service_errors
from samverkan.imports import encodings, services
from samverkan.imports.access import column_mapping_list_for_user
from samverkan.imports.tabular import FileError, Table, preview, read_table
from samverkan.imports.values import key
from samverkan.incidents import tasks
from samverkan.incidents.importers import polisen_upload
from samverkan.incidents.importers.file_import import KIND, new_run
from samverkan.incidents.importers.mapping import TARGET_FIELDS, check_mapping, guess_mapping
from samverkan.incidents.upload_forms import FIELD_PREFIX, MappingForm, UploadForm


def _initial_mapping(headers: list[str], saved) -> tuple[dict, dict]:
    if saved is not None:
        known = {key(h): h for h in headers}
        mapping = {target: known.get(key(header), "") for target, header in saved.mapping.items()}
        return mapping, dict(saved.options)
    return guess_mapping(headers), {}


BROKEN_SHOWN = 20  # broken rows listed on the mapping page (the run lists them all)


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
        "encoding": _encoding_context(table),
        "broken": sorted(table.problems.items())[:BROKEN_SHOWN],
        "broken_count": len(table.problems),
    }


def _encoding_context(table: Table) -> dict | None:
    """The encoding the CSV file was read with, how sure the guess is, and the choice."""
    if table.kind != "csv":
        return None
    guess = table.guess
    if guess is not None and guess.certain:
        return {"label": guess.label, "code": table.encoding, "certain": True}
    return {
        "label": encodings.label(table.encoding),
        "code": table.encoding,
        "certain": False,
        "chosen": guess is None,
        "doubtful": guess is not None and guess.doubtful,
        "candidates": [c for c in guess.candidates if c.sample] if guess else [],
        "choices": [(code, encodings.label(code)) for code in encodings.CHOICES],
    }


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    services.require_importer(request.user)
    if request.user.organisation_id is None:
        raise PermissionDenied(_("Du hör inte till någon organisation och kan inte importera."))
    mappings = column_mapping_list_for_user(request.user, KIND)
    step = request.POST.get("step") if request.method == "POST" else None
    if step == "map":
        return _import(request)
    if step == "encoding":
        return _reread(request)
    if step == "polisen":
        return _import_polisen(request)

    form = UploadForm(request.POST or None, request.FILES or None, mappings=mappings)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        if polisen_upload.is_json(data, upload.name):
            return _preview_polisen(request, form, data, upload.name)
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
            encoding = ""
            if options.get("encoding") and table.guess is not None and not table.guess.certain:
                # The saved mapping's encoding, for a file whose encoding is only a guess.
                try:
                    table = read_table(data, sheet=sheet, encoding=options["encoding"])
                    encoding = options["encoding"]
                except FileError:
                    pass
            initial = {
                "token": token,
                "encoding": encoding,
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


def _reread(request):
    """The mapping page again, the kept file read in the encoding the user chose; the
    columns already chosen stay chosen where the headers still match."""
    token = request.POST.get("token", "")
    try:
        data = services.upload_read(by=request.user, token=token)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("import_upload")
    encoding = request.POST.get("encoding", "")
    if encoding not in encodings.CHOICES:
        encoding = ""
    sheet = request.POST.get("sheet", "")
    try:
        table = read_table(data, sheet=sheet, encoding=encoding)
    except FileError as error:
        # Not in that encoding (a byte it lacks): the message, and the file as it was read.
        messages.error(request, str(error))
        try:
            table, encoding = read_table(data, sheet=sheet), ""
        except FileError:
            services.upload_delete(by=request.user, token=token)
            return redirect("import_upload")
    defaults = {"date_format": "auto", "crs": "wgs84"}
    initial = {
        name: request.POST.get(name) or defaults.get(name, "")
        for name in ("token", "filename", "sheet", "date_format", "crs", "save_as")
    }
    initial["encoding"] = encoding
    guessed = guess_mapping(table.headers)
    for target in TARGET_FIELDS:
        chosen = request.POST.get(FIELD_PREFIX + target, "")
        initial[FIELD_PREFIX + target] = (
            chosen if chosen and chosen in table.headers else guessed.get(target, "")
        )
    form = MappingForm(headers=table.headers, initial=initial)
    return render(request, "incidents/import_mapping.html", _mapping_context(form, table))


def _preview_polisen(request, form, data: bytes, filename: str):
    """The first step for Polisen's events: what the file holds, or a failed run."""
    try:
        found = polisen_upload.preview(data, request.user)
    except polisen_upload.Refused as error:
        run = polisen_upload.refuse(filename=filename, user=request.user, message=str(error))
        form.add_error("file", str(error))
        return render(
            request,
            "incidents/import_upload.html",
            {"form": form, "failed_run": run},
            status=400,
        )
    token = services.upload_store(by=request.user, data=data, filename=filename)
    return render(
        request,
        "incidents/import_polisen.html",
        {"preview": found, "token": token, "filename": filename},
    )


def _import_polisen(request):
    token = request.POST.get("token", "")
    try:
        data = services.upload_read(by=request.user, token=token)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("import_upload")
    filename = request.POST.get("filename", "")[:500] or "polisen.json"
    run = polisen_upload.new_run(filename=filename, user=request.user)
    job = (run.pk, request.user.pk, token)
    if len(data) > settings.SAMVERKAN_IMPORT_BACKGROUND_ROWS * POLISEN_EVENT_BYTES:
        tasks.import_uploaded_polisen.enqueue(*job)
    else:
        tasks.import_uploaded_polisen.call(*job)
    return redirect("import_run_detail", pk=run.pk)


# About the size of one event in Polisen's JSON: a file of more than
# SAMVERKAN_IMPORT_BACKGROUND_ROWS events' worth of bytes is imported by the worker.
POLISEN_EVENT_BYTES = 500


def _import(request):
    token = request.POST.get("token", "")
    try:
        data = services.upload_read(by=request.user, token=token)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("import_upload")
    sheet = request.POST.get("sheet", "")
    encoding = request.POST.get("encoding", "")
    try:
        table = read_table(data, sheet=sheet, encoding=encoding)
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
