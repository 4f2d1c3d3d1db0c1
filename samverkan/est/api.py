"""EST in the API: the weekly picture, actions and the closed meetings' snapshots.

Same scoping and roles as the pages (est.services, est.selectors): an agreement, action or
snapshot of another party is 404; only samordnare and administratörer write.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from samverkan.core.disclosure import outbound
from samverkan.core.limits import DbId, IsoWeek, Year
from samverkan.core.models import User
from samverkan.core.schemas import BodyIn, errors, patch_fields
from samverkan.est import access, services
from samverkan.est.models import Action
from samverkan.est.weekly import current_week, picture_or_snapshot, valid_week
from samverkan.organisations.models import Organisation
from samverkan.places.models import District, Place
from samverkan.plans.access import get_agreement_for_user

router = Router(tags=["EST"])


class ActionOut(Schema):
    id: int
    agreement: int
    iso_year: int
    iso_week: int
    what: str
    district: int | None
    place: int | None
    incidents: list[int]
    owner_organisation: int
    owner: int | None
    due_date: dt.date | None
    status: str
    outcome: str
    overdue: bool


class ActionIn(BodyIn):
    agreement: DbId
    iso_year: Year | None = None
    iso_week: IsoWeek | None = None
    what: str
    district: DbId | None = None
    place: DbId | None = None
    incidents: list[DbId] = []
    owner_organisation: DbId
    owner: DbId | None = None
    due_date: dt.date | None = None
    status: str = Action.Status.PLANNED
    outcome: str = ""


class ActionPatch(BodyIn):
    what: str | None = None
    district: DbId | None = None
    place: DbId | None = None
    incidents: list[DbId] | None = None
    owner_organisation: DbId | None = None
    owner: DbId | None = None
    due_date: dt.date | None = None
    status: str | None = None
    outcome: str | None = None


class MeetingSummary(Schema):
    id: int
    agreement: int
    iso_year: int
    iso_week: int
    closed_at: dt.datetime | None
    snapshot_version: int


class MeetingSnapshotOut(MeetingSummary):
    snapshot: dict


def _action_out(action: Action) -> dict:
    return {
        "id": action.pk,
        "agreement": action.agreement_id,
        "iso_year": action.iso_year,
        "iso_week": action.iso_week,
        "what": action.what,
        "district": action.district_id,
        "place": action.place_id,
        "incidents": sorted(i.pk for i in action.incidents.all()),
        "owner_organisation": action.owner_organisation_id,
        "owner": action.owner_id,
        "due_date": action.due_date,
        "status": action.status,
        "outcome": action.outcome,
        "overdue": services.action_is_overdue(action),
    }


def _resolve(fields: dict) -> dict:
    """Ids of the request → objects; an unknown id is a 422 keyed by its field."""
    models = {"district": District, "place": Place, "owner_organisation": Organisation}
    models["owner"] = User
    errors = {}
    for name, model in models.items():
        if fields.get(name) is not None:
            found = model.objects.filter(pk=fields[name]).first()
            if found is None:
                errors[name] = [_("Finns inte: %(id)s.") % {"id": fields[name]}]
            fields[name] = found
    if errors:
        raise ValidationError(errors)
    return fields


@router.get(
    "/agreements/{agreement_id}/weeks/{year}/{week}",
    response={200: dict, **errors(401, 403, 404, 422)},
    summary="Veckans EST-lägesbild (ögonblicksbilden om mötet är stängt)",
)
def get_week(request, agreement_id: DbId, year: Year, week: IsoWeek):
    agreement = get_agreement_for_user(request.auth, agreement_id)
    if not valid_week(year, week):
        raise Http404
    picture, meeting = picture_or_snapshot(agreement, year, week)
    closed = meeting is not None and meeting.is_closed
    # An API response leaves the organisation's own users: small counts suppressed.
    return outbound({**picture, "closed": closed, "snapshot_id": meeting.pk if closed else None})


@router.get(
    "/actions", response={200: list[ActionOut], **errors(401, 403, 422)}, summary="EST-åtgärder"
)
def list_actions(
    request, agreement: DbId | None = None, status: str | None = None, overdue: bool | None = None
):
    actions = access.action_list_for_user(request.auth).prefetch_related("incidents")
    if agreement is not None:
        actions = actions.filter(agreement=agreement)
    if status:
        actions = actions.filter(status=status)
    rows = [_action_out(action) for action in actions.order_by("due_date", "pk")]
    if overdue is not None:
        rows = [row for row in rows if row["overdue"] == overdue]
    return rows


@router.post(
    "/actions",
    response={201: ActionOut, **errors(400, 401, 403, 404, 422)},
    summary="Skapa en EST-åtgärd",
)
def create_action(request, payload: ActionIn):
    fields = payload.dict()
    agreement = get_agreement_for_user(request.auth, fields.pop("agreement"))
    year, week = current_week()
    iso_year = fields.pop("iso_year") or year
    iso_week = fields.pop("iso_week") or week
    action = services.action_create(
        by=request.auth,
        agreement=agreement,
        iso_year=iso_year,
        iso_week=iso_week,
        **_resolve(fields),
    )
    return Status(201, _action_out(action))


@router.patch(
    "/actions/{action_id}",
    response={200: ActionOut, **errors(400, 401, 403, 404, 422)},
    summary="Ändra en EST-åtgärd",
)
def update_action(request, action_id: DbId, payload: ActionPatch):
    action = access.get_action_for_user(request.auth, action_id)
    fields = _resolve(patch_fields(payload, Action))
    action = services.action_update(action=action, by=request.auth, **fields)
    return _action_out(action)


@router.get(
    "/snapshots",
    response={200: list[MeetingSummary], **errors(401, 403, 422)},
    summary="Stängda veckomöten",
)
def list_snapshots(request, agreement: DbId | None = None):
    meetings = access.snapshot_list_for_user(request.auth)
    if agreement is not None:
        meetings = meetings.filter(agreement=agreement)
    return [_snapshot(m) for m in meetings.order_by("-iso_year", "-iso_week")]


@router.get(
    "/snapshots/{snapshot_id}",
    response={200: MeetingSnapshotOut, **errors(401, 403, 404, 422)},
    summary="Ett stängt veckomöte",
)
def get_snapshot(request, snapshot_id: DbId):
    meeting = access.get_snapshot_for_user(request.auth, snapshot_id)
    return {**_snapshot(meeting), "snapshot": outbound(meeting.snapshot)}


def _snapshot(meeting) -> dict:
    return {
        "id": meeting.pk,
        "agreement": meeting.agreement_id,
        "iso_year": meeting.iso_year,
        "iso_week": meeting.iso_week,
        "closed_at": meeting.closed_at,
        "snapshot_version": meeting.snapshot_version,
    }
