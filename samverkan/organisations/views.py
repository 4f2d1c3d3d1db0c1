from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from samverkan.organisations.selectors import (
    get_organisation_for_user,
    organisation_list_for_user,
    organisation_memberships,
)


@login_required
def organisation_list(request):
    organisations = organisation_list_for_user(request.user).select_related("parent")
    return render(request, "organisations/organisation_list.html", {"organisations": organisations})


@login_required
def organisation_detail(request, pk):
    organisation = get_organisation_for_user(request.user, pk)
    context = {
        "organisation": organisation,
        "units": organisation_list_for_user(request.user).filter(parent=organisation),
        "memberships": organisation_memberships(organisation, request.user),
    }
    return render(request, "organisations/organisation_detail.html", context)
