import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from samverkan.core.limits import DbId
from samverkan.core.schemas import BodyIn, Ref, errors
from samverkan.plans import services
from samverkan.plans.access import (
    communication_list_for_user,
    get_commitment_for_user,
    get_goal_for_user,
    get_plan_for_user,
    plan_list_for_user,
)
from samverkan.plans.selectors import plan_overview

router = Router(tags=["planer"])


class AgreementRef(Schema):
    id: int
    title: str


class PlanSummary(Schema):
    id: int
    title: str
    agreement: AgreementRef
    status: str
    period_start: dt.date
    period_end: dt.date
    follow_up_period: str


class ScheduleOut(Schema):
    due_date: dt.date | None
    continuous: bool
    schedule_text: str
    status: str | None = Field(description="Effektiv status; försenad räknas fram. Null i utkast.")
    overdue: bool
    due_soon: bool


class SubgoalOut(ScheduleOut):
    id: int
    number: str
    text: str


class GoalOut(SubgoalOut):
    subgoals: list[SubgoalOut]


class CommitmentOut(ScheduleOut):
    id: int
    text: str
    responsible_organisations: list[Ref]
    responsible_groups: list[Ref]
    responsible_persons: list[Ref]
    responsibility_text: str


class SectionOut(Schema):
    id: int
    number: str
    title: str
    kind: str
    description: str
    problem_description: str
    goals: list[GoalOut]
    commitments: list[CommitmentOut]


class PlanOut(PlanSummary):
    purpose: str
    overall_goal: str
    sections: list[SectionOut]


class FollowUpIn(BodyIn):
    status: Literal["ej_paborjad", "pagar", "klar", "forsenad", "installd"]
    progress: int | None = Field(None, ge=0, le=100)
    comment: str = ""
    period_date: dt.date | None = Field(
        None,
        description="Uppföljningen gäller perioden som innehåller detta datum (i dag om tomt).",
    )


class FollowUpOut(Schema):
    id: int
    period_kind: str
    period_start: dt.date
    period_end: dt.date
    period_label: str
    status: str
    progress: int | None
    comment: str
    author: str
    reported_at: dt.datetime

    @staticmethod
    def resolve_author(obj) -> str:
        return str(obj.author)


def _schedule(row) -> dict:
    obj = row.obj
    return {
        "due_date": obj.due_date,
        "continuous": obj.continuous,
        "schedule_text": obj.schedule_text,
        "status": row.status.value if row.status else None,
        "overdue": row.overdue,
        "due_soon": row.due_soon,
    }


def _refs(items) -> list[dict]:
    return [{"id": item.pk, "name": str(item)} for item in items]


def _plan_out(plan) -> dict:
    overview = plan_overview(plan, today=timezone.localdate())
    sections = []
    for view in overview.sections:
        top = [r for r in view.goals if r.obj.parent_id is None]
        goals = [
            {
                "id": r.obj.pk,
                "number": r.obj.number,
                "text": r.obj.text,
                **_schedule(r),
                "subgoals": [
                    {"id": s.obj.pk, "number": s.obj.number, "text": s.obj.text, **_schedule(s)}
                    for s in view.goals
                    if s.obj.parent_id == r.obj.pk
                ],
            }
            for r in top
        ]
        commitments = [
            {
                "id": r.obj.pk,
                "text": r.obj.text,
                "responsible_organisations": _refs(r.organisations),
                "responsible_groups": _refs(r.groups),
                "responsible_persons": _refs(r.persons),
                "responsibility_text": r.obj.responsibility_text,
                **_schedule(r),
            }
            for r in view.commitments
        ]
        section = view.section
        sections.append(
            {
                "id": section.pk,
                "number": section.number,
                "title": section.title,
                "kind": section.kind,
                "description": section.description,
                "problem_description": section.problem_description,
                "goals": goals,
                "commitments": commitments,
            }
        )
    return {
        "id": plan.pk,
        "title": plan.title,
        "agreement": plan.agreement,
        "status": plan.status,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "follow_up_period": plan.follow_up_period,
        "purpose": plan.purpose,
        "overall_goal": plan.overall_goal,
        "sections": sections,
    }


@router.get(
    "/plans",
    response={200: list[PlanSummary], **errors(401, 403)},
    summary="Verksamhetsplaner du har tillgång till",
)
def list_plans(request):
    return plan_list_for_user(request.auth).select_related("agreement")


class CommunicationOut(Schema):
    id: int
    when: dt.date
    audience: str
    audience_label: str
    message: str
    channel: str
    channel_label: str
    owner_organisation: str
    goal: int | None
    status: str


@router.get(
    "/plans/{plan_id}/communication",
    response={200: list[CommunicationOut], **errors(401, 403, 404, 422)},
    summary="Planens kommunikationsplan: målgrupp, budskap, kanal, ansvarig och när",
)
def list_plan_communication(request, plan_id: DbId):
    plan = get_plan_for_user(request.auth, plan_id)
    activities = (
        communication_list_for_user(request.auth)
        .filter(plan=plan)
        .select_related("owner_organisation")
    )
    return [
        {
            "id": a.pk,
            "when": a.when,
            "audience": a.audience,
            "audience_label": a.get_audience_display(),
            "message": a.message,
            "channel": a.channel,
            "channel_label": a.get_channel_display(),
            "owner_organisation": a.owner_organisation.name,
            "goal": a.goal_id,
            "status": a.status,
        }
        for a in activities
    ]


@router.get(
    "/plans/{plan_id}",
    response={200: PlanOut, **errors(401, 403, 404, 422)},
    summary="En plan med avsnitt, mål och åtaganden",
)
def get_plan(request, plan_id: DbId):
    return _plan_out(get_plan_for_user(request.auth, plan_id))


@router.get(
    "/commitments/{commitment_id}/follow-ups",
    response={200: list[FollowUpOut], **errors(401, 403, 404, 422)},
)
def list_commitment_follow_ups(request, commitment_id: DbId):
    commitment = get_commitment_for_user(request.auth, commitment_id)
    return commitment.follow_ups.select_related("author")


@router.post(
    "/commitments/{commitment_id}/follow-ups",
    response={201: FollowUpOut, **errors(400, 401, 403, 404, 422)},
    summary="Rapportera uppföljning av ett åtagande",
)
def create_commitment_follow_up(request, commitment_id: DbId, payload: FollowUpIn):
    commitment = get_commitment_for_user(request.auth, commitment_id)
    follow_up = services.follow_up_create(
        author=request.auth, commitment=commitment, **payload.dict()
    )
    return Status(201, follow_up)


@router.post(
    "/goals/{goal_id}/follow-ups",
    response={201: FollowUpOut, **errors(400, 401, 403, 404, 422)},
    summary="Rapportera uppföljning av ett mål eller delmål",
)
def create_goal_follow_up(request, goal_id: DbId, payload: FollowUpIn):
    goal = get_goal_for_user(request.auth, goal_id)
    follow_up = services.follow_up_create(author=request.auth, goal=goal, **payload.dict())
    return Status(201, follow_up)
