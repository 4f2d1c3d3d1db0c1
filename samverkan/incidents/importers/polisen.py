"""Parse Polisen's open events API format (docs/polisen.md) into plain records.

This is the pure parse step: no Django, no ORM, no network. Loading into incidents comes later.

Facts of the real data handled here:

- ``location.gps`` is the centroid of ``location.name`` (a kommun or a län), never the place of
  the event. Every record is therefore flagged ``position_is_centre=True`` and must be kept out
  of hot-spot analysis.
- Since early 2026 most events carry only the county (``"Norrbottens län"``) as
  ``location.name``; the municipality is then the last comma-separated part of ``name``
  (``"22 augusti 17.59, Brand, Luleå"``). Such records are flagged ``county_only=True``.
- ``datetime`` is when the notice was *published* (often an hour or more after the event),
  not when the event happened; the hour is not always zero-padded (``"2026-08-22 9:48:12
  +02:00"``). The event's own day and time are the start of ``name`` (``"22 augusti 17.59"``,
  Swedish local time, no year): ``occurred_at`` is that time, in the year that puts it at or
  shortly before the publication (`title_time`), and ``published_at`` the publication time.
  A name without a readable time gives ``occurred_at = published_at`` and
  ``title_timed=False``.
- ``type`` may carry trailing spaces; the stripped value is ``type``, the original ``type_raw``.
- ``Sammanfattning …`` types summarise many call-outs: kept, flagged ``is_summary=True``, to be
  left out of analysis by default.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

POLISEN_BASE_URL = "https://polisen.se"

_DATETIME = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"\s*([+-])(\d{2}):?(\d{2})\s*$"
)


STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONTHS_SV = {
    name: number
    for number, name in enumerate(
        ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
         "september", "oktober", "november", "december"),
        start=1,
    )
}  # fmt: skip
# "22 augusti 17.59", "2 januari 9.05", "1 juli 00.15" (also "17:59") at the start of a name.
_TITLE_TIME = re.compile(r"\s*(\d{1,2})\s+([^\W\d_]+)\s+(\d{1,2})[.:](\d{2})(?!\d)")
# The same day and time in the notice's address: ".../2023/juni/21/21-juni-1818-brand-solna/".
_SLUG_TIME = re.compile(r"/(\d{1,2})-([^\W\d_]+)-(\d{1,2})[.:]?(\d{2})-[^/]*/?$")
# A title time may lie a little after the publication (clocks, a notice written ahead); one
# more than this after it belongs to the year before.
TITLE_AHEAD = dt.timedelta(days=1)


class PolisenPayloadError(ValueError):
    """The payload as a whole cannot be read (not JSON, not a list)."""


class PolisenEvent(NamedTuple):
    """One kept event. A named tuple: immutable, and a payload of a million builds fast."""

    external_id: str
    occurred_at: dt.datetime  # the title's time (UTC), else the publication time
    name: str
    summary: str
    url: str
    type: str
    type_raw: str
    municipality_code: str
    location_name: str
    lat: float
    lon: float
    # Polisen gives the centroid of the named kommun/län, never the event's place.
    position_is_centre: bool = True
    county_only: bool = False
    is_summary: bool = False
    published_at: dt.datetime | None = None  # Polisen's ``datetime``, in its own offset
    title_timed: bool = False  # occurred_at came from the title


@dataclass(frozen=True)
class Problem:
    index: int
    event_id: str | None
    message: str


@dataclass
class ParseResult:
    rows: list[PolisenEvent] = field(default_factory=list)
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def is_county(location_name: str) -> bool:
    return _key(location_name).endswith(" län")


_ZONES: dict[tuple[str, str, str], dt.timezone] = {}  # (sign, hh, mm) → zone: a handful


def _zone(sign: str, hours: str, minutes: str) -> dt.timezone:
    key = (sign, hours, minutes)
    zone = _ZONES.get(key)
    if zone is None:
        offset = dt.timedelta(hours=int(hours), minutes=int(minutes))
        if offset >= dt.timedelta(hours=24):
            raise ValueError
        zone = _ZONES[key] = dt.timezone(offset if sign == "+" else -offset)
    return zone


def parse_datetime(value: Any) -> dt.datetime:
    """Parse Polisen's ``"2026-08-22 9:48:12 +02:00"`` (hour padded or not) to an aware datetime.

    Raises ValueError with a Swedish message.
    """
    # Polisen's own layout goes straight to fromisoformat (four times faster than the regex
    # below); anything else, or a value it refuses, takes the general path, which words the
    # message.
    if type(value) is str and len(value) in (25, 26) and value.count(" ") == 2:
        day, clock, zone = value.split(" ")
        if len(clock) == 7:
            clock = "0" + clock
        if (
            len(day) == 10
            and len(clock) == 8
            and len(zone) == 6
            and day[4] == day[7] == "-"
            and clock[2] == clock[5] == zone[3] == ":"
            and zone[0] in "+-"
        ):
            try:
                return dt.datetime.fromisoformat(f"{day}T{clock}{zone}")
            except ValueError:
                pass
    m = _DATETIME.match(value) if isinstance(value, str) else None
    if not m:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("saknar tidpunkt (datetime)")
        raise ValueError(f"tidpunkten {value!r} har inte formatet ÅÅÅÅ-MM-DD T:MM:SS +HH:MM")
    year, month, day, hour, minute, second, sign, oh, om = m.groups()
    try:
        return dt.datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            tzinfo=_zone(sign, oh, om),
        )
    except ValueError:
        raise ValueError(f"tidpunkten {value!r} är inte ett giltigt datum och klockslag") from None


def title_time(name: str, published: dt.datetime) -> dt.datetime | None:
    """The event time at the start of a notice's ``name`` (``"22 augusti 17.59, Brand,
    Luleå"``), read as Swedish local time (summer time included), as an aware UTC datetime;
    None when the name does not start with a valid day, Swedish month name and time.

    The title has no year: the year is the one that puts the title time at or before the
    publication time ``published`` (aware), allowing it up to ``TITLE_AHEAD`` after it. A
    title "31 december 23.50" published on 1 January 00.20 is therefore from the year before.
    """
    m = _TITLE_TIME.match(name)
    if m is None:
        return None
    day, month_name, hour, minute = m.groups()
    month = MONTHS_SV.get(month_name.casefold())
    if month is None:
        return None
    day, hour, minute = int(day), int(hour), int(minute)
    if hour > 23 or minute > 59:
        return None
    # Compared as wall-clock tuples (aware datetimes of different zones compare slowly; an
    # hour of summer time does not matter against a day's allowance).
    ahead = published + TITLE_AHEAD
    limit = (ahead.year, ahead.month, ahead.day, ahead.hour, ahead.minute)
    year = published.year
    # The year after only when published just before New Year with a title in January.
    candidates = (year + 1, year) if month == 1 and published.month == 12 else (year, year - 1)
    for candidate in candidates:
        if (candidate, month, day, hour, minute) <= limit:
            try:
                return _local_hour(candidate, month, day, hour) + _MINUTES[minute]
            except ValueError:  # 31 april; 29 februari of a common year: the year before
                continue
    return None


_MINUTES = [dt.timedelta(minutes=m) for m in range(60)]


@functools.lru_cache(maxsize=8192)
def _local_hour(year: int, month: int, day: int, hour: int) -> dt.datetime:
    """The start of that hour of Swedish local time, in UTC (summer time changes on the
    hour; in the hour that occurs twice in October, the first, summer time)."""
    return dt.datetime(year, month, day, hour, tzinfo=STOCKHOLM).astimezone(dt.UTC)


def slug_title(url: str) -> str:
    """The day and time in a notice's address as a name would start ("21 juni 18.18"), or
    "" when the address has none."""
    m = _SLUG_TIME.search(url)
    return "{} {} {}.{}".format(*m.groups()) if m else ""


def parse_gps(value: Any) -> tuple[float, float]:
    """Parse ``"65.584819,22.156702"`` to (lat, lon). Raises ValueError with a Swedish message."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("saknar position (location.gps)")
    parts = value.split(",")
    if len(parts) != 2:
        raise ValueError(f"positionen {value!r} har inte formatet latitud,longitud")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError(f"positionen {value!r} innehåller inte två decimaltal") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"positionen {value!r} ligger utanför giltiga koordinater")
    return lat, lon


def absolute_url(path: Any) -> str:
    if not isinstance(path, str) or not path.strip():
        return ""
    path = path.strip()
    if path.startswith(("http://", "https://")):
        return path
    return POLISEN_BASE_URL + ("" if path.startswith("/") else "/") + path


def event_hash(event: PolisenEvent) -> str:
    """Hash of what Polisen updates under the same id: summary, name and (stripped) type."""
    text = "\x1f".join((event.summary, event.name, event.type))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _load(raw: bytes | str) -> list:
    if isinstance(raw, bytes | bytearray):
        try:
            raw = bytes(raw).decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise PolisenPayloadError(
                f"Filen är inte UTF-8 (fel vid byte {e.start}); Polisens API levererar UTF-8."
            ) from None
    raw = raw.lstrip("\ufeff")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        raise PolisenPayloadError(
            f"Filen är inte giltig JSON (rad {e.lineno}, kolumn {e.colno}): {e.msg}."
        ) from None
    except RecursionError:
        raise PolisenPayloadError(
            "Filen är för djupt nästlad för att vara Polisens händelser (listor och objekt i "
            "tusentals nivåer); Polisens format är en lista av händelser med högst två nivåer "
            "under sig."
        ) from None
    if not isinstance(data, list):
        raise PolisenPayloadError(
            f"Filen ska innehålla en JSON-lista med händelser, men innehåller {_json_kind(data)}."
        )
    _check_shape(data)
    return data


EVENT_FIELDS = ("id", "datetime", "name", "summary", "url", "type", "location")


def _check_shape(data: list) -> None:
    """A list none of whose items is an event (an object with Polisen's fields) is not
    Polisen's format at all: refused as a whole, with what the first item is instead."""
    if not data or any(
        isinstance(item, dict) and any(key in item for key in EVENT_FIELDS) for item in data
    ):
        return
    first = data[0]
    if isinstance(first, dict):
        keys = ", ".join(sorted(map(str, first))[:8]) or "inga fält"
        found = f"den första posten har fälten {keys}"
    else:
        found = f"den första posten är {_json_kind(first)}"
    raise PolisenPayloadError(
        f"Filen är en JSON-lista men inte Polisens händelser: ingen av de {len(data)} "
        f"posterna har något av fälten {', '.join(EVENT_FIELDS)} ({found})."
    )


def _json_kind(data: Any) -> str:
    if isinstance(data, dict):
        return "ett objekt"
    if isinstance(data, list):
        return "en lista"
    if isinstance(data, str):
        return "en sträng"
    if data is None:
        return "null"
    if isinstance(data, bool):
        return "ett sanningsvärde"
    return "ett tal"


def _event_id(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def parse(raw: bytes | str, *, municipalities: dict[str, str]) -> ParseResult:
    """Parse a Polisen events payload; keep events of ``municipalities`` (name -> code).

    Events of other municipalities are counted in ``skipped``; malformed events become
    ``problems`` (never exceptions). A payload that is not a JSON list raises
    ``PolisenPayloadError``.
    """
    data = _load(raw)
    codes = {_key(name): code for name, code in municipalities.items()}
    result = ParseResult()
    rows, problems = result.rows, result.problems
    # A payload repeats a few dozen place names: each is normalised once.
    code_of: dict[str, str | None] = {}
    county: dict[str, bool] = {}
    # …and a few positions (the centroids) and types: each parsed once (bounded, in case a
    # payload has a new position per event).
    points: dict[str, tuple[float, float] | str] = {}
    types: dict[str, str] = {}
    index = 0

    def problem(message: str, event_id: str | None = None) -> None:
        problems.append(Problem(index=index, event_id=event_id, message=message))

    for index, item in enumerate(data):  # noqa: B007 - `problem` reads the index
        if not isinstance(item, dict):
            problem(f"Händelse {index} är inte ett JSON-objekt.")
            continue
        event_id = _event_id(item.get("id"))
        if event_id is None:
            problem(f"Händelse {index} saknar id.")
            continue
        location = item.get("location")
        location_name = _text(location.get("name")).strip() if isinstance(location, dict) else ""
        if not location_name:
            problem(f"Händelse {index} (id {event_id}) saknar platsnamn (location.name).", event_id)
            continue
        name = _text(item.get("name")).strip()
        county_only = county.get(location_name)
        if county_only is None:
            county_only = county[location_name] = is_county(location_name)
        if county_only:
            municipality = name.rsplit(",", 1)[-1].strip() if "," in name else ""
            if not municipality:
                problem(
                    f"Händelse {index} (id {event_id}) har bara länet {location_name!r} som "
                    f"plats och namnet {name!r} slutar inte med en kommun efter sista "
                    "kommatecknet.",
                    event_id,
                )
                continue
        else:
            municipality = location_name
        if municipality in code_of:
            code = code_of[municipality]
        else:
            code = code_of[municipality] = codes.get(_key(municipality))
        if code is None:
            result.skipped += 1
            continue

        messages = []
        try:
            occurred_at = parse_datetime(item.get("datetime"))
        except ValueError as e:
            messages.append(str(e))
        gps = location.get("gps")
        point = points.get(gps) if type(gps) is str else None
        if point is None:
            try:
                point = parse_gps(gps)
            except ValueError as e:
                point = str(e)
            if type(gps) is str and len(points) < 10_000:
                points[gps] = point
        if type(point) is str:
            messages.append(point)
        type_raw = _text(item.get("type"))
        type_ = types.get(type_raw)
        if type_ is None:
            type_ = types[type_raw] = type_raw.strip()
        if not type_:
            messages.append("saknar händelsetyp (type)")
        if messages:
            for message in messages:
                problem(f"Händelse {index} (id {event_id}): {message}.", event_id)
            continue

        lat, lon = point
        published_at = occurred_at.astimezone(dt.UTC)
        url = absolute_url(item.get("url"))
        titled = title_time(name, occurred_at) or title_time(slug_title(url), occurred_at)
        rows.append(
            PolisenEvent(
                event_id,
                titled or published_at,
                name,
                _text(item.get("summary")).strip(),
                url,
                type_,
                type_raw,
                code,
                location_name,
                lat,
                lon,
                True,
                county_only,
                type_.startswith("Sammanfattning"),
                occurred_at,
                titled is not None,
            )
        )
    return result
