"""The incident reports (händelserapporter) and categories under /api/.

Reads go through `access.incident_list_for_user` (municipality scope and classification)
and `filters.parse_filter` + `filters.incident_filter`, the one filter the list, map and
export use too. Writes go through `services.incident_create` / `services.incident_update`,
with every check the form has. The reporter's identity is never part of a response.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from samverkan.core.access import can_report
from samverkan.core.limits import DB_INT_MAX, DbId
from samverkan.core.models import AccessLog
from samverkan.core.schemas import ErrorOut, MunicipalityRef, Ref
from samverkan.incidents import selectors, services
from samverkan.incidents.access import get_incident_for_user, incident_list_for_user
from samverkan.incidents.filters import incident_filter, parse_filter
from samverkan.incidents.models import Category, Incident
from samverkan.places.access import district_list_for_user, place_list_for_user

router = Router(tags=["händelserapporter"])

MAX_LIMIT = 1000

# --- Schemas ---------------------------------------------------------------------------------


class CategoryRef(Schema):
    slug: str
    name: str


class OrganisationRef(Schema):
    id: int
    slug: str
    name: str


class ReportOut(Schema):
    id: int
    category: CategoryRef
    occurred_from: dt.datetime = Field(description="ISO 8601 med tidszon, Europe/Stockholm.")
    occurred_to: dt.datetime
    time_precision: str
    municipality: MunicipalityRef
    district: Ref | None
    place: Ref | None
    lat: float | None
    lon: float | None
    position_is_centre: bool = Field(
        description="Positionen är bara kommunens mittpunkt, inte var det hände."
    )
    description: str
    severity: int
    creates_insecurity: bool
    place_type: str
    organisation: OrganisationRef = Field(description="Den rapporterande organisationen.")
    source: str
    external_id: str
    source_type: str
    status: str
    classification: str
    cost_sek: Decimal | None
    is_summary: bool
    created_at: dt.datetime


class ReportPage(Schema):
    items: list[ReportOut]
    count: int = Field(description="Antal rapporter i hela det filtrerade urvalet.")


TimePrecision = Literal["exakt", "ungefar", "dag"]
PlaceType = Literal["offentlig", "halvoffentlig"]
ClassificationValue = Literal["oppen", "intern", "begransad"]
StatusValue = Literal["ny", "granskad", "atgardad", "arkiverad"]


class ReportIn(Schema):
    category: str = Field(description="Kategorins kortnamn (slug), t.ex. klotter.")
    occurred_from: dt.datetime | None = Field(
        None, description="När det hände; nu om det saknas. Utan tidszon: svensk tid."
    )
    occurred_to: dt.datetime | None = None
    time_precision: TimePrecision = "exakt"
    place: DbId | None = Field(None, description="En namngiven plats (id).")
    district: DbId | None = Field(None, description="Ett område (id).")
    lat: float | None = None
    lon: float | None = None
    description: str = ""
    severity: int = Field(1, ge=1, le=3)
    creates_insecurity: bool = False
    place_type: PlaceType = "offentlig"
    classification: ClassificationValue = "intern"
    cost_sek: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    external_id: str = Field("", max_length=100, description="Avsändarens id, unikt per källa.")


class ReportPatch(Schema):
    category: str | None = None
    occurred_from: dt.datetime | None = None
    occurred_to: dt.datetime | None = None
    time_precision: TimePrecision | None = None
    place: DbId | None = None
    district: DbId | None = None
    lat: float | None = None
    lon: float | None = None
    description: str | None = None
    severity: int | None = Field(None, ge=1, le=3)
    creates_insecurity: bool | None = None
    place_type: PlaceType | None = None
    classification: ClassificationValue | None = None
    cost_sek: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    status: StatusValue | None = None


class CategoryOut(Schema):
    slug: str
    name: str
    parent: str | None = Field(description="Den överordnade kategorins kortnamn.")
    active: bool
    children: list[str] = Field(description="Underkategoriernas kortnamn.")


# --- Helpers ---------------------------------------------------------------------------------

REPORT_RELATED = ("category", "municipality", "district", "place", "organisation")


def report_out(incident: Incident, tz: dt.tzinfo | None = None) -> dict:
    """One report as the API shows it: never who reported it. Times in Swedish local time
    (`tz` is the current time zone, looked up once per page by the caller)."""
    tz = tz or timezone.get_current_timezone()
    return {
        "id": incident.pk,
        "category": {"slug": incident.category.slug, "name": incident.category.name},
        "occurred_from": incident.occurred_from.astimezone(tz),
        "occurred_to": incident.occurred_to.astimezone(tz),
        "time_precision": incident.time_precision,
        "municipality": {
            "code": incident.municipality.code,
            "name": incident.municipality.name,
        },
        "district": (
            {"id": incident.district.pk, "name": incident.district.name}
            if incident.district_id
            else None
        ),
        "place": (
            {"id": incident.place.pk, "name": incident.place.name} if incident.place_id else None
        ),
        "lat": incident.lat,
        "lon": incident.lon,
        "position_is_centre": incident.position_is_centre,
        "description": incident.description,
        "severity": incident.severity,
        "creates_insecurity": incident.creates_insecurity,
        "place_type": incident.place_type,
        "organisation": {
            "id": incident.organisation.pk,
            "slug": incident.organisation.slug,
            "name": incident.organisation.name,
        },
        "source": incident.source,
        "external_id": incident.external_id,
        "source_type": incident.source_type,
        "status": incident.status,
        "classification": incident.classification,
        "cost_sek": incident.cost_sek,
        "is_summary": incident.is_summary,
        "created_at": incident.created_at.astimezone(tz),
    }


def _query_errors(error: ValidationError) -> dict:
    return {
        "detail": [
            {"loc": ["query", field], "msg": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    }


def _resolve(user, data: dict) -> dict:
    """Slug and ids from the body into objects the service takes; unknown or out-of-scope
    ones raise ValidationError at their field (another party's place looks unknown)."""
    errors: dict[str, list[str]] = {}
    if data.get("category") is not None:
        slug = data["category"]
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            errors["category"] = [_("Okänd kategori %(value)s.") % {"value": slug}]
        data["category"] = category
    if data.get("place") is not None:
        place = place_list_for_user(user).select_related("municipality", "district")
        found = place.filter(pk=data["place"]).first()
        if found is None:
            errors["place"] = [_("Okänd plats %(value)s.") % {"value": data["place"]}]
        data["place"] = found
    if data.get("district") is not None:
        found = (
            district_list_for_user(user)
            .select_related("municipality")
            .filter(pk=data["district"])
            .first()
        )
        if found is None:
            errors["district"] = [_("Okänt område %(value)s.") % {"value": data["district"]}]
        data["district"] = found
    for key in ("occurred_from", "occurred_to"):
        if data.get(key) is not None and timezone.is_naive(data[key]):
            data[key] = timezone.make_aware(data[key])
    if errors:
        raise ValidationError(errors)
    return data


def _scoped(user):
    return incident_list_for_user(user).select_related(*REPORT_RELATED)


# --- Reports ---------------------------------------------------------------------------------


@router.get(
    "/reports",
    response={200: ReportPage, 422: ErrorOut},
    summary="Händelserapporter du får se, filtrerade och sidindelade",
    description="Filtren är desamma som listan, kartan och exporten använder: `source`, "
    "`category` (kortnamn; en överordnad kategori tar med sina underkategorier), "
    "`district`, `place`, `organisation` (id eller kortnamn), `status`, `from`/`to` "
    "(datum, inklusive, när det hände i svensk tid). Nyast först.",
)
def list_reports(
    request,
    source: str | None = None,
    category: str | None = None,
    district: str | None = None,
    place: str | None = None,
    organisation: str | None = None,
    status: str | None = None,
    date_from: str | None = Query(None, alias="from"),
    date_to: str | None = Query(None, alias="to"),
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    raw = {
        "source": source,
        "category": category,
        "district": district,
        "place": place,
        "organisation": organisation,
        "status": status,
        "from": date_from,
        "to": date_to,
    }
    try:
        chosen = parse_filter({key: value for key, value in raw.items() if value is not None})
    except ValidationError as error:
        return Status(422, _query_errors(error))
    queryset = incident_filter(_scoped(request.auth), chosen).order_by("-occurred_from", "-pk")
    count = queryset.count()
    tz = timezone.get_current_timezone()
    items = [report_out(incident, tz) for incident in queryset[offset : offset + limit]]
    return {"items": items, "count": count}


@router.get("/reports/{report_id}", response=ReportOut, summary="En händelserapport")
def get_report(request, report_id: DbId):
    incident = get_incident_for_user(request.auth, report_id)
    selectors.log_restricted_view(request.auth, incident, AccessLog.Action.API)
    return report_out(incident)


class ChangeOut(Schema):
    field: str
    before: str
    after: str


class HistoryEntryOut(Schema):
    when: dt.datetime
    who: str
    action: str
    changes: list[ChangeOut]


class HistoryPage(Schema):
    items: list[HistoryEntryOut]
    count: int


@router.get(
    "/reports/{report_id}/history",
    response=HistoryPage,
    summary="En händelserapports historik: vem ändrade vilket fält, före och efter",
    description="Nyast först, sidindelad som listan. En version som var begränsad och "
    "tillhörde en annan organisation än din visar inga värden. Fritext visas bara som ändrad.",
)
def report_history(
    request,
    report_id: DbId,
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=DB_INT_MAX),
):
    incident = get_incident_for_user(request.auth, report_id)
    entries, count = selectors.incident_history(request.auth, incident, offset=offset, limit=limit)
    items = [
        {
            "when": entry.when,
            "who": entry.who,
            "action": entry.action,
            "changes": [
                {"field": field, "before": before, "after": after}
                for field, before, after in entry.changes
            ],
        }
        for entry in entries
    ]
    return {"items": items, "count": count}


@router.post(
    "/reports",
    response={201: ReportOut},
    summary="Rapportera en händelse (samma kontroller som formuläret)",
)
def create_report(request, payload: ReportIn):
    user = request.auth
    if not can_report(user):
        raise PermissionDenied(_("Din roll får inte rapportera händelser."))
    data = _resolve(user, payload.dict())
    external_id = data.pop("external_id") or ""
    if data["occurred_from"] is None:
        data["occurred_from"] = timezone.now()
    incident = services.incident_create(
        by=user, source=Incident.Source.API, external_id=external_id, **data
    )
    return Status(201, report_out(_scoped(user).get(pk=incident.pk)))


@router.patch(
    "/reports/{report_id}",
    response=ReportOut,
    summary="Rätta en händelserapport (bara de fält som skickas)",
)
def update_report(request, report_id: DbId, payload: ReportPatch):
    user = request.auth
    incident = get_incident_for_user(user, report_id)
    fields = _resolve(user, payload.dict(exclude_unset=True))
    services.incident_update(incident=incident, by=user, **fields)
    return report_out(_scoped(user).get(pk=incident.pk))


# --- Categories ------------------------------------------------------------------------------


@router.get(
    "/categories",
    response=list[CategoryOut],
    tags=["kategorier"],
    summary="EST-kategorierna med överordnad kategori",
)
def list_categories(request):
    categories = list(Category.objects.select_related("parent"))
    children: dict[int, list[str]] = {}
    for category in categories:
        if category.parent_id is not None:
            children.setdefault(category.parent_id, []).append(category.slug)
    return [
        {
            "slug": category.slug,
            "name": category.name,
            "parent": category.parent.slug if category.parent_id else None,
            "active": category.active,
            "children": children.get(category.pk, []),
        }
        for category in categories
    ]
