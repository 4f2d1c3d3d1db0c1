from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.core.access import can_edit_plans
from samverkan.core.forms import add_service_errors
from samverkan.core.history import history_entries
from samverkan.core.models import User
from samverkan.organisations.access import group_list_for_user, organisation_list_for_user
from samverkan.plans import communication, services
from samverkan.plans.access import (
    agreement_list_for_user,
    communication_list_for_user,
    get_agreement_for_user,
    get_commitment_for_user,
    get_communication_for_user,
    get_goal_for_user,
    get_plan_for_user,
    get_section_for_user,
)
from samverkan.plans.forms import (
    CommitmentForm,
    CommunicationForm,
    FollowUpForm,
    GoalForm,
    PlanFilterForm,
)
from samverkan.plans.models import Commitment, CommunicationActivity, Goal
from samverkan.plans.planfile import dump_plan_file, plan_to_data
from samverkan.plans.selectors import (
    PlanFilters,
    communication_due,
    current_plan,
    plan_overview,
    target_row,
)


def _validation_messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


@login_required
def home(request):
    agreements = list(agreement_list_for_user(request.user).filter(kind="samverkan")[:2])
    if len(agreements) == 1:
        return redirect(agreements[0])
    return redirect("agreement_list")


@login_required
def agreement_list(request):
    agreements = agreement_list_for_user(request.user).prefetch_related("parties", "plans")
    return render(request, "plans/agreement_list.html", {"agreements": agreements})


@login_required
def agreement_detail(request, pk):
    agreement = get_agreement_for_user(request.user, pk)
    plan = current_plan(agreement)
    return _plan_page(request, agreement, plan)


@login_required
def plan_detail(request, pk):
    plan = get_plan_for_user(request.user, pk)
    return _plan_page(request, plan.agreement, plan)


def _plan_page(request, agreement, plan):
    context = {"agreement": agreement, "plan": plan, "plans": agreement.plans.all()}
    if plan is not None:
        organisations = (
            organisation_list_for_user(request.user)
            .filter(commitments__section__plan=plan)
            .distinct()
        )
        groups = group_list_for_user(request.user).filter(agreement=agreement)
        form = PlanFilterForm(
            request.GET or None, plan=plan, organisations=organisations, groups=groups
        )
        filters = PlanFilters()
        if form.is_valid():
            data = form.cleaned_data
            filters = PlanFilters(
                organisation=data["organisation"].pk if data["organisation"] else None,
                group=data["group"].pk if data["group"] else None,
                status=data["status"] or None,
                section=data["section"],
            )
        context.update(
            communication_due=communication_due(
                communication_list_for_user(request.user).filter(plan=plan),
                today=timezone.localdate(),
            ),
            today_month=timezone.localdate().replace(day=1),
            overview=plan_overview(plan, today=timezone.localdate(), filters=filters),
            filter_form=form,
            can_edit=can_edit_plans(request.user),
            groups=groups,
        )
    template = "plans/_plan_body.html" if request.htmx else "plans/plan_detail.html"
    return render(request, template, context)


def _follow_up_page(request, obj, target: str, template: str, extra: dict):
    plan = obj.section.plan
    can_report = can_edit_plans(request.user) and plan.status == plan.Status.DECIDED
    latest = obj.follow_ups.values_list("status", flat=True).first()
    initial = {"period_date": min(max(timezone.localdate(), plan.period_start), plan.period_end)}
    if latest:
        initial["status"] = latest
    form = FollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_report:
            raise PermissionDenied(_("Din roll får inte rapportera uppföljning i denna plan."))
        if form.is_valid():
            try:
                services.follow_up_create(author=request.user, **{target: obj}, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Uppföljningen är sparad."))
                return redirect(obj)
    context = {
        "obj": obj,
        "plan": plan,
        "row": target_row(obj, today=timezone.localdate()),
        "form": form,
        "can_report": can_report,
        "can_edit": can_edit_plans(request.user) and plan.status != plan.Status.ARCHIVED,
        "follow_ups": obj.follow_ups.select_related("author"),
        "history": history_entries(obj),
        **extra,
    }
    return render(request, template, context, status=400 if form.errors else 200)


@login_required
def commitment_detail(request, pk):
    commitment = get_commitment_for_user(request.user, pk)
    extra = {
        "organisations": commitment.responsible_organisations.all(),
        "groups": commitment.responsible_groups.all(),
        "persons": commitment.responsible_persons.all(),
    }
    return _follow_up_page(request, commitment, "commitment", "plans/commitment_detail.html", extra)


@login_required
def goal_detail(request, pk):
    goal = get_goal_for_user(request.user, pk)
    extra = {"subgoals": goal.subgoals.all()}
    return _follow_up_page(request, goal, "goal", "plans/goal_detail.html", extra)


def _form_page(request, *, form, save, heading: str, back: str, success: str):
    """An edit or create form whose valid data goes to one service call, `save`."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(obj)
    context = {"form": form, "heading": heading, "back": back}
    return render(request, "plans/edit_form.html", context, status=400 if form.errors else 200)


def _require_editor(user) -> None:
    if not can_edit_plans(user):
        raise PermissionDenied(_("Din roll får inte ändra planen."))


def _commitment_form(request, instance: Commitment, agreement) -> CommitmentForm:
    organisations = organisation_list_for_user(request.user)
    return CommitmentForm(
        request.POST or None,
        instance=instance,
        organisations=organisations,
        groups=group_list_for_user(request.user).filter(agreement=agreement),
        persons=User.objects.filter(is_active=True, organisation__in=organisations),
    )


@login_required
def commitment_edit(request, pk):
    commitment = get_commitment_for_user(request.user, pk)
    _require_editor(request.user)

    def save(data):
        # The form has already written its values onto its instance; the service compares
        # against the stored commitment to record only real changes.
        stored = get_commitment_for_user(request.user, pk)
        return services.commitment_update(commitment=stored, by=request.user, **data)

    return _form_page(
        request,
        form=_commitment_form(request, commitment, commitment.section.plan.agreement),
        save=save,
        heading=_("Ändra åtagande"),
        back=commitment.get_absolute_url(),
        success=_("Åtagandet är ändrat."),
    )


@login_required
def commitment_create(request, section_pk):
    section = get_section_for_user(request.user, section_pk)
    _require_editor(request.user)
    return _form_page(
        request,
        form=_commitment_form(request, Commitment(section=section), section.plan.agreement),
        save=lambda data: services.commitment_create(section=section, by=request.user, **data),
        heading=_("Nytt åtagande i %(section)s") % {"section": section},
        back=f"{section.plan.get_absolute_url()}#avsnitt-{section.number}",
        success=_("Åtagandet är tillagt."),
    )


@login_required
def goal_edit(request, pk):
    goal = get_goal_for_user(request.user, pk)
    _require_editor(request.user)

    def save(data):
        stored = get_goal_for_user(request.user, pk)  # the form has changed `goal` already
        return services.goal_update(goal=stored, by=request.user, **data)

    return _form_page(
        request,
        form=GoalForm(request.POST or None, instance=goal),
        save=save,
        heading=_("Ändra mål"),
        back=goal.get_absolute_url(),
        success=_("Målet är ändrat."),
    )


@login_required
def goal_create(request, section_pk):
    """A new goal in a section, or with ?under=<goal id> a new sub-goal of that goal."""
    section = get_section_for_user(request.user, section_pk)
    _require_editor(request.user)
    parent = None
    if request.GET.get("under"):
        parent = get_goal_for_user(request.user, request.GET["under"])
        if parent.section_id != section.pk or parent.parent_id:
            raise Http404
    return _form_page(
        request,
        form=GoalForm(request.POST or None, instance=Goal(section=section, parent=parent)),
        save=lambda data: services.goal_create(
            section=section, parent=parent, by=request.user, **data
        ),
        heading=_("Nytt delmål") if parent else _("Nytt mål i %(section)s") % {"section": section},
        back=(parent or section.plan).get_absolute_url(),
        success=_("Målet är tillagt."),
    )


def _delete(request, obj, delete, success: str):
    plan = obj.section.plan
    _require_editor(request.user)
    try:
        delete()
    except ValidationError as error:
        for message in _validation_messages(error):
            messages.error(request, message)
        return redirect(obj)
    messages.success(request, success)
    return redirect(plan)


@login_required
@require_POST
def commitment_delete(request, pk):
    commitment = get_commitment_for_user(request.user, pk)
    return _delete(
        request,
        commitment,
        lambda: services.commitment_delete(commitment=commitment, by=request.user),
        _("Åtagandet är borttaget ur utkastet."),
    )


@login_required
@require_POST
def goal_delete(request, pk):
    goal = get_goal_for_user(request.user, pk)
    return _delete(
        request,
        goal,
        lambda: services.goal_delete(goal=goal, by=request.user),
        _("Målet är borttaget ur utkastet."),
    )


@login_required
@require_POST
def plan_revise(request, pk):
    plan = get_plan_for_user(request.user, pk)
    try:
        draft = services.plan_revise(plan=plan, by=request.user)
    except ValidationError as error:
        for message in _validation_messages(error):
            messages.error(request, message)
        return redirect(plan)
    messages.success(
        request, _("Ny årsversion skapad som utkast: %(title)s.") % {"title": draft.title}
    )
    return redirect(draft)


@login_required
@require_POST
def plan_decide(request, pk):
    """The old form: a plan is fastställd only by a decision recorded at a meeting."""
    plan = get_plan_for_user(request.user, pk)
    messages.error(
        request,
        _(
            "En plan fastställs bara genom ett beslut som protokollförs vid styrgruppens möte "
            "(Möten och beslut på gruppens sida)."
        ),
    )
    return redirect(plan)


@login_required
def plan_export(request, pk):
    plan = get_plan_for_user(request.user, pk)
    response = HttpResponse(
        dump_plan_file(plan_to_data(plan)), content_type="application/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}.yaml"'
    return response


# --- The communication plan ------------------------------------------------------------------


@login_required
def plan_communication(request, pk):
    """The plan's communication plan: every line, and a form to add one."""
    plan = get_plan_for_user(request.user, pk)
    can_edit = can_edit_plans(request.user) and plan.status != plan.Status.ARCHIVED
    form = CommunicationForm(
        request.POST or None,
        organisations=organisation_list_for_user(request.user).filter(
            pk__in=communication.party_organisation_ids(plan)
        ),
        goals=Goal.objects.filter(section__plan=plan),
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Din roll får inte ändra kommunikationsplanen."))
        if form.is_valid():
            try:
                communication.communication_create(by=request.user, plan=plan, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Aktiviteten är tillagd i kommunikationsplanen."))
                return redirect("plan_communication", pk=plan.pk)
    activities = (
        communication_list_for_user(request.user)
        .filter(plan=plan)
        .select_related("owner_organisation", "goal")
    )
    context = {
        "plan": plan,
        "activities": activities,
        "form": form,
        "can_edit": can_edit,
        "statuses": CommunicationActivity.Status.choices,
        "today": timezone.localdate(),
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "plans/communication.html", context, status=status)


@login_required
@require_POST
def communication_status(request, pk):
    activity = get_communication_for_user(request.user, pk)
    try:
        communication.communication_set_status(
            by=request.user, activity=activity, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(_validation_messages(error)))
    else:
        messages.success(request, _("Statusen är ändrad."))
    return redirect("plan_communication", pk=activity.plan_id)
