"""Incident reports from the rows of a CSV or XLSX file through a column mapping: the pure
parse step.

No ORM, no request: a table (`imports.tabular.read_table`), a mapping
(`importers.mapping`) and plain lookups in; row dicts (the shape
``importers.load.load_incidents`` takes) and row-level problems out. `file_import` is the
thin Django step around it. See docs/imports.md for the file format users are told about.

- Every value is read by its field's rules (`imports.values`: dates, numbers, yes/no …;
  `importers.positions`: coordinates); a value that cannot be read becomes a problem (row,
  column, value, Swedish reason) and the row is left out.
- A row the reader found broken (`Table.problems`: an unclosed quote, the wrong number of
  fields) fails with that message; the other rows are read as usual.
- Without an id column the external id is a hash of the mapped values of the row, so that
  importing the same file again finds the same reports and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from samverkan.imports.tabular import Table, is_empty
from samverkan.imports.values import (
    STOCKHOLM,
    ValueProblem,
    key,
    parse_choice,
    parse_clock,
    parse_decimal,
    parse_moment,
    parse_yes_no,
    text_of,
    to_utc,
)
from samverkan.incidents.importers.mapping import Lookups, Options, check_mapping
from samverkan.incidents.importers.positions import parse_position, sweref_to_wgs84

SEVERITY = {"1": 1, "2": 2, "3": 3, "låg": 1, "lag": 1, "medel": 2, "hög": 3, "hog": 3}
PLACE_TYPES = {
    "offentlig": "offentlig",
    "offentlig plats": "offentlig",
    "halvoffentlig": "halvoffentlig",
    "halvoffentlig plats": "halvoffentlig",
}
CLASSIFICATIONS = {
    "öppen": "oppen",
    "oppen": "oppen",
    "intern": "intern",
    "begränsad": "begransad",
    "begransad": "begransad",
}


@dataclass(frozen=True)
class RowProblem:
    row: int | None
    field: str  # the column header (what the user sees), or "" for the row as a whole
    value: str
    message: str


@dataclass
class ParseResult:
    rows: list[dict] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    total: int = 0  # data rows read (empty rows not counted)
    failed_rows: set[int] = field(default_factory=set)


def external_id_of(values: dict[str, str]) -> str:
    """A stable id from the row's mapped values: the same row gets the same id next time."""
    text = "\x1f".join(f"{target}={values[target]}" for target in sorted(values))
    return "h-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def parse_rows(
    table: Table,
    mapping: dict[str, str],
    *,
    options: Options | None = None,
    lookups: Lookups | None = None,
    now: dt.datetime | None = None,
) -> ParseResult:
    """Row dicts for `load_incidents` and the problems of the rows that cannot be read, all
    at once (`iter_rows` is the same, row by row).

    `category` is a slug, `district` and `place` the keys of `lookups`; a FileError is raised
    when the mapping does not fit the file (nothing can be read then).
    """
    headers = {
        target: table.headers[i] for target, i in check_mapping(table.headers, mapping).items()
    }
    result = ParseResult()
    for row in iter_rows(table, mapping, options=options, lookups=lookups, now=now):
        result.total += 1
        unreadable = row.get("problems")
        if unreadable is None:
            result.rows.append(row)
            continue
        result.failed_rows.add(row["row"])
        result.problems += [
            RowProblem(row["row"], headers.get(target, ""), value, message)
            for target, value, message in unreadable
        ]
    return result


# Rows whose SWEREF 99 TM positions are converted together (vectorised) while streaming.
CHUNK = 1000


def iter_rows(
    table: Table,
    mapping: dict[str, str],
    *,
    options: Options | None = None,
    lookups: Lookups | None = None,
    now: dt.datetime | None = None,
) -> Iterator[dict]:
    """The file's rows one by one, in order, as row dicts for `load_incidents`; a row that
    cannot be read comes as ``{"row": n, "problems": [(target, value, message), …]}``, which
    the loader records as a failed row. Only a chunk of rows is held at a time.

    Raises FileError at once (before any row) when the mapping does not fit the file.
    """
    index = check_mapping(table.headers, mapping)
    return _iter_rows(
        table,
        index,
        options=options or Options(),
        lookups=lookups or Lookups(),
        now=now or dt.datetime.now(dt.UTC),
    )


def _iter_rows(
    table: Table, index: dict[str, int], *, options: Options, lookups: Lookups, now: dt.datetime
) -> Iterator[dict]:
    seen_ids: dict[str, int] = {}
    chunk: list[dict] = []
    broken = table.problems
    for number, record in table.rows:
        if number in broken:
            # A broken row (an unclosed quote, the wrong number of fields): failed as a
            # whole, never read into the fields (its cells are not where the header says).
            chunk.append({"row": number, "problems": [("", "", broken[number])]})
            continue
        cells = {target: (record[i] if i < len(record) else None) for target, i in index.items()}
        problems: list[tuple[str, str, str]] = []

        def problem(target: str, message: str, cells=cells, problems=problems) -> None:
            problems.append((target, text_of(cells.get(target)), message))

        row = _parse_row(cells, options, lookups, now, problem)
        if "external_id" in index:
            external_id = text_of(cells["external_id"])
            if not external_id:
                problem("external_id", _("saknar externt id"))
        else:
            external_id = external_id_of(
                {target: text for target, value in cells.items() if (text := text_of(value))}
            )
        if not problems and external_id in seen_ids:
            if "external_id" in index:
                message = _("samma externa id som rad %(row)s; varje rapport behöver ett eget id")
            else:
                message = _(
                    "samma innehåll som rad %(row)s (utan id-kolumn räknas det som en dubblett)"
                )
            problem("external_id", message % {"row": seen_ids[external_id]})
        if problems:
            chunk.append({"row": number, "problems": problems})
        else:
            seen_ids[external_id] = number
            row.update(row=number, external_id=external_id)
            chunk.append(row)
        if len(chunk) >= CHUNK:
            yield from _converted(chunk, options)
            chunk = []
    yield from _converted(chunk, options)


def _converted(rows: list[dict], options: Options) -> list[dict]:
    """SWEREF 99 TM positions of a chunk to WGS 84, in one vectorised call."""
    if options.crs == "sweref99tm":
        placed = [row for row in rows if "lat" in row]
        if placed:
            converted = sweref_to_wgs84([r["lat"] for r in placed], [r["lon"] for r in placed])
            for row, (lat, lon) in zip(placed, converted, strict=True):
                row["lat"], row["lon"] = lat, lon
    return rows


def _parse_row(cells: dict, options: Options, lookups: Lookups, now: dt.datetime, problem):
    row: dict[str, Any] = {}

    def present(target: str) -> bool:
        return target in cells and not is_empty(cells[target])

    def read(target: str, parse, *args):
        try:
            return parse(cells[target], *args)
        except ValueProblem as error:
            problem(target, str(error))
            return None

    # When: a date (maybe with a time), a time column, an end.
    if not present("occurred_from"):
        problem("occurred_from", _("saknar datum"))
    else:
        start = read("occurred_from", parse_moment, options.date_format)
        clock = read("time", parse_clock) if present("time") else None
        if start is not None and (clock is not None or not present("time")):
            moment, has_time = start
            if clock is not None:
                local_date = moment.astimezone(STOCKHOLM).date()
                moment, has_time = to_utc(dt.datetime.combine(local_date, clock)), True
            end = _end_of_day(moment, now) if not has_time else moment
            if present("occurred_to"):
                finish = read("occurred_to", parse_moment, options.date_format)
                if finish is not None:
                    end = finish[0] if finish[1] else _end_of_day(finish[0], now)
            row["occurred_from"] = moment
            row["occurred_to"] = end
            row["time_precision"] = "exakt" if has_time else "dag"

    # What.
    if not present("category"):
        problem("category", _("saknar kategori"))
    else:
        name = text_of(cells["category"])
        slug = lookups.categories.get(key(name)) or lookups.type_mappings.get(key(name))
        if slug is None:
            problem(
                "category",
                _(
                    "kategorin %(name)s finns inte; använd en kategoris namn eller kortnamn, "
                    "eller lägg till en typmappning för filimport"
                )
                % {"name": name},
            )
        else:
            row["category"] = slug
            row["source_type"] = name[:200]
    if present("description"):
        row["description"] = text_of(cells["description"])

    # Where.
    for target, table in (("district", lookups.districts), ("place", lookups.places)):
        if present(target):
            what = _("området") if target == "district" else _("platsen")
            name = text_of(cells[target])
            found = table.get(key(name), [])
            if not found:
                problem(
                    target,
                    _("%(what)s %(name)s finns inte i någon kommun du samverkar i")
                    % {"what": what, "name": name},
                )
            elif len(found) > 1:
                problem(
                    target,
                    _("%(what)s %(name)s finns i flera kommuner; ange en position i stället")
                    % {"what": what, "name": name},
                )
            else:
                row[target] = found[0]
    if present("lat") or present("lon"):
        if not (present("lat") and present("lon")):
            problem("lat" if not present("lat") else "lon", _("bara en av två koordinater"))
        else:
            try:
                row["lat"], row["lon"] = parse_position(
                    cells["lat"], cells["lon"], options.crs, convert=False
                )
            except ValueProblem as error:
                problem("lat", str(error))

    # The reporter's assessment and the rest.
    if present("severity"):
        value = read("severity", parse_choice, SEVERITY, _("1, 2, 3, låg, medel eller hög"))
        if value is not None:
            row["severity"] = value
    if present("creates_insecurity"):
        value = read("creates_insecurity", parse_yes_no)
        if value is not None:
            row["creates_insecurity"] = value
    if present("place_type"):
        value = read("place_type", parse_choice, PLACE_TYPES, _("offentlig eller halvoffentlig"))
        if value is not None:
            row["place_type"] = value
    if present("classification"):
        value = read(
            "classification", parse_choice, CLASSIFICATIONS, _("öppen, intern eller begränsad")
        )
        if value is not None:
            row["classification"] = value
    if present("cost_sek"):
        value = read("cost_sek", parse_decimal)
        if value is not None:
            if value < 0:
                problem("cost_sek", _("kostnaden kan inte vara negativ"))
            else:
                row["cost_sek"] = value.quantize(Decimal("0.01"))
    return row


def _end_of_day(moment: dt.datetime, now: dt.datetime) -> dt.datetime:
    """The last second of the local day that `moment` starts, but not later than now."""
    day = moment.astimezone(STOCKHOLM).date()
    end = to_utc(dt.datetime.combine(day + dt.timedelta(days=1), dt.time())) - dt.timedelta(
        seconds=1
    )
    return max(moment, min(end, now))
