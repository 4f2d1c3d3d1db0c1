"""Make the demo's APPROXIMATE boundaries: run once, commit the GeoJSON files it writes.

    python -m samverkan.places.data.make_approximate_districts

Nothing here is a real boundary. We have no open copy of Luleå's district boundaries for
the twelve areas of the safety survey (trygghetsmätningen), so the demo draws:

1. a rough outline of each municipality (Luleå and Boden) by hand, with a dozen corners,
   from known places inside and outside it (see LULEA_OUTLINE);
2. for Luleå, one approximate point per survey area (docs/places.md; Norrbyarna and
   Sörbyarna chosen here, see SEEDS), and the Voronoi tessellation of those points: every
   position belongs to the area whose point is nearest. Distances are measured in
   SWEREF 99 TM (metres), and the cells are clipped to the outline, so the twelve areas
   cover the municipality without gaps or overlaps;
3. for Boden, a single district "Boden centrum" of about 6 × 5 km around the town centre.

The result is honest about being approximate (`"approximate": true` and a `source` in every
feature) and good enough to assign demo places and synthetic reports to areas. Replace it
with real boundaries (Nyko areas from Luleå kommun, Lantmäteriet) through
`samverkan import-districts`; docs/places.md says how.

The script needs only shapely and pyproj; it does not import Django. tests/places checks that
the committed files are what this script makes.
"""

import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Polygon, box, mapping

from samverkan.analysis.geo import geometry_to_sweref, geometry_to_wgs84, to_sweref

HERE = Path(__file__).resolve().parent
MUNICIPALITIES_FILE = HERE / "municipalities-approximate.geojson"
LULEA_FILE = HERE / "lulea-districts-approximate.geojson"
BODEN_FILE = HERE / "boden-districts-approximate.geojson"

# Six decimals of a degree: about 0.1 m north–south, 0.05 m east–west at Luleå.
GRID = 1e-6

# Luleå kommun, clockwise from the west, as (lon, lat). Drawn to keep inside: Sunderbyn,
# Gammelstad, Råneå, Kallax airport and the southern archipelago out to Rödkallen
# (65.31 N, 22.37 E); and outside: Boden (65.83 N, 21.69 E), Töre in Kalix kommun
# (65.91 N, 22.65 E), Kalix and Piteå. Good to a few kilometres at best.
LULEA_OUTLINE = [
    (21.80, 65.72),
    (21.92, 65.95),
    (22.05, 66.10),
    (22.35, 66.12),
    (22.50, 66.00),
    (22.55, 65.88),
    (22.80, 65.75),
    (23.00, 65.55),
    (22.90, 65.30),
    (22.40, 65.25),
    (22.00, 65.38),
    (21.75, 65.45),
    (21.70, 65.55),
    (21.78, 65.64),
]

# Bodens kommun: a box around it with Luleå's outline taken out, so the two never overlap.
BODEN_BOX = (20.85, 65.50, 22.15, 66.40)
BODEN_CENTRE_BOX = (21.62, 65.80, 21.76, 65.85)

# One point per area of Luleå's safety survey, as (name, slug, lat, lon).
SEEDS = [
    ("Bergnäset", "bergnaset", 65.565, 22.128),  # public geocode list
    # Björkskatan: two public lists disagree (65.59–65.61, 22.17–22.21); the north-east
    # end is taken so that Örnäset, next to it, keeps a cell of its own.
    ("Björkskatan", "bjorkskatan", 65.608, 22.210),
    ("Centrum", "centrum", 65.584, 22.154),  # Luleå kommun's coordinate for the town
    ("Gammelstad", "gammelstad", 65.632, 22.026),  # sv.wikipedia
    ("Hertsön", "hertson", 65.583, 22.267),  # en.wikipedia
    # Norrbyarna, the villages north of the town between Gammelstad and Råneå (around
    # Persön and Ängesbyn): chosen for the demo.
    ("Norrbyarna", "norrbyarna", 65.730, 22.120),
    ("Notviken", "notviken", 65.600, 22.087),  # public geocode list
    ("Porsön", "porson", 65.614, 22.136),  # public geocode list (the university area)
    ("Råneå", "ranea", 65.850, 22.300),  # 65°51′N 22°18′E
    ("Sunderbyn", "sunderbyn", 65.665, 21.930),  # ~2 mil NW of the town; unverified
    # Sörbyarna, the villages south-west of the town (around Antnäs and Ersnäs): chosen
    # for the demo.
    ("Sörbyarna", "sorbyarna", 65.500, 21.920),
    ("Örnäset", "ornaset", 65.592, 22.178),  # public geocode list, unverified
]

MUNICIPALITY_SOURCE = (
    "UNGEFÄRLIG kontur för demo: ritad för hand med ett tiotal hörn kring kända orter, "
    "inte Lantmäteriets kommungräns. Kan fela med flera kilometer. "
    "Skapad av samverkan/places/data/make_approximate_districts.py."
)
LULEA_DISTRICT_SOURCE = (
    "UNGEFÄRLIG gräns för demo: Voronoi-indelning (närmaste punkt, mätt i SWEREF 99 TM) "
    "kring en ungefärlig punkt per område i trygghetsmätningen, klippt mot en handritad "
    "kommunkontur. Inte kommunens indelning; ersätt med riktiga gränser genom "
    "samverkan import-districts. Skapad av "
    "samverkan/places/data/make_approximate_districts.py."
)
BODEN_DISTRICT_SOURCE = (
    "UNGEFÄRLIG gräns för demo: en rektangel om ungefär 6 × 5 km kring Bodens centrum. "
    "Skapad av samverkan/places/data/make_approximate_districts.py."
)


def _rounded(geometry):
    return shapely.set_precision(geometry, GRID)


def _feature(geometry, **properties) -> dict:
    # Through JSON so that tuples become lists, as when the file is read back.
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": json.loads(json.dumps(mapping(geometry))),
    }


def lulea_outline() -> Polygon:
    return Polygon(LULEA_OUTLINE)


def boden_outline():
    return _rounded(box(*BODEN_BOX).difference(lulea_outline()))


def lulea_districts() -> list[dict]:
    """The twelve Voronoi cells, clipped to Luleå's outline, as GeoJSON features."""
    outline = lulea_outline()
    lats = np.array([s[2] for s in SEEDS])
    lons = np.array([s[3] for s in SEEDS])
    es, ns = to_sweref(lons, lats)
    seeds = shapely.points(es, ns)
    cells = shapely.voronoi_polygons(
        MultiPoint(list(zip(es, ns, strict=True))), extend_to=geometry_to_sweref(outline)
    )
    features = []
    for (name, slug, _lat, _lon), seed in zip(SEEDS, seeds, strict=True):
        # voronoi_polygons does not promise the seeds' order; each cell holds its own seed.
        [cell] = [c for c in cells.geoms if c.contains(seed)]
        # Clip in WGS 84, so that the cells' union is the outline itself.
        clipped = _rounded(geometry_to_wgs84(cell, "EPSG:3006").intersection(outline))
        features.append(
            _feature(clipped, name=name, slug=slug, approximate=True, source=LULEA_DISTRICT_SOURCE)
        )
    return features


def build() -> dict[Path, dict]:
    """Every file this script writes, as path → GeoJSON FeatureCollection."""
    municipalities = [
        _feature(
            _rounded(lulea_outline()),
            code="2580",
            name="Luleå kommun",
            organisation="lulea-kommun",
            approximate=True,
            source=MUNICIPALITY_SOURCE,
        ),
        _feature(
            boden_outline(),
            code="2582",
            name="Bodens kommun",
            organisation="boden-kommun",
            approximate=True,
            source=MUNICIPALITY_SOURCE,
        ),
    ]
    boden_centre = _rounded(box(*BODEN_CENTRE_BOX).intersection(boden_outline()))
    boden = [
        _feature(
            boden_centre,
            name="Boden centrum",
            slug="boden-centrum",
            approximate=True,
            source=BODEN_DISTRICT_SOURCE,
        )
    ]
    return {
        MUNICIPALITIES_FILE: {"type": "FeatureCollection", "features": municipalities},
        LULEA_FILE: {"type": "FeatureCollection", "features": lulea_districts()},
        BODEN_FILE: {"type": "FeatureCollection", "features": boden},
    }


def dump(collection: dict) -> str:
    """One feature per line: small diffs when a boundary changes, readable in review."""
    lines = [json.dumps(f, ensure_ascii=False) for f in collection["features"]]
    return '{"type": "FeatureCollection", "features": [\n' + ",\n".join(lines) + "\n]}\n"


def main() -> None:
    for path, collection in build().items():
        path.write_text(dump(collection), encoding="utf-8")
        print(f"{path.name}: {len(collection['features'])} objekt")


if __name__ == "__main__":
    main()
