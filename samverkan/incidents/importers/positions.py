"""The position of an incident in a file: two columns in WGS 84 or SWEREF 99 TM, checked
for the other system, swapped columns and a point outside Sweden."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from samverkan.analysis.geo import in_sweden, to_wgs84
from samverkan.imports.values import ValueProblem, parse_decimal, text_of

# SWEREF 99 TM over Sweden with a margin (metres): northing and easting.
SWEREF_N = (6_000_000.0, 7_800_000.0)
SWEREF_E = (150_000.0, 1_000_000.0)


def parse_position(
    lat_value: Any, lon_value: Any, crs: str, *, convert: bool = True
) -> tuple[float, float]:
    """(lat, lon) in WGS 84 from the two columns, read in the chosen coordinate system
    (with `convert=False`, SWEREF 99 TM is checked but returned as (N, E), for converting
    many points at once with `sweref_to_wgs84`).

    Values that are plainly of the other system, swapped, or outside the valid range raise
    ValueProblem naming the values, as does a point outside Sweden; whether it lies in the
    municipality is the load step's check.
    """
    a, b = float(parse_decimal(lat_value)), float(parse_decimal(lon_value))
    if crs == "sweref99tm":
        north, east = a, b
        if abs(north) <= 180 and abs(east) <= 180:
            raise ValueProblem(
                _(
                    "N %(n)s, E %(e)s ser ut som grader (WGS 84), inte meter i SWEREF 99 TM; "
                    "välj koordinatsystem WGS 84."
                )
                % {"n": text_of(lat_value), "e": text_of(lon_value)}
            )
        n_ok, e_ok = _within(north, SWEREF_N), _within(east, SWEREF_E)
        if not (n_ok and e_ok):
            if _within(east, SWEREF_N) and _within(north, SWEREF_E):
                raise ValueProblem(
                    _(
                        "N %(n)s och E %(e)s verkar omkastade: N (norrkoordinat) ska vara "
                        "6 000 000–7 800 000 m och E (östkoordinat) 150 000–1 000 000 m i "
                        "Sverige. Byt kolumnerna i mappningen."
                    )
                    % {"n": text_of(lat_value), "e": text_of(lon_value)}
                )
            raise ValueProblem(
                _(
                    "N %(n)s, E %(e)s ligger utanför SWEREF 99 TM:s område för Sverige "
                    "(N 6 000 000–7 800 000 m, E 150 000–1 000 000 m)."
                )
                % {"n": text_of(lat_value), "e": text_of(lon_value)}
            )
        if not convert:
            return north, east
        [(lat, lon)] = sweref_to_wgs84([north], [east])
        return lat, lon
    lat, lon = a, b
    if abs(lat) > 180 or abs(lon) > 180:
        if max(abs(lat), abs(lon)) > 100_000:
            raise ValueProblem(
                _(
                    "lat %(lat)s, lon %(lon)s ser ut som meter (SWEREF 99 TM), inte grader; "
                    "välj koordinatsystem SWEREF 99 TM."
                )
                % {"lat": text_of(lat_value), "lon": text_of(lon_value)}
            )
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueProblem(
            _(
                "lat %(lat)s, lon %(lon)s är inga giltiga grader (latitud −90–90, "
                "longitud −180–180)."
            )
            % {"lat": text_of(lat_value), "lon": text_of(lon_value)}
        )
    if not in_sweden(lon, lat) and in_sweden(lat, lon):
        raise ValueProblem(
            _(
                "Latitud och longitud verkar omkastade: lat %(lat)s, lon %(lon)s ligger utanför "
                "Sverige, men omvänt i Sverige. Byt kolumnerna i mappningen."
            )
            % {"lat": text_of(lat_value), "lon": text_of(lon_value)}
        )
    if not in_sweden(lon, lat):
        raise ValueProblem(
            _("lat %(lat)s, lon %(lon)s ligger utanför Sverige.")
            % {"lat": text_of(lat_value), "lon": text_of(lon_value)}
        )
    return lat, lon


def sweref_to_wgs84(north: list[float], east: list[float]) -> list[tuple[float, float]]:
    """Many SWEREF 99 TM points as WGS 84 (lat, lon), in one call of PROJ."""
    lons, lats = to_wgs84(np.asarray(east, float), np.asarray(north, float))
    lats, lons = np.round(np.atleast_1d(lats), 7), np.round(np.atleast_1d(lons), 7)
    return list(zip(lats.tolist(), lons.tolist(), strict=True))


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]
