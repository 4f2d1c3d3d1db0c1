"""Checking boundaries and positions before they are stored, with the reason in Swedish.

A boundary is a GeoJSON geometry object (RFC 7946): a Polygon or MultiPolygon in WGS 84,
longitude before latitude. It is stored as parsed, without a third (height) coordinate.
"""

import json
import math
import re
import warnings
from typing import Any

import shapely
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from samverkan.analysis.geo import SWEDEN_BBOX, in_sweden

BOUNDARY_TYPES = ("Polygon", "MultiPolygon")


def degrees(value: float) -> str:
    """A coordinate as written in messages: up to six decimals (about 0.1 m), no trailing zeros."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _invalid_reason(geometry: BaseGeometry) -> str:
    """GEOS's reason (e.g. "Self-intersection[22.05 65.05]") in Swedish, with the place."""
    reason = shapely.is_valid_reason(geometry)
    match = re.fullmatch(r"(?P<what>[^\[]+)(\[(?P<x>\S+) (?P<y>\S+)\])?", reason or "")
    what = match["what"].strip() if match else reason
    reasons = {
        "Self-intersection": _("gränsen korsar sig själv"),
        "Ring Self-intersection": _("en ring korsar sig själv"),
        "Hole lies outside shell": _("ett hål ligger utanför ytterkanten"),
        "Holes are nested": _("ett hål ligger inuti ett annat hål"),
        "Interior is disconnected": _("hålen delar ytan i flera delar"),
        "Nested shells": _("en delyta ligger inuti en annan"),
        "Duplicate Rings": _("samma ring förekommer två gånger"),
        "Too few points in geometry component": _(
            "en ring har för få olika punkter (minst tre behövs)"
        ),
        "Invalid Coordinate": _("en koordinat är inte ett tal"),
        "Ring is not closed": _("en ring är inte sluten"),
        "Repeated Point": _("en punkt upprepas"),
    }
    text = reasons.get(what, what)
    if match and match["x"] is not None:
        try:
            x, y = float(match["x"]), float(match["y"])
        except ValueError:
            return text
        if math.isfinite(x) and math.isfinite(y):
            return _("%(reason)s vid lon %(lon)s, lat %(lat)s") % {
                "reason": text,
                "lon": degrees(x),
                "lat": degrees(y),
            }
    return text


def parse_geometry(value: Any) -> BaseGeometry:
    """A shapely geometry from a GeoJSON geometry object (a dict, or its JSON text).

    Raises ValidationError with a Swedish message when it is not a readable Polygon or
    MultiPolygon. Does not check validity or position; see `check_boundary`.
    """
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ValidationError(
                _("gränsen är inte giltig JSON: %(error)s") % {"error": exc}, code="json"
            ) from None
        except RecursionError:
            raise ValidationError(
                _("gränsen är nästlad i tusentals nivåer; en polygon har högst fyra"),
                code="json",
            ) from None
    if not isinstance(value, dict) or "type" not in value:
        raise ValidationError(
            _("gränsen ska vara ett GeoJSON-geometriobjekt med type och coordinates"),
            code="not_geometry",
        )
    kind = value.get("type")
    if kind not in BOUNDARY_TYPES:
        raise ValidationError(
            _("geometrin ska vara Polygon eller MultiPolygon, inte %(type)s") % {"type": kind},
            code="geometry_type",
        )
    try:
        with warnings.catch_warnings():
            # NaN coordinates: shapely warns, and validity reports them below.
            warnings.simplefilter("ignore", RuntimeWarning)
            geometry = shape(value)
    except (KeyError, TypeError, ValueError, IndexError, ShapelyError):
        raise ValidationError(
            _(
                "koordinaterna går inte att läsa som en %(type)s (en lista av ringar med [lon, lat]-par)"
            )
            % {"type": kind},
            code="coordinates",
        ) from None
    return shapely.force_2d(geometry)


def check_boundary(geometry: BaseGeometry) -> None:
    """Raise ValidationError (Swedish) unless the geometry is a non-empty, valid Polygon or
    MultiPolygon inside Sweden's bounding box."""
    if geometry.geom_type not in BOUNDARY_TYPES:
        raise ValidationError(
            _("geometrin ska vara Polygon eller MultiPolygon, inte %(type)s")
            % {"type": geometry.geom_type},
            code="geometry_type",
        )
    if geometry.is_empty:
        raise ValidationError(_("gränsen saknar koordinater"), code="empty")
    if not shapely.is_valid(geometry):
        raise ValidationError(
            _("ogiltig gräns: %(reason)s") % {"reason": _invalid_reason(geometry)},
            code="invalid",
        )
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if not (in_sweden(min_lon, min_lat) and in_sweden(max_lon, max_lat)):
        raise ValidationError(
            _(
                "gränsen ligger utanför Sverige: den sträcker sig över lon %(lon)s och lat "
                "%(lat)s, Sverige ryms inom lon %(sweden_lon)s och lat %(sweden_lat)s. "
                "Koordinaterna ska vara WGS 84 i ordningen longitud, latitud."
            )
            % {
                "lon": f"{degrees(min_lon)}–{degrees(max_lon)}",
                "lat": f"{degrees(min_lat)}–{degrees(max_lat)}",
                "sweden_lon": f"{degrees(SWEDEN_BBOX[0])}–{degrees(SWEDEN_BBOX[2])}",
                "sweden_lat": f"{degrees(SWEDEN_BBOX[1])}–{degrees(SWEDEN_BBOX[3])}",
            },
            code="outside_sweden",
        )


def clean_boundary(value: Any) -> dict:
    """Parse and check a boundary; return it as a GeoJSON geometry dict ready to store."""
    geometry = parse_geometry(value)
    check_boundary(geometry)
    return to_geojson(geometry)


def to_geojson(geometry: BaseGeometry) -> dict:
    return json.loads(shapely.to_geojson(geometry))


def check_position(*, lat: Any, lon: Any) -> tuple[float, float]:
    """(lat, lon) as floats, or ValidationError (Swedish) unless both are numbers in Sweden."""
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError):
        raise ValidationError(
            _("Latitud och longitud ska vara tal (WGS 84, decimalgrader)."), code="not_number"
        ) from None
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)):
        raise ValidationError(
            _("Latitud och longitud ska vara tal (WGS 84, decimalgrader)."), code="not_number"
        )
    if not in_sweden(lon_f, lat_f):
        raise ValidationError(
            _(
                "Positionen lat %(lat)s, lon %(lon)s ligger utanför Sverige. Är latitud och "
                "longitud förväxlade?"
            )
            % {"lat": degrees(lat_f), "lon": degrees(lon_f)},
            code="outside_sweden",
        )
    return lat_f, lon_f
