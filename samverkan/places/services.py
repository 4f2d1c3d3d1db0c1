"""Every write to municipalities, districts and places, and the rule that a place's district
follows from its point.

Boundaries are checked here (`places.geometry`) whichever way they arrive: demo, admin,
import command. There is no user-facing write path yet; when the incident form lets
reporters add places, it gets a permission check here like `plans.services` has.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from shapely import Point

from samverkan.analysis.geo import district_for_points
from samverkan.organisations.models import Organisation
from samverkan.places.geometry import check_position, clean_boundary, degrees
from samverkan.places.models import District, Municipality, Place


def municipality_upsert(
    *,
    code: str,
    name: str,
    boundary: dict | str,
    organisation: Organisation | None = None,
    approximate: bool = False,
    source: str = "",
) -> Municipality:
    """Create or update the municipality with this kommunkod."""
    if not re.fullmatch(r"[0-9]{4}", code):
        raise ValidationError(_("Kommunkoden är fyra siffror."), code="municipality_code")
    fields = {
        "name": name,
        "boundary": clean_boundary(boundary),
        "organisation": organisation,
        "approximate": approximate,
        "source": source,
    }
    municipality, _created = Municipality.objects.update_or_create(code=code, defaults=fields)
    return municipality


def district_upsert(
    *,
    municipality: Municipality,
    slug: str,
    name: str,
    boundary: dict | str,
    code: str = "",
    approximate: bool = False,
    source: str = "",
    assign_places: bool = True,
) -> District:
    """Create or update the district with this slug in the municipality.

    The places of the municipality are re-assigned afterwards, since a new or moved border
    may move them; pass assign_places=False when writing many districts and call
    `places_assign_districts` once at the end.
    """
    fields = {
        "name": name,
        "boundary": clean_boundary(boundary),
        "code": code,
        "approximate": approximate,
        "source": source,
    }
    with transaction.atomic():
        district, _created = District.objects.update_or_create(
            municipality=municipality, slug=slug, defaults=fields
        )
        if assign_places:
            places_assign_districts(municipality=municipality)
    return district


def district_at(municipality: Municipality, *, lat: float, lon: float) -> District | None:
    """The municipality's district the point lies in, or None (used by incidents too)."""
    districts = list(District.objects.filter(municipality=municipality))
    [found] = district_for_points([lon], [lat], [(d, d.geometry()) for d in districts])
    return found


def _check_in_municipality(municipality: Municipality, *, lat: float, lon: float) -> None:
    if municipality.geometry().covers(Point(lon, lat)):
        return
    if municipality.approximate:
        message = _(
            "Positionen lat %(lat)s, lon %(lon)s ligger utanför kommungränsen för "
            "%(municipality)s (gränsen är ungefärlig)."
        )
    else:
        message = _(
            "Positionen lat %(lat)s, lon %(lon)s ligger utanför kommungränsen för %(municipality)s."
        )
    raise ValidationError(
        message % {"lat": degrees(lat), "lon": degrees(lon), "municipality": municipality.name},
        code="outside_municipality",
    )


def place_check_position(*, municipality: Municipality, lat, lon) -> tuple[float, float]:
    """(lat, lon) as floats, or ValidationError (Swedish) unless the point lies in Sweden
    and within the municipality's boundary."""
    lat, lon = check_position(lat=lat, lon=lon)
    _check_in_municipality(municipality, lat=lat, lon=lon)
    return lat, lon


def _clean(place: Place) -> None:
    # Fields only (name, kind): the position was checked above, and the database's own check
    # constraints stand behind that; validating them here would cost a query each.
    place.full_clean(exclude=["municipality", "district"], validate_constraints=False)


def place_create(
    *,
    municipality: Municipality,
    name: str,
    lat: float,
    lon: float,
    kind: str = Place.Kind.OTHER,
    description: str = "",
) -> Place:
    """A new place; its district is the one its point lies in (or none)."""
    lat, lon = place_check_position(municipality=municipality, lat=lat, lon=lon)
    place = Place(
        municipality=municipality,
        name=name,
        kind=kind,
        lat=lat,
        lon=lon,
        description=description,
        district=district_at(municipality, lat=lat, lon=lon),
    )
    _clean(place)
    place.save()
    return place


def places_create_many(*, municipality: Municipality, places: list[dict]) -> list[Place]:
    """Many new places at once, by the rules of `place_create`, in a handful of queries.

    Each item holds name, lat, lon and optionally kind and description. All or nothing: the
    first bad item raises ValidationError naming the place.
    """
    districts = list(District.objects.filter(municipality=municipality))
    new = []
    for item in places:
        try:
            lat, lon = place_check_position(
                municipality=municipality, lat=item["lat"], lon=item["lon"]
            )
        except ValidationError as error:
            raise ValidationError(f"{item['name']}: {error.messages[0]}") from None
        place = Place(
            municipality=municipality,
            name=item["name"],
            kind=item.get("kind", Place.Kind.OTHER),
            lat=lat,
            lon=lon,
            description=item.get("description", ""),
        )
        _clean(place)
        new.append(place)
    found = district_for_points(
        [p.lon for p in new], [p.lat for p in new], [(d, d.geometry()) for d in districts]
    )
    for place, district in zip(new, found, strict=True):
        place.district = district
    return Place.objects.bulk_create(new)


def place_update(*, place: Place, **fields) -> Place:
    """Change name, kind, description or position; a moved place gets its district anew."""
    allowed = {"name", "kind", "description", "lat", "lon"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"place_update() cannot change {sorted(unknown)}")
    for key, value in fields.items():
        setattr(place, key, value)
    place.lat, place.lon = place_check_position(
        municipality=place.municipality, lat=place.lat, lon=place.lon
    )
    place.district = district_at(place.municipality, lat=place.lat, lon=place.lon)
    _clean(place)
    place.save()
    return place


def places_assign_districts(*, municipality: Municipality) -> int:
    """Put every place of the municipality in the district its point lies in, in one pass.

    Returns how many places changed district.
    """
    districts = list(District.objects.filter(municipality=municipality))
    places = list(
        Place.objects.filter(municipality=municipality).only("pk", "lat", "lon", "district")
    )
    if not places:
        return 0
    found = district_for_points(
        [p.lon for p in places],
        [p.lat for p in places],
        [(d.pk, d.geometry()) for d in districts],
    )
    changed = []
    for place, district_id in zip(places, found, strict=True):
        if place.district_id != district_id:
            place.district_id = district_id
            changed.append(place)
    Place.objects.bulk_update(changed, ["district"], batch_size=1000)
    return len(changed)


# --- Importing district boundaries ----------------------------------------------------------


@dataclass(frozen=True)
class DistrictIn:
    """One district read from a boundary file, already checked (`places.districtfile`)."""

    name: str
    slug: str
    boundary: dict
    code: str = ""


@dataclass(frozen=True)
class DistrictImport:
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    removed: list[str]
    kept: list[str]  # in the database but not in the file, kept because replace was not asked
    places_moved: int


def districts_import(
    *,
    municipality: Municipality,
    districts: list[DistrictIn],
    source: str,
    replace: bool = False,
) -> DistrictImport:
    """Write checked districts for the municipality, all or nothing, keyed by slug.

    Running the same file again changes nothing. With replace, the municipality's districts
    that are not in the file are deleted (their places lose the district and are assigned
    anew). The imported boundaries are real ones: approximate is cleared.
    """
    created, updated, unchanged = [], [], []
    with transaction.atomic():
        existing = {d.slug: d for d in District.objects.filter(municipality=municipality)}
        for item in districts:
            boundary = clean_boundary(item.boundary)  # the caller checked; this is the rule's home
            fields = {
                "name": item.name,
                "code": item.code,
                "boundary": boundary,
                "approximate": False,
                "source": source,
            }
            district = existing.get(item.slug)
            if district is None:
                District.objects.create(municipality=municipality, slug=item.slug, **fields)
                created.append(item.name)
            elif all(getattr(district, key) == value for key, value in fields.items()):
                unchanged.append(item.name)
            else:
                for key, value in fields.items():
                    setattr(district, key, value)
                district.save()
                updated.append(item.name)
        in_file = {item.slug for item in districts}
        others = [d for slug, d in existing.items() if slug not in in_file]
        removed, kept = [], []
        if replace:
            District.objects.filter(pk__in=[d.pk for d in others]).delete()
            removed = [d.name for d in others]
        else:
            kept = [d.name for d in others]
        moved = places_assign_districts(municipality=municipality)
    return DistrictImport(created, updated, unchanged, removed, kept, moved)
