"""Districts (områden) and named places (platser) under /api/, scoped like the pages:
a user sees the municipalities of the agreements their organisation is party to
(`places.access`), and another municipality's place is a 404."""

from ninja import Field, Router, Schema

from samverkan.core.limits import DbId
from samverkan.core.schemas import MunicipalityRef, Ref, errors
from samverkan.places.access import (
    district_list_for_user,
    get_district_for_user,
    get_place_for_user,
    place_list_for_user,
)
from samverkan.places.models import District, Place

router = Router(tags=["platser"])


class PlaceOut(Schema):
    id: int
    name: str
    kind: str
    lat: float = Field(description="WGS 84")
    lon: float = Field(description="WGS 84")
    description: str
    municipality: MunicipalityRef
    district: Ref | None = Field(description="Området som punkten ligger i.")


class DistrictOut(Schema):
    id: int
    name: str
    slug: str
    code: str
    municipality: MunicipalityRef
    approximate: bool = Field(description="Gränsen är ungefärlig (ritad för hand), inte uppmätt.")
    source: str
    geometry: dict = Field(
        description="Gränsen som GeoJSON-geometri (Polygon/MultiPolygon, WGS 84)."
    )


def place_out(place: Place) -> dict:
    return {
        "id": place.pk,
        "name": place.name,
        "kind": place.kind,
        "lat": place.lat,
        "lon": place.lon,
        "description": place.description,
        "municipality": {"code": place.municipality.code, "name": place.municipality.name},
        "district": (
            {"id": place.district.pk, "name": place.district.name} if place.district_id else None
        ),
    }


def district_out(district: District) -> dict:
    return {
        "id": district.pk,
        "name": district.name,
        "slug": district.slug,
        "code": district.code,
        "municipality": {"code": district.municipality.code, "name": district.municipality.name},
        "approximate": district.approximate,
        "source": district.source,
        "geometry": district.boundary,
    }


@router.get(
    "/places",
    response={200: list[PlaceOut], **errors(401, 403, 422)},
    summary="Namngivna platser du får se",
)
def list_places(request, district: DbId | None = None):
    places = place_list_for_user(request.auth).select_related("municipality", "district")
    if district is not None:
        places = places.filter(district=district)
    return [place_out(place) for place in places.order_by("municipality__name", "name", "pk")]


@router.get(
    "/places/{place_id}",
    response={200: PlaceOut, **errors(401, 403, 404, 422)},
    summary="En namngiven plats",
)
def get_place(request, place_id: DbId):
    return place_out(get_place_for_user(request.auth, place_id))


@router.get(
    "/districts",
    response={200: list[DistrictOut], **errors(401, 403)},
    summary="Områden du får se, med gräns (GeoJSON)",
)
def list_districts(request):
    districts = district_list_for_user(request.auth).select_related("municipality")
    return [district_out(d) for d in districts.order_by("municipality__name", "name", "pk")]


@router.get(
    "/districts/{district_id}",
    response={200: DistrictOut, **errors(401, 403, 404, 422)},
    summary="Ett område med gräns",
)
def get_district(request, district_id: DbId):
    return district_out(get_district_for_user(request.auth, district_id))
