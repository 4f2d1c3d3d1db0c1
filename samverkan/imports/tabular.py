# Over 500 lines: the one reader of CSV and XLSX files, with the limits that keep a file from hurting the server.
"""Reading CSV and XLSX files into rows of cells: the one reader every file importer uses.

- A file is XLSX when it is a zip (openpyxl, the first sheet or a named one); any other file
  is read as CSV text in the encoding `imports.encodings` finds (a BOM, UTF-8, else a guess
  among Windows-1252, ISO-8859-1 and Mac Roman that the preview lets the user change), or
  the one asked for. A file with NUL bytes that is none of these is refused, as is Excel's
  old binary format (.xls).
- The delimiter is ; , or tab: a table that starts with its header takes it from the header
  line (Excel's "sep=;" line names it), a published table with title lines above the header
  (`delimiter_of_sample`) from its first 5 000 characters: ";" when there is one (the comma
  is the Swedish decimal sign), else tab, else ",".
- Cells are kept as they are (str, int, float, datetime, None); reading a value (numbers,
  dates) is `imports.values`.
- Rows are numbered as the user sees them: the header is row 1, the first data row row 2.
  Empty rows are skipped but keep their number. A large CSV file is never held as lists of
  cells (`CsvRows` parses it again on each pass).
- A broken CSV row (an unclosed quote, the wrong number of fields: `imports.csvrecords`)
  never takes another row with it: the table's ``problems`` name it by row number, and an
  unclosed quote sets the table's ``refusal`` (the importers then save nothing).
- No file can hurt the server (docs/security.md): a file larger than
  SAMVERKAN_IMPORT_MAX_BYTES is refused before it is parsed (`check_size`); an XLSX file is
  looked into before openpyxl opens it (`check_workbook`): its uncompressed size, each
  part's compression ratio and each sheet's declared dimension (`<dimension ref>`) must
  stay within SAMVERKAN_IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES, _MAX_RATIO and _MAX_CELLS. The
  sheet is then streamed (openpyxl read-only) with its declared dimension reset, so empty
  cells are never made, and reading stops at the cell limit whatever the sheet declared.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from samverkan.imports import csvrecords, encodings
from samverkan.imports.csvrecords import csv_lines
from samverkan.imports.values import swedish_date, swedish_time, text_of

PREVIEW_ROWS = 5
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class FileError(ValueError):
    """The file as a whole cannot be imported; the message (Swedish) says why."""


class WorkbookError(FileError):
    """The zip is no workbook openpyxl can read; ``error`` is openpyxl's exception."""

    def __init__(self, error: Exception):
        super().__init__(_("Filen kan inte läsas som XLSX (Excel): %(error)s") % {"error": error})
        self.error = error


class SheetMissing(FileError):
    """The workbook has no sheet of the name asked for."""

    def __init__(self, sheet: str, names: list[str]):
        super().__init__(
            _("Bladet %(sheet)s finns inte i filen. Filens blad: %(sheets)s.")
            % {"sheet": sheet, "sheets": ", ".join(names)}
        )
        self.sheet, self.names = sheet, names


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
    # CSV: how the encoding was found (`imports.encodings.Guess`; None when it was chosen).
    guess: encodings.Guess | None = None
    # CSV: row number -> why the row cannot be read (a broken row, see `imports.csvrecords`).
    problems: Mapping[int, str] = field(default_factory=dict)
    # CSV: why the file as a whole must not be imported (an unclosed quote), or "".
    refusal: str = ""


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- Text -------------------------------------------------------------------------------------


def decode(data: bytes, encoding: str = "") -> tuple[str, str]:
    """The file's text and the encoding it was read with (`encoding` when given), or
    FileError."""
    return decode_guessed(data, encoding)[:2]


def decode_guessed(data: bytes, encoding: str = "") -> tuple[str, str, encodings.Guess | None]:
    """As `decode`, with the guess behind the encoding (None when `encoding` was given)."""
    if encoding:
        if encoding not in encodings.LABELS:
            raise FileError(_("Okänd teckenkodning: %(encoding)s.") % {"encoding": encoding})
        if encoding == "utf-16" and not encodings.bom_encoding(data):
            encoding = encodings.utf16_without_bom(data) or "utf-16-le"
        try:
            return data.decode(encoding), encoding, None
        except UnicodeDecodeError as error:
            raise FileError(
                _(
                    "Filen kan inte läsas som %(encoding)s: byte %(byte)s på position %(pos)s "
                    "finns inte i den teckenkodningen. Välj en annan."
                )
                % {
                    "encoding": encodings.label(encoding),
                    "byte": f"0x{data[error.start]:02X}",
                    "pos": error.start,
                }
            ) from None
    guess = encodings.detect(data)
    if guess.certain:
        if guess.encoding == "utf-8-sig":
            return data[3:].decode("utf-8"), guess.encoding, guess
        if guess.encoding == "utf-8" and b"\x00" in data:
            raise FileError(_("Filen är varken en CSV-fil (text) eller en XLSX-fil."))
        try:
            return data.decode(guess.encoding), guess.encoding, guess
        except UnicodeDecodeError:
            raise FileError(_("Filen är varken en CSV-fil (text) eller en XLSX-fil.")) from None
    if b"\x00" in data:
        raise FileError(_("Filen är varken en CSV-fil (text) eller en XLSX-fil."))
    if not guess.plausible:
        position = next(i for i, byte in enumerate(data) if byte >= 0x80)
        raise FileError(
            _(
                "Filens teckenkodning känns inte igen (byte %(byte)s på position %(pos)s ger "
                "orimliga tecken i Windows-1252, ISO-8859-1 och Mac Roman, och filen är inte "
                "UTF-8). Spara filen som CSV UTF-8."
            )
            % {"byte": f"0x{data[position]:02X}", "pos": position}
        )
    return data.decode(guess.encoding), guess.encoding, guess


def delimiter_of_header(first_line: str) -> str:
    """The delimiter of a header line: the most frequent of ; tab , outside quotes."""
    outside, quoted = [], False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(char)
    counts = {delimiter: outside.count(delimiter) for delimiter in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def delimiter_of_sample(text: str) -> str:
    """The delimiter of a table with title lines above its header."""
    sample = text[:5000]
    return ";" if ";" in sample else "\t" if "\t" in sample else ","


class CsvRows(Sequence):
    """The data rows of a CSV text (empty rows skipped, numbered as the user sees them),
    parsed again on each pass instead of held: a file of 100 000 rows as lists of cells
    would take several times the file's size. Built with one pass that counts the rows and
    finds the broken ones (`imports.csvrecords`) before anything is imported: ``problems``
    (row number -> Swedish message) and ``refusal`` (an unclosed quote), both kept small.
    `line_offset`: lines of the file above the text (Excel's "sep=;" line)."""

    def __init__(self, text: str, delimiter: str, *, line_offset: int = 0):
        self.text, self.delimiter = text, delimiter
        self.problems: dict[int, str] = {}
        self.refusal = ""
        width = 0
        count = 0
        for record in csvrecords.records(text, delimiter):
            if record.number == 1:
                width = len(record.cells)
                if record.broken == csvrecords.UNCLOSED:
                    raise FileError(
                        _(
                            "Citattecknet som öppnas i rubrikraden (rad %(line)s i filen) stängs "
                            "aldrig, så kolumnernas namn kan inte läsas. Rätta citattecknet och "
                            "försök igen."
                        )
                        % {"line": record.quote_line + line_offset}
                    )
                continue
            if all(is_empty(value) for value in record.cells):
                continue
            count += 1
            if record.broken == csvrecords.RAGGED:
                self.problems[record.number] = _(
                    "Rad %(row)s har %(fields)s fält, rubrikraden har %(width)s. Raden läses "
                    "inte in: kontrollera avgränsare och citattecken på raden."
                ) % {"row": record.number, "fields": len(record.cells), "width": width}
            elif record.broken == csvrecords.UNCLOSED:
                line = record.quote_line + line_offset
                self.problems[record.number] = _(
                    "Rad %(row)s: citattecknet som öppnas på rad %(line)s i filen stängs "
                    "aldrig, så raderna efter skulle ha lästs ihop med den. Raden läses inte "
                    "in; de följande raderna läses var för sig."
                ) % {"row": record.number, "line": line}
                if not self.refusal:
                    self.refusal = _(
                        "Filen importeras inte: citattecknet som öppnas på rad %(line)s i filen "
                        "stängs aldrig (eller på fel ställe), så det går inte att veta var "
                        "fältet slutar. Rätta citattecknet och importera filen igen. Varje rad "
                        "har ändå lästs och kontrollerats; problemen listas nedan."
                    ) % {"line": line}
        self._count = count

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        for record in csvrecords.records(self.text, self.delimiter):
            if record.number > 1 and not all(is_empty(value) for value in record.cells):
                yield record.number, record.cells

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


# --- Limits ----------------------------------------------------------------------------------

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Za-z]{1,3}\d+(?::[A-Za-z]{1,3}\d+)?)\"")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def check_size(size: int) -> None:
    """FileError when a file of `size` bytes is larger than an import takes."""
    limit = settings.SAMVERKAN_IMPORT_MAX_BYTES
    if size > limit:
        raise FileError(
            _(
                "Filen är %(size)s MB; en import tar emot högst %(max)s MB. Dela upp filen "
                "och importera delarna var för sig."
            )
            % {"size": _mb(size), "max": _mb(limit)}
        )


def read_file(path) -> bytes:
    """The bytes of the file at `path` (a `pathlib.Path`), its size checked before it is read
    (FileError when too large); OSError when it cannot be read."""
    check_size(path.stat().st_size)
    return path.read_bytes()


def _cells_of(ref: str) -> int:
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(ref.upper())
    return (max_col - min_col + 1) * (max_row - min_row + 1)


def check_workbook(data: bytes) -> None:
    """FileError when the XLSX file would unpack to more than an import takes: its total
    uncompressed size, one part's compression ratio, or a sheet's declared cell count."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise WorkbookError(error) from None
    with archive:
        parts = archive.infolist()
        total = sum(part.file_size for part in parts)
        limit = settings.SAMVERKAN_IMPORT_XLSX_MAX_UNCOMPRESSED_BYTES
        if total > limit:
            raise FileError(
                _(
                    "XLSX-filen packas upp till %(size)s MB, mer än de %(max)s MB en import "
                    "tar emot. Dela upp filen eller spara bladet som CSV."
                )
                % {"size": _mb(total), "max": _mb(limit)}
            )
        max_ratio = settings.SAMVERKAN_IMPORT_XLSX_MAX_RATIO
        for part in parts:
            ratio = part.file_size / max(part.compress_size, 1)
            if part.file_size > 1024 * 1024 and ratio > max_ratio:
                raise FileError(
                    _(
                        "Delen %(part)s av XLSX-filen packas upp %(ratio)s gånger större än "
                        "den är packad (högst %(max)s gånger tas emot): filen liknar en "
                        "zip-bomb och läses inte."
                    )
                    % {"part": part.filename, "ratio": int(ratio), "max": max_ratio}
                )
        max_cells = settings.SAMVERKAN_IMPORT_XLSX_MAX_CELLS
        for part in parts:
            if not (part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml")):
                continue
            try:
                with archive.open(part) as handle:
                    head = handle.read(64 * 1024)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
                raise WorkbookError(error) from None
            match = _DIMENSION.search(head)
            ref = match.group(1).decode("ascii") if match else ""
            try:
                cells = _cells_of(ref) if ref else 0
            except ValueError:
                cells = 0
            if cells <= max_cells:
                counted = _count_cells(archive, part)
                if counted > max_cells:
                    raise FileError(
                        _(
                            "Ett blad i XLSX-filen (%(part)s) har mer än %(max)s celler; en "
                            "import läser högst så många. Dela upp bladet eller spara det som "
                            "CSV, och försök igen."
                        )
                        % {"part": part.filename, "max": max_cells}
                    )
                continue
            if cells > max_cells:
                raise FileError(
                    _(
                        "Ett blad i XLSX-filen (%(part)s) anger storleken %(ref)s, det vill "
                        "säga %(cells)s celler; en import läser högst %(max)s celler. Ta bort "
                        "tomma rader och kolumner i Excel eller spara bladet som CSV, och "
                        "försök igen."
                    )
                    % {"part": part.filename, "ref": ref, "cells": cells, "max": max_cells}
                )


_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")


def _count_cells(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> int:
    """How many cells (``<c`` elements) the sheet's XML has, counted in the raw stream (a
    second or so for the largest sheet the limits let through, far below openpyxl's time)."""
    count, carry = 0, b""
    limit = settings.SAMVERKAN_IMPORT_XLSX_MAX_CELLS
    try:
        with archive.open(part) as handle:
            while chunk := handle.read(1024 * 1024):
                buffer = carry + chunk
                edge = len(buffer) - 16
                count += sum(1 for m in _CELL.finditer(buffer) if m.start() < edge)
                carry = buffer[max(edge, 0) :]
                if count > limit:
                    return count
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
        raise WorkbookError(error) from None
    return count + len(_CELL.findall(carry))


def too_many_cells(sheet: str) -> FileError:
    limit = settings.SAMVERKAN_IMPORT_XLSX_MAX_CELLS
    return FileError(
        _(
            "Bladet %(sheet)s har fler än %(max)s celler; en import läser högst så många. "
            "Dela upp bladet eller spara det som CSV, och försök igen."
        )
        % {"sheet": sheet, "max": limit}
    )


# --- Workbooks --------------------------------------------------------------------------------


def open_workbook(data: bytes, *, read_only: bool = True):
    """An openpyxl workbook of the file's values (not formulas), or WorkbookError (FileError
    when the file is over a limit, `check_workbook`). Read-only streams the rows; a full
    workbook knows its merged cells (`fill_merged`)."""
    import openpyxl  # only needed for XLSX files

    check_size(len(data))
    check_workbook(data)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=read_only, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise WorkbookError(error) from None


def worksheet_of(workbook, sheet: str | None):
    """The named sheet (SheetMissing when the workbook has none of that name), or the first."""
    if sheet:
        if sheet not in workbook.sheetnames:
            raise SheetMissing(sheet, list(workbook.sheetnames))
        return workbook[sheet]
    return workbook.worksheets[0]


def fill_merged(grid: list[list], worksheet) -> list[list]:
    """Every cell of a merged range gets the value of its top-left cell (published header
    rows merge "Misshandel" over "Antal" and "Per 100 000 inv.": both columns get the name)."""
    for merged in worksheet.merged_cells.ranges:
        top = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(grid) else None
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r - 1 < len(grid):
                    row = grid[r - 1]
                    while len(row) < c:
                        row.append(None)
                    row[c - 1] = top
    return grid


# --- Tables that start with their header ------------------------------------------------------


def read_table(data: bytes, *, sheet: str = "", encoding: str = "") -> Table:
    """Header and rows of a CSV or XLSX file, or FileError with a Swedish reason; a CSV file
    in `encoding` when given, else in the one `imports.encodings` finds."""
    check_size(len(data))
    if not data or not data.strip():
        raise FileError(_("Filen är tom."))
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, sheet=sheet)
    if data.startswith(XLS_MAGIC):
        raise FileError(
            _(
                "Filen är i Excels gamla format (.xls). Spara den som .xlsx eller CSV och försök igen."
            )
        )
    return _read_csv(data, encoding)


def _read_csv(data: bytes, encoding: str = "") -> Table:
    text, encoding, guess = decode_guessed(data, encoding)
    text = text.lstrip("\ufeff")
    first_line = next(csv_lines(text), "")
    hint = re.fullmatch(r"sep=(.)", first_line.strip())
    offset = 0
    if hint:
        # Excel's "sep=;" line names the delimiter; Excel does not show it as a row.
        delimiter, text, offset = hint.group(1), text[len(first_line) :], 1
    else:
        delimiter = delimiter_of_header(first_line.rstrip("\r\n"))
    try:
        header = next(csvrecords.records(text, delimiter), None)
        rows = CsvRows(text, delimiter, line_offset=offset)
    except csv.Error as error:
        raise FileError(_("Filen kan inte läsas som CSV: %(error)s") % {"error": error}) from None
    return _table(
        [header.cells if header else []],
        kind="csv",
        encoding=encoding,
        delimiter=delimiter,
        rows=rows,
        guess=guess,
        problems=rows.problems,
        refusal=rows.refusal,
    )


def _read_xlsx(data: bytes, *, sheet: str) -> Table:
    workbook = open_workbook(data, read_only=True)
    try:
        worksheet = worksheet_of(workbook, sheet)
        # The declared dimension is not trusted: without it openpyxl yields only the cells
        # the sheet has (a missing row is an empty list), never a padded grid.
        worksheet.reset_dimensions()
        limit = settings.SAMVERKAN_IMPORT_XLSX_MAX_CELLS
        records, cells = [], 0
        for row in worksheet.iter_rows(values_only=True):
            cells += max(len(row), 1)
            if cells > limit:
                raise too_many_cells(worksheet.title)
            records.append(list(row))
        return _table(records, kind="xlsx", sheet=worksheet.title)
    finally:
        workbook.close()


def _table(records: list[list[Any]], rows: Sequence | None = None, **meta) -> Table:
    """The table of `records` (the header first); `rows` when the data rows come apart."""
    if not records or all(is_empty(value) for value in records[0]):
        raise FileError(_("Filen saknar rubrikrad: rad 1 ska innehålla kolumnernas namn."))
    headers = [("" if value is None else str(value)).strip() for value in records[0]]
    while headers and not headers[-1]:
        headers.pop()
    if rows is None:
        rows = [
            (number, record)
            for number, record in enumerate(records[1:], start=2)
            if not all(is_empty(value) for value in record)
        ]
    return Table(headers=headers, rows=rows, **meta)


def preview(table: Table, rows: int = PREVIEW_ROWS) -> list[tuple[int, list[str]]]:
    """The first rows as (row number, text of each cell under a header), for a mapping page;
    a date and time cell (XLSX) the Swedish way ("22 aug 2026 21:30"), not as ISO text."""
    width = len(table.headers)
    return [
        (number, [_shown(value) for value in (record + [None] * width)[:width]])
        for number, record in islice(table.rows, rows)
    ]


def _shown(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return swedish_time(value) if (value.hour, value.minute) != (0, 0) else swedish_date(value)
    return text_of(value)
