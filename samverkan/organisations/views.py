from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from samverkan.organisations.access import (
    get_group_for_user,
    get_organisation_for_user,
    organisation_list_for_user,
)
from samverkan.organisations.models import Membership
from samverkan.organisations.selectors import group_meetings, organisation_memberships


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


@login_required
def group_detail(request, pk):
    group = get_group_for_user(request.user, pk)
    context = {
        "group": group,
        "memberships": Membership.objects.filter(group=group).select_related(
            "person", "organisation"
        ),
        "meetings": group_meetings(group),
    }
    return render(request, "organisations/group_detail.html", context)
