"""Reads of municipalities, districts and places for the district pages, of what the user
may see (fetched through `samverkan.places.access`).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count

from samverkan.analysis.geo import area_km2
from samverkan.places.maps import Sketch, sketch_of
from samverkan.places.models import District, Municipality, Place

# --- The districts page -----------------------------------------------------------------------


@dataclass
class DistrictRow:
    district: District
    number: int  # its label on the sketch
    area_km2: float
    place_count: int


@dataclass
class MunicipalityView:
    municipality: Municipality
    area_km2: float
    districts: list[DistrictRow] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    sketch: Sketch | None = None

    @property
    def any_approximate(self) -> bool:
        return self.municipality.approximate or any(r.district.approximate for r in self.districts)


def district_overview(municipalities: Iterable[Municipality]) -> list[MunicipalityView]:
    """The user's municipalities (`municipality_list_for_user`) with their districts (area,
    number of places) and places.

    Three queries, whatever the number of municipalities, districts and places.
    """
    municipalities = list(municipalities)
    districts = (
        District.objects.filter(municipality__in=[m.pk for m in municipalities])
        .annotate(place_count=Count("places"))
        .order_by("municipality", "name", "pk")
    )
    places = (
        Place.objects.filter(municipality__in=[m.pk for m in municipalities])
        .select_related("district")
        .order_by("municipality", "name", "pk")
    )
    views = {m.pk: MunicipalityView(m, area_km2(m.geometry())) for m in municipalities}
    for district in districts:
        rows = views[district.municipality_id].districts
        rows.append(
            DistrictRow(
                district, len(rows) + 1, area_km2(district.geometry()), district.place_count
            )
        )
    for place in places:
        views[place.municipality_id].places.append(place)
    for view in views.values():
        view.sketch = sketch_of(
            view.municipality, [row.district for row in view.districts], view.places
        )
    return list(views.values())


@dataclass
class DistrictView:
    district: District
    area_km2: float
    places: list[Place]
    sketch: Sketch


def district_view(district: District) -> DistrictView:
    """One district of an already scoped queryset, with its places; the sketch shows its
    neighbours too."""
    places = list(district.places.order_by("name", "pk"))
    neighbours = list(district.municipality.districts.order_by("name", "pk"))
    return DistrictView(
        district=district,
        area_km2=area_km2(district.geometry()),
        places=places,
        sketch=sketch_of(district.municipality, neighbours, places, frame=district),
    )
