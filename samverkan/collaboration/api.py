"""The collaboration inventory in the API: `GET /api/collaborations` and one collaboration.

Scoped like the pages (collaboration.access): the collaborations of the agreements the
user's organisation is party to; another agreement's collaboration is 404. Lists are
`{"items": [...], "count": N}` with `limit` and `offset`, like /api/reports.
"""

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from samverkan.collaboration import access
from samverkan.collaboration.models import Collaboration, FocusArea, Level, TargetGroup
from samverkan.collaboration.selectors import filter_collaborations
from samverkan.core.limits import DB_INT_MAX, DbId
from samverkan.core.schemas import errors

router = Router(tags=["Samverkansinventering"])
MAX_LIMIT = 1000


class PartyOut(Schema):
    organisation: int
    organisation_name: str
    role: str


class CollaborationOut(Schema):
    id: int
    agreement: int
    name: str
    purpose: str
    legal_basis: str
    parties: list[PartyOut]
    target_group: str
    level: str
    focus_areas: list[str]
    leadership: str
    meeting_frequency: str
    contact_roles: list[str]
    start: str | None
    status: str
    follow_up_method: str
    follow_up_by: str
    documentation_url: str
    is_example: bool = Field(description="Förifylld som exempel att kontrollera och komplettera.")


class CollaborationPage(Schema):
    items: list[CollaborationOut]
    count: int = Field(description="Antal samverkansformer i hela det filtrerade urvalet.")


def collaboration_out(collaboration: Collaboration) -> dict:
    return {
        "id": collaboration.pk,
        "agreement": collaboration.agreement_id,
        "name": collaboration.name,
        "purpose": collaboration.purpose,
        "legal_basis": collaboration.legal_basis,
        "parties": [
            {
                "organisation": party.organisation_id,
                "organisation_name": party.organisation.name,
                "role": party.role,
            }
            for party in collaboration.parties.all()
        ],
        "target_group": collaboration.target_group,
        "level": collaboration.level,
        "focus_areas": list(collaboration.focus_areas),
        "leadership": collaboration.leadership,
        "meeting_frequency": collaboration.meeting_frequency,
        "contact_roles": collaboration.contact_role_list(),
        "start": collaboration.start.isoformat() if collaboration.start else None,
        "status": collaboration.status,
        "follow_up_method": collaboration.follow_up_method,
        "follow_up_by": collaboration.follow_up_by,
        "documentation_url": collaboration.documentation_url,
        "is_example": collaboration.is_example,
    }


def _check(errors: list, name: str, value: str | None, choices) -> None:
    if value and value not in choices.values:
        errors.append(
            {
                "loc": ["query", name],
                "msg": _("Okänt värde %(value)s: välj en av %(choices)s.")
                % {"value": value, "choices": ", ".join(choices.values)},
            }
        )


@router.get(
    "/collaborations",
    response={200: CollaborationPage, **errors(401, 403, 422)},
    summary="Samverkan utöver överenskommelserna, filtrerad och sidindelad",
    description="Filter: `agreement` (id), `focus_area` (trygghet, ungdom, andt), `level` "
    "(universell, selektiv, indikerad, utanfor), `target_group` (barn_unga, unga_vuxna, "
    "vuxna, vardnadshavare, boende, brottsutsatta, missbruk, naringsidkare, alla). "
    "Sorterad efter överenskommelse och namn.",
)
def list_collaborations(
    request,
    agreement: DbId | None = None,
    focus_area: str | None = None,
    level: str | None = None,
    target_group: str | None = None,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    errors: list[dict] = []
    _check(errors, "focus_area", focus_area, FocusArea)
    _check(errors, "level", level, Level)
    _check(errors, "target_group", target_group, TargetGroup)
    if errors:
        return Status(422, {"detail": errors})
    collaborations = access.collaboration_list_for_user(request.auth)
    if agreement is not None:
        collaborations = collaborations.filter(agreement=agreement)
    collaborations = filter_collaborations(
        collaborations,
        focus_area=focus_area or "",
        level=level or "",
        target_group=target_group or "",
    ).order_by("agreement", "name", "pk")
    count = collaborations.count()
    page = collaborations.prefetch_related("parties__organisation")[offset : offset + limit]
    return {"items": [collaboration_out(c) for c in page], "count": count}


@router.get(
    "/collaborations/{collaboration_id}",
    response={200: CollaborationOut, **errors(401, 403, 404, 422)},
    summary="En samverkan",
)
def get_collaboration(request, collaboration_id: DbId):
    return collaboration_out(access.get_collaboration_for_user(request.auth, collaboration_id))
