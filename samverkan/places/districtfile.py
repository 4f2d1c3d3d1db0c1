"""Reading district boundaries from a GeoJSON FeatureCollection, as Lantmäteriet, a
municipality's GIS or QGIS export them.

`parse_district_file` checks every feature and names each bad one by its position in the
file (`features[2]`, counted from 0 as in the JSON) and its name; writing the result is
`services.districts_import`. The format is documented in docs/places.md.

Coordinates are WGS 84 unless the file says otherwise in the old-style `crs` member (which
RFC 7946 dropped but GIS tools still write), e.g. `"urn:ogc:def:crs:EPSG::3006"` for
SWEREF 99 TM. A file without `crs` whose coordinates cannot be degrees (beyond ±180/±90) is
read as SWEREF 99 TM, the usual metric grid for Swedish data; the result must still lie in
Sweden, so a wrong guess is reported rather than stored.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from samverkan.analysis.geo import SWEREF99TM, WGS84, crs_name, geometry_to_wgs84, is_wgs84
from samverkan.places.geometry import check_boundary, parse_geometry, to_geojson
from samverkan.places.services import DistrictIn

NAME_PROPERTIES = ("name", "namn", "Name", "Namn", "NAME", "NAMN")
CODE_PROPERTIES = ("code", "kod", "Code", "Kod", "CODE", "KOD")


@dataclass(frozen=True)
class FeatureProblem:
    index: int | None  # position in `features`, from 0; None for the file as a whole
    name: str
    message: str

    def __str__(self) -> str:
        if self.index is None:
            return self.message
        where = f"features[{self.index}]"
        if self.name:
            where += f" ({self.name})"
        return f"{where}: {self.message}"


class DistrictFileInvalid(Exception):
    def __init__(self, problems: list[FeatureProblem], crs: str = "", crs_guessed: bool = False):
        self.problems = problems
        self.crs = crs
        self.crs_guessed = crs_guessed
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class DistrictFile:
    districts: list[DistrictIn]
    crs: str = WGS84  # the CRS the file's coordinates were read in
    crs_guessed: bool = False  # no `crs` member; read as SWEREF 99 TM from the numbers
    property_names: list[str] = field(default_factory=list)


def _file_problem(message: str) -> DistrictFileInvalid:
    return DistrictFileInvalid([FeatureProblem(None, "", message)])


def _load(raw: bytes | str) -> Any:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _file_problem(
                _("filen är inte UTF-8 (byte %(position)d); GeoJSON ska vara UTF-8")
                % {"position": exc.start}
            ) from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _file_problem(
            _("filen är inte giltig JSON: rad %(line)d, kolumn %(column)d: %(error)s")
            % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
        ) from None
    except RecursionError:
        raise _file_problem(
            _("filen är nästlad i tusentals nivåer; GeoJSON har högst fem nivåer av listor")
        ) from None


def _declared_crs(data: dict) -> str | None:
    """The CRS named by the old-style `crs` member, or None when there is none."""
    crs = data.get("crs")
    if crs is None:
        return None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str) or not name:
        raise _file_problem(
            _('crs ska ha formen {"type": "name", "properties": {"name": "EPSG:3006"}}')
        )
    try:
        return crs_name(name)
    except ValueError:
        raise _file_problem(_("okänt koordinatsystem i crs: %(name)s") % {"name": name}) from None


def _looks_metric(geometries: list[BaseGeometry]) -> bool:
    for geometry in geometries:
        min_x, min_y, max_x, max_y = geometry.bounds
        if max(abs(min_x), abs(max_x)) > 180 or max(abs(min_y), abs(max_y)) > 90:
            return True
    return False


def _name(properties: dict, name_property: str | None) -> tuple[str, str | None]:
    """(name, problem): the feature's name, or a message saying why there is none."""
    candidates = (name_property,) if name_property else NAME_PROPERTIES
    for key in candidates:
        value = properties.get(key)
        if value is not None and str(value).strip():
            return str(value).strip(), None
    available = ", ".join(sorted(properties)) or _("inga")
    if name_property:
        message = _(
            "egenskapen %(property)s saknas eller är tom (objektets egenskaper: %(available)s)"
        )
        return "", message % {"property": name_property, "available": available}
    message = _(
        "namn saknas: ingen av egenskaperna %(candidates)s finns (objektets egenskaper: "
        "%(available)s); välj egenskap med --name-property"
    )
    return "", message % {"candidates": ", ".join(NAME_PROPERTIES), "available": available}


def _code(properties: dict) -> str:
    for key in CODE_PROPERTIES:
        value = properties.get(key)
        if value is not None and str(value).strip():
            return str(value).strip()[:40]
    return ""


def parse_district_file(raw: bytes | str, *, name_property: str | None = None) -> DistrictFile:
    """Read and check a GeoJSON FeatureCollection of district boundaries.

    Every feature needs a name (the property `name_property`, or by default the first of
    name/namn/NAME/NAMN…) and a valid Polygon or MultiPolygon in Sweden. The slug is the
    property `slug` if present, else made from the name ("Råneå" → "ranea"); an optional
    code comes from `code`/`kod`. Raises DistrictFileInvalid listing every problem.
    """
    data = _load(raw)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise _file_problem(
            _('filen ska vara en GeoJSON FeatureCollection ("type": "FeatureCollection")')
        )
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise _file_problem(_("filen innehåller inga objekt (features saknas eller är tom)"))
    declared = _declared_crs(data)

    problems: list[FeatureProblem] = []
    read: list[tuple[int, str, str, str, BaseGeometry]] = []  # index, name, slug, code, geometry
    seen_slugs: dict[str, int] = {}
    property_names: set[str] = set()
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(
                FeatureProblem(index, "", _('ska vara ett objekt med "type": "Feature"'))
            )
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            problems.append(FeatureProblem(index, "", _("properties ska vara ett JSON-objekt")))
            continue
        property_names.update(properties)
        name, name_problem = _name(properties, name_property)
        if name_problem:
            problems.append(FeatureProblem(index, "", name_problem))
        slug = str(properties.get("slug") or "").strip() or slugify(name)
        if name and not slug:
            problems.append(
                FeatureProblem(index, name, _("namnet ger inget kortnamn; ange egenskapen slug"))
            )
        elif slug and slug in seen_slugs:
            problems.append(
                FeatureProblem(
                    index,
                    name,
                    _("samma kortnamn (%(slug)s) som features[%(other)d]")
                    % {"slug": slug, "other": seen_slugs[slug]},
                )
            )
        elif slug:
            seen_slugs[slug] = index
        if feature.get("geometry") is None:
            problems.append(FeatureProblem(index, name, _("geometri saknas")))
            continue
        try:
            geometry = parse_geometry(feature["geometry"])
        except ValidationError as error:
            problems.append(FeatureProblem(index, name, error.messages[0]))
            continue
        read.append((index, name, slug, _code(properties), geometry))

    crs, guessed = declared or WGS84, False
    if declared is None and _looks_metric([item[4] for item in read]):
        crs, guessed = SWEREF99TM, True
    districts: list[DistrictIn] = []
    for index, name, slug, code, geometry in read:
        if not is_wgs84(crs):
            geometry = geometry_to_wgs84(geometry, crs)
        try:
            check_boundary(geometry)
        except ValidationError as error:
            problems.append(FeatureProblem(index, name, error.messages[0]))
            continue
        if name and slug:
            districts.append(
                DistrictIn(name=name, slug=slug, code=code, boundary=to_geojson(geometry))
            )
    if problems:
        raise DistrictFileInvalid(problems, crs=crs, crs_guessed=guessed)
    return DistrictFile(
        districts, crs=crs, crs_guessed=guessed, property_names=sorted(property_names)
    )
