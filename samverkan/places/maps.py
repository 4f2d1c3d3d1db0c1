"""A sketch of districts and places as inline SVG, until the Leaflet map arrives.

Geometry is drawn in SWEREF 99 TM, so distances and shapes are true to scale (WGS 84
degrees would stretch Luleå north–south by a factor of 2.4). SVG units are kilometres
from the frame's north-west corner; y grows southwards as on screen.
"""

from dataclasses import dataclass, field

import shapely
from shapely.geometry.base import BaseGeometry

from samverkan.analysis.geo import geometry_to_sweref, to_sweref
from samverkan.places.models import District, Municipality, Place


@dataclass
class SketchShape:
    title: str
    url: str
    path: str
    label: str = ""  # the district's number in the table beside the sketch
    label_x: float = 0.0
    label_y: float = 0.0
    approximate: bool = False
    current: bool = False  # the district the page is about


@dataclass
class SketchPoint:
    title: str
    url: str
    x: float
    y: float


@dataclass
class Sketch:
    view_box: str
    width_km: float
    height_km: float
    outline: str = ""
    shapes: list[SketchShape] = field(default_factory=list)
    points: list[SketchPoint] = field(default_factory=list)

    @property
    def font_size(self) -> float:
        return round(max(self.width_km, self.height_km) / 45, 3)

    @property
    def stroke(self) -> float:
        return round(max(self.width_km, self.height_km) / 500, 4)

    @property
    def radius(self) -> float:
        return round(max(self.width_km, self.height_km) / 200, 3)


class _Frame:
    def __init__(self, bounds: tuple[float, float, float, float]):
        min_e, min_n, max_e, max_n = bounds
        margin = max(max_e - min_e, max_n - min_n) * 0.02
        self.west, self.north = min_e - margin, max_n + margin
        self.width_km = (max_e - min_e + 2 * margin) / 1000
        self.height_km = (max_n - min_n + 2 * margin) / 1000
        # Simplify to about a pixel of a 1000-pixel-wide drawing: real boundaries can carry
        # tens of thousands of vertices that nobody sees at this scale.
        self.tolerance = max(self.width_km, self.height_km)

    def xy(self, e: float, n: float) -> tuple[float, float]:
        return round((e - self.west) / 1000, 3), round((self.north - n) / 1000, 3)

    def path(self, geometry: BaseGeometry) -> str:
        simple = shapely.simplify(geometry, self.tolerance, preserve_topology=True)
        parts = []
        for polygon in getattr(simple, "geoms", [simple]):
            for ring in [polygon.exterior, *polygon.interiors]:
                points = [self.xy(e, n) for e, n in ring.coords[:-1]]
                if points:
                    parts.append("M" + " L".join(f"{x},{y}" for x, y in points) + " Z")
        return " ".join(parts)


def sketch_of(
    municipality: Municipality,
    districts: list[District],
    places: list[Place],
    *,
    frame: District | None = None,
) -> Sketch:
    """The municipality's outline with its districts numbered 1… in the given order and its
    places as dots; with `frame`, the drawing is cut to that district, which is highlighted
    among its neighbours."""
    outline = geometry_to_sweref(municipality.geometry())
    projected = [geometry_to_sweref(d.geometry()) for d in districts]
    framed = geometry_to_sweref(frame.geometry()) if frame is not None else outline
    view = _Frame(framed.bounds)
    sketch = Sketch(
        view_box=f"0 0 {view.width_km:.3f} {view.height_km:.3f}",
        width_km=view.width_km,
        height_km=view.height_km,
        outline=view.path(outline),
    )
    for number, (district, geometry) in enumerate(zip(districts, projected, strict=True), 1):
        anchor = geometry.representative_point()
        x, y = view.xy(anchor.x, anchor.y)
        sketch.shapes.append(
            SketchShape(
                title=district.name,
                url=district.get_absolute_url(),
                path=view.path(geometry),
                label=str(number) if frame is None else "",
                label_x=x,
                label_y=y,
                approximate=district.approximate,
                current=frame is not None and district.pk == frame.pk,
            )
        )
    if places:
        es, ns = to_sweref([p.lon for p in places], [p.lat for p in places])
        for place, e, n in zip(places, es.tolist(), ns.tolist(), strict=True):
            x, y = view.xy(e, n)
            sketch.points.append(SketchPoint(place.name, place.get_absolute_url(), x, y))
    return sketch
