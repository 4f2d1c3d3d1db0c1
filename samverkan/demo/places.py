"""The demo's places: Luleå and Boden with APPROXIMATE boundaries, Luleå's twelve survey
areas and a dozen named places with approximate points.

The boundaries come from the GeoJSON files in places/data (made by
make_approximate_districts.py). Loading is idempotent, keyed by kommunkod, slug and place
name. It never overwrites real data: a municipality or district whose stored boundary is
not approximate (imported with `samverkan import-districts`) is left alone, and a
municipality that has real districts gets no demo districts back.
"""

import json
from importlib import resources

from django.db import transaction

from samverkan.organisations.models import Organisation
from samverkan.places.models import District, Municipality, Place
from samverkan.places.services import (
    district_upsert,
    municipality_upsert,
    places_assign_districts,
    places_create_many,
)

MUNICIPALITIES_FILE = "municipalities-approximate.geojson"
DISTRICT_FILES = [
    ("2580", "lulea-districts-approximate.geojson"),
    ("2582", "boden-districts-approximate.geojson"),
]

APPROXIMATE_POINT = "Ungefärlig position (demo)."

# (kommunkod, name, kind, lat, lon): well-known places, positions read off by eye.
PLACES = [
    ("2580", "Stadsparken", Place.Kind.PARK, 65.5828, 22.1505),
    ("2580", "Smedjegatan/Storgatan busshållplats", Place.Kind.STOP, 65.5843, 22.1552),
    ("2580", "Kulturens hus", Place.Kind.OTHER, 65.5849, 22.1584),
    ("2580", "Gültzauudden", Place.Kind.PARK, 65.5893, 22.1385),
    ("2580", "Hertsö centrum", Place.Kind.CENTRE, 65.5842, 22.2641),
    ("2580", "Porsö centrum", Place.Kind.CENTRE, 65.6168, 22.1336),
    ("2580", "Björkskatans centrum", Place.Kind.CENTRE, 65.6079, 22.2083),
    ("2580", "Bergnäsets centrum", Place.Kind.CENTRE, 65.5633, 22.1285),
    ("2580", "Gammelstads kyrkstad", Place.Kind.OTHER, 65.6463, 22.0289),
    ("2580", "Sunderby sjukhus busshållplats", Place.Kind.STOP, 65.6689, 21.9525),
    ("2580", "Råneå centrum", Place.Kind.CENTRE, 65.8517, 22.3003),
    ("2582", "Bodens resecentrum", Place.Kind.STOP, 65.8250, 21.6910),
]


def _collection(name: str) -> list[dict]:
    text = resources.files("samverkan.places.data").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)["features"]


@transaction.atomic
def load_places() -> None:
    municipalities: dict[str, Municipality] = {}
    for feature in _collection(MUNICIPALITIES_FILE):
        props = feature["properties"]
        existing = Municipality.objects.filter(code=props["code"]).first()
        if existing is not None and not existing.approximate:
            municipalities[props["code"]] = existing
            continue
        municipalities[props["code"]] = municipality_upsert(
            code=props["code"],
            name=props["name"],
            boundary=feature["geometry"],
            organisation=Organisation.objects.filter(slug=props["organisation"]).first(),
            approximate=True,
            source=props["source"],
        )

    for code, file_name in DISTRICT_FILES:
        municipality = municipalities[code]
        real = District.objects.filter(municipality=municipality, approximate=False)
        if real.exists():
            continue
        for feature in _collection(file_name):
            props = feature["properties"]
            district_upsert(
                municipality=municipality,
                slug=props["slug"],
                name=props["name"],
                boundary=feature["geometry"],
                approximate=True,
                source=props["source"],
                assign_places=False,
            )

    existing = set(Place.objects.values_list("municipality__code", "name"))
    for code, municipality in municipalities.items():
        places_create_many(
            municipality=municipality,
            places=[
                {
                    "name": name,
                    "kind": kind,
                    "lat": lat,
                    "lon": lon,
                    "description": APPROXIMATE_POINT,
                }
                for place_code, name, kind, lat, lon in PLACES
                if place_code == code and (code, name) not in existing
            ],
        )
        places_assign_districts(municipality=municipality)
