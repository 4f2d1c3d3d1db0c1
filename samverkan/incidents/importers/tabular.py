"""Read incident reports from a CSV or XLSX file through a column mapping: the pure parse step.

No ORM, no request: bytes and plain lookups in, row dicts (the shape
``importers.load.load_incidents`` takes) and row-level problems out. `file_import` is the
thin Django step around it. See docs/imports.md for the file format users are told about.

- A file is XLSX when it is a zip (openpyxl, read-only, first sheet or a named one); any
  other file is read as CSV text: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's
  "Unicode text"), else Windows-1252; the delimiter (; , or tab) is taken from the header line.
- Rows are numbered as the user sees them: the header is row 1, the first data row row 2.
  Empty rows are skipped but keep their number.
- A mapping sends a target field (`TARGET_FIELDS`) to a column header. Every value is read
  by the field's rules (dates, numbers, coordinates, yes/no …); a value that cannot be read
  becomes a problem (row, column, value, Swedish reason) and the row is left out.
- Times are local Swedish time (Europe/Stockholm) unless the value carries an offset. An
  ambiguous time (the repeated hour when summer time ends, 02:00–02:59 on the last Sunday
  of October) is read as the first one, still summer time (+02:00). A time that does not
  exist (02:00–02:59 on the last Sunday of March) is read with the offset in force before
  the change (+01:00), so 02:30 becomes 03:30 summer time.
- Without an id column the external id is a hash of the mapped values of the row, so that
  importing the same file again finds the same reports and changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.analysis.geo import in_sweden, to_wgs84

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PREVIEW_ROWS = 5

TARGET_FIELDS = {
    "external_id": gettext_lazy("Externt id"),
    "occurred_from": gettext_lazy("Datum (ev. med klockslag)"),
    "time": gettext_lazy("Klockslag"),
    "occurred_to": gettext_lazy("Slut (datum, ev. med klockslag)"),
    "category": gettext_lazy("Kategori"),
    "description": gettext_lazy("Beskrivning"),
    "district": gettext_lazy("Område"),
    "place": gettext_lazy("Plats"),
    "lat": gettext_lazy("Latitud eller N (norrkoordinat)"),
    "lon": gettext_lazy("Longitud eller E (östkoordinat)"),
    "severity": gettext_lazy("Allvarlighet (1–3 eller låg/medel/hög)"),
    "creates_insecurity": gettext_lazy("Skapar otrygghet (ja/nej)"),
    "place_type": gettext_lazy("Typ av plats (offentlig/halvoffentlig)"),
    "classification": gettext_lazy("Klassning (öppen/intern/begränsad)"),
    "cost_sek": gettext_lazy("Kostnad (kr)"),
}
REQUIRED_FIELDS = ("occurred_from", "category")

DATE_FORMATS = {
    "auto": gettext_lazy("Automatiskt"),
    "iso": gettext_lazy("ISO 8601 (2026-08-22 21:30)"),
    "sv": gettext_lazy("Svenskt (22/8 2026 21.30, 22 aug 2026 kl. 21.30)"),
    "compact": gettext_lazy("Kompakt (20260822)"),
}
CRS_CHOICES = {
    "wgs84": gettext_lazy("WGS 84 (latitud/longitud i grader)"),
    "sweref99tm": gettext_lazy("SWEREF 99 TM (N/E i meter)"),
}

# Header names (casefolded, spaces collapsed) that are taken as a target field when nobody
# chose. X/Y are ambiguous in Sweden (surveyors write X for north): the swap check of the
# coordinates catches the other reading.
HEADER_GUESSES = {
    "external_id": ["id", "externt id", "ärendenummer", "ärende", "löpnummer", "nr", "rapport-id"],
    "occurred_from": ["datum", "date", "tidpunkt", "datum och tid", "när", "inträffade", "start"],
    "time": ["tid", "klockslag", "klockan", "kl", "time"],
    "occurred_to": ["slut", "till", "slutdatum", "sluttid"],
    "category": ["kategori", "typ", "händelsetyp", "händelse", "category"],
    "description": ["beskrivning", "text", "kommentar", "fritext", "description"],
    "district": ["område", "omrade", "stadsdel", "district"],
    "place": ["plats", "platsnamn", "adress", "place"],
    "lat": ["lat", "latitud", "latitude", "n", "nord", "norr", "northing", "y"],
    "lon": ["lon", "lng", "long", "longitud", "longitude", "e", "öst", "ost", "easting", "x"],
    "severity": ["allvarlighet", "allvarlighetsgrad", "grad"],
    "creates_insecurity": ["skapar otrygghet", "otrygghet", "otryggt"],
    "place_type": ["typ av plats", "platstyp"],
    "classification": ["klassning", "klassificering", "informationsklass"],
    "cost_sek": ["kostnad", "kostnad (kr)", "kostnad kr", "belopp", "saneringskostnad"],
}

MONTHS = {
    "jan": 1, "januari": 1, "feb": 2, "februari": 2, "mar": 3, "mars": 3, "apr": 4,
    "april": 4, "maj": 5, "jun": 6, "juni": 6, "jul": 7, "juli": 7, "aug": 8, "augusti": 8,
    "sep": 9, "sept": 9, "september": 9, "okt": 10, "oktober": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_TIME = (
    r"(?i:\s*(?:T|,)?\s*(?:kl\.?\s*)?(?P<h>\d{1,2})[:.](?P<mi>\d{2})"
    r"(?:[:.](?P<s>\d{2})(?:[.,]\d+)?)?)?"
)
_OFFSET = r"\s*(?P<tz>[Zz]|[+-]\d{2}:?\d{2})?"
DATE_PATTERNS = {
    "iso": [re.compile(r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})" + _TIME + _OFFSET)],
    "compact": [
        re.compile(
            r"(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})(?:[Tt ]?(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})?)?"
        )
    ],
    "sv": [
        re.compile(r"(?P<d>\d{1,2})[/.](?P<mo>\d{1,2})(?:[/.]|\s+)(?P<y>\d{4}|\d{2})" + _TIME),
        re.compile(
            r"(?:[a-zåäö]+dag(?:en)?\s+(?:den\s+)?)?(?P<d>\d{1,2})\s+(?P<mon>[a-zåäö]+)\.?"
            r"\s+(?P<y>\d{4})" + _TIME
        ),
    ],
}
DATE_PATTERNS["auto"] = DATE_PATTERNS["iso"] + DATE_PATTERNS["compact"] + DATE_PATTERNS["sv"]
_CLOCK = re.compile(r"(?:kl\.?\s*)?(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?)?")
_CLOCK_COMPACT = re.compile(r"(?P<h>\d{2})(?P<mi>\d{2})")

YES = {"ja", "j", "yes", "y", "true", "sant", "1", "x"}
NO = {"nej", "n", "no", "false", "falskt", "0", "-"}
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

# SWEREF 99 TM over Sweden with a margin (metres): northing and easting.
SWEREF_N = (6_000_000.0, 7_800_000.0)
SWEREF_E = (150_000.0, 1_000_000.0)
# An Excel serial day number (1900 system) as found in an unformatted date cell: 1954–2119.
EXCEL_SERIAL = (20_000, 80_000)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)


class FileError(ValueError):
    """The file as a whole cannot be imported; the message (Swedish) says why."""


@dataclass(frozen=True)
class Table:
    headers: list[str]
    # (row number as the user sees it, cell values) of the rows with data: a list for XLSX,
    # CsvRows (read again on each pass, never held) for CSV.
    rows: Sequence[tuple[int, list[Any]]]
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""


@dataclass(frozen=True)
class RowProblem:
    row: int | None
    field: str  # the column header (what the user sees), or "" for the row as a whole
    value: str
    message: str


@dataclass
class Lookups:
    """Casefolded names → keys. Categories by name or slug → slug; `type_mappings` is the
    SourceTypeMapping table of source "file" (source type → slug); districts and places by
    name → every key that carries the name (more than one is ambiguous)."""

    categories: dict[str, str] = field(default_factory=dict)
    type_mappings: dict[str, str] = field(default_factory=dict)
    districts: dict[str, list[Any]] = field(default_factory=dict)
    places: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Options:
    date_format: str = "auto"
    crs: str = "wgs84"
    sheet: str = ""

    @classmethod
    def from_dict(cls, options: dict | None) -> Options:
        options = options or {}
        date_format = options.get("date_format") or "auto"
        crs = options.get("crs") or "wgs84"
        if date_format not in DATE_FORMATS:
            raise FileError(
                _("Okänt datumformat %(value)s; välj ett av %(choices)s.")
                % {"value": date_format, "choices": ", ".join(DATE_FORMATS)}
            )
        if crs not in CRS_CHOICES:
            raise FileError(
                _("Okänt koordinatsystem %(value)s; välj ett av %(choices)s.")
                % {"value": crs, "choices": ", ".join(CRS_CHOICES)}
            )
        return cls(date_format=date_format, crs=crs, sheet=options.get("sheet") or "")


@dataclass
class ParseResult:
    rows: list[dict] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    total: int = 0  # data rows read (empty rows not counted)
    failed_rows: set[int] = field(default_factory=set)


def key(text: Any) -> str:
    return " ".join(str(text).split()).casefold().rstrip(":")


# --- Reading the file -------------------------------------------------------------------------


def read_table(data: bytes, *, sheet: str = "") -> Table:
    """Header and rows of a CSV or XLSX file, or FileError with a Swedish reason."""
    if not data or not data.strip():
        raise FileError(_("Filen är tom."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, sheet=sheet)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(
            _(
                "Filen är i Excels gamla format (.xls). Spara den som .xlsx eller CSV och försök igen."
            )
        )
    return _read_csv(data)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data:
        raise FileError(_("Filen är varken en CSV-fil (text) eller en XLSX-fil."))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise FileError(
            _(
                "Filens teckenkodning känns inte igen (byte %(byte)s på position %(pos)s är "
                "varken UTF-8 eller Windows-1252). Spara filen som CSV UTF-8."
            )
            % {"byte": f"0x{data[error.start]:02X}", "pos": error.start}
        ) from None


def _sniff_delimiter(first_line: str) -> str:
    outside, quoted = [], False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(char)
    counts = {delimiter: outside.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    text = text.lstrip("\ufeff")
    first_line, _newline, rest = text.partition("\n")
    first_line = first_line.rstrip("\r")
    hint = re.fullmatch(r"sep=(.)", first_line.strip())
    if hint:
        # Excel's "sep=;" line names the delimiter; Excel does not show it as a row.
        delimiter, text = hint.group(1), rest
    else:
        delimiter = _sniff_delimiter(first_line)
    try:
        header = next(csv.reader(_lines(text), delimiter=delimiter), [])
        rows = CsvRows(text, delimiter)
    except csv.Error as error:
        raise FileError(_("Filen kan inte läsas som CSV: %(error)s") % {"error": error}) from None
    return _table([header], kind="csv", encoding=encoding, delimiter=delimiter, rows=rows)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their line ends (\\r\\n, \\r or \\n, as with newline="") for
    csv.reader, which joins the lines of a quoted field: without a copy of the whole text,
    unlike io.StringIO (four bytes a character)."""
    return (match.group() for match in _LINE.finditer(text))


class CsvRows(Sequence):
    """The data rows of a CSV text (empty rows skipped, numbered as the user sees them),
    parsed again on each pass instead of held: a file of 100 000 rows as lists of cells
    would take several times the file's size. Built with one pass that counts the rows and
    finds a broken file (csv.Error) before anything is imported."""

    def __init__(self, text: str, delimiter: str):
        self.text, self.delimiter = text, delimiter
        self._count = sum(1 for _row in self)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(_lines(self.text), delimiter=self.delimiter)
        next(reader, None)  # the header
        for number, record in enumerate(reader, start=2):
            if not all(_is_empty(value) for value in record):
                yield number, record

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(islice(self, index.start, index.stop, index.step))
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return next(islice(self, index, None))

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    __hash__ = None


def _read_xlsx(data: bytes, *, sheet: str) -> Table:
    import openpyxl  # only needed for XLSX files

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise FileError(
            _("Filen kan inte läsas som XLSX (Excel): %(error)s") % {"error": error}
        ) from None
    try:
        if sheet:
            if sheet not in workbook.sheetnames:
                raise FileError(
                    _("Bladet %(sheet)s finns inte i filen. Filens blad: %(sheets)s.")
                    % {"sheet": sheet, "sheets": ", ".join(workbook.sheetnames)}
                )
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.worksheets[0]
        records = [list(row) for row in worksheet.iter_rows(values_only=True)]
        return _table(records, kind="xlsx", sheet=worksheet.title)
    finally:
        workbook.close()


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(records: list[list[Any]], rows: Sequence | None = None, **meta) -> Table:
    """The table of `records` (the header first); `rows` when the data rows come apart."""
    if not records or all(_is_empty(value) for value in records[0]):
        raise FileError(_("Filen saknar rubrikrad: rad 1 ska innehålla kolumnernas namn."))
    headers = [("" if value is None else str(value)).strip() for value in records[0]]
    while headers and not headers[-1]:
        headers.pop()
    if rows is None:
        rows = [
            (number, record)
            for number, record in enumerate(records[1:], start=2)
            if not all(_is_empty(value) for value in record)
        ]
    return Table(headers=headers, rows=rows, **meta)


def guess_mapping(headers: Iterable[str]) -> dict[str, str]:
    """Target field → header, for the headers whose name says what they hold."""
    by_key = {}
    for header in headers:
        by_key.setdefault(key(header), header)
    mapping = {}
    for target, names in HEADER_GUESSES.items():
        for name in names:
            if name in by_key and by_key[name] not in mapping.values():
                mapping[target] = by_key[name]
                break
    return mapping


def check_mapping(headers: list[str], mapping: dict[str, str]) -> dict[str, int]:
    """Target field → column index, or FileError when the mapping does not fit the file."""
    mapping = {target: header for target, header in mapping.items() if header}
    unknown = sorted(set(mapping) - set(TARGET_FIELDS))
    if unknown:
        raise FileError(
            _("Okända målfält i kolumnmappningen: %(fields)s. Möjliga fält: %(choices)s.")
            % {"fields": ", ".join(unknown), "choices": ", ".join(TARGET_FIELDS)}
        )
    missing = [target for target in REQUIRED_FIELDS if target not in mapping]
    if missing:
        raise FileError(
            _("Kolumnmappningen saknar %(fields)s, som varje rapport behöver.")
            % {"fields": ", ".join(str(TARGET_FIELDS[target]) for target in missing)}
        )
    if ("lat" in mapping) != ("lon" in mapping):
        raise FileError(_("Mappa både latitud/N och longitud/E, eller ingen av dem."))
    index = {}
    for target, header in mapping.items():
        positions = [i for i, name in enumerate(headers) if key(name) == key(header)]
        if not positions:
            raise FileError(
                _(
                    "Kolumnen %(header)s (för %(field)s) finns inte i filen. "
                    "Filens kolumner: %(headers)s."
                )
                % {
                    "header": header,
                    "field": TARGET_FIELDS[target],
                    "headers": ", ".join(h for h in headers if h),
                }
            )
        if len(positions) > 1:
            raise FileError(
                _("Kolumnen %(header)s finns %(n)s gånger i filen; ge kolumnerna olika namn.")
                % {"header": header, "n": len(positions)}
            )
        index[target] = positions[0]
    return index


# --- Reading one value ------------------------------------------------------------------------


class ValueProblem(ValueError):
    """A value that cannot be read; the message is Swedish and names the reason."""


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


_PLAIN_NUMBER = re.compile(r"-?\d+([.,]\d+)?")


def parse_decimal(value: Any) -> Decimal:
    """A number written the Swedish or the English way: 12,5 · 1 234,50 · 1.234,50 · 12.5."""
    if isinstance(value, bool):
        raise ValueProblem(_("är inte ett tal"))
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueProblem(_("är inte ett tal"))
        return Decimal(str(value))
    text = str(value).strip()
    if _PLAIN_NUMBER.fullmatch(text):  # the common case, fast: 12 · 12.5 · 12,5
        return Decimal(text.replace(",", "."))
    text = re.sub(r"(?i)\s*(kr|sek|:-)$", "", text)
    text = re.sub(r"[\s\u00a0\u202f']", "", text).replace("\u2212", "-")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise ValueProblem(_("är inte ett tal"))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueProblem(_("är inte ett tal")) from None


def to_utc(local: dt.datetime) -> dt.datetime:
    """A naive Swedish local time as an aware UTC datetime (see the module docstring for the
    treatment of the hour that repeats or is skipped when summer time ends or starts)."""
    return local.replace(tzinfo=STOCKHOLM, fold=0).astimezone(dt.UTC)


def _offset(text: str) -> dt.timezone:
    if text.upper() == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_moment(value: Any, date_format: str = "auto") -> tuple[dt.datetime, bool]:
    """(aware UTC datetime, whether a time of day was given) from a cell.

    A date without a time is midnight local time, with False.
    """
    if isinstance(value, dt.datetime):
        has_time = value.time() != dt.time(0, 0)
        if value.tzinfo is not None:
            return value.astimezone(dt.UTC), True
        return to_utc(value), has_time
    if isinstance(value, dt.date):
        return to_utc(dt.datetime.combine(value, dt.time())), False
    if isinstance(value, int | float) and not isinstance(value, bool):
        if EXCEL_SERIAL[0] <= value <= EXCEL_SERIAL[1]:
            moment = EXCEL_EPOCH + dt.timedelta(days=float(value))
            moment = moment.replace(microsecond=0)
            return to_utc(moment), moment.time() != dt.time(0, 0)
        value = text_of(value)
    text = " ".join(str(value).split()).casefold()
    for pattern in DATE_PATTERNS[date_format]:
        match = pattern.fullmatch(text)
        if match:
            return _moment_from(match)
    raise ValueProblem(
        _("kan inte läsas som datum med formatet %(format)s (t.ex. %(example)s)")
        % {"format": DATE_FORMATS[date_format], "example": _example(date_format)}
    )


def _example(date_format: str) -> str:
    return {
        "iso": "2026-08-22 21:30",
        "sv": "22/8 2026 21.30",
        "compact": "20260822",
    }.get(date_format, "2026-08-22 21:30, 22/8 2026 21.30, 22 aug 2026 kl. 21.30, 20260822")


def _moment_from(match: re.Match) -> tuple[dt.datetime, bool]:
    parts = match.groupdict()
    year = int(parts["y"])
    if year < 100:
        year += 2000
    if parts.get("mon") is not None:
        month = MONTHS.get(parts["mon"])
        if month is None:
            raise ValueProblem(
                _("månaden %(month)s känns inte igen (skriv t.ex. aug eller augusti)")
                % {"month": parts["mon"]}
            )
    else:
        month = int(parts["mo"])
    has_time = parts.get("h") is not None
    try:
        moment = dt.datetime(
            year,
            month,
            int(parts["d"]),
            int(parts["h"] or 0),
            int(parts["mi"] or 0),
            int(parts["s"] or 0),
        )
    except ValueError:
        raise ValueProblem(_("är inget giltigt datum eller klockslag")) from None
    if parts.get("tz"):
        return moment.replace(tzinfo=_offset(parts["tz"])).astimezone(dt.UTC), True
    return to_utc(moment), has_time


def parse_clock(value: Any) -> dt.time:
    """A time of day: 21:30, 21.30, kl. 21.30, 2130, 21, or an Excel time."""
    if isinstance(value, dt.datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, float) and 0 <= value < 1:
        seconds = round(value * 86400)
        return dt.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    text = " ".join(text_of(value).split()).casefold()
    match = _CLOCK_COMPACT.fullmatch(text) or _CLOCK.fullmatch(text)
    if match:
        parts = match.groupdict()
        try:
            return dt.time(int(parts["h"]), int(parts["mi"] or 0), int(parts.get("s") or 0))
        except ValueError:
            pass
    raise ValueProblem(_("är inget klockslag (skriv t.ex. 21:30, 21.30 eller kl. 21.30)"))


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


def parse_choice(value: Any, choices: dict[str, Any], expected: str) -> Any:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = key(text_of(value))
    if text in choices:
        return choices[text]
    first = re.match(r"[1-3]\b", text)
    if first and first.group() in choices:  # "2 – medel"
        return choices[first.group()]
    raise ValueProblem(_("ska vara %(expected)s") % {"expected": expected})


def parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = key(text_of(value))
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueProblem(_("ska vara ja eller nej (ja/nej, 1/0 eller x för ja)"))


# --- Rows -------------------------------------------------------------------------------------


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
    for number, record in table.rows:
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
        return target in cells and not _is_empty(cells[target])

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


def preview(table: Table, rows: int = PREVIEW_ROWS) -> list[tuple[int, list[str]]]:
    """The first rows as (row number, text of each cell under a header), for the mapping page."""
    width = len(table.headers)
    return [
        (number, [text_of(value) for value in (record + [None] * width)[:width]])
        for number, record in islice(table.rows, rows)
    ]
