"""The communication plan of a plan: writes and their rules (who may, which dates, which
owners). Reads are in `plans.selectors.communication_due` and `plans.access`."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from samverkan.core.access import can_edit_plans
from samverkan.core.models import User
from samverkan.plans.models import CommunicationActivity, Plan
from samverkan.plans.selectors import agreement_organisation_ids
from samverkan.plans.services import _require, _require_party

COMMUNICATION_FIELDS = {"audience", "message", "channel", "owner_organisation", "when", "goal"}


def party_organisation_ids(plan: Plan) -> set[int]:
    """The agreement's parties and the organisations directly under them."""
    return agreement_organisation_ids(plan.agreement)


def communication_create(*, by: User, plan: Plan, **fields) -> CommunicationActivity:
    """Add a line to the plan's communication plan (who hears what, how, from whom, when)."""
    unknown = set(fields) - COMMUNICATION_FIELDS
    if unknown:
        raise TypeError(f"communication_create() got unknown fields {sorted(unknown)}")
    _require(can_edit_plans(by), _("Din roll får inte ändra kommunikationsplanen."))
    _require_party(by, plan)
    if plan.status == Plan.Status.ARCHIVED:
        raise ValidationError(_("En arkiverad plan ändras inte; lägg aktiviteten i den nya planen."))
    activity = CommunicationActivity(plan=plan, **fields)
    errors: dict[str, list[str]] = {}
    try:
        activity.full_clean(exclude=["plan"])
    except ValidationError as error:
        errors.update(error.message_dict)
    when = fields.get("when")
    if when and not plan.period_start <= when <= plan.period_end:
        errors.setdefault("when", []).append(
            _("Datumet ligger utanför planens period %(start)s – %(end)s.")
            % {"start": plan.period_start.isoformat(), "end": plan.period_end.isoformat()}
        )
    owner = fields.get("owner_organisation")
    if owner is not None and owner.pk not in party_organisation_ids(plan):
        errors.setdefault("owner_organisation", []).append(
            _("%(organisation)s är inte part i överenskommelsen.") % {"organisation": owner}
        )
    goal = fields.get("goal")
    if goal is not None and goal.section.plan_id != plan.pk:
        errors.setdefault("goal", []).append(_("Målet hör till en annan plan."))
    if errors:
        raise ValidationError(errors)
    activity.save()
    return activity


def communication_set_status(
    *, by: User, activity: CommunicationActivity, status: str
) -> CommunicationActivity:
    _require(can_edit_plans(by), _("Din roll får inte ändra kommunikationsplanen."))
    _require_party(by, activity.plan)
    if status not in CommunicationActivity.Status.values:
        raise ValidationError({"status": _("Okänd status.")})
    activity.status = status
    activity.save(update_fields=["status", "updated_at"])
    return activity
