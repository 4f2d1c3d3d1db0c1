"""The inventory pages, mounted at /inventering/: the agreements, an agreement's inventory
(its collaborations beside its own groups and interventions, with filters and the latest
review), a collaboration, the form, the review, the overlap and gap view, and the fragment an
intervention's form loads with the collaborations already working on its target group and
level.

Thin: fetch through a chokepoint (collaboration.access, plans.access, prevention.access,
organisations.access), call collaboration.services or collaboration.selectors, render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.collaboration import access, selectors, services
from samverkan.collaboration.forms import (
    CollaborationForm,
    FilterForm,
    PartyFormSet,
    ReviewForm,
    parties_of,
    party_initial,
)
from samverkan.collaboration.models import Level, TargetGroup
from samverkan.core.forms import add_service_errors
from samverkan.organisations.access import group_list_for_user
from samverkan.plans.access import agreement_list_for_user, get_agreement_for_user
from samverkan.prevention.access import get_problem_for_user


def _require_editor(user) -> None:
    if not access.can_edit_collaborations(user):
        raise PermissionDenied(
            _("Bara samordnare och administratörer får ändra samverkansinventeringen.")
        )


@login_required
def collaboration_index(request):
    agreements = agreement_list_for_user(request.user).order_by("title")
    return render(request, "collaboration/index.html", {"agreements": agreements})


@login_required
def collaboration_list(request, agreement_pk: int):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    filters = FilterForm(request.GET or None)
    collaborations = filters.apply(selectors.agreement_collaborations(request.user, agreement))
    review = selectors.last_review(request.user, agreement)
    context = {
        "agreement": agreement,
        "filters": filters,
        "collaborations": collaborations,
        "groups": group_list_for_user(request.user).filter(agreement=agreement),
        "interventions": selectors.agreement_interventions(request.user, agreement),
        "review": review,
        "review_overdue": selectors.review_overdue(review, timezone.localdate()),
        "review_form": ReviewForm(),
        "can_edit": access.can_edit_collaborations(request.user),
    }
    return render(request, "collaboration/list.html", context)


@login_required
def collaboration_detail(request, pk: int):
    collaboration = access.get_collaboration_for_user(request.user, pk)
    context = {
        "collaboration": collaboration,
        "parties": collaboration.parties.select_related("organisation"),
        "can_edit": access.can_edit_collaborations(request.user),
    }
    return render(request, "collaboration/detail.html", context)


def _form_page(request, agreement, form, parties, collaboration=None):
    title = _("Ändra samverkan") if collaboration else _("Ny samverkan")
    context = {
        "agreement": agreement,
        "form": form,
        "parties": parties,
        "title": title,
        "collaboration": collaboration,
    }
    status = 400 if form.errors or any(parties.errors) or parties.non_form_errors() else 200
    return render(request, "collaboration/form.html", context, status=status)


def _submitted(form, parties) -> bool:
    return form.is_valid() and parties.is_valid()


@login_required
def collaboration_create(request, agreement_pk: int):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    _require_editor(request.user)
    form = CollaborationForm(request.POST or None)
    parties = PartyFormSet(request.POST or None, prefix="parter")
    if request.method == "POST" and _submitted(form, parties):
        try:
            collaboration = services.collaboration_create(
                by=request.user,
                agreement=agreement,
                parties=parties_of(parties),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Samverkan är sparad."))
            return redirect("collaboration_detail", collaboration.pk)
    return _form_page(request, agreement, form, parties)


@login_required
def collaboration_edit(request, pk: int):
    collaboration = access.get_collaboration_for_user(request.user, pk)
    _require_editor(request.user)
    form = CollaborationForm(
        request.POST or None, initial=CollaborationForm.initial_for(collaboration)
    )
    parties = PartyFormSet(
        request.POST or None, prefix="parter", initial=party_initial(collaboration)
    )
    if request.method == "POST" and _submitted(form, parties):
        try:
            services.collaboration_update(
                collaboration=collaboration,
                by=request.user,
                parties=parties_of(parties),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Samverkan är sparad."))
            return redirect("collaboration_detail", collaboration.pk)
    return _form_page(request, collaboration.agreement, form, parties, collaboration)


@login_required
@require_POST
def collaboration_review(request, agreement_pk: int):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    _require_editor(request.user)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            review = services.review_inventory(
                by=request.user, agreement=agreement, **form.cleaned_data
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Inventeringen är granskad. Nästa granskning senast %(day)s.")
                % {"day": review.next_review.isoformat()},
            )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("collaboration_list", agreement.pk)


@login_required
def collaboration_overview(request, agreement_pk: int):
    agreement = get_agreement_for_user(request.user, agreement_pk)
    review = selectors.last_review(request.user, agreement)
    context = {
        "agreement": agreement,
        "overview": selectors.overview(request.user, agreement),
        "review": review,
        "review_overdue": selectors.review_overdue(review, timezone.localdate()),
    }
    return render(request, "collaboration/overview.html", context)


@login_required
def collaboration_for_intervention(request, problem_pk: int):
    """The fragment on an intervention's form: the collaborations of the problem's agreement
    at the level chosen, aimed at the target group written (``level``, ``target_group`` in the
    query, as the form holds them)."""
    problem = get_problem_for_user(request.user, problem_pk)
    level = request.GET.get("level") or ""
    if level not in Level.values:
        level = ""
    text = (request.GET.get("target_group") or "").strip()
    group, collaborations = (
        selectors.related_collaborations(request.user, problem.agreement, level, text)
        if level
        else (None, [])
    )
    context = {
        "agreement": problem.agreement,
        "written": bool(text),
        "level": Level(level).label if level else "",
        "group": TargetGroup(group).label if group else "",
        "collaborations": collaborations,
    }
    return render(request, "collaboration/_for_intervention.html", context)
