from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.core.models import User
from samverkan.organisations import services
from samverkan.organisations.access import (
    can_edit_group,
    can_manage_members,
    get_group_for_user,
    get_organisation_for_user,
    organisation_list_for_user,
)
from samverkan.organisations.forms import EndMembershipForm, MembershipForm
from samverkan.organisations.models import Group, Membership
from samverkan.organisations.selectors import group_meetings, organisation_memberships

MEETING_GROUPS = {Group.Kind.STEERING, Group.Kind.PREPARATION}


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


def _membership_form(user, data=None) -> MembershipForm:
    organisations = organisation_list_for_user(user)
    people = User.objects.filter(is_active=True, organisation__in=organisations).order_by(
        "last_name", "first_name"
    )
    return MembershipForm(data, people=people, organisations=organisations.order_by("name"))


@login_required
def group_detail(request, pk):
    group = get_group_for_user(request.user, pk)
    can_manage = can_manage_members(request.user, group)
    context = {
        "group": group,
        "memberships": Membership.objects.filter(group=group).select_related(
            "person", "organisation"
        ),
        "meetings": group_meetings(group),
        "can_plan": group.kind in MEETING_GROUPS and can_edit_group(request.user, group),
        "can_manage": can_manage,
        "membership_form": _membership_form(request.user) if can_manage else None,
        # One per row: no ids, each input inside its label.
        "end_form": EndMembershipForm(auto_id=False) if can_manage else None,
    }
    return render(request, "organisations/group_detail.html", context)


def _report(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def membership_add(request, pk):
    group = get_group_for_user(request.user, pk)
    if not can_manage_members(request.user, group):
        raise PermissionDenied(_("Du får inte ändra gruppens ledamöter."))
    form = _membership_form(request.user, request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(group)
    try:
        services.membership_add(by=request.user, group=group, **form.cleaned_data)
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("Uppdraget är sparat."))
    return redirect(group)


@login_required
@require_POST
def membership_end(request, pk):
    membership = Membership.objects.filter(pk=pk).select_related("group").first()
    group = get_group_for_user(request.user, membership.group_id if membership else 0)
    if not can_manage_members(request.user, group):
        raise PermissionDenied(_("Du får inte ändra gruppens ledamöter."))
    form = EndMembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Ange sista dag som ett datum."))
        return redirect(group)
    try:
        services.membership_end(
            by=request.user, membership=membership, end=form.cleaned_data["end"]
        )
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("Uppdraget är avslutat."))
    return redirect(group)
