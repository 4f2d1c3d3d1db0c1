"""The pages of import runs: the runs, and one run with its problems. Each kind's upload
page lives with the app that owns the kind (incidents: `incidents.upload_views`)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from samverkan.imports import services
from samverkan.imports.access import get_import_run_for_user, import_run_list_for_user
from samverkan.imports.kinds import field_label

RUNS_PER_PAGE = 50
PROBLEMS_PER_PAGE = 100


@login_required
def import_run_list(request):
    services.require_importer(request.user)
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
        (field_label(run.kind, target), header)
        for target, header in (run.details.get("mapping") or {}).items()
    ]
    return render(
        request,
        "imports/run_detail.html",
        {"run": run, "problems": problems, "mapping": mapping},
    )
