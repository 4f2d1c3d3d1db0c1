"""The meetings of the styrgrupp and beredningsgrupp in the API: read only, the same scoping
as the pages (`organisations.access.meeting_list_for_user`); a decision names what it adopts
as the reader may see it. Lists are `{"items": [...], "count": N}` with `limit` and `offset`."""

import datetime as dt

from ninja import Query, Router, Schema

from samverkan.core.limits import DB_INT_MAX, DbId
from samverkan.core.schemas import errors
from samverkan.meetings.services import MEETING_KINDS
from samverkan.organisations.access import meeting_list_for_user
from samverkan.reports.kinds.meeting import adopted_for_user, agenda_points

router = Router(tags=["Möten"])
MAX_LIMIT = 500


class DecisionOut(Schema):
    number: int
    text: str
    adopts: str  # "", verksamhetsplan, dokument, insats, handlingsplan
    adopted_title: str | None
    decided_by: str
    decided_on: dt.date


class MeetingOut(Schema):
    id: int
    group: int
    group_name: str
    group_kind: str
    agreement: int
    held_on: dt.date
    title: str
    agenda: list[str]
    minutes: str
    decisions: list[DecisionOut]


class MeetingPage(Schema):
    items: list[MeetingOut]
    count: int


def _out(meeting, user) -> dict:
    decisions = []
    for decision in meeting.decisions.order_by("number"):
        adopted = adopted_for_user(user, decision)
        decisions.append(
            {
                "number": decision.number,
                "text": decision.text,
                "adopts": decision.adopts,
                "adopted_title": adopted.title if adopted else None,
                "decided_by": meeting.group.name,
                "decided_on": meeting.held_on,
            }
        )
    return {
        "id": meeting.pk,
        "group": meeting.group_id,
        "group_name": meeting.group.name,
        "group_kind": meeting.group.kind,
        "agreement": meeting.group.agreement_id,
        "held_on": meeting.held_on,
        "title": meeting.title,
        "agenda": agenda_points(meeting.agenda),
        "minutes": meeting.minutes,
        "decisions": decisions,
    }


@router.get(
    "/meetings",
    response={200: MeetingPage, **errors(401, 403, 422)},
    summary="Styrgruppens och beredningsgruppens möten i dina överenskommelser",
    description="Filter: `agreement` (id), `group` (id). Nyast först, med dagordning och beslut.",
)
def list_meetings(
    request,
    agreement: DbId | None = None,
    group: DbId | None = None,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    meetings = meeting_list_for_user(request.auth).filter(group__kind__in=MEETING_KINDS)
    if agreement is not None:
        meetings = meetings.filter(group__agreement=agreement)
    if group is not None:
        meetings = meetings.filter(group=group)
    meetings = meetings.select_related("group").order_by("-held_on", "-pk")
    return {
        "items": [_out(m, request.auth) for m in meetings[offset : offset + limit]],
        "count": meetings.count(),
    }
